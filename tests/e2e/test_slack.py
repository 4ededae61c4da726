"""The Slack channel end to end: requests signed as Slack signs them, posted to the running server's
/webhooks/slack/webhook, with a fake Slack Web API on loopback recording what the assistant posts.

"Exactly once" is checked without waiting for time to pass: after the event under test, the same user
sends another message. Rasa handles one conversation's messages in the order they arrive, so once the
reply to that later message is in, any reply to the earlier event (or to a duplicate of it) is too.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests
from slack_sdk.web.async_client import AsyncWebClient

from channels.slack import SharedRecentDeliveries, SlackReplies
from launcher.processes import free_port
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.dialogue import OEM_BUYER, OPENING, answer_questionnaire
from tests.support.slack import (
    BOT_TOKEN,
    BOT_USER,
    PUBLIC_BASE_URL,
    RETRY_REASONS,
    SIGNING_SECRET,
    WAIT_SECONDS,
    direct_message,
    event_callback,
    new_id,
    send_event,
    signed_post,
)

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def slack_assistant(tmp_path_factory, fake_slack):
    """The real servers with Slack on, talking to the fake Web API, charts linked at PUBLIC_BASE_URL."""
    running = start_assistant(
        tmp_path_factory.mktemp("slack"),
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_BASE_URL": fake_slack.url,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        },
    )
    yield running
    stop_assistant(running)


def answered_once_then(assistant, fake_slack, channel: str, user: str) -> list[dict]:
    """Ask a later question in the same DM; the posts to the channel once its answer is in."""
    before = len(fake_slack.calls_to("chat.postMessage", channel))
    send_event(assistant, direct_message(channel, user, "How long does OEM take?"))
    posts = fake_slack.wait_for("chat.postMessage", channel, before + 1)
    assert "3-6 months" in posts[-1]["text"]
    return posts


def test_without_both_secrets_slack_is_off_and_the_other_channels_run(tmp_path):
    off = start_assistant(tmp_path, {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": ""})
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while "Slack:" not in off.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Slack: off" in off.log.read_text()
        assert "50-500 units" in off.say("slack-off", "What's the MOQ for ODM?")
        assert requests.get(f"{off.url}/chat/", timeout=30).status_code == 200
        assert requests.post(f"{off.url}/webhooks/slack/webhook", timeout=30).status_code == 404
    finally:
        stop_assistant(off)


def test_url_verification_echoes_the_challenge(slack_assistant):
    reply = signed_post(
        slack_assistant,
        json.dumps(
            {
                "token": "unused",
                "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                "type": "url_verification",
            }
        ).encode(),
        "application/json",
    )
    assert reply.status_code == 200
    assert reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_direct_message_is_answered_once_with_the_right_figures_in_slack_markdown(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")
    reply = send_event(slack_assistant, direct_message(channel, user, "What's the MOQ for ODM?"))
    assert reply.status_code == 200
    answer = fake_slack.wait_for("chat.postMessage", channel, 1)[0]
    assert "*ODM:* Typically lower (50-500 units)" in answer["text"]
    assert answer["text"].startswith("*Minimum Order Quantity (MOQ)*") and "**" not in answer["text"]
    assert "thread_ts" not in answer  # a DM is answered in the conversation itself
    posts = answered_once_then(slack_assistant, fake_slack, channel, user)
    assert len(posts) == 2


def test_channel_mention_is_answered_in_its_thread(slack_assistant, fake_slack):
    channel, user = new_id("C"), new_id("U")
    ts = f"{time.time():.6f}"
    send_event(
        slack_assistant,
        {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "ts": ts,
            "event_ts": ts,
            "text": f"<@{BOT_USER}> how long does OEM take?",
        },
    )
    answer = fake_slack.wait_for("chat.postMessage", channel, 1)[0]
    assert answer["thread_ts"] == ts
    assert "*OEM:* Longer (3-6 months for prototyping + production)" in answer["text"]

    later = f"{time.time():.6f}"
    send_event(
        slack_assistant,
        {
            "type": "app_mention",
            "channel": channel,
            "user": user,
            "ts": later,
            "thread_ts": ts,
            "event_ts": later,
            "text": f"<@{BOT_USER}> moq for odm?",
        },
    )
    assert fake_slack.wait_for("chat.postMessage", channel, 2)[1]["thread_ts"] == ts


def test_quick_replies_are_buttons_and_a_click_answers_and_shows_the_choice(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")
    send_event(slack_assistant, direct_message(channel, user, "help me choose"))
    question = fake_slack.wait_for("chat.postMessage", channel, 1)[0]
    section, actions = question["blocks"]
    assert section["text"] == {"type": "mrkdwn", "text": "How many units do you plan to order in your first batch?"}
    buttons = {button["text"]["text"]: button for button in actions["elements"]}
    assert buttons["500 to 5,000"]["value"] == "about 2000 units"

    message = {"type": "message", "ts": "1700000000.000100", "text": question["text"], "blocks": question["blocks"]}
    click = {
        "type": "block_actions",
        "trigger_id": new_id("trigger."),
        "user": {"id": user},
        "channel": {"id": channel, "name": "directmessage"},
        "message": message,
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "actions": [{**buttons["500 to 5,000"], "block_id": "b1", "action_ts": f"{time.time():.6f}"}],
    }
    reply = signed_post(
        slack_assistant, urlencode({"payload": json.dumps(click)}).encode(), "application/x-www-form-urlencoded"
    )
    assert reply.status_code == 200
    next_question = fake_slack.wait_for("chat.postMessage", channel, 2)[1]
    assert "When do you need the toys ready" in next_question["text"]
    update = fake_slack.wait_for("chat.update", channel, 1)[0]
    assert update["ts"] == message["ts"]
    assert [block["type"] for block in update["blocks"]] == ["section", "context"]
    assert "500 to 5,000" in update["blocks"][1]["elements"][0]["text"]


@pytest.mark.parametrize("forgery", ["bad signature", "stale timestamp", "no signature"])
def test_unsigned_forged_or_stale_requests_are_rejected_before_anything_runs(slack_assistant, fake_slack, forgery):
    channel, user = new_id("D"), new_id("U")
    body = event_callback(direct_message(channel, user, "What's the MOQ for ODM?"))
    if forgery == "bad signature":
        reply = signed_post(slack_assistant, body, "application/json", secret="not-the-signing-secret")
    elif forgery == "stale timestamp":
        reply = signed_post(slack_assistant, body, "application/json", timestamp=int(time.time()) - 10 * 60)
    else:
        reply = requests.post(
            f"{slack_assistant.url}/webhooks/slack/webhook",
            data=body,
            timeout=30,
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 401
    assert len(answered_once_then(slack_assistant, fake_slack, channel, user)) == 1


def test_retries_of_an_event_never_produce_a_second_reply(slack_assistant, fake_slack):
    channel, user, event_id = new_id("D"), new_id("U"), new_id("Ev")
    event = direct_message(channel, user, "What's the MOQ for ODM?")
    assert send_event(slack_assistant, event, event_id).status_code == 200
    for number, reason in enumerate(RETRY_REASONS, start=1):
        retry = send_event(
            slack_assistant, event, event_id, headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason}
        )
        assert retry.status_code == 200 and retry.headers.get("X-Slack-No-Retry") == "1"
    posts = answered_once_then(slack_assistant, fake_slack, channel, user)
    assert len(posts) == 2 and "50-500 units" in posts[0]["text"]


def test_a_retry_whose_first_delivery_never_arrived_is_answered(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")
    send_event(
        slack_assistant,
        direct_message(channel, user, "What's the MOQ for ODM?"),
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert "50-500 units" in fake_slack.wait_for("chat.postMessage", channel, 1)[0]["text"]


def test_messages_from_bots_and_from_the_app_itself_are_ignored(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")
    from_itself = direct_message(channel, BOT_USER, "*Minimum Order Quantity (MOQ)*", bot_id="BADVISOR")
    from_a_bot = direct_message(
        channel, new_id("U"), "What's the MOQ for ODM?", bot_id=new_id("B"), subtype="bot_message"
    )
    for event in (from_itself, from_a_bot):
        assert send_event(slack_assistant, event).status_code == 200
    assert len(answered_once_then(slack_assistant, fake_slack, channel, user)) == 1


def test_rasa_instances_sharing_redis_answer_each_delivery_once(redis_port):
    """In a cluster (REDIS_URL set) a retry or a second subscription may reach the other instance."""
    url = f"redis://127.0.0.1:{redis_port}/2"
    first_instance, second_instance = SharedRecentDeliveries(url), SharedRecentDeliveries(url)
    event_id, message = "Ev" + uuid.uuid4().hex, f"C1/{time.time():.6f}"
    assert first_instance.first_time(event_id, message)
    assert not second_instance.first_time(event_id, message)  # Slack's retry
    assert not second_instance.first_time("Ev" + uuid.uuid4().hex, message)  # same message, second subscription
    assert second_instance.first_time("Ev" + uuid.uuid4().hex, f"C1/{time.time() + 1:.6f}")


def test_unreachable_redis_still_answers_and_says_why(caplog):
    deliveries = SharedRecentDeliveries(f"redis://127.0.0.1:{free_port()}/0")
    assert deliveries.first_time("Ev1") and deliveries.first_time("Ev1")
    assert "cannot be reached" in caplog.text


def test_a_quote_comparison_is_one_post_with_its_chart_as_an_image_block(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")
    send_event(slack_assistant, direct_message(channel, user, "OEM: $8,000 + $2.10/unit, ODM: $500 + $3.40/unit"))
    post = fake_slack.wait_for("chat.postMessage", channel, 1)[0]
    section, image = post["blocks"]
    assert "Break-even: above about 5,769 units" in section["text"]["text"] == post["text"]
    assert image["type"] == "image" and image["image_url"].startswith(PUBLIC_BASE_URL + "/charts/")
    served = requests.get(image["image_url"].replace(PUBLIC_BASE_URL, slack_assistant.url), timeout=30)
    assert served.headers["Content-Type"] == "image/png"
    assert len(answered_once_then(slack_assistant, fake_slack, channel, user)) == 2


def test_recommendation_summary_and_full_comparison_each_arrive_as_one_post(slack_assistant, fake_slack):
    channel, user = new_id("D"), new_id("U")

    def say(text: str) -> str:
        """The turn's last post: a launch answer gets its check as a post before the next question."""
        expected = len(fake_slack.calls_to("chat.postMessage", channel)) + 1
        send_event(slack_assistant, direct_message(channel, user, text))
        last = fake_slack.wait_for("chat.postMessage", channel, expected)[-1]["text"]
        if '"Development Time" row' in last and "?" not in last:  # the launch check: the question follows
            last = fake_slack.wait_for("chat.postMessage", channel, expected + 1)[-1]["text"]
        return last

    recommendation = answer_questionnaire(say, OEM_BUYER, say(OPENING))
    assert recommendation.startswith("I recommend *OEM*") and "Was this helpful?" in recommendation
    summary = say("summary")
    assert summary.startswith("*OEM/ODM decision record*") and "*Source*" in summary
    assert f"<{PUBLIC_BASE_URL}/records/" in summary
    comparison = say("show me the full comparison")
    assert "Design Ownership" in comparison and "Risk Level" in comparison
    before = len(fake_slack.calls_to("chat.postMessage", channel))
    assert len(answered_once_then(slack_assistant, fake_slack, channel, user)) == before + 1


async def test_without_a_public_address_a_chart_reply_is_its_text_alone(fake_slack):
    """Slack fetches images itself: a chart at a server-relative URL (no PUBLIC_BASE_URL) is left out,
    and a relative link keeps only its text."""
    channel = new_id("D")
    replies = SlackReplies(AsyncWebClient(BOT_TOKEN, base_url=fake_slack.url), channel, None)
    await replies.send_response(channel, {"text": "Totals:\n\n**OEM** cheaper", "image": "/charts/abc.png"})
    await replies.send_response(channel, {"image": "/charts/abc.png"})
    await replies.send_response(channel, {"text": "[Open the printable record](/records/abc)"})
    posts = fake_slack.calls_to("chat.postMessage", channel)
    assert [(post["text"], post.get("blocks")) for post in posts] == [
        ("Totals:\n\n*OEM* cheaper", None),
        ("Open the printable record", None),
    ]
