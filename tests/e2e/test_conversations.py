"""End-to-end: real action server + Rasa server with the trained model, conversations over REST."""

from __future__ import annotations

import random
import re

import pytest

from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, ingest
from advisor.knowledge.store import make_engine
from advisor.paths import PROJECT_DIR
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.dialogue import answer_questionnaire, asked_slot
from tests.support.project import built_store, nlu_examples

pytestmark = pytest.mark.server


def walk_questionnaire(assistant, sender: str, opening: str, answers: dict[str, str]) -> tuple[str, list[str]]:
    """`answer_questionnaire` over REST; returns the recommendation and the slots asked, in order."""
    asked: list[str] = []

    def say(message: str) -> str:
        reply = assistant.say(sender, message)
        if asked_slot(reply):
            asked.append(asked_slot(reply))
        return reply

    return answer_questionnaire(say, answers, say(opening)), asked


@pytest.mark.parametrize(
    "question, expected",
    [
        ("moq for odm?", [r"50-500 units", r"Minimum Order Quantity \(MOQ\)\" row"]),
        ("What's the minimum order quantity for OEM factories?", [r"500-5000\+ units"]),
        ("how lng does odm take", [r"2-4 weeks"]),
        ("OEM development time?", [r"3-6 months"]),
        ("who owns the design if I use ODM", [r"manufacturer owns the base design IP", r"customizations you add"]),
        ("do i keep the IP with oem", [r"you \(the buyer\) own the IP"]),
        ("which is riskier", [r"^\*\*OEM\*\* — Risk Level"]),
        ("which one is cheaper to start", [r"\*\*ODM\*\* — Unit Cost: Lower initial cost"]),
        ("which is better for a startup?", [r"ODM is the better fit"]),
        ("what does ODM stand for", [r"Original Design Manufacturer"]),
        ("show me the full comparison", [r"Design Ownership", r"Risk Level", r"all rows"]),
        ("can I order just 100 pieces?", [r"100 units fits ODM"]),
        ("I need them in 3 weeks, possible?", [r"ODM can make it", r"OEM \(3-6 months\): not realistic"]),
        ("hello", [r"OEM", r"ODM"]),
        ("what can you do?", [r"recommendation"]),
        ("are you a bot?", [r"I'm a bot"]),
    ],
)
def test_factual_questions(assistant, sender, question, expected):
    reply = assistant.say(sender, question)
    for pattern in expected:
        assert re.search(pattern, reply, re.M), reply


@pytest.mark.parametrize(
    "message", ["book me a flight", "bitcoin price", "asdkjh qwpeoiru zmxnvb", "tell me a joke", "x' OR 1=1; --"]
)
def test_out_of_scope_gets_what_we_cover_and_no_figures(assistant, sender, message):
    reply = assistant.say(sender, message)
    assert re.search(r"only help with", reply), reply
    assert not re.search(r"\d+-\d+ (units|weeks|months)", reply), reply


def test_follow_ups_resolve_against_the_last_question(assistant, sender):
    assert "50-500 units" in assistant.say(sender, "what's the MOQ for ODM?")
    assert "500-5000+ units" in assistant.say(sender, "and for OEM?")
    assert "3-6 months" in assistant.say(sender, "how long does OEM take?")
    reply = assistant.say(sender, "what about ODM")
    assert "2-4 weeks" in reply and "3-6 months" not in reply


def test_odm_profile_with_a_digression_and_a_skip(assistant, sender):
    first = assistant.say(sender, "Should I use OEM or ODM?")
    topic = asked_slot(first)
    digression = assistant.say(sender, "wait, what's the MOQ for OEM?")
    assert "500-5000+ units" in digression and asked_slot(digression) == topic
    answers = {
        "own_design": "no design yet",
        "ip_importance": "not sure",
        "order_quantity": "about 200",
        "weeks_to_launch": "in 4 weeks",
        "budget": "tight",
        "business_stage": "a new small business",
    }
    reply, asked = walk_questionnaire(assistant, sender, answers[topic], answers)
    assert reply.startswith("I recommend **ODM**")
    assert "your 200 units fit ODM's 50-500 units MOQ" in reply and "weren't sure" in reply
    assert assistant.slot(sender, "recommendation") == "ODM"
    assert len(set(asked)) == len(asked), f"a question was asked twice: {asked}"


def test_facts_volunteered_up_front_are_never_asked_again(assistant, sender):
    opening = "Small Etsy shop, 100 plushies with my logo in 3 weeks, no designer. OEM or ODM?"
    answers = {"ip_importance": "not important", "budget": "tight"}
    reply, asked = walk_questionnaire(assistant, sender, opening, answers)
    assert set(asked) == {"ip_importance", "budget"}
    assert reply.startswith("I recommend **ODM** (confidence: high)")


def test_oem_profile_then_why_what_if_summary_and_restart(assistant, sender):
    answers = {
        "own_design": "yes, complete designs from our studio",
        "ip_importance": "crucial, our own character",
        "order_quantity": "5000 units",
        "weeks_to_launch": "half a year",
        "budget": "healthy",
        "business_stage": "established brand",
    }
    reply, _ = walk_questionnaire(assistant, sender, "I'd like a recommendation for our new toy line", answers)
    assert reply.startswith("I recommend **OEM**") and assistant.slot(sender, "recommendation") == "OEM"
    why = assistant.say(sender, "why?")
    assert "Design Ownership" in why and "✔" in why
    changed = assistant.say(sender, "what if we only needed 200 units in 3 weeks?")
    assert changed.startswith("I recommend **ODM**") and "changes my earlier OEM recommendation" in changed
    assert assistant.slot(sender, "recommendation") == "ODM"
    summary = assistant.say(sender, "give me a summary")
    assert summary.startswith("# OEM/ODM decision record") and "- Order quantity: 200 units" in summary
    assert "cleared your profile" in assistant.say(sender, "start over")
    assert assistant.slot(sender, "order_quantity") is None
    assert "haven't made a recommendation" in assistant.say(sender, "why?")


def test_correction_during_the_questionnaire(assistant, sender):
    assistant.say(sender, "help me choose, we need 200 units")
    reply = assistant.say(sender, "actually make it 2,000 units")
    assert "Order quantity 200 units → 2,000 units" in reply
    assert assistant.slot(sender, "order_quantity") == 2000


def test_quotes_and_launch_date(assistant, sender):
    quotes = assistant.say(sender, "OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit")
    assert "Break-even: above about 5,769 units" in quotes
    negative = assistant.say(sender, "OEM: $8,000 + -$2/unit, ODM: $500 + $3.40/unit")
    assert "negative" in negative


def test_changed_source_cell_changes_the_answer_without_retraining(tmp_path):
    """Re-ingest a source whose ODM MOQ reads 80-800 units: the running assistant answers with it."""
    store = built_store(tmp_path)
    running = start_assistant(tmp_path, {"DATABASE_URL": store})
    try:
        assert "50-500 units" in running.say("cell-change", "moq for odm?")
        changed = tmp_path / "changed.md"
        changed.write_text(DEFAULT_SOURCE.read_text().replace("(50-500 units)", "(80-800 units)"))
        ingest(changed, DEFAULT_CATALOG, make_engine(store))
        assert "80-800 units" in running.say("cell-change", "moq for odm?")
    finally:
        stop_assistant(running)


def test_any_sequence_of_buyer_messages_gets_a_reply_chosen_by_a_rule(assistant):
    """Random conversations of never-trained messages (in and out of scope): every message gets a
    reply and no turn falls through to Rasa's core fallback (no TEDPolicy behind the rules)."""
    messages = sorted(
        nlu_examples(PROJECT_DIR / "tests" / "nlu" / "holdout.yml")
        | nlu_examples(PROJECT_DIR / "bench" / "out_of_scope.yml")
    )
    pick = random.Random(7)
    for conversation in range(12):
        sender = f"random-walk-{conversation}"
        for _ in range(12):
            text = pick.choice(messages)
            assert assistant.say(sender, text), f"no reply to {text!r} in {sender}"
        actions = [e["name"] for e in assistant.tracker(sender)["events"] if e["event"] == "action"]
        assert "action_default_fallback" not in actions, sender
