"""Faults: the action server slow (stopped) or down (killed), the knowledge database locked or
missing, and start-ups that must be refused. The buyer always gets HTTP 200 and a short polite
reply, the log says what happened, and the dialogue carries on once the fault is gone."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from advisor.paths import MODEL, PROJECT_DIR
from advisor.replies.phrases import STORE_UNAVAILABLE
from launcher.processes import descendants
from launcher.serve import launch_command
from rasa_runtime.hooks import ACTION_UNAVAILABLE
from rasa_runtime.settings import rasa_security_arguments
from tests.support.assistant import action_server_pid, action_server_port, start_assistant, stop_assistant, wait_until
from tests.support.dialogue import ODM_BUYER, OPENING, answer_questionnaire, asked_slot

pytestmark = pytest.mark.server

CHAT_ORIGIN = "https://chat.example.test"


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp) listening on `port`."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:
            found.add(address)
    return found


def refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def answers_health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def fault_assistant(tmp_path_factory):
    running = start_assistant(tmp_path_factory.mktemp("faults"), {"CHAT_ORIGIN": CHAT_ORIGIN})
    yield running
    for pid in [running.process.pid] + descendants(running.process.pid):
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    stop_assistant(running)


def test_action_server_slow_or_down_gets_a_polite_reply_and_the_dialogue_recovers(fault_assistant):
    assistant, sender = fault_assistant, "fault-" + uuid.uuid4().hex
    actions = action_server_pid(assistant)
    port = action_server_port(actions)
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only

    reply = assistant.say(sender, OPENING)
    slot = asked_slot(reply)

    os.kill(actions, signal.SIGSTOP)  # slow: accepts connections, never answers
    slow_reply = assistant.say(sender, ODM_BUYER[slot])
    assert slow_reply.startswith(ACTION_UNAVAILABLE) and asked_slot(slow_reply) == slot
    assert assistant.say("fault-" + uuid.uuid4().hex, "What's the MOQ for ODM?") == ACTION_UNAVAILABLE
    os.kill(actions, signal.SIGCONT)
    reply = assistant.say(sender, ODM_BUYER[slot])
    assert asked_slot(reply) not in (None, slot)
    slot = asked_slot(reply)

    os.kill(assistant.process.pid, signal.SIGSTOP)  # the launcher must not restart it yet
    os.kill(actions, signal.SIGKILL)  # down: connections refused
    wait_until(lambda: refuses_connections(port), "the killed action server's port to close")
    down_reply = assistant.say(sender, ODM_BUYER[slot])
    assert down_reply.startswith(ACTION_UNAVAILABLE) and asked_slot(down_reply) == slot
    os.kill(assistant.process.pid, signal.SIGCONT)  # the launcher restarts the action server
    wait_until(lambda: answers_health(port), "the restarted action server")

    recommendation = answer_questionnaire(
        lambda message: assistant.say(sender, message), ODM_BUYER, assistant.say(sender, ODM_BUYER[slot])
    )
    assert recommendation.startswith("I recommend **ODM**")
    log = assistant.log.read_text(errors="replace")
    assert "did not answer action 'validate_buyer_profile_form' within 5 s" in log
    assert "Action server failed action 'validate_buyer_profile_form'" in log
    assert "The action server stopped" in log and "restarting it" in log


def test_action_server_refuses_requests_without_its_token(tmp_path):
    port = int(socket.create_server(("127.0.0.1", 0)).getsockname()[1])
    env = dict(os.environ, ACTION_SERVER_TOKEN="t" * 24)
    server = subprocess.Popen(
        [sys.executable, "-m", "rasa_runtime.action_server", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: answers_health(port), "the action server")
        for url, expected in [
            (f"http://127.0.0.1:{port}/actions", 401),
            (f"http://127.0.0.1:{port}/actions?token={'x' * 24}", 401),
            (f"http://127.0.0.1:{port}/actions?token={'t' * 24}", 200),
        ]:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as err:
                status = err.code
            assert status == expected, url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_cors_allows_only_the_chat_pages_origin(fault_assistant):
    def allowed_origin(origin: str) -> str | None:
        request = urllib.request.Request(
            f"{fault_assistant.url}/webhooks/rest/webhook",
            method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as err:
            return err.headers.get("Access-Control-Allow-Origin")

    assert allowed_origin(CHAT_ORIGIN) == CHAT_ORIGIN
    assert allowed_origin("https://attacker.example.test") is None


def test_http_api_is_off_without_a_secret_and_needs_it_when_on(assistant):
    assert "--enable-api" not in rasa_security_arguments({})
    assert "--enable-api" in rasa_security_arguments({"RASA_JWT_SECRET": "j" * 32})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{assistant.url}/conversations/someone/tracker", timeout=10)
    assert refused.value.code == 401


@pytest.fixture()
def store_copy(tmp_path, store_url):
    return Path(store_url.removeprefix("sqlite:///"))


def test_knowledge_store_locked_or_missing_gets_a_polite_reply(tmp_path, store_copy):
    assistant = start_assistant(tmp_path, {"DATABASE_URL": f"sqlite:///{store_copy}", "ACTION_TIMEOUT_SECONDS": "60"})
    try:
        question = "What's the MOQ for ODM?"
        assert "50" in assistant.say("store-" + uuid.uuid4().hex, question)

        locker = sqlite3.connect(store_copy, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            assert assistant.say("store-" + uuid.uuid4().hex, question) == STORE_UNAVAILABLE
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert "50" in assistant.say("store-" + uuid.uuid4().hex, question)

        moved = store_copy.with_suffix(".away")
        store_copy.rename(moved)
        try:
            assert assistant.say("store-" + uuid.uuid4().hex, question) == STORE_UNAVAILABLE
        finally:
            store_copy.unlink(missing_ok=True)  # SQLite made an empty file in its place
            moved.rename(store_copy)
        assert "50" in assistant.say("store-" + uuid.uuid4().hex, question)

        # The launcher copies the servers' error lines to its console as they come (within a second).
        wait_until(lambda: "no such table" in assistant.log.read_text(errors="replace"), "the error on the console", 10)
        log = assistant.log.read_text(errors="replace")
        assert "knowledge store unavailable for action_answer_factor" in log
        assert "database is locked" in log and "no such table" in log
    finally:
        stop_assistant(assistant)


def refusal(tmp_path: Path, extra_env: dict, *arguments: str) -> str:
    """The launcher's complaint for a start-up that must fail before any server starts."""
    env = {name: value for name, value in os.environ.items() if name != "RASA_API_TOKEN"}
    env["TRACKER_DB"] = str(tmp_path / "trackers.db")
    env.update(extra_env)
    result = subprocess.run(
        launch_command(1, "--actions-port", "1", *arguments),
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def garbage(path: Path) -> Path:
    path.write_bytes(b"not what it should be\0" * 100)
    return path


@pytest.mark.parametrize(
    "case, expected",
    [
        ("model missing", "no trained model"),
        ("model corrupt", "is corrupt"),
        ("model elsewhere", "only from the local models folder"),
        ("store corrupt", "run `make knowledge`"),
        ("tracker store corrupt", "cannot be opened"),
        ("tracker store unreachable", "cannot be opened"),
        ("lock store unreachable", "cannot be reached"),
        ("weak api token", "RASA_API_TOKEN is too weak"),
        ("exposed action server without token", "ACTION_SERVER_TOKEN is"),
    ],
)
def test_start_is_refused_with_a_clear_fix(tmp_path, case, expected):
    models = PROJECT_DIR / "models"
    corrupt_model = models / f"corrupt-{uuid.uuid4().hex}.tar.gz"
    setups = {
        "model missing": lambda: ({}, ["--model", str(models / "missing.tar.gz")]),
        "model corrupt": lambda: ({}, ["--model", str(garbage(corrupt_model))]),
        "model elsewhere": lambda: ({}, ["--model", str(shutil.copy(MODEL, tmp_path / "model.tar.gz"))]),
        "store corrupt": lambda: ({"DATABASE_URL": f"sqlite:///{garbage(tmp_path / 'knowledge.db')}"}, []),
        "tracker store corrupt": lambda: ({"TRACKER_DB": str(garbage(tmp_path / "corrupt-trackers.db"))}, []),
        "tracker store unreachable": lambda: ({"TRACKER_DB_URL": "postgresql://advisor:pw@127.0.0.1:1/db"}, []),
        "lock store unreachable": lambda: ({"REDIS_URL": "redis://127.0.0.1:1/1"}, []),
        "weak api token": lambda: ({"RASA_API_TOKEN": "change-me"}, []),
        "exposed action server without token": lambda: ({"ACTIONS_HOST": "0.0.0.0"}, []),
    }
    try:
        extra_env, arguments = setups[case]()
        assert expected in refusal(tmp_path, extra_env, *arguments)
    finally:
        corrupt_model.unlink(missing_ok=True)


@pytest.mark.parametrize(
    "body",
    [
        {"model_server": {"url": "http://127.0.0.1:9/model.tar.gz"}},
        {"model_file": "models/oem-odm-advisor.tar.gz", "remote_storage": "aws"},
        {"model_file": "/tmp/elsewhere.tar.gz"},
        {"model_file": "models/../x.tar.gz"},
    ],
)
def test_the_api_loads_models_only_from_the_local_folder(assistant, body):
    request = urllib.request.Request(
        f"{assistant.url}/model?token={assistant.token}",
        method="PUT",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
