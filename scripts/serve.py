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
sys.path.insert(0, str(PROJECT_DIR))
from reliability.settings import endpoint_variables, preflight_problems, rasa_security_arguments  # noqa: E402
DEFAULT_MODEL = PROJECT_DIR / "models" / "oem-odm-advisor.tar.gz"
CREDENTIALS = PROJECT_DIR / "credentials.yml"
SLACK_CHANNEL = "channels.slack.SlackApp"
SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
ACTIONS_MIN_UPTIME = 10  # seconds; an action server that dies sooner is broken, not crashed: no restart


def child_environment(actions_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(endpoint_variables(env))
    env["ACTION_SERVER_URL"] = actions_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    return env


def preflight(model: Path) -> list[str]:
    """What is missing or corrupt before the assistant can start (model, stores, secrets), with fixes."""
    from actions.store import KnowledgeStore

    problems = preflight_problems(model)
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
    parser.add_argument("--actions-url", help="use this running action server (its /webhook URL) "
                                              "instead of starting one on --actions-port")
    args = parser.parse_args(argv)
    load_dotenv(PROJECT_DIR / ".env", override=False)

    problems = preflight(args.model)
    if problems:
        print("Cannot start the assistant:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 2
    env = child_environment(args.actions_url or f"http://127.0.0.1:{args.actions_port}/webhook")
    slack_on = all(os.environ.get(name) for name in SLACK_SECRETS)
    credentials = effective_credentials(args.rasa_port, slack_on)
    rasa_command = [sys.executable, "-m", "reliability.rasa_server", "run", "--model", str(args.model),
                    "--port", str(args.rasa_port), "--endpoints", "endpoints.yml", "--credentials", str(credentials)]
    rasa_command += rasa_security_arguments(os.environ)
    api_on = "--enable-api" in rasa_command
    actions_command = [sys.executable, "-m", "reliability.action_server", "--port", str(args.actions_port)]
    processes = [subprocess.Popen(rasa_command, cwd=PROJECT_DIR, env=env, start_new_session=True)]
    if not args.actions_url:
        processes.append(subprocess.Popen(actions_command, cwd=PROJECT_DIR, env=env, start_new_session=True))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the finally below stops the servers
    try:
        rest = f"http://localhost:{args.rasa_port}/webhooks/rest/"
        if not wait_until_ready(rest, processes, timeout=180):
            print("The assistant did not come up; see the log above.", file=sys.stderr)
            stop(processes)
            return 1
        print(f"Assistant ready: POST {rest}webhook  "
              f"(HTTP API {'on, token required' if api_on else 'off'})", flush=True)
        print(json.dumps({"rest": rest + "webhook", "api": api_on}), flush=True)
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
        actions_started = time.monotonic()
        while processes[0].poll() is None:
            if len(processes) > 1 and processes[1].poll() is not None:
                if time.monotonic() - actions_started < ACTIONS_MIN_UPTIME:
                    print("The action server keeps stopping; shutting down.", file=sys.stderr)
                    return 1
                print(f"The action server stopped (exit {processes[1].returncode}); restarting it. "
                      "Meanwhile buyers are asked to try again in a moment.", file=sys.stderr, flush=True)
                processes[1] = subprocess.Popen(actions_command, cwd=PROJECT_DIR, env=env, start_new_session=True)
                actions_started = time.monotonic()
            time.sleep(0.5)
        print("The Rasa server stopped; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)
        credentials.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
