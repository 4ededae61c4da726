"""Running the assistant on this machine: the launcher (`python -m launcher.serve`, make run), the
Makefile's quiet set-up steps (`python -m launcher.step`), and the local processes they manage.
Standard library only at import: `launcher.step` runs before the virtual environment exists."""
