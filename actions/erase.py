"""A buyer's "forget me": after they confirm, delete their conversation from the tracker store's database.

The action deletes what is stored (reliability/erasure.py: events, charts, decision records) and says
so; on success it returns AllSlotsReset, which tells the Rasa server not to store this last turn and to
delete the conversation once more as it finishes the turn (reliability/rasa_hooks.py), so nothing of it
is left, whichever Rasa instance handled it.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action
from rasa_sdk.events import AllSlotsReset
from sqlalchemy.exc import SQLAlchemyError

from rasa_runtime.erasure import FORGET_ACTION, erase_conversation

logger = logging.getLogger(__name__)

ERASED = (
    "Done: I've deleted this conversation, with your answers, my recommendation, your decision records "
    "and charts. If you write again, we start afresh."
)
NOT_ERASED = "Sorry, I couldn't delete your data just now. Please try again in a moment."


class ActionForgetMe(Action):
    def name(self) -> str:
        return FORGET_ACTION

    def run(self, dispatcher, tracker, domain) -> list:
        try:
            erase_conversation(tracker.sender_id)
        except SQLAlchemyError as err:
            logger.error(
                "Could not erase conversation %s (%s); the buyer was asked to try again.", tracker.sender_id, err
            )
            dispatcher.utter_message(text=NOT_ERASED)
            return []
        dispatcher.utter_message(text=ERASED)
        return [AllSlotsReset()]
