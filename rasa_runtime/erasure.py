"""Erasing conversations from the tracker store's database: a buyer's "forget me" (actions/erase.py and
the Rasa hook in rasa_runtime/hooks.py), an operator's `make purge-trackers SENDER=...`, and the
retention purge (operations/purge_trackers.py).

Besides Rasa's `events` table, whatever else is kept about a conversation in that database is
deleted by the functions named in CONVERSATION_DATA_ERASERS, in the same transaction. Each is
"module:function" taking (connection, senders), `senders` a list or a SELECT of sender ids; add
yours there when you store something per conversation.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

import sqlalchemy as sa

from rasa_runtime.settings import tracker_db_url

FORGET_ACTION = "action_forget_me"  # the buyer's "forget me" (actions/erase.py)
CONVERSATION_DATA_ERASERS = (
    "actions.records:delete_for_senders",  # charts and decision records
)


def extra_erasers() -> list[Callable]:
    found = []
    for name in CONVERSATION_DATA_ERASERS:
        module, function = name.split(":")
        found.append(getattr(importlib.import_module(module), function))
    return found


def delete_conversations(connection: sa.engine.Connection, senders) -> int:
    """Deletes the events and every other kept row of the conversations `senders` (a list or a
    SELECT of sender ids); returns how many events were deleted."""
    for erase in extra_erasers():
        erase(connection, senders)
    if not sa.inspect(connection).has_table("events"):
        return 0
    events = sa.Table("events", sa.MetaData(), autoload_with=connection)
    return connection.execute(sa.delete(events).where(events.c.sender_id.in_(senders))).rowcount


def erase_conversation(sender_id: str, url: str | None = None) -> int:
    """Deletes everything the tracker store's database (TRACKER_DB_URL, or `url`) keeps about one
    conversation, in one transaction; returns how many events were deleted."""
    engine = sa.create_engine(url or tracker_db_url(os.environ), future=True)
    try:
        with engine.begin() as connection:
            return delete_conversations(connection, [sender_id])
    finally:
        engine.dispose()
