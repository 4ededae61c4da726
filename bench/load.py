"""Latency, throughput and memory on the REST channel: this assistant against stock `rasa init`.

Starts this assistant (launcher.serve, own tracker database, free ports) and the stock `rasa init`
assistant (made and trained with the project's rasa under build/bench/stock, git-ignored), warms both
up, then runs the same load against each, alternating which goes first:
1 user x 100 turns, then 20 and 50 concurrent conversations x 20 turns (bench.conversations).
Prints p50/p95/p99, messages/s, errors, the ratios ours/stock, the time from start to the first
answer, and the resident memory of Rasa and the action server. Writes build/bench/load.json.
Only 127.0.0.1 is contacted; every request has a timeout and every phase a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

from advisor.paths import BUILD_DIR, MODEL, PROJECT_DIR
from bench.conversations import TURNS_PER_CONVERSATION, conversation
from launcher.processes import children, free_port, stop_group
from launcher.serve import launch_command
from rasa_runtime.rate_limit import NO_LIMITS

RESULTS_DIR = BUILD_DIR / "bench"
RASA = Path(sys.executable).parent / "rasa"
TOKEN = secrets.token_urlsafe(24)
REQUEST_TIMEOUT = 60
PHASE_DEADLINE = 600
START_TIMEOUT = 300
QUIET_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


@dataclass
class Server:
    """A running assistant: its REST base URL, the launcher process and its log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path
    first_answer_s: float | None = None
    custom_actions: set[str] = field(default_factory=set)

    def processes(self) -> dict[str, int]:
        """Pid by role: 'rasa' and 'action server' (ours: the launcher's children; stock: itself)."""
        pids = children(self.process.pid) or [self.process.pid]
        return {
            ("action server" if b"action" in Path(f"/proc/{pid}/cmdline").read_bytes() else "rasa"): pid for pid in pids
        }

    def stop(self) -> None:
        stop_group(self.process, timeout=30)


def memory_mb(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values["rss" if key == "VmRSS" else "peak"] = int(rest.split()[0]) / 1024
    return values


def ensure_stock_assistant(folder: Path) -> Path:
    """The stock `rasa init` assistant in `folder`, created and trained there on first use."""
    model = folder / "models" / "stock.tar.gz"
    if not model.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, **QUIET_ENV, RASA_CACHE_DIRECTORY=str(folder / ".rasa" / "cache"))
        print(f"Making the stock `rasa init` assistant in {folder} (once) ...", flush=True)
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        trained = sorted((folder / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if trained:  # `rasa init --no-prompt` trains; keep its model under a fixed name
            trained[-1].rename(model)
        else:
            subprocess.run(
                [str(RASA), "train", "--fixed-model-name", "stock", "--out", "models"],
                cwd=folder,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    return model


async def first_answer(url: str, process: subprocess.Popen, started: float, text: str) -> float:
    """Seconds from `started` until the assistant answers `text` with a reply."""
    async with aiohttp.ClientSession() as session:
        while time.monotonic() - started < START_TIMEOUT:
            if process.poll() is not None:
                raise RuntimeError("the assistant exited during start-up")
            try:
                status, replies = await send(session, url, "bench-first-answer", text)
                if status == 200 and replies:
                    return time.monotonic() - started
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no answer within {START_TIMEOUT} s")


def start_ours(model: Path, log_dir: Path, limits: dict[str, str] = NO_LIMITS) -> Server:
    """This assistant, with these rate-limit settings (none by default: the load measures the dialogue engine)."""
    rasa_port, actions_port = free_port(), free_port()
    trackers = log_dir / "trackers.db"
    env = dict(os.environ, **QUIET_ENV, **limits, RASA_API_TOKEN=TOKEN, TRACKER_DB_URL=f"sqlite:///{trackers}")
    log = log_dir / "ours.log"
    started = time.monotonic()
    process = subprocess.Popen(
        launch_command(rasa_port, "--actions-port", str(actions_port), "--model", str(model)),
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server("ours", f"http://127.0.0.1:{rasa_port}", process, log)
    server.first_answer_s = asyncio.run(first_answer(server.url, process, started, "what is the moq for odm"))
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    server.custom_actions = set(domain.get("actions", [])) | set(domain.get("forms", {}))
    return server


def start_stock(folder: Path, log_dir: Path) -> Server:
    model = ensure_stock_assistant(folder)
    port = free_port()
    log = log_dir / "stock.log"
    started = time.monotonic()
    process = subprocess.Popen(
        [str(RASA), "run", "--model", str(model), "--port", str(port), "--enable-api", "--auth-token", TOKEN],
        cwd=folder,
        env=dict(os.environ, **QUIET_ENV),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server("stock", f"http://127.0.0.1:{port}", process, log)
    server.first_answer_s = asyncio.run(first_answer(server.url, process, started, "hello"))
    return server


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[int, list]:
    async with session.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    ) as response:
        return response.status, (await response.json() if response.status == 200 else [])


@dataclass
class Turn:
    sender: str
    text: str
    ms: float
    ok: bool


async def talk(session: aiohttp.ClientSession, url: str, turns: list[str], deadline: float) -> list[Turn]:
    """One conversation, turn after turn, as a buyer would; stops at the phase deadline."""
    sender, results = "bench-" + uuid.uuid4().hex, []
    for text in turns:
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            status, _ = await send(session, url, sender, text)
            ok = status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            ok = False
        results.append(Turn(sender, text, (time.perf_counter() - start) * 1000, ok))
    return results


async def run_phase(url: str, users: int, conversations_per_user: int) -> tuple[list[Turn], float]:
    """`users` concurrent buyers, each holding `conversations_per_user` conversations in a row."""
    deadline = time.monotonic() + PHASE_DEADLINE
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def user(index: int) -> list[Turn]:
            turns = []
            for k in range(conversations_per_user):
                turns += await talk(session, url, conversation(index * conversations_per_user + k), deadline)
            return turns

        start = time.perf_counter()
        per_user = await asyncio.gather(*(user(i) for i in range(users)))
        elapsed = time.perf_counter() - start
    return [turn for turns in per_user for turn in turns], elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def latency_summary(turns: list[Turn], elapsed: float | None = None) -> dict:
    ms = [t.ms for t in turns if t.ok]
    summary = {
        "messages": len(turns),
        "errors": sum(not t.ok for t in turns),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
    }
    if elapsed:
        summary["messages_per_s"] = len(turns) / elapsed
    return summary


async def actions_per_turn(server: Server, senders: list[str]) -> list[list[str]]:
    """The actions Rasa ran after each user message, read back from the tracker API, in send order."""
    per_turn = []
    async with aiohttp.ClientSession() as session:
        for sender in senders:
            async with session.get(
                f"{server.url}/conversations/{sender}/tracker", params={"token": TOKEN, "include_events": "ALL"}
            ) as response:
                events = (await response.json())["events"]
            for event in events:
                if event["event"] == "user":
                    per_turn.append([])
                elif event["event"] == "action" and per_turn and event["name"] != "action_listen":
                    per_turn[-1].append(event["name"])
    return per_turn


def single_user(server: Server, turns: int) -> dict:
    """1 user x `turns` turns; for ours also the latency of the turns that ran a custom action."""
    phase_turns, _ = asyncio.run(run_phase(server.url, 1, turns // TURNS_PER_CONVERSATION))
    result = {"all": latency_summary(phase_turns)}
    if server.custom_actions:
        senders = list(dict.fromkeys(t.sender for t in phase_turns))
        actions = asyncio.run(actions_per_turn(server, senders))
        custom = [t for t, ran in zip(phase_turns, actions) if server.custom_actions & set(ran)]
        result["custom_action"] = latency_summary(custom)
    return result


def concurrent(server: Server, users: int) -> dict:
    phase_turns, elapsed = asyncio.run(run_phase(server.url, users, 1))
    return latency_summary(phase_turns, elapsed)


def print_summary(label: str, s: dict) -> None:
    rate = f"{s['messages_per_s']:6.1f} msg/s  " if "messages_per_s" in s else ""
    print(
        f"  {label:26} {rate}p50 {s['p50_ms']:7.1f}  p95 {s['p95_ms']:7.1f}  p99 {s['p99_ms']:7.1f} ms  "
        f"n={s['messages']} errors={s['errors']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--stock-dir", type=Path, default=RESULTS_DIR / "stock")
    parser.add_argument("--single-turns", type=int, default=100)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--warmup", type=int, default=2, help="warm-up conversations per assistant")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "load.json")
    args = parser.parse_args(argv)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    log_dir = RESULTS_DIR / f"run-{uuid.uuid4().hex[:6]}"
    log_dir.mkdir()

    servers: list[Server] = []
    try:
        servers.append(start_ours(args.model.resolve(), log_dir))
        servers.append(start_stock(args.stock_dir.resolve(), log_dir))
        results = {server.name: {"first_answer_s": server.first_answer_s} for server in servers}
        for server in servers:
            print(f"{server.name}: first answer {server.first_answer_s:.1f} s after start", flush=True)
            asyncio.run(run_phase(server.url, args.warmup, 1))
        phases = [("single", lambda s: single_user(s, args.single_turns))]
        phases += [(f"c{users}", lambda s, users=users: concurrent(s, users)) for users in args.concurrency]
        for index, (phase, run) in enumerate(phases):
            print(f"{phase}:", flush=True)
            for server in servers if index % 2 == 0 else servers[::-1]:  # alternate who goes first
                results[server.name][phase] = run(server)
                summaries = results[server.name][phase]
                for label, summary in summaries.items() if phase == "single" else [("", summaries)]:
                    print_summary(f"{server.name} {label}".strip(), summary)
        for server in servers:
            results[server.name]["memory_mb"] = {name: memory_mb(pid) for name, pid in server.processes().items()}
        results["ratios"] = ratios(results["ours"], results["stock"], phases)
    finally:
        for server in servers:
            server.stop()
    print_ratios(results)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def ratios(ours: dict, stock: dict, phases: list) -> dict:
    """ours/stock: throughput (>1 is better for us) and latency (<1 is better for us)."""
    out = {
        "single_p50": ours["single"]["all"]["p50_ms"] / stock["single"]["all"]["p50_ms"],
        "single_p95": ours["single"]["all"]["p95_ms"] / stock["single"]["all"]["p95_ms"],
    }
    for phase, _ in phases[1:]:
        out[f"{phase}_throughput"] = ours[phase]["messages_per_s"] / stock[phase]["messages_per_s"]
        out[f"{phase}_p95"] = ours[phase]["p95_ms"] / stock[phase]["p95_ms"]
    return out


def print_ratios(results: dict) -> None:
    print("ours/stock: " + ", ".join(f"{k} {v:.2f}x" for k, v in results["ratios"].items()))
    for name in ("ours", "stock"):
        memory = results[name]["memory_mb"]
        print(
            f"{name} memory (MB, now/peak): "
            + ", ".join(f"{proc} {m['rss']:.0f}/{m['peak']:.0f}" for proc, m in memory.items())
        )


if __name__ == "__main__":
    sys.exit(main())
