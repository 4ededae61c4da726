"""Shared fixtures: a real knowledge store on SQLite, and the real servers for end-to-end tests."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, ingest
from advisor.knowledge.store import KnowledgeStore, make_engine
from advisor.paths import MODEL, PROJECT_DIR
from launcher.processes import free_port, stop_group
from rasa_runtime.rate_limit import NO_LIMITS

API_TOKEN = "test-token-" + uuid.uuid4().hex[:8]


def built_store(folder: Path) -> str:
    """A fresh SQLite knowledge store built from the project's source copy; returns its URL."""
    url = f"sqlite:///{folder / 'knowledge.db'}"
    ingest(DEFAULT_SOURCE, DEFAULT_CATALOG, make_engine(url))
    return url


@pytest.fixture()
def store_url(tmp_path) -> str:
    """A store of the test's own, free to re-ingest or break."""
    return built_store(tmp_path)


@pytest.fixture(autouse=True)
def tracker_db_url(monkeypatch, tmp_path) -> str:
    """The tracker database of actions run inside the test process (charts and decision records go
    there): the test's own SQLite file, never the developer's build/trackers.db."""
    path = tmp_path / "in-process-trackers.db"
    # TRACKER_DB, not TRACKER_DB_URL: a test that sets TRACKER_DB for a server it starts still gets it.
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(path))
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory):
    """The store as every reader sees it, built once (read-only use)."""
    return KnowledgeStore(built_store(tmp_path_factory.mktemp("store"))).snapshot()


def nlu_examples(path: Path) -> set[str]:
    """The example sentences of a Rasa NLU YAML file, lower-cased, entity annotations removed."""
    lines = path.read_text(encoding="utf-8").lower().splitlines()
    return {re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:].strip()) for line in lines
            if line.strip().startswith("- ") and not line.strip().startswith("- intent")}


@dataclass
class Assistant:
    """A running assistant reached over the REST channel (and the token-protected HTTP API)."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def send(self, sender: str, message, timeout: float = 30) -> tuple[int, list]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"[]")
        except urllib.error.HTTPError as err:
            return err.code, []

    def say(self, sender: str, message: str) -> str:
        """The joined reply text (with button titles in brackets), as the acceptance runner reads it."""
        status, replies = self.send(sender, message)
        assert status == 200, f"HTTP {status} for {message!r}"
        parts = []
        for reply in replies:
            parts.append(reply.get("text") or "")
            parts += [f"[{b['title']}]" for b in reply.get("buttons") or []]
        return "\n".join(p for p in parts if p)

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/conversations/{sender}/tracker?token={self.token}",
                                    timeout=10) as response:
            return json.loads(response.read())

    def slot(self, sender: str, name: str):
        return self.tracker(sender)["slots"].get(name)


def start_assistant(tmp_path: Path, extra_env: dict | None = None, ports: tuple[int, int] | None = None
                    ) -> Assistant:
    """Start launcher.serve on free ports (or Rasa's and the action server's `ports`) with its own
    tracker database and logs; wait until it answers."""
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    rasa_port, actions_port = ports or (free_port(), free_port())
    # TRACKER_DB_URL, not TRACKER_DB: a developer's .env could set the URL, which wins over TRACKER_DB.
    env = dict(os.environ, RASA_API_TOKEN=API_TOKEN, TRACKER_DB_URL=f"sqlite:///{tmp_path / 'trackers.db'}",
               **{**NO_LIMITS, **(extra_env or {})})  # machine speed; test_rate_limit.py tests the limits
    log = tmp_path / "assistant.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher.serve", "--rasa-port", str(rasa_port),
         "--actions-port", str(actions_port), "--logs", str(tmp_path)],
        cwd=PROJECT_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{rasa_port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the assistant exited during start-up:\n" + log.read_text()[-3000:])
        if "Assistant ready" in log.read_text(errors="replace"):
            return Assistant(url, API_TOKEN, process, log)
        time.sleep(0.5)
    stop_assistant(Assistant(url, API_TOKEN, process, log))
    pytest.fail("the assistant did not answer within 240 s:\n" + log.read_text()[-3000:])


def stop_assistant(assistant: Assistant) -> None:
    stop_group(assistant.process, timeout=30)


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
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                              stdout=subprocess.DEVNULL)
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
