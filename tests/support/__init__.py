"""Helpers shared by the tests (imported as `tests.support.<module>`; fixtures live in the conftest.py files).

`project` and `dialogue` import no Rasa and serve every layer; `trackers` loads Rasa's domain; `assistant`,
`browser` and `slack` drive the real servers of tests/e2e/."""
