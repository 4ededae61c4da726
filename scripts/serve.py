"""Start the assistant: action server + Rasa (REST, web chat, Slack), in the foreground; Ctrl-C stops both.

Reads `.env` (python-dotenv; the environment wins), refuses to start with a clear message when the
model or the knowledge store is missing, enables Rasa's HTTP API only when RASA_API_TOKEN is set and
the Slack channel only when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, and prints the REST and
chat page URLs once they answer. Used by `make run` and by the end-to-end tests.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from dotenv import load_dotenv

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PROJECT_DIR / "models" / "oem-odm-advisor.tar.gz"
CREDENTIALS = PROJECT_DIR / "credentials.yml"
SLACK_CHANNEL = "channels.slack.SlackApp"
SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
BIN = Path(sys.executable).parent


def child_environment(actions_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TRACKER_DB", str(PROJECT_DIR / "build" / "trackers.db"))
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{actions_port}/webhook"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    return env


def preflight(model: Path) -> list[str]:
    """What is missing before the assistant can start, each with how to fix it."""
    sys.path.insert(0, str(PROJECT_DIR))
    from actions.store import KnowledgeStore  # noqa: E402  (after sys.path is set)

    problems = []
    if not model.is_file() or model.stat().st_size == 0:
        problems.append(f"no trained model at {model}: run `make train` (or `make run`, which trains).")
    try:
        KnowledgeStore().snapshot()
    except Exception as err:  # any failure to read the store stops the start-up
        problems.append(f"the knowledge store is not readable ({err}): run `make knowledge`.")
    return problems


def effective_credentials(rasa_port: int, slack_on: bool) -> Path:
    """credentials.yml as this Rasa server gets it: without the Slack channel unless Slack is on."""
    channels = yaml.safe_load(CREDENTIALS.read_text())
    if not slack_on:
        channels.pop(SLACK_CHANNEL, None)
    path = PROJECT_DIR / "build" / f"credentials.{rasa_port}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(channels, sort_keys=False))
    return path


def wait_until_ready(url: str, processes: list[subprocess.Popen], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    load_dotenv(PROJECT_DIR / ".env", override=False)

    problems = preflight(args.model)
    if problems:
        print("Cannot start the assistant:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    env = child_environment(args.actions_port)
    slack_on = all(os.environ.get(name) for name in SLACK_SECRETS)
    credentials = effective_credentials(args.rasa_port, slack_on)
    rasa_command = [str(BIN / "rasa"), "run", "--model", str(args.model), "--port", str(args.rasa_port),
                    "--endpoints", "endpoints.yml", "--credentials", str(credentials)]
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        rasa_command += ["--enable-api", "--auth-token", token]
    processes = [
        subprocess.Popen([str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port",
                          str(args.actions_port)], cwd=PROJECT_DIR, env=env, start_new_session=True),
        subprocess.Popen(rasa_command, cwd=PROJECT_DIR, env=env, start_new_session=True),
    ]
    signal.signal(signal.SIGTERM, lambda *_: (stop(processes), sys.exit(0)))
    try:
        rest = f"http://localhost:{args.rasa_port}/webhooks/rest/"
        if not wait_until_ready(rest, processes, timeout=180):
            print("The assistant did not come up; see the log above.", file=sys.stderr)
            stop(processes)
            return 1
        print(f"Assistant ready: POST {rest}webhook  "
              f"(HTTP API {'on, token required' if token else 'off'})", flush=True)
        print(json.dumps({"rest": rest + "webhook", "api": bool(token)}), flush=True)
        chat_page = f"http://localhost:{args.rasa_port}/chat/"
        if wait_until_ready(chat_page, processes, timeout=30):
            print(f"Chat page: {chat_page}", flush=True)
        else:
            print(f"The chat page at {chat_page} does not answer; see the log above.", file=sys.stderr)
        if slack_on:
            print(f"Slack: on; Slack sends events and button clicks to "
                  f"http://localhost:{args.rasa_port}/webhooks/slack/webhook", flush=True)
        else:
            print(f"Slack: off (set {' and '.join(SLACK_SECRETS)} in .env to turn it on)", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A server stopped; shutting down the other.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
