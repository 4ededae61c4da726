"""Slack as the end-to-end tests play it: a fake Web API on 127.0.0.1, and events signed as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

BOT_TOKEN = "xoxb-test-" + uuid.uuid4().hex[:8]
SIGNING_SECRET = uuid.uuid4().hex
BOT_USER = "UADVISOR"
PUBLIC_BASE_URL = "https://advisor.example.com"
RETRY_REASONS = ["http_timeout", "too_many_redirects", "ssl_error", "connection_failed", "http_error", "unknown_error"]
WAIT_SECONDS = 60  # how long to wait for the assistant's post to arrive, not a performance bound


class FakeSlackAPI:
    """Slack's Web API on 127.0.0.1: records chat.postMessage and chat.update calls and answers ok."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                authorized = self.headers.get("Authorization") == f"Bearer {BOT_TOKEN}"
                reply = {"ok": authorized, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
                if not authorized:
                    reply["error"] = "invalid_auth"
                with fake.changed:
                    fake.calls.append((self.path.rsplit("/", 1)[-1], body))
                    fake.changed.notify_all()
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls_to(self, method: str, channel: str) -> list[dict]:
        return [body for name, body in self.calls if name == method and body.get("channel") == channel]

    def wait_for(self, method: str, channel: str, count: int) -> list[dict]:
        """The calls of `method` to `channel`, once there are at least `count` of them."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.calls_to(method, channel)) >= count, WAIT_SECONDS):
                pytest.fail(
                    f"{method} to {channel}: {len(self.calls_to(method, channel))} calls, expected "
                    f"{count}; all calls: {self.calls}"
                )
            return self.calls_to(method, channel)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def signed_post(
    assistant,
    body: bytes,
    content_type: str,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    headers: dict | None = None,
) -> requests.Response:
    """POST as Slack does: X-Slack-Signature = v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return requests.post(
        f"{assistant.url}/webhooks/slack/webhook",
        data=body,
        timeout=30,
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": f"v0={digest}",
            **(headers or {}),
        },
    )


def event_callback(event: dict, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "token": "unused",
            "team_id": "T0TEAM",
            "api_app_id": "A0APP",
            "type": "event_callback",
            "event_id": event_id or new_id("Ev"),
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": "T0TEAM", "user_id": BOT_USER, "is_bot": True}],
        }
    ).encode()


def direct_message(channel: str, user: str, text: str, **fields) -> dict:
    ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        **fields,
    }


def send_event(assistant, event: dict, event_id: str | None = None, **kwargs) -> requests.Response:
    return signed_post(assistant, event_callback(event, event_id), "application/json", **kwargs)
