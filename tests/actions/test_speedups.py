"""The Rasa server's speed-ups change no answer: event classes and action-response checks come out as
Rasa's own code decides them."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from rasa_runtime import speedups

RASAS_RESOLVE_BY_TYPE = Event.resolve_by_type


@pytest.fixture()
def installed():
    originals = Event.__dict__["resolve_by_type"], RemoteAction._validate_action_result
    speedups.install()
    yield
    Event.resolve_by_type, RemoteAction._validate_action_result = originals


def test_event_classes_are_the_ones_rasa_finds(installed):
    for event_class in all_subclasses(Event):
        assert Event.resolve_by_type(event_class.type_name) is RASAS_RESOLVE_BY_TYPE(event_class.type_name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=Event) is Event


def test_action_responses_are_checked_against_rasas_schema(installed):
    action = RemoteAction("action_answer_factor", EndpointConfig("http://127.0.0.1:9/webhook"))
    assert action._validate_action_result(
        {
            "events": [{"event": "slot", "name": "budget", "value": "low"}],
            "responses": [{"text": "MOQ for ODM: 100-500 units"}],
        }
    )
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list", "responses": []})
