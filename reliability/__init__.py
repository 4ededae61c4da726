"""Run-time guards around Rasa and the action server: timeouts, polite failures, input checks, auth."""
