"""Fixtures of the end-to-end tests: the real servers (started once per session), Redis, the browser page
and the fake Slack Web API. Every test here is marked `server`."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Page, sync_playwright

from launcher.processes import free_port
from tests.support.assistant import start_assistant, stop_assistant
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, WAIT_MS
from tests.support.slack import FakeSlackAPI


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The real action server and Rasa server, started once for the session's end-to-end tests."""
    running = start_assistant(tmp_path_factory.mktemp("assistant"))
    yield running
    stop_assistant(running)


@pytest.fixture()
def sender() -> str:
    return "test-" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: `make test` installs it (make cluster-deps)")
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture()
def page(tmp_path) -> Page:
    """A fresh browser profile (empty user-data-dir) with one page."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` (or `make test`) installs Debian's chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1100, "height": 900},
        )
        context.set_default_timeout(WAIT_MS)
        yield context.pages[0] if context.pages else context.new_page()
        context.close()


@pytest.fixture(scope="module")
def fake_slack():
    fake = FakeSlackAPI()
    yield fake
    fake.close()
