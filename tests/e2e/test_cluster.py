"""Scale-out on PostgreSQL + Redis: two Rasa instances and the action server (cluster/profile.py) with
a PostgreSQL tracker store and a Redis lock store behind nginx, all started here on loopback and
stopped afterwards. 50 concurrent conversations alternate their turns between the two instances;
every tracker must then hold every event, in order, once, and every recommendation must be right."""

from __future__ import annotations

import itertools
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from advisor.decision import BuyerProfile, recommend
from advisor.knowledge.store import KnowledgeStore
from advisor.vocabulary import PROFILE_SLOTS
from cluster.profile import Cluster, missing_programs
from rasa_runtime.rate_limit import NO_LIMITS
from tests.support.assistant import Assistant
from tests.support.dialogue import ODM_BUYER, OEM_BUYER, OPENING, answer_questionnaire, invalid_slots
from tests.support.trackers import stored_rows

pytestmark = pytest.mark.server

CONVERSATIONS = 50
REPLY_TIMEOUT = 120  # seconds; only a safety net for a loaded machine, never asserted on
BUYERS = [("ODM", ODM_BUYER), ("OEM", OEM_BUYER)]


@pytest.fixture(scope="module")
def cluster():
    missing = missing_programs()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: `make cluster-deps` (as root)")
    workdir = Path(tempfile.mkdtemp(prefix="oem-odm-cluster-"))  # PostgreSQL's own user must reach it
    running = Cluster(workdir, extra_env=NO_LIMITS).start()
    yield running
    running.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def instances(cluster) -> list[Assistant]:
    return [Assistant(url, cluster.secrets["RASA_API_TOKEN"], None, None) for url in cluster.instance_urls()]


def reply_text(assistant: Assistant, sender: str, message: str) -> str:
    status, replies = assistant.send(sender, message, timeout=REPLY_TIMEOUT)
    assert status == 200, f"HTTP {status} for {message!r}"
    return "\n".join(reply.get("text") or "" for reply in replies)


def run_conversations(count: int, route, prefix: str) -> tuple[dict[str, list[str]], dict[str, str], float]:
    """`count` concurrent questionnaires; turn k of conversation i goes to `route(i, k)`.

    Returns what each sender said (in order), the expected model per sender, and the elapsed seconds."""
    said: dict[str, list[str]] = {}
    expected: dict[str, str] = {}

    def converse(i: int) -> None:
        sender = f"{prefix}-{i}-{uuid.uuid4().hex}"
        expected[sender], answers = BUYERS[i % 2]
        said[sender] = []
        turns = itertools.count()

        def say(message: str) -> str:
            said[sender].append(message)
            return reply_text(route(i, next(turns)), sender, message)

        answer_questionnaire(say, answers, say(OPENING))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(converse, range(count)))
    return said, expected, time.perf_counter() - started


def events_of(tracker: dict, kind: str) -> list[dict]:
    return [event for event in tracker["events"] if event["event"] == kind]


def assert_complete_and_in_order(tracker: dict, said: list[str]) -> None:
    """Every message once, in order; each answered before the next; timestamps never go back."""
    assert [event["text"] for event in events_of(tracker, "user")] == said
    assert len(events_of(tracker, "session_started")) == 1
    stamps = [event["timestamp"] for event in tracker["events"]]
    assert stamps == sorted(stamps)
    kinds = [event["event"] for event in tracker["events"]]
    user_positions = [i for i, kind in enumerate(kinds) if kind == "user"] + [len(kinds)]
    for start, end in zip(user_positions, user_positions[1:]):
        assert "bot" in kinds[start:end], f"no reply to {tracker['events'][start]['text']!r}"


def assert_conversations_right(instances, said, expected, table) -> None:
    for sender, messages in said.items():
        tracker = instances[0].tracker(sender)
        assert_complete_and_in_order(tracker, messages)
        slots = tracker["slots"]
        assert not invalid_slots(slots)
        profile = BuyerProfile(**{slot: slots[slot] for slot in PROFILE_SLOTS})
        assert slots["recommendation"] == expected[sender] == recommend(profile, table).model


def test_concurrent_conversations_alternating_between_instances(instances):
    table = KnowledgeStore().snapshot()
    said, expected, elapsed = run_conversations(CONVERSATIONS, lambda i, turn: instances[(i + turn) % 2], "two")
    assert len(said) == CONVERSATIONS
    assert_conversations_right(instances, said, expected, table)
    said_one, expected_one, elapsed_one = run_conversations(CONVERSATIONS, lambda i, turn: instances[0], "one")
    assert_conversations_right(instances, said_one, expected_one, table)
    messages = sum(map(len, said.values()))
    print(
        f"\nThroughput, {CONVERSATIONS} concurrent conversations, {messages} messages: "
        f"one instance {sum(map(len, said_one.values())) / elapsed_one:.1f} msg/s, "
        f"two instances {messages / elapsed:.1f} msg/s"
    )


def test_simultaneous_messages_to_one_conversation_are_serialised(instances):
    """Two messages of one buyer at the same instant, one per instance: the Redis lock makes Rasa
    handle them one after the other, so both are in the tracker with their replies, not interleaved."""
    questions = ["What's the MOQ for ODM?", "How long does OEM take?"]
    senders = [f"race-{uuid.uuid4().hex}" for _ in range(10)]

    def race(sender: str) -> None:
        barrier = threading.Barrier(2)

        def send(k: int) -> str:
            barrier.wait()
            return reply_text(instances[k], sender, questions[k])

        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(send, range(2)))
        assert all(replies), replies

    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        list(pool.map(race, senders))
    for sender in senders:
        tracker = instances[1].tracker(sender)
        assert sorted(event["text"] for event in events_of(tracker, "user")) == sorted(questions)
        events = tracker["events"]
        second_user = [i for i, event in enumerate(events) if event["event"] == "user"][1]
        assert any(event["event"] == "bot" for event in events[:second_user])
        assert events[second_user - 1].get("name") == "action_listen", (
            "the second message was handled while the first was still running"
        )
        assert len(events_of(tracker, "session_started")) == 1


def test_nginx_round_robin_reaches_both_instances(cluster, instances):
    front = Assistant(cluster.url, cluster.secrets["RASA_API_TOKEN"], None, None)
    table = KnowledgeStore().snapshot()
    said, expected, _ = run_conversations(6, lambda i, turn: front, "nginx")
    assert_conversations_right(instances, said, expected, table)
    access_log = (cluster.workdir / "nginx" / "access.log").read_text()
    for port in cluster.rasa_ports:
        assert f"upstream=127.0.0.1:{port}" in access_log


def test_nginx_limits_a_flooding_address(cluster):
    """nginx's limit_req refuses a flood from one address with 429 before it reaches Rasa (whose own
    limits are off here), and lets a steady client through."""

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    health = f"{cluster.url}/webhooks/rest/"
    time.sleep(cluster.burst / cluster.requests_per_second)  # a full bucket, whatever the tests before used
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: status(health), range(cluster.burst * 3)))
    assert statuses.count(429) >= cluster.burst // 2 and statuses.count(200) >= cluster.burst
    assert set(statuses) == {200, 429}
    time.sleep(2)  # the bucket refills at requests_per_second
    assert status(health) == 200


def test_forget_me_erases_the_conversation_on_every_instance(cluster, instances):
    """A buyer talks to both instances, asks on one to be forgotten and confirms on the other: no
    event of theirs is left in PostgreSQL, neither instance's tracker API shows one, and a new
    message starts afresh on the instance that remembered the old conversation."""
    sender = f"forget-{uuid.uuid4().hex}"
    reply_text(instances[0], sender, OPENING)
    reply_text(instances[1], sender, "we have our own design")
    assert "delete this conversation" in reply_text(instances[1], sender, "delete my data")
    assert reply_text(instances[0], sender, "yes").startswith("Done: I've deleted this conversation")
    for instance in instances:
        assert not events_of(instance.tracker(sender), "user")
    assert stored_rows(cluster.tracker_db_url, sender) == {"user events": 0, "mentioning the design": 0}
    reply_text(instances[1], sender, "What's the MOQ for ODM?")
    tracker = instances[1].tracker(sender)
    assert [event["text"] for event in events_of(tracker, "user")] == ["What's the MOQ for ODM?"]
    assert tracker["slots"]["own_design"] is None
