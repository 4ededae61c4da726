"""Charts and decision records: stored in the tracker database (real SQLite), served by the running
assistant at unguessable URLs, deleted with their conversation, and the record page printed to PDF by
the real headless browser."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from urllib.parse import urljoin

import pypdf
import pytest
import requests
from PIL import Image

from tests.support.assistant import start_assistant, stop_assistant
from tests.support.browser import ARTIFACTS
from tests.support.dialogue import OEM_BUYER, OPENING, answer_questionnaire

QUOTES = "OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit, at 3,000 units"
LINK = re.compile(r"\]\((?P<url>[^)\s]*/records/[A-Za-z0-9_-]+)\)")


# ------------------------------------------------------------------ against the running assistant


def recommended(assistant, sender: str) -> list[dict]:
    """Answers the questionnaire as an OEM buyer; returns the REST messages of the recommendation turn."""
    last = []

    def said(text: str) -> str:
        nonlocal last
        status, last = assistant.send(sender, text)
        assert status == 200
        return "\n".join(m.get("text") or "" for m in last)

    answer_questionnaire(said, OEM_BUYER, said(OPENING))
    return last


def record_link(assistant, sender: str) -> str:
    status, messages = assistant.send(sender, "summary")
    assert status == 200 and len(messages) == 1, messages  # one reply, one message
    match = LINK.search(messages[0]["text"])
    assert match, messages[0]["text"]
    return urljoin(assistant.url, match["url"])


@pytest.mark.server
def test_quote_comparison_comes_with_a_chart_that_loads_as_an_image(assistant, sender):
    status, messages = assistant.send(sender, QUOTES)
    assert status == 200
    assert "Break-even: above about 5,769 units" in messages[0]["text"]
    image_url = next(m["image"] for m in messages if m.get("image"))
    chart = requests.get(urljoin(assistant.url, image_url), timeout=30)
    assert chart.status_code == 200 and chart.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(chart.content)).size == (640, 360) and len(chart.content) < 60_000
    again = requests.get(chart.url, headers={"If-None-Match": chart.headers["ETag"]}, timeout=30)
    assert again.status_code == 304  # cached by content
    _, repeated = assistant.send(sender, QUOTES)
    assert next(m["image"] for m in repeated if m.get("image")) == image_url  # same chart, same URL


@pytest.mark.server
def test_a_launch_date_check_comes_with_its_timeline(assistant, sender):
    status, messages = assistant.send(sender, "I need them in 3 weeks, possible?")
    assert status == 200 and "ODM" in messages[0]["text"]
    chart = requests.get(urljoin(assistant.url, next(m["image"] for m in messages if m.get("image"))), timeout=30)
    assert chart.headers["Content-Type"] == "image/png"


@pytest.mark.server
def test_recommendation_is_one_message_with_feedback_and_record_buttons(assistant, sender):
    messages = recommended(assistant, sender)
    recommendation = [m for m in messages if "I recommend" in (m.get("text") or "")]
    assert len(recommendation) == 1 and recommendation[0]["text"].startswith("I recommend **OEM**")
    assert "Was this helpful?" in recommendation[0]["text"] and "doc v" in recommendation[0]["text"]
    assert [b["payload"] for b in recommendation[0]["buttons"]] == [
        "/feedback_helpful",
        "/feedback_unhelpful",
        "/ask_summary",
    ]
    status, thanks = assistant.send(sender, "/feedback_unhelpful")
    assert status == 200 and "noted" in thanks[0]["text"]
    assert assistant.slot(sender, "feedback") == "not helpful"
    assert "glad it helped" in assistant.say(sender, "that was really helpful")
    assert assistant.slot(sender, "feedback") == "helpful"


@pytest.mark.server
def test_summary_links_a_record_page_with_the_recommendation_source_and_charts(assistant, sender):
    recommended(assistant, sender)
    assistant.send(sender, QUOTES)
    url = record_link(assistant, sender)
    page = requests.get(url, timeout=30)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "<strong>OEM</strong> (confidence:" in page.text and "data/knowledge/oem_odm_toys.md" in page.text
    assert "Minimum Order Quantity (MOQ)</strong> — OEM:" in page.text  # the rows behind the reasons
    charts = re.findall(r'<img alt="([^"]+)" src="([^"]+)"', page.text)
    assert [title for title, _ in charts] == ["Launch date against development time", "Your quotes compared"]
    assert all(requests.get(urljoin(url, src), timeout=30).status_code == 200 for _, src in charts)
    download = requests.get(url + ".md", timeout=30)
    assert download.headers["Content-Disposition"].startswith('attachment; filename="decision-record-')
    assert "**OEM** (confidence:" in download.text and f"]({assistant.url}/charts/" in download.text
    assert requests.get(re.sub(r"/records/.*", "/records/" + "A" * 32, url), timeout=30).status_code == 404


@pytest.mark.server
def test_records_and_charts_survive_a_restart(tmp_path):
    first = start_assistant(tmp_path)
    try:
        url = record_link(first, "restarting-buyer")
        _, messages = first.send("restarting-buyer", QUOTES)
        chart = urljoin(first.url, next(m["image"] for m in messages if m.get("image")))
    finally:
        stop_assistant(first)
    second = start_assistant(tmp_path)  # same tracker database, new processes and ports
    try:
        moved = lambda link: link.replace(first.url, second.url)  # noqa: E731
        assert "OEM/ODM decision record" in requests.get(moved(url), timeout=30).text
        assert requests.get(moved(chart), timeout=30).headers["Content-Type"] == "image/png"
    finally:
        stop_assistant(second)


@pytest.mark.server
def test_streamed_rest_replies_keep_each_text_whole(assistant, sender):
    reply = requests.post(
        f"{assistant.url}/webhooks/rest/webhook?stream=true", timeout=30, json={"sender": sender, "message": "summary"}
    )
    messages = [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    assert len(messages) == 1 and messages[0]["text"].startswith("# OEM/ODM decision record")
    assert "\n\n## Source\n" in messages[0]["text"]


@pytest.mark.server
def test_record_page_prints_to_pdf_in_the_browser(assistant, sender, page, tmp_path):
    recommended(assistant, sender)
    page.goto(record_link(assistant, sender))
    assert page.locator("h1").inner_text() == "OEM/ODM decision record"
    assert "OEM (confidence:" in page.locator("article").inner_text()
    assert page.locator("img").first.evaluate("image => image.complete && image.naturalWidth") == 640
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "decision-record.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = tmp_path / f"record-{paper}.pdf"
        page.pdf(path=str(pdf), format=paper, print_background=False)
        text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
        assert "OEM (confidence:" in text and "oem_odm_toys.md" in text, text
        assert "Download as Markdown" not in text  # the print stylesheet hides the page's controls
