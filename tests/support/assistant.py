"""The real servers for end-to-end tests: start launcher.serve on free ports, talk to it over the REST
channel and the HTTP API, find its action server process."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.paths import MODEL, PROJECT_DIR
from launcher.processes import descendants, free_port, stop_group
from launcher.serve import launch_command
from rasa_runtime.rate_limit import NO_LIMITS

API_TOKEN = "test-token-" + uuid.uuid4().hex[:8]


@dataclass
class Assistant:
    """A running assistant reached over the REST channel (and the token-protected HTTP API)."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def send(self, sender: str, message, timeout: float = 30) -> tuple[int, list]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
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
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=10
        ) as response:
            return json.loads(response.read())

    def slot(self, sender: str, name: str):
        return self.tracker(sender)["slots"].get(name)


def start_assistant(tmp_path: Path, extra_env: dict | None = None, ports: tuple[int, int] | None = None) -> Assistant:
    """Start launcher.serve on free ports (or Rasa's and the action server's `ports`) with its own
    tracker database and logs; wait until it answers."""
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    rasa_port, actions_port = ports or (free_port(), free_port())
    # TRACKER_DB_URL, not TRACKER_DB: a developer's .env could set the URL, which wins over TRACKER_DB.
    env = dict(
        os.environ,
        RASA_API_TOKEN=API_TOKEN,
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'trackers.db'}",
        **{**NO_LIMITS, **(extra_env or {})},
    )  # machine speed; test_rate_limit.py tests the limits
    log = tmp_path / "assistant.log"
    process = subprocess.Popen(
        launch_command(rasa_port, "--actions-port", str(actions_port), "--logs", str(tmp_path)),
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
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


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def action_server_pid(assistant) -> int:
    return next(pid for pid in descendants(assistant.process.pid) if "rasa_runtime.action_server" in command_line(pid))


def action_server_port(pid: int) -> int:
    words = command_line(pid).split()
    return int(words[words.index("--port") + 1])


def wait_until(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)
