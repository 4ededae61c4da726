"""`make report` after real conversations with the running assistant (tests/actions/test_report.py
checks its exact counts on generated conversations)."""

from __future__ import annotations

import re

import pytest

from tests.support.dialogue import OEM_BUYER, OPENING, answer_questionnaire
from tests.support.project import run_report


def as_int(printed_number: str) -> int:
    """A number as the report prints it, with thousands separators ("1,857")."""
    return int(printed_number.replace(",", ""))


@pytest.mark.server
def test_report_after_real_conversations_mentions_the_recommendation_and_feedback(assistant, sender):
    said = lambda text: assistant.say(sender, text)  # noqa: E731
    assert "I recommend" in answer_questionnaire(said, OEM_BUYER, said(OPENING))
    said("/feedback_helpful")
    printed = run_report(f"sqlite:///{assistant.log.parent / 'trackers.db'}")
    # the session's assistant may hold thousands of conversations: "1,857"
    recommended = re.search(
        r"Recommendations: reached in ([\d,]+) of [\d,]+ conversations .*: OEM ([\d,]+), ODM ([\d,]+)", printed
    )
    assert recommended and as_int(recommended[1]) >= 1 and as_int(recommended[2]) >= 1, printed
    assert as_int(re.search(r"👍 helpful ([\d,]+)", printed)[1]) >= 1, printed
