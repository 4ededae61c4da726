"""A quiet console: `make run` shows staged progress and the assistant's addresses, never third-party
noise (deprecation warnings, TensorFlow's chatter, progress bars), which goes to build/logs/; a failing
set-up step (launcher/step.py) shows its last lines and where its log is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from advisor.paths import PROJECT_DIR
from launcher.processes import free_port
from tests.support.assistant import API_TOKEN, Assistant

pytestmark = pytest.mark.server

NOISE = ["DeprecationWarning", "Processed trackers", "Epochs:", "UserWarning", "tensorflow", "it/s]"]


def test_make_run_shows_stages_and_addresses_and_no_noise(tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    env = dict(
        os.environ,
        RASA_PORT=str(rasa_port),
        ACTIONS_PORT=str(actions_port),
        RASA_API_TOKEN=API_TOKEN,
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'trackers.db'}",
    )
    console = tmp_path / "console.txt"
    make = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=console.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 400  # a stale model is retrained first (about a minute)
        while "Slack:" not in console.read_text(errors="replace"):
            assert make.poll() is None, console.read_text()
            assert time.monotonic() < deadline, console.read_text()
            time.sleep(0.5)
        assistant = Assistant(f"http://127.0.0.1:{rasa_port}", API_TOKEN, make, console)
        assert "50" in assistant.say("console-" + uuid.uuid4().hex, "What's the MOQ for ODM?")
    finally:
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C
        make.wait(timeout=60)
    text = console.read_text(errors="replace")
    print("\n" + text)
    logs = PROJECT_DIR / "build" / "logs"
    assert f"Starting Rasa and the action server (about 15 s; logs in {logs})… done in" in text
    assert f"Assistant ready: POST http://localhost:{rasa_port}/webhooks/rest/webhook" in text
    assert f"Chat page: http://localhost:{rasa_port}/chat/" in text
    assert [line for line in text.splitlines() if any(noise in line for noise in NOISE)] == []
    assert len(text.splitlines()) <= 12  # stages, addresses, nothing else


def step(tmp_path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "launcher.step", "Doing the thing", str(tmp_path / "step.log"), "--", *command],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_step_hides_its_output_and_shows_it_when_it_fails(tmp_path):
    noisy = "import warnings; print('chatter'); warnings.warn('old API', DeprecationWarning, stacklevel=1)"
    done = step(tmp_path, sys.executable, "-W", "always", "-c", noisy)
    assert done.returncode == 0
    assert done.stdout.startswith("Doing the thing… done in ") and done.stderr == ""
    log = (tmp_path / "step.log").read_text()
    assert "chatter" in log and "DeprecationWarning" in log

    failed = step(tmp_path, sys.executable, "-c", "print('what went wrong'); raise SystemExit(3)")
    assert failed.returncode == 3
    assert failed.stdout == "Doing the thing… failed (exit code 3)\n"
    assert f"Last lines of {tmp_path / 'step.log'}:\n  what went wrong" in failed.stderr
    assert "chatter" not in failed.stderr  # only this run's lines
