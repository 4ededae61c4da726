"""Charts and decision records stored in the tracker database (real SQLite), in process: unguessable
tokens, links, and deletion with their conversation. tests/e2e/test_records.py serves and prints them."""

from __future__ import annotations

import re
import time

import sqlalchemy as sa

from actions import records
from rasa_runtime.tracker_store import RememberingSQLTrackerStore
from tests.support.trackers import DOMAIN, purge, say


def count(table: sa.Table, sender_id: str) -> int:
    with records.engine().connect() as connection:
        return connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.sender_id == sender_id)
        ).scalar()


def test_a_conversations_identical_charts_share_one_unguessable_token():
    first = records.save_chart("buyer-a", "quote", b"png one")
    assert records.save_chart("buyer-a", "quote", b"png one") == first
    assert records.save_chart("buyer-b", "quote", b"png one") != first  # never shared across conversations
    assert records.save_chart("buyer-a", "quote", b"png two") != first
    assert len(first) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", first)
    assert records.load_chart(first).png == b"png one"
    assert records.load_chart("x" * 32) is None


def test_links_are_relative_unless_a_public_base_url_is_set(monkeypatch):
    assert re.fullmatch(r"/records/[A-Za-z0-9_-]{32}", records.store_record("buyer", "# record"))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://advisor.example.com/")
    assert records.store_chart("buyer", "launch", b"png").startswith("https://advisor.example.com/charts/")


def test_erasing_a_conversation_deletes_only_its_charts_and_records():
    for sender in ("leaving", "staying"):
        records.save_chart(sender, "quote", sender.encode())
        records.store_record(sender, "# record")
    with records.engine().begin() as connection:
        records.delete_for_senders(connection, ["leaving"])
    assert count(records.charts, "leaving") == count(records.records, "leaving") == 0
    assert count(records.charts, "staying") == count(records.records, "staying") == 1


def test_the_retention_purge_deletes_charts_and_records_with_their_conversation(tracker_db_url):
    store, now, day = RememberingSQLTrackerStore(DOMAIN, host=tracker_db_url), time.time(), 86400
    say(store, "idle", "first", now - 40 * day)
    say(store, "active", "first", now - 60)
    for sender in ("idle", "active"):
        records.save_chart(sender, "quote", sender.encode())
        records.store_record(sender, "# record")
    result = purge(tracker_db_url, "--days", "30")
    assert result.returncode == 0 and "Deleted 1 conversation(s)" in result.stdout, result.stderr
    assert count(records.charts, "idle") == count(records.records, "idle") == 0
    assert count(records.charts, "active") == count(records.records, "active") == 1
