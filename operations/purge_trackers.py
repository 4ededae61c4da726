"""Delete conversations from the tracker store: those nobody has written to for a while (data
retention), or one buyer's on request (--sender).

A conversation counts as idle when its newest event is older than --days (default
TRACKER_RETENTION_DAYS from the environment or `.env`, else 90). Its events, charts and decision
records (everything rasa_runtime/erasure.py knows of) are deleted in one transaction; a buyer who comes
back later starts afresh. Safe while the assistant runs, on every instance of a cluster: the tracker
store checks the database before it trusts what it remembers. Used by `make purge-trackers`
(`make purge-trackers SENDER=<sender id>` for one conversation).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import sqlalchemy as sa
from dotenv import load_dotenv

from advisor.paths import PROJECT_DIR
from rasa_runtime.erasure import delete_conversations, erase_conversation
from rasa_runtime.settings import tracker_db_url

DEFAULT_RETENTION_DAYS = 90


def purge_idle_conversations(url: str, days: float) -> int:
    """Deletes every conversation whose newest event is older than `days`; returns how many."""
    engine = sa.create_engine(url, future=True)
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    cutoff = time.time() - days * 86400
    idle = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
    try:
        with engine.begin() as connection:
            senders = connection.execute(idle).scalars().all()
            delete_conversations(connection, idle)
    finally:
        engine.dispose()
    return len(senders)


def main(argv: list[str] | None = None) -> int:
    load_dotenv(PROJECT_DIR / ".env", override=False)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=float, default=float(os.environ.get("TRACKER_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    )
    parser.add_argument("--sender", help="delete this one conversation (a buyer's request to be forgotten)")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days must be more than 0")
    url = tracker_db_url(os.environ)
    try:
        if args.sender:
            deleted = erase_conversation(args.sender, url)
            print(f"Deleted conversation {args.sender!r}: {deleted} event(s), with its charts and decision records.")
            return 0
        purged = purge_idle_conversations(url, args.days)
    except sa.exc.NoSuchTableError:
        print("The tracker store has no conversations yet.")
        return 0
    except sa.exc.SQLAlchemyError as err:
        print(f"Cannot purge the tracker store ({err}): check TRACKER_DB_URL.", file=sys.stderr)
        return 1
    print(f"Deleted {purged} conversation(s) idle for more than {args.days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
