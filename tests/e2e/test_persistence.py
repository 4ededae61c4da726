"""Persistence: conversations in the middle of the questionnaire survive SIGKILL of every process
and a fresh start on the same SQL tracker store; a buyer returning within the session's expiry
continues where they were, one returning later starts a new session that keeps their profile."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
import yaml

from advisor.paths import PROJECT_DIR
from launcher.processes import descendants
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.dialogue import ODM_BUYER, OPENING, answer_questionnaire, asked_slot, kill_hard

pytestmark = pytest.mark.server

SESSION = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())["session_config"]


def test_session_config_keeps_a_returning_buyers_profile():
    assert 24 * 60 <= SESSION["session_expiration_time"] <= 30 * 24 * 60  # a day to a month, in minutes
    assert SESSION["carry_over_slots_to_new_session"] is True


def start_questionnaire(assistant, sender: str) -> tuple[str, list[str]]:
    """Answers three questions; returns the pending question and the slots answered."""
    reply, answered = assistant.say(sender, OPENING), []
    for _ in range(3):
        answered.append(asked_slot(reply))
        reply = assistant.say(sender, ODM_BUYER[answered[-1]])
    return reply, answered


def move_into_the_past(tracker_db, sender: str, minutes: float) -> None:
    """Shifts a conversation's event times back, as if the buyer had left `minutes` ago."""
    seconds = minutes * 60
    with sqlite3.connect(tracker_db) as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) WHERE sender_id = ?",
            (seconds, seconds, sender),
        )


def continue_questionnaire(assistant, sender: str, reply: str, answered: list[str]) -> str:
    """Answers the rest; no question answered before the crash may come again."""

    def say(message: str) -> str:
        answer = assistant.say(sender, message)
        assert asked_slot(answer) not in answered, f"asked again after the restart: {answer!r}"
        return answer

    assert asked_slot(reply) not in answered
    return answer_questionnaire(say, ODM_BUYER, reply)


def test_questionnaire_survives_sigkill_of_every_process(tmp_path):
    returning, away = "returning-" + uuid.uuid4().hex, "away-" + uuid.uuid4().hex
    first = start_assistant(tmp_path)
    try:
        pending, answered = start_questionnaire(first, returning)
        _, away_answered = start_questionnaire(first, away)
        before = first.tracker(returning)
    finally:
        kill_hard([first.process.pid] + descendants(first.process.pid))
        first.process.wait()
    move_into_the_past(tmp_path / "trackers.db", returning, SESSION["session_expiration_time"] / 2)
    move_into_the_past(tmp_path / "trackers.db", away, SESSION["session_expiration_time"] + 24 * 60)

    second = start_assistant(tmp_path)
    try:
        after = second.tracker(returning)
        assert [e["event"] for e in after["events"]] == [e["event"] for e in before["events"]]
        assert after["slots"] == before["slots"] and after["active_loop"] == before["active_loop"]
        assert after["active_loop"]["name"] == "buyer_profile_form"
        assert after["slots"]["requested_slot"] == asked_slot(pending)
        recommendation = continue_questionnaire(second, returning, pending, answered)
        assert recommendation.startswith("I recommend **ODM**")
        assert second.slot(returning, "recommendation") == "ODM"
        assert sum(e["event"] == "session_started" for e in second.tracker(returning)["events"]) == 1

        reply = second.say(away, OPENING)  # back after the session expired: a new session, same profile
        tracker = second.tracker(away)
        assert sum(e["event"] == "session_started" for e in tracker["events"]) == 2
        assert all(tracker["slots"][slot] is not None for slot in away_answered)
        recommendation = continue_questionnaire(second, away, reply, away_answered)
        assert recommendation.startswith("I recommend **ODM**")
    finally:
        stop_assistant(second)
