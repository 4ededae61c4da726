"""The cluster profile: several Rasa instances on PostgreSQL + Redis behind nginx (see profile.py)."""
