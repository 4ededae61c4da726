"""REST: Rasa's channel (name "rest": POST /webhooks/rest/webhook), with each reply kept as one message.

Rasa 3.6's collecting output channel splits every text on blank lines
(`CollectingOutputChannel.send_text_message`), so a recommendation or a decision record with
paragraphs would reach the client in pieces. Here a text stays one message, line breaks included.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from sanic import Blueprint


class WholeText:
    """Mixin for Rasa's collecting channels: one text, one message."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class WholeTextCollector(WholeText, CollectingOutputChannel):
    def __init__(self, messages: list) -> None:
        super().__init__()
        self.messages = messages  # the list the REST handler returns


class WholeTextQueue(WholeText, QueueOutputChannel):
    """For `?stream=true`."""


def keeping_texts_whole(channel: OutputChannel) -> OutputChannel:
    """The same collector (same messages list or queue), without the splitting."""
    if isinstance(channel, QueueOutputChannel):
        return WholeTextQueue(channel.messages)
    if isinstance(channel, CollectingOutputChannel):
        return WholeTextCollector(channel.messages)
    return channel


class WholeTextRest(RestInput):
    """Rasa's REST input channel whose replies keep their paragraphs in one message."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            message.output_channel = keeping_texts_whole(message.output_channel)
            await on_new_message(message)

        return super().blueprint(handle)
