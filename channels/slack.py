"""Slack: Rasa's Slack connector, made to behave like a good Slack app.

- Every request is checked against the signing secret (and a 5-minute clock window) before anything
  else; a bad or stale signature gets 401.
- Answers DMs and @mentions; in a channel the answer goes into the question's thread.
- Each Slack message is answered once: deliveries are remembered by event id and by message, so
  Slack's retries (whatever their X-Slack-Retry-Reason) and a second subscription to the same
  message are acknowledged and dropped; with REDIS_URL set (a cluster) the deliveries are remembered
  in Redis, so two Rasa instances never both answer. Messages from bots, this app included, and edits are ignored.
- Replies use Slack's mrkdwn, one Slack message per reply (Rasa's Slack output splits texts on blank
  lines; this one does not); quick replies are Block Kit buttons, and a click answers like a typed
  reply and replaces the buttons with the choice.
- A chart comes as an image block under its reply's text when its URL is absolute, that is when
  PUBLIC_BASE_URL is set (Slack fetches images itself); otherwise the text comes alone.
- A message over its conversation's rate limit gets the polite "slow down" reply (rasa_runtime/rate_limit.py).
- SLACK_API_BASE_URL sets the Web API's base URL (GovSlack, Enterprise set-ups, a local fake).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from rasa_runtime.rate_limit import slowed_down

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://slack.com/api/"
# Slack retries for up to about 5 minutes after the first delivery.
REMEMBER_SECONDS = 3600


def to_mrkdwn(text: str) -> str:
    """The assistant's Markdown as Slack mrkdwn: escapes, **bold**, [links](url), # headings, - lists.
    A link relative to the assistant's server (no PUBLIC_BASE_URL) leads nowhere in Slack: its text stays."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"\[([^\]]+)\]\((https?://\S+?)\)", r"<\2|\1>", text)
    text = re.sub(r"\[([^\]]+)\]\(/\S*?\)", r"\1", text)
    text = re.sub(r"^#+\s+(.+)$", r"*\1*", text, flags=re.MULTILINE)
    return re.sub(r"^[-*]\s+", "• ", text, flags=re.MULTILINE)


def from_slack_text(text: str) -> str:
    """Slack's escaped message text as typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class RecentDeliveries:
    """Keys of the deliveries handled in the last `REMEMBER_SECONDS` (one process, in memory)."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, *keys: str | None) -> bool:
        """Remember the keys; False when any of them was seen before."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now - REMEMBER_SECONDS:
            self._seen.popitem(last=False)
        keys = tuple(key for key in keys if key)
        if any(key in self._seen for key in keys):
            return False
        self._seen.update((key, now) for key in keys)
        return True


class SharedRecentDeliveries:
    """`RecentDeliveries` kept in Redis, shared by every Rasa instance using the same REDIS_URL."""

    KEY_PREFIX = "oem_odm:slack_delivery:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)
        self._errors = redis.RedisError

    def first_time(self, *keys: str | None) -> bool:
        """Remember the keys (SET NX with expiry); False when any of them was set before."""
        pipeline = self._redis.pipeline(transaction=False)
        for key in filter(None, keys):
            pipeline.set(self.KEY_PREFIX + key, 1, nx=True, ex=REMEMBER_SECONDS)
        try:
            return all(pipeline.execute())
        except self._errors as err:  # better a rare double answer than none at all
            logger.error(
                "Slack: Redis at REDIS_URL cannot be reached to drop repeated deliveries (%s); answering this one.", err
            )
            return True


def image_blocks(url: str) -> list[dict]:
    """A Block Kit image block for a chart Slack can fetch (an absolute http(s) URL), else none."""
    if not url.startswith(("https://", "http://")):
        return []
    return [{"type": "image", "image_url": url, "alt_text": "Chart"}]


class SlackReplies(OutputChannel):
    """Posts the assistant's replies to a Slack conversation (else to the user), in a thread if given one."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, client: AsyncWebClient, channel: str | None, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts

    async def _post(self, recipient_id: str, text: str, blocks: list | None = None) -> None:
        await self.client.chat_postMessage(
            channel=self.channel or recipient_id, thread_ts=self.thread_ts, text=text, blocks=blocks
        )

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """A text with a chart is one Slack message: the text, then the image block (if Slack can fetch it)."""
        if message.get("text") and message.get("image") and not message.get("buttons"):
            text = to_mrkdwn(message["text"].strip())
            images = image_blocks(message["image"])
            await self._post(
                recipient_id,
                text,
                blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}, *images] if images else None,
            )
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(recipient_id, to_mrkdwn(text.strip()))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        images = image_blocks(image)
        if images:
            await self._post(recipient_id, "Chart", blocks=images)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict], **kwargs: Any) -> None:
        text = to_mrkdwn(text.strip())
        await self._post(
            recipient_id,
            text,
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": f"reply_{number}",
                            "value": button["payload"],
                            "text": {"type": "plain_text", "text": button["title"]},
                        }
                        for number, button in enumerate(buttons)
                    ],
                },
            ],
        )


class SlackApp(SlackInput):
    """The Slack input channel (name "slack": POST /webhooks/slack/webhook for events and clicks).

    Credentials: `slack_token` (bot token) and `slack_signing_secret`; `conversation_granularity`
    as in Rasa's connector. Threads and retries are handled as the module says, not by options.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base_url = os.environ.get("SLACK_API_BASE_URL") or DEFAULT_API_BASE_URL
        self.client = AsyncWebClient(self.slack_token, base_url=base_url.rstrip("/") + "/", proxy=self.proxy)
        redis_url = os.environ.get("REDIS_URL")
        self.deliveries = SharedRecentDeliveries(redis_url) if redis_url else RecentDeliveries()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = slowed_down(on_new_message)  # the conversation's rate limit
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("Bad or stale Slack signature.", status=HTTPStatus.UNAUTHORIZED)
            content_type = request.headers.get("content-type", "").split(";")[0].strip()
            if content_type == "application/json":
                body = request.json or {}
                if body.get("type") == "url_verification":
                    return response.json({"challenge": body.get("challenge")})
                return self._on_event(body, on_new_message)
            if content_type == "application/x-www-form-urlencoded" and request.form.get("payload"):
                return self._on_interaction(json.loads(request.form.get("payload")), on_new_message)
            return response.text("Not a Slack event or interaction.", status=HTTPStatus.BAD_REQUEST)

        return slack_webhook

    def _on_event(self, body: dict, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """Answer a DM or an @mention, once; acknowledge everything else without answering."""
        event = body.get("event") or {}
        channel, user, text = event.get("channel"), event.get("user"), event.get("text")
        is_direct = event.get("type") == "message" and event.get("channel_type") == "im"
        if not (is_direct or event.get("type") == "app_mention") or not (channel and user and text):
            return acknowledged("Not a question for the assistant.")
        if event.get("bot_id") or event.get("subtype"):
            return acknowledged("Bot messages, edits and other message subtypes are not answered.")
        if not self.deliveries.first_time(body.get("event_id"), f"{channel}/{event.get('ts')}"):
            return acknowledged("Already answered.")
        # In a channel, answer in the question's thread (starting one under it if needed).
        thread_ts = event.get("thread_ts") or (None if is_direct else event.get("ts"))
        bot_users = [auth.get("user_id") for auth in body.get("authorizations") or []]
        text = from_slack_text(self._sanitize_user_message(text, bot_users))
        self._answer(on_new_message, text, user, channel, thread_ts, {"event_id": body.get("event_id")})
        return acknowledged("")

    def _on_interaction(self, payload: dict, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """A click on a quick-reply button: answer it like a typed reply and show the choice."""
        action = (payload.get("actions") or [{}])[0]
        message = payload.get("message") or {}
        channel = (payload.get("channel") or {}).get("id")
        user = (payload.get("user") or {}).get("id")
        if (
            payload.get("type") != "block_actions"
            or action.get("type") != "button"
            or not (action.get("value") and channel and user)
        ):
            return acknowledged("Not a quick-reply click.")
        if not self.deliveries.first_time(payload.get("trigger_id")):
            return acknowledged("Already answered.")
        self._background(self._show_choice(channel, message, action["text"]["text"]))
        self._answer(on_new_message, action["value"], user, channel, message.get("thread_ts"), {})
        return acknowledged("")

    def _answer(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        user: str,
        channel: str,
        thread_ts: str | None,
        metadata: dict,
    ) -> None:
        """Hand the message to Rasa after Slack has its 200 (Slack wants one within 3 seconds)."""
        sender = self._get_conversation_id(user, channel, thread_ts)
        metadata = {"out_channel": channel, "thread_id": thread_ts, **metadata}
        self._background(
            on_new_message(
                UserMessage(
                    text,
                    self.get_output_channel(channel, thread_ts),
                    sender,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )
        )

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackReplies(self.client, channel or self.slack_channel, thread_id)

    async def _show_choice(self, channel: str, message: dict, choice: str) -> None:
        """Replace the clicked message's buttons with the choice, so it reads well and can't be re-clicked."""
        blocks = [block for block in message.get("blocks") or [] if block.get("type") != "actions"]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"✓ {to_mrkdwn(choice)}"}]})
        await self.client.chat_update(
            channel=channel, ts=message.get("ts"), text=message.get("text", ""), blocks=blocks
        )

    def _background(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        task.add_done_callback(log_failure)


def acknowledged(text: str) -> HTTPResponse:
    """200 for Slack, telling it not to retry this delivery."""
    return response.text(text, headers={"X-Slack-No-Retry": "1"})


def log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception():
        logger.error("Slack: handling a message failed", exc_info=task.exception())
