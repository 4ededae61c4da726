"""The web chat page in Debian's chromium, driven by Playwright: where it is, and how a buyer uses the chat."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from advisor.paths import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 30_000  # how long to wait for the assistant's reply to appear, not a performance bound


def open_chat(page: Page, assistant) -> None:
    """Open the chat page and wait for the assistant's greeting."""
    page.goto(f"{assistant.url}/chat/")
    expect(page.locator(".rw-response").first).to_contain_text("I help toy buyers")


def ask(page: Page, question: str) -> None:
    page.locator(".rw-new-message").fill(question)
    page.keyboard.press("Enter")


def replies(page: Page):
    return page.locator(".rw-response")


def session_id(page: Page) -> str:
    """The conversation id that rasa-webchat keeps in the browser and sends to the socket.io channel."""
    return json.loads(page.evaluate("localStorage.getItem('chat_session')"))["session_id"]
