"""Everything that touches Rasa's internals, in one room (README, "Rasa's internals"): the tracker and
lock stores named in endpoints.yml, the hooks and speed-ups installed by `rasa_server`, the two server
entry points, and the settings, rate limits and erasure they need. Input channels are in channels/.
"""
