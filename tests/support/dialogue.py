"""Helpers for the reliability tests: answer the questionnaire by what it asks, find and kill the
real server processes, and check that a tracker holds only valid profile values."""

from __future__ import annotations

import math
import os
import re
import signal
from collections.abc import Callable

from advisor.understanding.buyer_text import UNSURE
from advisor.vocabulary import PROFILE_SLOTS

OPENING = "OEM or ODM for me?"
QUESTION_PATTERNS = {
    "own_design": r"own design",
    "ip_importance": r"intellectual property",
    "order_quantity": r"how many units",
    "weeks_to_launch": r"when do you need",
    "budget": r"budget",
    "business_stage": r"startup or small business",
}
ODM_BUYER = {
    "own_design": "no design yet",
    "ip_importance": "not important",
    "order_quantity": "about 200",
    "weeks_to_launch": "in 4 weeks",
    "budget": "tight",
    "business_stage": "a new small business",
}
OEM_BUYER = {
    "own_design": "yes, we have our own design",
    "ip_importance": "owning the IP is crucial",
    "order_quantity": "about 5000 units",
    "weeks_to_launch": "in 8 months",
    "budget": "our budget is healthy",
    "business_stage": "we are an established brand",
}
CATEGORICAL_VALUES = {
    "own_design": {"yes", "no"},
    "ip_importance": {"high", "low"},
    "budget": {"limited", "healthy"},
    "business_stage": {"startup", "growing", "established"},
}


def asked_slot(reply: str) -> str | None:
    """The profile slot a bot reply asks about (the last question in it), or None."""
    found = [
        (match.start(), slot)
        for slot, pattern in QUESTION_PATTERNS.items()
        for match in re.finditer(pattern, reply, re.I)
    ]
    return max(found)[1] if found and "I recommend" not in reply else None


def answer_questionnaire(say: Callable[[str], str], answers: dict[str, str], reply: str) -> str:
    """Answers each question by topic, starting from `reply`, until the recommendation; returns it."""
    for _ in range(len(PROFILE_SLOTS) + 2):
        if "I recommend" in reply:
            return reply
        slot = asked_slot(reply)
        assert slot, f"expected a question or a recommendation, got {reply!r}"
        reply = say(answers[slot])
    raise AssertionError(f"no recommendation after answering everything; last reply {reply!r}")


def valid_profile_value(slot: str, value) -> bool:
    if value is None or value == UNSURE:
        return True
    if slot == "order_quantity":
        return isinstance(value, (int, float)) and 1 <= value <= 10_000_000
    if slot == "weeks_to_launch":
        return isinstance(value, (int, float)) and math.isfinite(value) and value > 0
    return value in CATEGORICAL_VALUES[slot]


def invalid_slots(slots: dict) -> dict:
    """The profile and outcome slots of a tracker that hold values the assistant could never have set."""
    bad = {slot: slots.get(slot) for slot in PROFILE_SLOTS if not valid_profile_value(slot, slots.get(slot))}
    if slots.get("recommendation") not in (None, "OEM", "ODM"):
        bad["recommendation"] = slots["recommendation"]
    if slots.get("requested_slot") not in (None,) + PROFILE_SLOTS:
        bad["requested_slot"] = slots["requested_slot"]
    return bad


def kill_hard(pids: list[int]) -> None:
    """SIGKILL, as a crash or a power cut would: no shutdown code runs."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
