"""The web chat page in a real headless browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.support.browser import ARTIFACTS, ask, open_chat, replies, session_id

pytestmark = pytest.mark.server

# The questionnaire in the order it asks (domain.yml), each question with the quick reply to click.
QUICK_REPLIES_OF_AN_OEM_BUYER = [
    ("How many units", "500 to 5,000"),
    ("When do you need the toys ready", "In 6 months or more"),
    ("own design", "Yes, our own design"),
    ("intellectual property", "Crucial"),
    ("budget", "Comfortable"),
    ("startup or small business", "Startup / small business"),
]


def test_page_says_what_the_assistant_is_for_and_loads_everything_from_our_server(page, assistant):
    escaped = []  # requests to another host that the page's content security policy did not stop
    page.on("requestfinished", lambda request: escaped.append(request.url))
    page.on("requestfailed", lambda request: request.failure == "csp" or escaped.append(request.url))
    open_chat(page, assistant)
    intro = page.locator(".intro")
    expect(intro).to_contain_text("choose between OEM")
    expect(intro.locator("li")).to_have_text(
        ["What's the MOQ for ODM?", "How long does OEM take?", "Help me choose between OEM and ODM"]
    )
    assert [url for url in escaped if urlparse(url).netloc != urlparse(assistant.url).netloc] == []


def test_question_quick_reply_and_reload_keep_one_conversation(page, assistant):
    open_chat(page, assistant)
    ask(page, "What's the MOQ for ODM?")
    expect(replies(page).nth(1)).to_contain_text("Typically lower (50-500 units)")
    expect(replies(page).nth(1).locator("strong").first).to_have_text("Minimum Order Quantity (MOQ)")

    ask(page, "help me choose")
    expect(replies(page).nth(2)).to_contain_text("How many units")
    page.locator(".rw-reply", has_text="500 to 5,000").click()
    expect(page.locator(".rw-client").last).to_have_text("500 to 5,000")
    expect(replies(page).nth(3)).to_contain_text("When do you need the toys ready")
    conversation = session_id(page)

    page.reload()
    expect(replies(page).nth(3)).to_contain_text("When do you need the toys ready")
    expect(replies(page).nth(1)).to_contain_text("50-500 units")
    assert session_id(page) == conversation
    page.locator(".rw-reply", has_text="In 6 months or more").click()
    expect(replies(page).nth(4)).to_contain_text("OEM (3-6 months): fits")  # the launch answer's check
    expect(replies(page).nth(5)).to_contain_text("Do you already have your own design")
    # Rasa saves a turn before it handles the next one of the same conversation: this reply shows that
    # the answer given before the reload is in the tracker the page still talks to.
    assert assistant.slot(conversation, "order_quantity") == 2000
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat.png"))


def test_recommendation_reads_with_bold_and_line_breaks(page, assistant):
    open_chat(page, assistant)
    ask(page, "help me choose")
    for question, answer in QUICK_REPLIES_OF_AN_OEM_BUYER:
        expect(replies(page).last).to_contain_text(question)
        page.locator(".rw-reply", has_text=answer).click()
    recommendation = replies(page).filter(has_text="I recommend")
    expect(recommendation.locator("strong").first).to_have_text("OEM")
    lines = recommendation.inner_text().splitlines()
    assert lines[0].startswith("I recommend OEM") and lines[1].startswith("1. "), lines
    assert "Was this helpful?" in lines[-1]  # the whole recommendation in one bubble
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-recommendation.png"))

    before = replies(page).count()
    page.locator(".rw-reply", has_text="Decision record").click()
    record = replies(page).nth(before)
    expect(record.locator("h1")).to_have_text("OEM/ODM decision record")
    expect(record).to_contain_text("Source")
    expect(record.locator("a", has_text="Open the printable record")).to_have_attribute("href", re.compile("/records/"))
    ask(page, "What's the MOQ for ODM?")  # once its answer is in, any second part of the record would be too
    expect(replies(page).nth(before + 1)).to_contain_text("50-500 units")
    expect(replies(page)).to_have_count(before + 2)


def test_quote_comparison_shows_its_chart_in_the_conversation(page, assistant):
    open_chat(page, assistant)
    ask(page, "OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit, at 3,000 units")
    expect(replies(page).nth(1)).to_contain_text("Break-even: above about 5,769 units")
    chart = page.locator(".rw-image-frame").last
    expect(chart).to_be_visible()
    assert chart.evaluate("image => image.complete && image.naturalWidth") == 640
    assert chart.bounding_box()["width"] > 300  # readable: the chart spans the bubble, not a thumbnail
    chart.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-chart.png"))


def test_full_comparison_is_one_message_drawn_as_a_table(page, assistant, snapshot):
    open_chat(page, assistant)
    ask(page, "show me the full comparison")
    table = replies(page).nth(1).locator("table")
    expect(table.locator("th")).to_have_text(["Factor", "OEM", "ODM"])
    expect(table.locator("tbody tr")).to_have_count(len(snapshot.factors))
    expect(table.locator("tbody tr").first.locator("td").first).to_have_text(
        next(iter(snapshot.factors.values())).row_label
    )
    ask(page, "What's the MOQ for ODM?")  # once its answer is in, any second part of the table would be too
    expect(replies(page).nth(2)).to_contain_text("50-500 units")
    expect(replies(page)).to_have_count(3)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-comparison.png"))
