"""How fast one conversation and one client address may send messages (the `limits` library's moving
window; in memory, or in Redis when REDIS_URL is set so every Rasa instance of a cluster shares them).

Environment (see .env.example; limits' notation, e.g. "10 per 10 seconds", or "off"):
- RATE_LIMIT_CONVERSATION: messages one conversation (sender id) may send; default 30 per 10 seconds:
  a buyer, or a scripted client that waits for each reply, never reaches it; a flood does at once.
- RATE_LIMIT_ADDRESS: messages one client address may send, whatever sender ids it uses (REST only:
  a socket.io message carries no address, and Slack's all come from Slack); default off, because
  many buyers can share one address (an office, a proxy without TRUSTED_PROXIES). The cluster's
  nginx limits addresses in front of the instances; e.g. "600 per minute" turns it on here.
- TRUSTED_PROXIES: comma-separated addresses or networks of reverse proxies whose X-Forwarded-For is
  believed (e.g. 127.0.0.1 behind the cluster's nginx); unset = none, the peer's address counts.

Over the limit, REST gets HTTP 429 with Retry-After (rasa_runtime/hooks.py); socket.io and Slack
get a polite "slow down" reply (`slowed_down`, which their channels wrap around Rasa's message
handler). Only messages count: Slack's retries are dropped before (channels/slack.py) and socket.io
reconnects send none.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

# For load tests and benchmarks of the dialogue engine itself, which talk at machine speed.
NO_LIMITS = {"RATE_LIMIT_CONVERSATION": "off", "RATE_LIMIT_ADDRESS": "off"}
DEFAULT_CONVERSATION_LIMIT = "30 per 10 seconds"
DEFAULT_ADDRESS_LIMIT = "off"
SLOW_DOWN = "You're sending messages faster than I can read them. Please wait a few seconds, then try again."


def parse_limit(value: str) -> RateLimitItem | None:
    """A limit in limits' notation ("10 per 10 seconds"), or None for "off"."""
    return None if value.strip().lower() == "off" else parse(value)


def trusted_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]


class MessageLimits:
    """The per-conversation and per-address limits, and the client address behind trusted proxies."""

    def __init__(
        self, conversation: RateLimitItem | None, address: RateLimitItem | None, storage_uri: str, trusted_proxies: list
    ) -> None:
        self.conversation, self.address = conversation, address
        self.storage = storage_from_string(storage_uri)  # the limiter holds it only by a weak reference
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.trusted_proxies = trusted_proxies

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> MessageLimits:
        return cls(
            parse_limit(environ.get("RATE_LIMIT_CONVERSATION") or DEFAULT_CONVERSATION_LIMIT),
            parse_limit(environ.get("RATE_LIMIT_ADDRESS") or DEFAULT_ADDRESS_LIMIT),
            environ.get("REDIS_URL") or "memory://",
            trusted_networks(environ.get("TRUSTED_PROXIES", "")),
        )

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def client_address(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address: the peer's, or behind trusted proxies the last X-Forwarded-For hop
        that is not one of them (hops before it could be made up by the client)."""
        address = peer
        hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
        while self._trusted(address) and hops:
            address = hops.pop()
        return address

    def retry_after(self, sender_id: str, address: str | None = None) -> int:
        """Counts one message; 0 if it may be answered, else the seconds until it would be."""
        checks = [(self.conversation, "conversation", sender_id), (self.address, "address", address)]
        checks = [(item, kind, key) for item, kind, key in checks if item is not None and key]
        try:
            refused = [(item, kind, key) for item, kind, key in checks if not self.limiter.hit(item, kind, key)]
            if not refused:
                return 0
            now = time.time()
            return max(
                max(1, math.ceil(self.limiter.get_window_stats(item, kind, key)[0] - now))
                for item, kind, key in refused
            )
        except Exception as err:  # the limiter's storage (Redis) is down: answer rather than refuse everyone
            logger.error("Rate limits cannot be checked (%s); letting the message through.", err)
            return 0


@functools.cache
def shared_limits() -> MessageLimits:
    """The limits of this process, from its environment (made on first use)."""
    return MessageLimits.from_environment()


def slowed_down(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """An input channel's `on_new_message` with the conversation's limit: a message over it gets the
    polite "slow down" reply instead of an answer."""

    async def limited(message: UserMessage) -> Any:
        if shared_limits().retry_after(message.sender_id):
            logger.warning("Conversation %s sends messages too fast; asked it to slow down.", message.sender_id)
            await message.output_channel.send_text_message(message.sender_id, SLOW_DOWN)
            return None
        return await on_new_message(message)

    return limited
