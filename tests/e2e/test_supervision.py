"""Supervision by the launcher (launcher/serve.py): servers die with it however it dies, a taken port is
named with the process holding it, and a crash-looping action server is restarted with a growing pause
while Rasa keeps answering politely, until it recovers or the launcher gives up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid

import pytest

from advisor.paths import PROJECT_DIR
from launcher.processes import descendants, free_port
from launcher.serve import launch_command
from rasa_runtime.hooks import ACTION_UNAVAILABLE
from rasa_runtime.ports import command_line, port_holders, port_in_use
from tests.support.assistant import action_server_pid, action_server_port, start_assistant, stop_assistant, wait_until

pytestmark = pytest.mark.server

MOQ_QUESTION = "What's the MOQ for ODM?"


def hold_port(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:`port` that accepts connections and never answers."""
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", port))
    holder.listen(64)
    return holder


def running(pid: int) -> bool:
    """Whether `pid` is a process that has not ended (zombies have)."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_servers_die_with_a_killed_launcher_and_the_next_start_is_clean(tmp_path):
    ports = (free_port(), free_port())
    assistant = start_assistant(tmp_path, ports=ports)
    servers = descendants(assistant.process.pid)
    assert servers and all(port_holders(port) for port in ports)

    os.kill(assistant.process.pid, signal.SIGKILL)
    assistant.process.wait()
    killed = time.monotonic()
    wait_until(
        lambda: not any(port_in_use("127.0.0.1", port) for port in ports) and not any(running(pid) for pid in servers),
        "the servers to end",
        timeout=15,
    )
    print(f"\nBoth servers ended {time.monotonic() - killed:.1f} s after the launcher was killed")

    again = start_assistant(tmp_path, ports=ports)
    try:
        assert "50" in again.say("after-kill-" + uuid.uuid4().hex, MOQ_QUESTION)
    finally:
        stop_assistant(again)


def test_a_taken_port_is_named_with_its_process_instead_of_a_bind_error(tmp_path):
    port = free_port()
    holder = hold_port(port)
    try:
        env = dict(os.environ, TRACKER_DB_URL=f"sqlite:///{tmp_path / 'trackers.db'}")
        result = subprocess.run(
            launch_command(port, "--actions-port", str(free_port()), "--logs", str(tmp_path)),
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.close()
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"port {port} is already in use (pid {os.getpid()}: {command_line(os.getpid())})" in result.stderr
    assert f"kill {os.getpid()}" in result.stderr and "RASA_PORT=" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_crash_looping_action_server_is_restarted_with_back_off_while_rasa_answers(tmp_path):
    assistant = start_assistant(tmp_path, {"ACTION_TIMEOUT_SECONDS": "2"})
    try:
        pid = action_server_pid(assistant)
        port = action_server_port(pid)
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not port_in_use("127.0.0.1", port), "the killed action server's port to close")
        holder = hold_port(port)  # every restart now fails at once: the port is taken
        try:
            wait_until(
                lambda: "attempt 3 of 8" in assistant.log.read_text(errors="replace"), "three restarts", timeout=60
            )
            for _ in range(3):
                status, replies = assistant.send("crash-" + uuid.uuid4().hex, MOQ_QUESTION)
                assert status == 200 and [reply.get("text") for reply in replies] == [ACTION_UNAVAILABLE]
        finally:
            holder.close()
        # The next restart (after 4 s) finds the port free; the assistant answers again.
        wait_until(lambda: "50" in assistant.say("crash-" + uuid.uuid4().hex, MOQ_QUESTION), "recovery", 60)
        console = assistant.log.read_text(errors="replace")
        for attempt, pause in [(1, 1), (2, 2), (3, 4)]:
            assert f"restarting it in {pause} s (attempt {attempt} of 8)" in console
        assert "The action server stopped (killed by SIGKILL)" in console
        assert "The action server stopped (exit code 1)" in console
        assert f"port {port} is already in use (pid {os.getpid()}" in console  # its last lines
    finally:
        stop_assistant(assistant)


def test_the_launcher_gives_up_loudly_after_the_allowed_restarts(tmp_path):
    assistant = start_assistant(tmp_path, {"ACTIONS_MAX_RESTARTS": "2"})
    servers = descendants(assistant.process.pid)
    pid = action_server_pid(assistant)
    port = action_server_port(pid)
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not port_in_use("127.0.0.1", port), "the killed action server's port to close")
    holder = hold_port(port)
    try:
        assert assistant.process.wait(timeout=60) == 1
    finally:
        holder.close()
    console = assistant.log.read_text(errors="replace")
    assert "The action server stopped (exit code 1) 3 times in a row; giving up" in console
    assert f"Last lines of {tmp_path / f'actions-{port}.log'}" in console
    assert not [server for server in servers if running(server)]
