"""Conversations written straight into a tracker store as Rasa writes them, the retention purge run as
operators run it, and what a tracker database still holds of one buyer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from advisor.paths import PROJECT_DIR

DOMAIN = Domain.load(str(PROJECT_DIR / "domain.yml"))


def run(coroutine):
    return asyncio.run(coroutine)


def user_turn(text: str, intent: str, timestamp: float) -> list:
    return [
        UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=timestamp),
        ActionExecuted("action_answer_question", timestamp=timestamp + 0.1),
        BotUttered(f"answer to {text}", timestamp=timestamp + 0.2),
        ActionExecuted("action_listen", timestamp=timestamp + 0.3),
    ]


def say(store, sender: str, text: str, timestamp: float) -> DialogueStateTracker:
    """One message as Rasa handles it: retrieve (or create), append the turn's events, save."""
    tracker = run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in user_turn(text, "ask_factor", timestamp):
        tracker.update(event)
    run(store.save(tracker))
    return tracker


def purge(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "operations.purge_trackers", *args],
        env=dict(os.environ, TRACKER_DB_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


DESIGN_ANSWER = "we have our own design"


def stored_rows(url: str, sender: str) -> dict[str, int]:
    """What the database still holds of `sender`'s conversation: user events, any row mentioning
    its design answer, and its decision records and charts (when those tables exist)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = {
                "user events": connection.execute(
                    sa.text("SELECT count(*) FROM events WHERE sender_id = :sender AND type_name = 'user'"),
                    {"sender": sender},
                ).scalar(),
                "mentioning the design": connection.execute(
                    sa.text("SELECT count(*) FROM events WHERE sender_id = :sender AND data LIKE :text"),
                    {"sender": sender, "text": f"%{DESIGN_ANSWER}%"},
                ).scalar(),
            }
            for table in ("advisor_records", "advisor_charts"):
                if sa.inspect(connection).has_table(table):
                    found[table] = connection.execute(
                        sa.text(f"SELECT count(*) FROM {table} WHERE sender_id = :sender"), {"sender": sender}
                    ).scalar()
    finally:
        engine.dispose()
    return found
