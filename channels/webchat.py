"""The web chat: Rasa's socket.io channel, and the page that talks to it, on the Rasa server itself.

Same origin as socket.io, so the page needs no CORS opening and one exposed port serves it all.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.paths import WEB_DIR
from rasa_runtime.rate_limit import slowed_down

WIDGET = WEB_DIR / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# The page's files by URL name under /chat/: the page, its start-up script, and the widget.
ASSETS = {
    "": (WEB_DIR / "index.html", "text/html; charset=utf-8"),
    "chat.js": (WEB_DIR / "chat.js", "text/javascript"),
    "webchat.js": (WIDGET, "text/javascript"),
}
# Everything from this server (charts too); the widget's stylesheet @imports a web font, which this blocks.
PAGE_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:"


class WholeTextSocketIO(SocketIOOutput):
    """Rasa's socket.io output, one message per text: Rasa 3.6 splits texts on blank lines."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict], **kwargs: Any) -> None:
        await self._send_message(
            recipient_id,
            {
                "text": text.strip(),
                "quick_replies": [
                    {"content_type": "text", "title": button["title"], "payload": button["payload"]}
                    for button in buttons
                ],
            },
        )


class PersistentSocketIO(SocketIOInput):
    """Rasa's socket.io channel (name "socketio"), with the session's room really joined, each reply
    sent as one message (`WholeTextSocketIO`), and the conversation's rate limit (`slowed_down`).

    Rasa 3.6 calls `AsyncServer.enter_room` without awaiting it, which python-socketio 5.10+ made a
    coroutine: with session persistence on, replies then reach nobody. This handler awaits it.
    """

    def get_output_channel(self) -> OutputChannel | None:
        return WholeTextSocketIO(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limited = slowed_down(on_new_message)

        async def handle(message: UserMessage) -> None:
            message.output_channel = WholeTextSocketIO(self.sio, self.bot_message_evt)
            await limited(message)

        socketio_webhook = super().blueprint(handle)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            session_id = (data or {}).get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return socketio_webhook


class ChatPage(InputChannel):
    """Serves the chat page at `GET /chat/`, with its script and rasa-webchat (installed by npm)."""

    @classmethod
    def name(cls) -> str:
        return "chat"

    def url_prefix(self) -> str:
        # Rasa joins this to "/webhooks/"; an absolute path puts the page at the site's /chat/.
        return "/chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        if not WIDGET.is_file():
            raise FileNotFoundError(f"{WIDGET} is missing: run `make web` (npm ci in web/).")
        page = Blueprint("chat_page", __name__)

        @page.route("/", methods=["GET"], name="page")
        @page.route("/<name>", methods=["GET"])
        async def asset(_: Request, name: str = "") -> HTTPResponse:
            if name not in ASSETS:
                return response.text("Not found", status=404)
            path, mime_type = ASSETS[name]
            return await response.file(
                path, mime_type=mime_type, headers={"Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY}
            )

        return page
