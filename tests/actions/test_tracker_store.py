"""The remembering SQL tracker store against a real SQLite file: it stores what Rasa's own SQL store
stores, reads back what Rasa's store reads, and never answers from memory when the database has
something newer (another Rasa instance, or Rasa's own store, wrote to the conversation)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_runtime.tracker_store import RememberingSQLTrackerStore
from tests.support.trackers import DOMAIN, purge, run, say


@pytest.fixture()
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'trackers.db'}"


def event_dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


def test_reads_and_writes_exactly_what_rasas_sql_store_does(database_url):
    ours, rasas = RememberingSQLTrackerStore(DOMAIN, host=database_url), SQLTrackerStore(DOMAIN, host=database_url)
    for turn in range(4):
        tracker = say(ours, "buyer", f"question {turn}", 1000 + turn)
    assert event_dicts(run(rasas.retrieve("buyer"))) == event_dicts(tracker)
    assert event_dicts(run(ours.retrieve("buyer"))) == event_dicts(tracker)
    assert run(ours.retrieve("nobody")) is None


def test_sees_what_another_writer_appended(database_url):
    ours, other = RememberingSQLTrackerStore(DOMAIN, host=database_url), SQLTrackerStore(DOMAIN, host=database_url)
    say(ours, "buyer", "first", 1000)
    say(ours, "buyer", "second", 1001)  # now remembered
    written_elsewhere = say(other, "buyer", "third", 1002)
    assert event_dicts(run(ours.retrieve("buyer"))) == event_dicts(written_elsewhere)
    after = say(ours, "buyer", "fourth", 1003)
    assert event_dicts(run(other.retrieve("buyer"))) == event_dicts(after)
    assert len(after.events) == 16  # every event stored once


def test_saving_twice_stores_nothing_twice(database_url, tmp_path):
    ours = RememberingSQLTrackerStore(DOMAIN, host=database_url)
    tracker = say(ours, "buyer", "first", 1000)
    tracker = say(ours, "buyer", "second", 1001)
    tracker.update(SlotSet("quantity", 500, timestamp=1002))
    run(ours.save(tracker))
    run(ours.save(tracker))
    with sqlite3.connect(tmp_path / "trackers.db") as connection:
        assert connection.execute("SELECT count(*) FROM events WHERE sender_id = 'buyer'").fetchone()[0] == 9


def test_a_new_session_is_read_back_like_rasa_reads_it(database_url):
    ours, rasas = RememberingSQLTrackerStore(DOMAIN, host=database_url), SQLTrackerStore(DOMAIN, host=database_url)
    say(ours, "buyer", "first", 1000)
    tracker = say(ours, "buyer", "second", 1001)
    for event in [ActionExecuted("action_session_start", timestamp=5000), SessionStarted(timestamp=5000)]:
        tracker.update(event)
    run(ours.save(tracker))
    latest_session = event_dicts(run(rasas.retrieve("buyer")))
    assert [event["event"] for event in latest_session[:2]] == ["action", "session_started"]
    assert event_dicts(run(ours.retrieve("buyer"))) == latest_session
    after = say(ours, "buyer", "third", 5001)
    assert event_dicts(run(rasas.retrieve("buyer"))) == event_dicts(after)


def test_sqlite_file_uses_write_ahead_logging(database_url, tmp_path):
    say(RememberingSQLTrackerStore(DOMAIN, host=database_url), "buyer", "first", 1000)
    with sqlite3.connect(tmp_path / "trackers.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_purge_deletes_only_idle_conversations_even_ones_a_running_store_remembers(database_url):
    store, now, day = RememberingSQLTrackerStore(DOMAIN, host=database_url), time.time(), 86400
    say(store, "idle", "first", now - 40 * day)
    say(store, "idle", "second", now - 39 * day)  # remembered by the running store from here on
    active = say(store, "active", "first", now - 45 * day)
    active = say(store, "active", "second", now - 60)
    result = purge(database_url, "--days", "30")
    assert result.returncode == 0 and "Deleted 1 conversation(s)" in result.stdout, result.stderr
    assert run(store.retrieve("idle")) is None
    assert event_dicts(run(store.retrieve("active"))) == event_dicts(active)


def test_purge_refuses_a_retention_of_zero_days(database_url):
    assert purge(database_url, "--days", "0").returncode == 2
