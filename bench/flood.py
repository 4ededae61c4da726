"""A bounded flood on loopback: 8 clients send REST messages as fast as they can for 20 s, each from
its own loopback address (127.0.0.11-18) and conversation, while another buyer (127.0.0.1) talks at a
person's pace. The assistant runs with a conversation limit of a buyer's pace, a burst of 10 and then
about a message a second (--conversation-limit; rasa_runtime/rate_limit.py has the default, which leaves
scripted clients more room).

Measures what the flooders got (answered, HTTP 429, errors) and the other buyer's latency, which must
stay under 1 s at p95 with every message answered. Writes build/bench/flood.json.
Only 127.0.0.0/8 is contacted; every request has a timeout and the flood a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

from advisor.paths import MODEL
from bench.conversations import conversation
from bench.load import RESULTS_DIR, percentile, start_ours

FLOODERS = 8
FLOOD_SECONDS = 20
MAX_REQUESTS_PER_FLOODER = 200_000  # a bound on the loop, far above what 20 s allows
BUYER_PAUSE_S = 1.5  # a person reads the reply and types the next message
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
P95_TARGET_MS = 1000
BUYER_PACE_LIMIT = "10 per 10 seconds"


async def flooder(url: str, number: int, deadline: float) -> Counter:
    """Sends one conversation's messages back to back from 127.0.0.<10 + number> until the deadline."""
    outcomes: Counter = Counter()
    sender = f"flood-{number}-{uuid.uuid4().hex}"
    connector = aiohttp.TCPConnector(local_addr=(f"127.0.0.{10 + number}", 0), limit=1)
    async with aiohttp.ClientSession(connector=connector, timeout=REQUEST_TIMEOUT) as session:
        for _ in range(MAX_REQUESTS_PER_FLOODER):
            if time.monotonic() >= deadline:
                break
            try:
                async with session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "What's the MOQ for ODM?"}
                ) as response:
                    await response.read()
                    outcomes[str(response.status)] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                outcomes["error"] += 1
    return outcomes


async def buyer(url: str, deadline: float) -> list[tuple[float, bool]]:
    """A buyer's conversation at a person's pace until the deadline: (milliseconds, answered) per message."""
    sender = f"buyer-{uuid.uuid4().hex}"
    results = []
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        for text in conversation(0):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                body = {"sender": sender, "message": text}
                async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
                    replies = await response.json(content_type=None)
                    answered = response.status == 200 and bool(replies)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                answered = False
            results.append(((time.perf_counter() - started) * 1000, answered))
            await asyncio.sleep(BUYER_PAUSE_S)
    return results


async def flood(url: str) -> dict:
    deadline = time.monotonic() + FLOOD_SECONDS
    started = time.perf_counter()
    *flooded, talked = await asyncio.gather(
        *(flooder(url, n, deadline) for n in range(1, FLOODERS + 1)), buyer(url, deadline)
    )
    elapsed = time.perf_counter() - started
    totals = sum(flooded, Counter())
    latencies = [ms for ms, _ in talked]
    return {
        "flooders": FLOODERS,
        "seconds": round(elapsed, 1),
        "flood": {
            "requests": sum(totals.values()),
            "answered": totals["200"],
            "limited": totals["429"],
            "errors": sum(count for outcome, count in totals.items() if outcome not in ("200", "429")),
            "requests_per_s": sum(totals.values()) / elapsed,
        },
        "buyer": {
            "messages": len(talked),
            "answered": sum(ok for _, ok in talked),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "max_ms": max(latencies, default=float("nan")),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--conversation-limit", default=BUYER_PACE_LIMIT, help="RATE_LIMIT_CONVERSATION")
    args = parser.parse_args(argv)
    log_dir = RESULTS_DIR / "flood"
    log_dir.mkdir(parents=True, exist_ok=True)
    server = start_ours(args.model, log_dir, limits={"RATE_LIMIT_CONVERSATION": args.conversation_limit})
    try:
        result = asyncio.run(flood(server.url))
    finally:
        server.stop()
    result["conversation_limit"] = args.conversation_limit
    (RESULTS_DIR / "flood.json").write_text(json.dumps(result, indent=2))
    flood_, buyer_ = result["flood"], result["buyer"]
    print(
        f"Flood ({args.conversation_limit} per conversation): {FLOODERS} clients for {result['seconds']} s "
        f"sent {flood_['requests']:,} messages ({flood_['requests_per_s']:.0f}/s): {flood_['answered']} answered, "
        f"{flood_['limited']:,} refused with 429, {flood_['errors']} errors. Meanwhile another buyer: "
        f"{buyer_['answered']}/{buyer_['messages']} answered, p50 {buyer_['p50_ms']:.0f} ms, "
        f"p95 {buyer_['p95_ms']:.0f} ms (target < {P95_TARGET_MS} ms)."
    )
    met = buyer_["answered"] == buyer_["messages"] > 0 and buyer_["p95_ms"] < P95_TARGET_MS
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
