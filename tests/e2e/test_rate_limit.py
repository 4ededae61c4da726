"""Rate limits on the real server: a flooding REST conversation gets HTTP 429 with Retry-After while
another buyer is answered; a client address is limited whatever sender ids it uses, and a forged
X-Forwarded-For does not help; socket.io and Slack floods get a polite "slow down" reply, while
socket.io reconnects and Slack's retries are not counted. Limits kept in Redis are shared."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
import uuid

import pytest
import socketio

from rasa_runtime.rate_limit import SLOW_DOWN, MessageLimits, parse_limit, trusted_networks
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, direct_message, new_id, send_event

pytestmark = pytest.mark.server

CONVERSATION_LIMIT = 5  # per 30 seconds
ADDRESS_LIMIT = 12  # per minute
QUESTION = "What's the MOQ for ODM?"


@pytest.fixture(scope="module")
def limited(tmp_path_factory, fake_slack):
    running = start_assistant(
        tmp_path_factory.mktemp("limited"),
        {
            "RATE_LIMIT_CONVERSATION": f"{CONVERSATION_LIMIT} per 30 seconds",
            "RATE_LIMIT_ADDRESS": f"{ADDRESS_LIMIT} per minute",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_BASE_URL": fake_slack.url,
        },
    )
    yield running
    stop_assistant(running)


def post_from(
    assistant, address: str, sender: str, message: str, headers: dict | None = None
) -> tuple[int, dict, object]:
    """POST to the REST webhook from a loopback `address` (127.0.0.0/8): status, headers, JSON body."""
    host, port = assistant.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(address, 0))
    try:
        connection.request(
            "POST",
            "/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": message}),
            {"Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_a_flooding_conversation_gets_429s_while_another_buyer_is_answered(limited):
    flooder, buyer = "flood-" + uuid.uuid4().hex, "buyer-" + uuid.uuid4().hex
    flood_results, buyer_results = [], []

    def flood() -> None:
        for _ in range(30):
            flood_results.append(post_from(limited, "127.0.0.3", flooder, QUESTION))

    flooding = threading.Thread(target=flood)
    flooding.start()
    for _ in range(4):
        buyer_results.append(post_from(limited, "127.0.0.4", buyer, QUESTION))
        time.sleep(1)
    flooding.join()

    assert [status for status, _, _ in buyer_results] == [200] * 4
    assert all("50" in body[0]["text"] for _, _, body in buyer_results)
    statuses = [status for status, _, _ in flood_results]
    assert statuses == [200] * CONVERSATION_LIMIT + [429] * (30 - CONVERSATION_LIMIT)
    for _status, headers, body in flood_results[CONVERSATION_LIMIT:]:
        assert 1 <= int(headers["Retry-After"]) <= 60  # the address limit (per minute) refuses some too
        assert body == {
            "error": "too many messages; wait before sending more",
            "retry_after": int(headers["Retry-After"]),
        }
    user_events = [event for event in limited.tracker(flooder)["events"] if event["event"] == "user"]
    assert len(user_events) == CONVERSATION_LIMIT  # refused messages never reach the tracker store


def test_an_address_is_limited_whatever_sender_ids_it_uses(limited):
    statuses = [
        post_from(limited, "127.0.0.5", "rotating-" + uuid.uuid4().hex, QUESTION)[0] for _ in range(ADDRESS_LIMIT + 2)
    ]
    assert statuses == [200] * ADDRESS_LIMIT + [429, 429]
    # No trusted proxy is configured: a forged X-Forwarded-For changes nothing.
    assert (
        post_from(limited, "127.0.0.5", "forged-" + uuid.uuid4().hex, QUESTION, {"X-Forwarded-For": "203.0.113.9"})[0]
        == 429
    )
    assert post_from(limited, "127.0.0.6", "other-" + uuid.uuid4().hex, QUESTION)[0] == 200


def test_the_client_address_comes_from_x_forwarded_for_only_through_trusted_proxies():
    limits = MessageLimits(None, None, "memory://", trusted_networks("127.0.0.1, 10.0.0.0/8"))
    assert limits.client_address("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    # A client's own X-Forwarded-For entries come first; the hops added by trusted proxies are skipped.
    assert limits.client_address("127.0.0.1", "203.0.113.9, 198.51.100.7, 10.1.2.3") == "198.51.100.7"
    assert limits.client_address("192.0.2.1", "198.51.100.7") == "192.0.2.1"
    assert limits.client_address("127.0.0.1", None) == "127.0.0.1"


def test_limits_kept_in_redis_are_shared_by_every_instance(redis_port):
    def instance() -> MessageLimits:
        return MessageLimits(parse_limit("3 per minute"), None, f"redis://127.0.0.1:{redis_port}/1", [])

    first, second = instance(), instance()
    sender = "shared-" + uuid.uuid4().hex
    assert [first.retry_after(sender), second.retry_after(sender), first.retry_after(sender)] == [0, 0, 0]
    assert 1 <= second.retry_after(sender) <= 60
    assert first.retry_after("another-" + uuid.uuid4().hex) == 0


async def drop(client: socketio.AsyncClient) -> None:
    """Closes the connection at once, as a closed tab or a lost network does (a polite disconnect
    over the polling transport would wait for the pending poll)."""
    await client.eio.disconnect(abort=True)


async def socketio_replies(assistant, session_id: str, messages: list[str], reconnects_after: int) -> list[str]:
    """Sends `messages` over socket.io one at a time, each after the reply to the one before; after
    the first `reconnects_after` of them, reconnects four times. Returns the reply texts in order."""
    replies: asyncio.Queue = asyncio.Queue()

    async def connect() -> socketio.AsyncClient:
        client = socketio.AsyncClient()
        client.on("bot_uttered", lambda data: replies.put_nowait(data.get("text", "")))
        confirmed = asyncio.Event()
        client.on("session_confirm", lambda _: confirmed.set())
        # polling: aiohttp 3.9 lacks what its websocket needs
        await client.connect(assistant.url, socketio_path="/socket.io/", transports=["polling"])
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 30)
        return client

    client = await connect()
    texts = []
    try:
        for number, message in enumerate(messages):
            if number == reconnects_after:
                for _ in range(4):
                    await drop(client)
                    client = await connect()
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            texts.append(await asyncio.wait_for(replies.get(), 60))
            await asyncio.sleep(0.5)  # the rest of a multi-part reply
            while not replies.empty():
                texts[-1] += "\n" + replies.get_nowait()
    finally:
        await drop(client)
    return texts


def test_a_socketio_flood_gets_a_polite_reply_and_reconnects_do_not_count(limited):
    texts = asyncio.run(
        socketio_replies(limited, uuid.uuid4().hex, [QUESTION] * (CONVERSATION_LIMIT + 2), reconnects_after=2)
    )
    assert all("50" in text for text in texts[:CONVERSATION_LIMIT]), texts
    assert texts[CONVERSATION_LIMIT:] == [SLOW_DOWN, SLOW_DOWN]


def test_a_slack_flood_gets_a_polite_reply_and_retries_do_not_count(limited, fake_slack):
    channel, user = new_id("D"), new_id("U")
    first = new_id("Ev")
    assert send_event(limited, direct_message(channel, user, QUESTION), first).status_code == 200
    posts = fake_slack.wait_for("chat.postMessage", channel, 1)
    for retry in range(1, 4):  # Slack's retries of the first event: acknowledged, neither answered nor counted
        assert (
            send_event(
                limited,
                direct_message(channel, user, QUESTION),
                first,
                headers={"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"},
            ).status_code
            == 200
        )
    for _ in range(CONVERSATION_LIMIT):
        count = len(posts)
        send_event(limited, direct_message(channel, user, QUESTION))
        posts = fake_slack.wait_for("chat.postMessage", channel, count + 1)
    texts = [post["text"] for post in posts]
    assert all("50" in text for text in texts[:CONVERSATION_LIMIT]), texts
    assert texts[CONVERSATION_LIMIT:] == [SLOW_DOWN]
