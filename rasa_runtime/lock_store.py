"""Rasa's RedisLockStore with atomic ticket updates, for several Rasa instances on one Redis.

Rasa 3.6 issues and returns tickets with a plain GET then SET. Two instances that receive messages
of the same conversation at the same instant can both read "no lock", both take ticket 0 and run
at once; the second tracker save then drops a message. Here every read-modify-write of a lock runs
in a Redis WATCH/MULTI transaction, retried when another instance changed the lock meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError


class AtomicRedisLockStore(RedisLockStore):
    """Loaded by module path from endpoints.yml (`type: rasa_runtime.lock_store.AtomicRedisLockStore`)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _update(self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]):
        """Apply `change` to the stored lock atomically; a None result deletes the lock."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed = change(lock)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return changed
                except WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def add_ticket(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            lock.issue_ticket(lock_lifetime)
            return lock

        return self._update(conversation_id, add_ticket).last_issued  # the ticket just added

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._update(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def remove_ticket(lock: TicketLock | None) -> TicketLock | None:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._update(conversation_id, remove_ticket)
