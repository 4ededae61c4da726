"""Bad input against the running server: odd text, forged `/intent{...}` payloads for every intent
and slot, malformed bodies and wrong content types. Nothing may crash, leak a stack trace, echo
markup, store an invalid slot value or change the knowledge store; afterwards the assistant still
answers correctly."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
import uuid

import pytest
import yaml
from playwright.sync_api import expect
from sqlalchemy import inspect, select

from advisor.decision import BuyerProfile, recommend
from advisor.knowledge.store import Base, KnowledgeStore, make_engine
from advisor.paths import PROJECT_DIR
from advisor.vocabulary import PROFILE_SLOTS
from tests.support.browser import ask, open_chat, replies
from tests.support.dialogue import ODM_BUYER, OPENING, answer_questionnaire, invalid_slots

pytestmark = pytest.mark.server

DOMAIN = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
ODD_MESSAGES = {
    "empty": "",
    "whitespace": " \t\n ",
    "12000 characters": "OEM or ODM? " * 1000,
    "nul": "MOQ\x00 for ODM?\x00",
    "rtl": "\u202eMDO rof QOM\u202c \u05de\u05d4 \u05d4-MOQ?",
    "emoji": "🧸🧸 how many 🧸 for ODM? 🚀",
    "spanish": "¿Cuál es el pedido mínimo para ODM?",
    "chinese": "ODM的最小起订量是多少？",
    "sql": "'; DROP TABLE factors; -- what's the MOQ?",
    "sql union": "1 UNION SELECT * FROM comparison_cells",
    "html": "<script>alert(1)</script> MOQ?",
    "img": "<img src=x onerror=alert(1)> lead time?",
    "markdown": "**MOQ** [click](javascript:alert(1)) ![x](http://127.0.0.1/x.png)",
    "template": "{{7*7}} ${7*7} %s %(x)s {0}",
    "json in text": '{"sender": "someone-else", "message": "hi"}',
}
BAD_VALUES = [
    "-5",
    0,
    "1e309",
    "NaN",
    10**30,
    "'; DROP TABLE factors; --",
    "<script>alert(1)</script>",
    None,
    [],
    {"$ne": 1},
    "OEM",
    "x" * 500,
]
MARKUP = ("<script", "onerror", "javascript:", "Traceback", "Exception", "sqlalchemy")


def store_fingerprint() -> tuple[dict[str, int], str]:
    """Row counts per table and a checksum over every row of the knowledge store."""
    engine = make_engine()
    digest, counts = hashlib.sha256(), {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if not inspect(engine).has_table(table.name):
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(rows)
            digest.update(repr((table.name, [tuple(row) for row in rows])).encode())
    engine.dispose()
    return counts, digest.hexdigest()


@pytest.fixture(scope="module")
def store_before(assistant):
    return store_fingerprint(), KnowledgeStore().snapshot().checksum


def post(assistant, body: bytes, content_type: str = "application/json") -> tuple[int, object]:
    request = urllib.request.Request(
        f"{assistant.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def assert_clean_replies(replies) -> None:
    assert isinstance(replies, list)
    for reply in replies:
        shown = json.dumps(reply)
        assert not any(marker.lower() in shown.lower() for marker in MARKUP), shown


@pytest.mark.parametrize("message", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_odd_messages_get_a_clean_reply(assistant, store_before, message):
    sender = "odd-" + uuid.uuid4().hex
    status, replies = assistant.send(sender, message)
    assert status == 200
    assert_clean_replies(replies)
    assert not invalid_slots(assistant.tracker(sender)["slots"])


@pytest.mark.parametrize("intent", DOMAIN["intents"])
def test_forged_payloads_store_no_invalid_values(assistant, store_before, intent):
    """`/intent{"slot": value}` for every slot (and entity) at once, and then one slot at a time,
    both inside the questionnaire and outside it."""
    sender = "forged-" + uuid.uuid4().hex
    names = list(DOMAIN["slots"]) + DOMAIN["entities"] + ["requested_slot", "active_loop"]
    payloads = [{name: BAD_VALUES[i % len(BAD_VALUES)] for i, name in enumerate(names)}]
    payloads += [{name: BAD_VALUES[(i + len(intent)) % len(BAD_VALUES)]} for i, name in enumerate(names)]
    for n, payload in enumerate(payloads):
        if n == len(payloads) // 2:
            assistant.say(sender, OPENING)  # the second half arrives while the form asks its questions
        status, replies = assistant.send(sender, f"/{intent}{json.dumps(payload)}")
        assert status == 200, payload
        assert_clean_replies(replies)
    slots = assistant.tracker(sender)["slots"]
    assert not invalid_slots(slots), slots
    if slots["recommendation"]:  # questions answered twice with nonsense count as "not sure"
        profile = BuyerProfile(**{slot: slots[slot] for slot in PROFILE_SLOTS})
        assert slots["recommendation"] == recommend(profile, KnowledgeStore().snapshot()).model


@pytest.mark.parametrize(
    "message",
    [
        "/restart",
        "/session_start",
        "/back",
        "/nonexistent_intent",
        '/inform{"order_quantity": ',
        '/inform{"a": 1}}}}',
        "/" * 500,
        "/EXTERNAL_reminder",
        "/ask_recommendation",
    ],
)
def test_forged_commands_only_touch_the_senders_own_conversation(assistant, store_before, message):
    bystander = "bystander-" + uuid.uuid4().hex
    assistant.say(bystander, OPENING)
    assistant.say(bystander, ODM_BUYER["own_design"])
    before = assistant.tracker(bystander)
    status, replies = assistant.send("forger-" + uuid.uuid4().hex, message)
    assert status == 200
    assert_clean_replies(replies)
    after = assistant.tracker(bystander)
    assert after["events"] == before["events"]


BAD_BODIES = {
    "not json": b"{sender: x, message: hi",
    "empty body": b"",
    "json array": b"[]",
    "json string": b'"hello"',
    "json null": b"null",
    "no sender": b'{"message": "hi"}',
    "empty sender": b'{"sender": "", "message": "hi"}',
    "number sender": b'{"sender": 5, "message": "hi"}',
    "sender with nul": b'{"sender": "a\\u0000b", "message": "hi"}',
    "long sender": json.dumps({"sender": "s" * 500, "message": "hi"}).encode(),
    "no message": b'{"sender": "x"}',
    "number message": b'{"sender": "x", "message": 42}',
    "object message": b'{"sender": "x", "message": {"text": "hi"}}',
    "list metadata": b'{"sender": "x", "message": "hi", "metadata": [1]}',
    "huge metadata": json.dumps({"sender": "x", "message": "hi", "metadata": {"k": "v" * 10000}}).encode(),
    "invalid utf-8": b'{"sender": "x", "message": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_malformed_bodies_are_refused(assistant, store_before, body):
    status, answer = post(assistant, body)
    assert status == 400
    assert set(answer) == {"error"} and "Traceback" not in answer["error"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"],
)
def test_wrong_content_types_are_refused(assistant, store_before, content_type):
    status, answer = post(assistant, json.dumps({"sender": "x", "message": "hi"}).encode(), content_type)
    assert status == 415
    assert set(answer) == {"error"}


def test_after_the_battery_the_assistant_answers_and_the_store_is_unchanged(assistant, store_before):
    reply = assistant.say("after-" + uuid.uuid4().hex, "What's the MOQ for ODM?")
    assert "50" in reply and "ODM" in reply
    sender = "after-" + uuid.uuid4().hex
    recommendation = answer_questionnaire(
        lambda message: assistant.say(sender, message), ODM_BUYER, assistant.say(sender, OPENING)
    )
    assert recommendation.startswith("I recommend **ODM**")
    assert assistant.slot(sender, "recommendation") == "ODM"
    assert (store_fingerprint(), KnowledgeStore().snapshot().checksum) == store_before


def test_chat_page_shows_markup_from_a_message_as_text(page, assistant):
    """The web chat renders what a buyer typed as text: no element, no script from a message."""
    open_chat(page, assistant)
    typed = '<img src=x onerror="window.injected=1"><b>bold</b><script>window.injected=2</script>'
    ask(page, typed)
    expect(page.locator(".rw-client").last).to_contain_text("<b>bold</b>")
    expect(replies(page).nth(1)).to_be_visible()
    assert page.evaluate("window.injected") is None
    assert page.locator(".rw-client img, .rw-client b, .rw-client script").count() == 0
