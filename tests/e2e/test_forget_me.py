"""A buyer's "delete my data" on the real servers with a SQLite tracker store: confirmation first, then no event
of the buyer is left (Rasa's tracker API and the database), nor their decision records and charts;
"no" keeps everything; the web page's "Delete my data" menu item does it too; an operator's
`make purge-trackers SENDER=...` does the same. The PostgreSQL cluster's case is in test_cluster.py."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from advisor.paths import PROJECT_DIR
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.browser import ARTIFACTS, ask, open_chat, replies, session_id
from tests.support.dialogue import ODM_BUYER, OPENING, answer_questionnaire
from tests.support.trackers import DESIGN_ANSWER, stored_rows

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def forgetful(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forget")
    running = start_assistant(folder)
    running.tracker_db_url = f"sqlite:///{folder / 'trackers.db'}"
    yield running
    stop_assistant(running)


def user_texts(assistant, sender: str) -> list[str]:
    return [event["text"] for event in assistant.tracker(sender)["events"] if event["event"] == "user"]


def recommended_buyer(assistant) -> str:
    """A buyer who went through the questionnaire, got a recommendation and a decision record."""
    sender = "forget-" + uuid.uuid4().hex
    recommendation = answer_questionnaire(
        lambda message: assistant.say(sender, message), ODM_BUYER, assistant.say(sender, OPENING)
    )
    assert "ODM" in recommendation
    assistant.say(sender, DESIGN_ANSWER)
    assistant.say(sender, "summary")
    return sender


def test_delete_my_data_asks_first_then_leaves_nothing_of_the_buyer(forgetful):
    sender = recommended_buyer(forgetful)
    before = stored_rows(forgetful.tracker_db_url, sender)
    assert before["user events"] > 5 and before["mentioning the design"] > 0
    assert before.get("advisor_records", 1) > 0

    status, replies = forgetful.send(sender, "delete my data")
    assert status == 200 and "delete this conversation" in replies[0]["text"]
    assert [button["payload"] for button in replies[0]["buttons"]] == ["/affirm", "/deny"]
    assert forgetful.say(sender, "yes").startswith("Done: I've deleted this conversation")

    assert user_texts(forgetful, sender) == []
    assert all(count == 0 for count in stored_rows(forgetful.tracker_db_url, sender).values())
    # Writing again starts afresh: nothing of the old profile comes back.
    forgetful.say(sender, "What's the MOQ for ODM?")
    assert user_texts(forgetful, sender) == ["What's the MOQ for ODM?"]
    assert forgetful.slot(sender, "recommendation") is None


def test_no_keeps_everything(forgetful):
    sender = "keep-" + uuid.uuid4().hex
    forgetful.say(sender, "What's the MOQ for ODM?")
    assert "delete this conversation" in forgetful.say(sender, "forget me")
    assert forgetful.say(sender, "/deny").startswith("Okay, I've kept everything")
    assert user_texts(forgetful, sender) == ["What's the MOQ for ODM?", "forget me", "/deny"]


def test_forget_me_in_the_middle_of_the_questionnaire(forgetful):
    sender = "midway-" + uuid.uuid4().hex
    forgetful.say(sender, OPENING)
    forgetful.say(sender, DESIGN_ANSWER)
    assert "delete this conversation" in forgetful.say(sender, "erase everything you know about me")
    assert forgetful.say(sender, "yes please").startswith("Done: I've deleted this conversation")
    assert user_texts(forgetful, sender) == []
    assert stored_rows(forgetful.tracker_db_url, sender)["user events"] == 0


def test_an_operator_erases_one_conversation(forgetful):
    sender, other = recommended_buyer(forgetful), "other-" + uuid.uuid4().hex
    forgetful.say(other, "What's the MOQ for ODM?")
    env = dict(os.environ, TRACKER_DB_URL=forgetful.tracker_db_url)
    result = subprocess.run(
        [sys.executable, "-m", "operations.purge_trackers", "--sender", sender],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"Deleted conversation {sender!r}" in result.stdout
    assert all(count == 0 for count in stored_rows(forgetful.tracker_db_url, sender).values())
    assert user_texts(forgetful, sender) == []
    assert user_texts(forgetful, other) == ["What's the MOQ for ODM?"]


def test_the_web_pages_delete_my_data_menu_item(page, forgetful):
    open_chat(page, forgetful)
    ask(page, "What's the MOQ for ODM?")
    expect(replies(page).nth(1)).to_contain_text("Typically lower (50-500 units)")
    page.get_by_role("button", name="Delete my data").click()
    expect(page.locator(".rw-client").last).to_have_text("Delete my data")
    expect(replies(page).nth(2)).to_contain_text("delete this conversation")
    page.locator(".rw-reply", has_text="Yes, delete my data").click()
    expect(replies(page).nth(3)).to_contain_text("Done: I've deleted this conversation")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-delete-my-data.png"))
    assert user_texts(forgetful, session_id(page)) == []
