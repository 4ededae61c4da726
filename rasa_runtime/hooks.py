"""Hooks installed into the Rasa server before its command line runs (see `rasa_runtime.rasa_server`).

- A custom action that fails (action server down, answering with an error, or slower than
  ACTION_TIMEOUT_SECONDS, 5 by default) gets one polite reply and one clear log line instead of
  silence. The conversation's state is left as it was: inside the questionnaire the same question is
  asked again, so the next message after recovery carries on.
- The REST webhook takes only `Content-Type: application/json` (415 otherwise: no cross-site form
  posts) with a JSON object holding a string `sender` and `message`; anything else gets HTTP 400
  before it reaches the dialogue engine (and nothing lands in Rasa's shared "default" conversation).
  Over-long messages get a polite reply and are not stored.
- The HTTP API's `PUT /model` loads models only from the local models folder: no model server, no
  remote storage.
- "Forget me": a turn in which `action_forget_me` erased the conversation (it then returns
  AllSlotsReset) is not stored; the conversation is deleted once more instead, with whatever the
  action server deleted before the turn ended, and this server's remembered copy of it is dropped.
- Rate limits (rasa_runtime/rate_limit.py): a REST message over its conversation's or its client
  address's limit gets HTTP 429 with Retry-After, before it reaches the dialogue engine or the tracker
  store (socket.io and Slack messages are limited by their channels).

The tracker store named in endpoints.yml refuses to start without these hooks (`installed()`), so a
plain `rasa run` fails with a message instead of serving without them.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import rasa.core.run
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, BotUttered, SlotSet, UserUttered
from rasa.shared.exceptions import RasaException
from sanic import response
from sqlalchemy.exc import SQLAlchemyError

from rasa_runtime.erasure import FORGET_ACTION, erase_conversation
from rasa_runtime.rate_limit import shared_limits
from rasa_runtime.settings import in_models_dir

logger = logging.getLogger(__name__)

ACTION_UNAVAILABLE = "I can't look that up right now, please try again in a moment."
MESSAGE_TOO_LONG = (
    "Sorry, that message is too long for me: please keep it under {limit:,} characters and ask "
    "one OEM/ODM question at a time."
)
REST_WEBHOOK = "/webhooks/rest/webhook"
MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 4096
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def action_timeout() -> float:
    return float(os.environ.get("ACTION_TIMEOUT_SECONDS", 5))


def apologised_this_turn(tracker) -> bool:
    """Whether the polite reply was already given since the buyer's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.text == ACTION_UNAVAILABLE:
            return True
    return False


def polite_failure_events(action_name: str, tracker) -> list:
    """The polite reply; for a form's validation, also the asked slot as it was, so the form asks again."""
    events = [] if apologised_this_turn(tracker) else [BotUttered(ACTION_UNAVAILABLE)]
    asked = tracker.get_slot(REQUESTED_SLOT)
    if action_name.startswith("validate_") and asked:
        events.append(SlotSet(asked, tracker.get_slot(asked)))
    return events


def guard_remote_action(run):
    """Wraps `RemoteAction.run` with the time limit and the polite failure."""

    @functools.wraps(run)
    async def guarded_run(self: RemoteAction, output_channel, nlg, tracker, domain) -> list:
        timeout = action_timeout()
        try:
            return await asyncio.wait_for(run(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError:
            logger.error(
                "Action server did not answer action '%s' within %.0f s; asked the buyer to try again.",
                self.name(),
                timeout,
            )
        except RasaException as err:
            cause = f"{err}: {err.__cause__}" if err.__cause__ else str(err)
            logger.error("Action server failed action '%s' (%s); asked the buyer to try again.", self.name(), cause)
        return polite_failure_events(self.name(), tracker)

    return guarded_run


def bad_request(reason: str):
    return response.json({"error": reason}, status=400)


def rest_message_problem(body: Any) -> str | None:
    """Why a REST webhook body is not acceptable, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    sender, message = body.get("sender"), body.get("message")
    if (
        not isinstance(sender, str)
        or not sender.strip()
        or len(sender) > MAX_SENDER_CHARS
        or CONTROL_CHARACTERS.search(sender)
    ):
        return f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} printable characters"
    if not isinstance(message, str):
        return "'message' must be a string"
    if not isinstance(body.get("input_channel", ""), str):
        return "'input_channel' must be a string"
    metadata = body.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(json.dumps(metadata)) > MAX_METADATA_BYTES):
        return f"'metadata' must be a JSON object of at most {MAX_METADATA_BYTES} bytes"
    return None


def local_model_problem(body: Any) -> str | None:
    """Why a `PUT /model` body does not name a model file in the local models folder, or None."""
    if not isinstance(body, dict) or set(body) != {"model_file"} or not isinstance(body["model_file"], str):
        return "only {'model_file': <file in the models folder>} is accepted: no model server, no remote storage"
    if not in_models_dir(Path(body["model_file"])):
        return "models are loaded only from the local models folder"
    return None


def json_body(request) -> tuple[Any, bool]:
    try:
        return json.loads(request.body or b""), True
    except (ValueError, UnicodeDecodeError):
        return None, False


async def check_request(request):
    """Sanic request middleware: rejects what the REST webhook and `PUT /model` must not take."""
    if request.method == "POST" and request.path == REST_WEBHOOK:
        if request.content_type.split(";")[0].strip().lower() != "application/json":
            return response.json({"error": "Content-Type must be application/json"}, status=415)
        body, parsed = json_body(request)
        problem = rest_message_problem(body) if parsed else "the body must be valid JSON"
        if problem:
            return bad_request(problem)
        limits = shared_limits()
        wait = limits.retry_after(
            body["sender"], limits.client_address(request.ip, request.headers.get("x-forwarded-for"))
        )
        if wait:
            return response.json(
                {"error": "too many messages; wait before sending more", "retry_after": wait},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        if len(body["message"]) > MAX_MESSAGE_CHARS:
            return response.json(
                [{"recipient_id": body["sender"], "text": MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE_CHARS)}]
            )
    elif request.method == "PUT" and request.path == "/model":
        body, parsed = json_body(request)
        problem = local_model_problem(body) if parsed else "the body must be valid JSON"
        if problem:
            return response.json({"error": problem}, status=403)
    return None


def guard_app(configure_app):
    """Wraps `rasa.core.run.configure_app` to add `check_request` to the Sanic app it builds."""

    @functools.wraps(configure_app)
    def configured(*args, **kwargs):
        app = configure_app(*args, **kwargs)
        app.register_middleware(check_request, "request")
        return app

    return configured


def erased_this_turn(tracker) -> bool:
    """Whether `action_forget_me` erased the conversation since the buyer's last message (its events,
    after its reply, end with AllSlotsReset)."""
    in_forget_action = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, AllSlotsReset):
            in_forget_action = True
        elif isinstance(event, ActionExecuted):
            if in_forget_action and event.action_name == FORGET_ACTION:
                return True
            in_forget_action = False
    return False


def erase_instead_of_saving(save_tracker):
    """Wraps `MessageProcessor.save_tracker`: an erased conversation is deleted, not saved again."""

    @functools.wraps(save_tracker)
    async def saved_or_erased(self: MessageProcessor, tracker) -> None:
        if not erased_this_turn(tracker):
            await save_tracker(self, tracker)
            return
        store = getattr(self.tracker_store, "_tracker_store", self.tracker_store)  # inside Rasa's FailSafeTrackerStore
        if hasattr(store, "forget"):  # rasa_runtime.tracker_store keeps recent conversations in memory
            store.forget(tracker.sender_id)
        try:  # the action server has erased it already; this catches what was stored since
            await asyncio.get_running_loop().run_in_executor(None, erase_conversation, tracker.sender_id)
        except SQLAlchemyError as err:
            logger.error(
                "Erasing conversation %s once more failed (%s): run `make purge-trackers SENDER=%s`.",
                tracker.sender_id,
                err,
                tracker.sender_id,
            )

    return saved_or_erased


def install() -> None:
    """Installs the hooks; call before Rasa builds its server."""
    RemoteAction.run = guard_remote_action(RemoteAction.run)
    MessageProcessor.save_tracker = erase_instead_of_saving(MessageProcessor.save_tracker)
    rasa.core.run.configure_app = guard_app(rasa.core.run.configure_app)


def installed() -> bool:
    """Whether `install()` ran in this process."""
    return all(
        hasattr(patched, "__wrapped__")
        for patched in (RemoteAction.run, MessageProcessor.save_tracker, rasa.core.run.configure_app)
    )
