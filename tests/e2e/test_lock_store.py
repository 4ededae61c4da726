"""The atomic Redis lock store on a real redis-server: simultaneous tickets never collide."""

from __future__ import annotations

import threading

from rasa.utils.endpoints import EndpointConfig

from rasa_runtime.lock_store import AtomicRedisLockStore

INSTANCES = 4
TICKETS_EACH = 25


def lock_store(port: int) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, db=1, key_prefix="test"))


def test_simultaneous_tickets_from_several_instances_are_all_distinct(redis_port):
    stores = [lock_store(redis_port) for _ in range(INSTANCES)]
    start = threading.Barrier(INSTANCES)
    issued: list[int] = []

    def take_tickets(store: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(TICKETS_EACH):
            issued.append(store.issue_ticket("buyer-1"))

    threads = [threading.Thread(target=take_tickets, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == list(range(INSTANCES * TICKETS_EACH))
    assert len(stores[0].get_lock("buyer-1").tickets) == INSTANCES * TICKETS_EACH


def test_cleanup_removes_the_lock_once_nobody_waits(redis_port):
    store = lock_store(redis_port)
    first, second = store.issue_ticket("buyer-2"), store.issue_ticket("buyer-2")
    store.cleanup("buyer-2", first)
    assert [t.number for t in store.get_lock("buyer-2").tickets] == [second]
    store.cleanup("buyer-2", second)
    assert store.get_lock("buyer-2") is None
