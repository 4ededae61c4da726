"""`make report` (operations/usage_report.py) on a real SQLite tracker store: exact counts on generated
conversations (bench/report_data.py), the --html page, and a report after real conversations."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bench import report_data
from operations import usage_report
from tests.support.project import run_report

CONVERSATIONS = 1000


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'trackers.db'}"
    return url, report_data.generate(url, CONVERSATIONS)


def test_the_report_counts_exactly_what_the_conversations_did(generated):
    url, expected = generated
    until = datetime.now(timezone.utc)
    found = usage_report.build_report(sa.create_engine(url, future=True), until - timedelta(days=31), until)
    assert (found.conversations, found.messages) == (expected.conversations, expected.messages)
    assert found.recommendations == expected.recommendations and found.recommended > 0
    assert found.questionnaires == expected.questionnaires
    assert found.dropped_at == expected.dropped_at and len(found.dropped_at) == len(report_data.QUESTIONS)
    assert found.fallbacks == expected.fallbacks and found.fallback_messages == expected.fallback_messages
    assert found.feedback == expected.feedback
    assert set(found.typed_feedback) == set(report_data.TYPED_FEEDBACK.values())  # clicks are not "typed"
    assert sum(found.messages_per_day.values()) == expected.messages


def test_a_period_counts_only_its_own_messages(generated):
    url, expected = generated
    until = datetime.now(timezone.utc)
    week = usage_report.build_report(sa.create_engine(url, future=True), until - timedelta(days=7), until)
    assert 0 < week.messages < expected.messages
    assert min(week.messages_per_day) >= (until - timedelta(days=7)).date()


def test_make_report_prints_the_figures_and_writes_a_page_with_charts(generated, tmp_path):
    url, expected = generated
    page = tmp_path / "report.html"
    started = time.monotonic()
    printed = run_report(url, "--html", str(page))
    assert time.monotonic() - started < 60  # "seconds": bench/report_data.py measures 10,000 conversations
    assert f"Conversations: {expected.conversations:,}; buyers' messages: {expected.messages:,}" in printed
    assert f"OEM {expected.recommendations['OEM']:,}, ODM {expected.recommendations['ODM']:,}" in printed
    top_text, top_times = expected.fallback_messages.most_common(1)[0]
    assert f"{top_times:>6,}× {top_text!r}" in printed
    html = page.read_text()
    assert html.count('<img src="data:image/png;base64,') == 3 and "What to teach next".lower() in html.lower()


def test_an_empty_store_says_so(tmp_path):
    assert "no conversations yet" in run_report(f"sqlite:///{tmp_path / 'empty.db'}")
