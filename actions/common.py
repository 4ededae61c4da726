"""What every action reads off the tracker (the message, the models and row it names, the buyer's
profile) and the base class of actions that answer from the knowledge store."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from advisor.decision import BuyerProfile
from advisor.knowledge.store import Snapshot, default_store
from advisor.replies import answers, phrases
from advisor.understanding.buyer_text import split_statement, stated_facts
from advisor.vocabulary import PROFILE_SLOTS

logger = logging.getLogger(__name__)

ACTION_LISTEN = "action_listen"
QUESTIONNAIRE = "buyer_profile_form"


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def named_models(tracker: Tracker) -> list[str]:
    """OEM/ODM named in the message (typo-tolerant) or in the extracted entities, else described
    ('a toy the factory already sells' -> ODM)."""
    found = answers.models_in(latest_text(tracker))
    for value in entity_values(tracker, "service_model"):
        found += [m for m in answers.models_in(value) if m not in found]
    return found or answers.models_described(latest_text(tracker))


def question_text(tracker: Tracker) -> str:
    """What the message asks: beside a stated fact or a described model only the question ("Budget's
    tight. How long does OEM take?" asks the time, not the cost; "the model where we control every
    aspect of the design - what's the MOQ?" asks the MOQ), else the whole message."""
    text = latest_text(tracker)
    statement, question = split_statement(text)
    if statement and question and (stated_facts(text) or answers.models_described(statement)):
        return question
    return text


def asked_factor(tracker: Tracker, snapshot: Snapshot) -> str | None:
    """The table row the message asks about: the question's own row (see `question_text`), else the
    extracted entity, else the strongest word match."""
    question = question_text(tracker)
    if question != latest_text(tracker):
        row = answers.best_factor(question, snapshot)
        # "one suits start-ups and the other established brands. Which is which?": the Best For row
        both_audiences = row is None and answers.names_both_audiences(latest_text(tracker), snapshot)
        return "best_for" if both_audiences else row
    return answers.best_factor(question, snapshot, entity_values(tracker, "factor"))


def buyer_profile(tracker: Tracker) -> BuyerProfile:
    return BuyerProfile(**{slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS})


def source_note(snapshot: Snapshot) -> str:
    return f"(source: {snapshot.table_title}, {snapshot.path}, doc v{snapshot.version})"


class StoreAction(Action, ABC):
    """An action that answers from the knowledge store; a store failure gets a polite reply."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        snapshot = readable_snapshot(self.name())
        if snapshot is None:
            dispatcher.utter_message(text=phrases.STORE_UNAVAILABLE)
            return []
        return self.respond(dispatcher, tracker, snapshot)

    @abstractmethod
    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
        """Reply from the snapshot; return the events to apply."""


def readable_snapshot(action_name: str) -> Snapshot | None:
    """The knowledge store's snapshot, or None (logged for the action) when it cannot be read."""
    try:
        return default_store().snapshot()
    except (SQLAlchemyError, LookupError, OSError) as err:
        logger.error("knowledge store unavailable for %s: %s", action_name, err)
        return None


def may_start_questionnaire(tracker: Tracker) -> bool:
    """No recommendation made yet and the questionnaire not already running."""
    return not tracker.get_slot("recommendation") and tracker.active_loop.get("name") != QUESTIONNAIRE
