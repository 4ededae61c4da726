"""Start the assistant: action server + Rasa (REST, web chat, Slack), in the foreground; Ctrl-C stops both.

    python -m launcher.serve [--rasa-port 5005] [--actions-port 5055] [--verbose]   (make run)

Reads `.env` (python-dotenv; the environment wins), refuses to start with a clear message when the
model or the knowledge store is missing or a port is taken (naming the process that holds it), enables
Rasa's HTTP API only when RASA_API_TOKEN is set and the Slack channel only when SLACK_BOT_TOKEN and
SLACK_SIGNING_SECRET are set, and prints the REST and chat page URLs once they answer.

Supervision: the servers die with the launcher however it dies (PR_SET_PDEATHSIG), so a killed
launcher leaves no server holding the ports. An action server that stops is restarted after 1, 2, 4 …
up to 60 s, each attempt logged with its exit code and last lines, while Rasa keeps answering ("I
can't look that up right now"); after ACTIONS_MAX_RESTARTS failures in a row (default 8) the launcher
gives up and stops. The servers' output goes to `<logs>/rasa-<port>.log` and `<logs>/actions-<port>.log`
(build/logs by default); the console shows their ERROR lines, or everything with --verbose.
Used by `make run` and by the end-to-end tests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TextIO

import yaml
from dotenv import load_dotenv

from advisor.paths import BUILD_DIR, LOGS_DIR, MODEL, PROJECT_DIR
from launcher.console import Stage, show_tail
from launcher.processes import dying_with_this_process, stop_group
from rasa_runtime.ports import port_problem
from rasa_runtime.settings import endpoint_variables, preflight_problems, rasa_security_arguments

CREDENTIALS = PROJECT_DIR / "credentials.yml"
SLACK_CHANNEL = "channels.slack.SlackApp"
SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
MAX_BACKOFF_SECONDS = 60
HEALTHY_AFTER_SECONDS = 60  # an action server up this long is healthy again: the back-off starts over
DEFAULT_MAX_RESTARTS = 8
# What the quiet console shows of the servers' output (Rasa's and rasa_sdk's log format has the level).
WORTH_SHOWING = re.compile(r"\b(ERROR|CRITICAL)\b")


class Server:
    """One server process, its output appended to its own log file."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict[str, str]) -> None:
        self.name, self.command, self.log, self.env = name, command, log, env
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.log_offset = 0  # where this run's output starts in the log

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.log_offset = output.tell()
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=dying_with_this_process(),
            )
        self.started = time.monotonic()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def exit_status(self) -> str:
        code = self.process.returncode
        return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, timeout=15)


class LogFollower:
    """Copies new lines of the servers' logs to the console: all of them, or only those worth showing."""

    def __init__(self, servers: list[Server], stream: TextIO, verbose: bool) -> None:
        self.stream, self.verbose = stream, verbose
        self.offsets = {server.log: server.log.stat().st_size if server.log.exists() else 0 for server in servers}

    def follow(self) -> None:
        for log, offset in self.offsets.items():
            try:
                with log.open("rb") as file:
                    file.seek(offset)
                    text = file.read()
            except OSError:
                continue
            complete = text[: text.rfind(b"\n") + 1]
            self.offsets[log] = offset + len(complete)
            for line in complete.decode(errors="replace").splitlines():
                if self.verbose or WORTH_SHOWING.search(line):
                    self.stream.write(line + "\n")
        self.stream.flush()


class ActionServerSupervisor:
    """Restarts a stopped action server after a growing pause; gives up after `max_restarts` in a row."""

    def __init__(self, server: Server, max_restarts: int) -> None:
        self.server, self.max_restarts = server, max_restarts
        self.failures = 0
        self.restart_at: float | None = None

    def keep_alive(self) -> bool:
        """Call often; False once it has given up."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                self.server.start()
            return True
        if self.server.running():
            if now - self.server.started >= HEALTHY_AFTER_SECONDS:
                self.failures = 0
            return True
        self.failures += 1
        stopped = f"The action server stopped ({self.server.exit_status()})"
        if self.failures > self.max_restarts:
            print(
                f"{stopped} {self.failures} times in a row; giving up and shutting the assistant down. "
                f"Fix the error below and start it again.",
                file=sys.stderr,
                flush=True,
            )
            show_tail(self.server.log, sys.stderr, offset=self.server.log_offset)
            return False
        pause = min(2 ** (self.failures - 1), MAX_BACKOFF_SECONDS)
        print(
            f"{stopped}; restarting it in {pause} s (attempt {self.failures} of {self.max_restarts}). "
            "Meanwhile buyers are asked to try again in a moment.",
            file=sys.stderr,
            flush=True,
        )
        show_tail(self.server.log, sys.stderr, count=8, offset=self.server.log_offset)
        self.restart_at = now + pause
        return True


def launch_command(rasa_port: int, *options: str) -> list[str]:
    """The command line that runs this launcher on `rasa_port` (for the tests, the benchmarks and the cluster)."""
    return [sys.executable, "-m", "launcher.serve", "--rasa-port", str(rasa_port), *options]


def child_environment(actions_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(endpoint_variables(env))
    env["ACTION_SERVER_URL"] = actions_url
    return env


def preflight(model: Path, ports: dict[str, tuple[str, int]]) -> list[str]:
    """What is missing, corrupt or taken before the assistant can start (model, stores, secrets, ports
    by their setting's name), with fixes."""
    from advisor.knowledge.store import KnowledgeStore

    problems = preflight_problems(model)
    try:
        KnowledgeStore().snapshot()
    except Exception as err:  # any failure to read the store stops the start-up
        problems.append(f"the knowledge store is not readable ({err}): run `make knowledge`.")
    problems += filter(None, (port_problem(host, port, setting) for setting, (host, port) in ports.items()))
    return problems


def effective_credentials(rasa_port: int, slack_on: bool) -> Path:
    """credentials.yml as this Rasa server gets it: without the Slack channel unless Slack is on."""
    channels = yaml.safe_load(CREDENTIALS.read_text())
    if not slack_on:
        channels.pop(SLACK_CHANNEL, None)
    path = BUILD_DIR / f"credentials.{rasa_port}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(channels, sort_keys=False))
    return path


def wait_until_ready(url: str, servers: list[Server], follower: LogFollower, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        follower.follow()
        if not all(server.running() for server in servers):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def stop_all(signal_number: int, _frame) -> None:
    """SIGTERM or SIGHUP (a closed terminal): leave through main's `finally`, which stops the servers."""
    sys.exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument(
        "--actions-url",
        help="use this running action server (its /webhook URL) instead of starting one on --actions-port",
    )
    parser.add_argument("--logs", type=Path, default=LOGS_DIR, help="folder of the servers' log files")
    parser.add_argument("--verbose", action="store_true", help="show all of the servers' output, not only errors")
    args = parser.parse_args(argv)
    load_dotenv(PROJECT_DIR / ".env", override=False)

    ports = {"RASA_PORT": (os.environ.get("RASA_HOST", "127.0.0.1"), args.rasa_port)}
    if not args.actions_url:
        ports["ACTIONS_PORT"] = (os.environ.get("ACTIONS_HOST", "127.0.0.1"), args.actions_port)
    problems = preflight(args.model, ports)
    if problems:
        print("Cannot start the assistant:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    env = child_environment(args.actions_url or f"http://127.0.0.1:{args.actions_port}/webhook")
    slack_on = all(os.environ.get(name) for name in SLACK_SECRETS)
    credentials = effective_credentials(args.rasa_port, slack_on)
    rasa_command = [
        sys.executable,
        "-m",
        "rasa_runtime.rasa_server",
        "run",
        "--model",
        str(args.model),
        "--port",
        str(args.rasa_port),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        str(credentials),
    ]
    rasa_command += rasa_security_arguments(os.environ)
    api_on = "--enable-api" in rasa_command
    logs = args.logs.resolve()
    rasa = Server("Rasa", rasa_command, logs / f"rasa-{args.rasa_port}.log", env)
    actions = (
        None
        if args.actions_url
        else Server(
            "the action server",
            [sys.executable, "-m", "rasa_runtime.action_server", "--port", str(args.actions_port)],
            logs / f"actions-{args.actions_port}.log",
            env,
        )
    )
    servers = [rasa] + ([actions] if actions else [])
    follower = LogFollower(servers, sys.stdout, args.verbose)
    for signal_number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_number, stop_all)
    try:
        for server in servers:
            server.start()
        rest = f"http://localhost:{args.rasa_port}/webhooks/rest/"
        with Stage(
            f"Starting {' and '.join(server.name for server in servers)} (about 15 s; logs in {logs})"
        ) as starting:
            ready = wait_until_ready(rest, servers, follower, timeout=180)
            if not ready:
                starting.finish("failed")
                for server in servers:
                    if not server.running():
                        print(f"{server.name} stopped ({server.exit_status()}).", file=sys.stderr)
                    show_tail(server.log, sys.stderr, offset=server.log_offset)
                return 1
        print(
            f"Assistant ready: POST {rest}webhook  (HTTP API {'on, token required' if api_on else 'off'})", flush=True
        )
        print(json.dumps({"rest": rest + "webhook", "api": api_on}), flush=True)
        chat_page = f"http://localhost:{args.rasa_port}/chat/"
        if wait_until_ready(chat_page, [rasa], follower, timeout=30):
            print(f"Chat page: {chat_page}", flush=True)
        else:
            print(f"The chat page at {chat_page} does not answer; see {rasa.log}.", file=sys.stderr)
        if slack_on:
            print(
                f"Slack: on; Slack sends events and button clicks to "
                f"http://localhost:{args.rasa_port}/webhooks/slack/webhook",
                flush=True,
            )
        else:
            print(f"Slack: off (set {' and '.join(SLACK_SECRETS)} in .env to turn it on)", flush=True)
        supervisor = actions and ActionServerSupervisor(
            actions, int(os.environ.get("ACTIONS_MAX_RESTARTS") or DEFAULT_MAX_RESTARTS)
        )
        while rasa.running():
            follower.follow()
            if supervisor and not supervisor.keep_alive():
                return 1
            time.sleep(0.2)
        follower.follow()
        print(f"The Rasa server stopped ({rasa.exit_status()}); shutting down.", file=sys.stderr)
        show_tail(rasa.log, sys.stderr, offset=rasa.log_offset)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for server in servers:
            server.stop()
        credentials.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
