"""The blind set: buyer messages and dialogues written from the source table alone, scored over REST.

`tests/blind/<batch>/questions.json` and `dialogues.json` are case files in the acceptance runner's
format (turns with expect / expect_any / reject regexes, or a simulated buyer `profile` that must
reach the expected recommendation), each with its `kind`. This module runs them against a running
assistant and scores them per kind; `make bench` reports the scores, `tests/e2e/test_blind.py` keeps
the batches already fixed against as regression tests.

    python -m bench.blind [--url http://localhost:5005] [tests/blind/batch_01 ...]

Without --url it starts the assistant itself (as bench.load does), for `make bench`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from advisor.paths import BUILD_DIR, MODEL, PROJECT_DIR

BLIND_DIR = PROJECT_DIR / "tests" / "blind"
RESULTS = BUILD_DIR / "bench" / "blind.json"
MAX_PROFILE_TURNS = 14
# The simulated buyer answers the topic of the assistant's last question (as the acceptance runner does).
TOPICS = [
    ("confirm", r"\b(is that (right|correct)|did i get that right|correct\?|shall i|should i go ahead|want me to)\b"),
    ("ip", r"(intellectual property|\bip\b|exclusiv|patent|protect|owning the (design|rights)|ownership|only you)"),
    ("quantity", r"\b(how many|quantity|units?|pieces?|pcs|volume|order size|moq|batch)\b"),
    (
        "timeline",
        r"\b(when|how soon|timeline|time ?frame|deadline|launch|how long|how quickly|weeks?|months?|in time|"
        r"ready|date)\b",
    ),
    ("budget", r"\b(budget|spend|invest\w*|r&d|afford|money|capital|up-?front|tooling)\b"),
    (
        "design",
        r"\b(designs?|designers?|blueprints?|specs?|specifications?|prototypes?|concept|drawings?|artwork"
        r"|cad)\b",
    ),
    ("stage", r"\b(startup|start-up|established|brand|business|company|stage|new to|small)\b"),
]
RECOMMEND = re.compile(r"recommend\w*\W+(?:[\w*'’-]+\W+){0,8}?(OEM|ODM)\b", re.I)


@dataclass(frozen=True)
class Outcome:
    case_id: str
    kind: str
    dialogue: bool
    batch: str
    error: str | None


def say(url: str, sender: str, text: str, timeout: float = 30) -> tuple[int, str]:
    """POST one message to the REST channel; the joined reply text with button titles, as buyers see it."""
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"sender": sender, "message": text}).encode(),
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, ""
    parts = []
    for message in json.loads(body or b"[]"):
        parts.append(message.get("text") or "")
        parts += [f"[{b.get('title', '')}]" for b in message.get("buttons") or []]
    return status, "\n".join(p for p in parts if p)


def check_turn(url: str, sender: str, turn: dict) -> str | None:
    status, reply = say(url, sender, turn["say"])
    if status != 200:
        return f"HTTP {status} for {turn['say'][:60]!r}"
    missing = [rx for rx in turn.get("expect", []) if not re.search(rx, reply, re.I | re.S)]
    anys = turn.get("expect_any", [])
    if missing or (anys and not any(re.search(rx, reply, re.I | re.S) for rx in anys)):
        return f"{turn['say'][:70]!r}: expected {missing or anys} in {reply[:200]!r}"
    forbidden = [rx for rx in turn.get("reject", []) if re.search(rx, reply, re.I | re.S)]
    return f"{turn['say'][:70]!r}: forbidden {forbidden} in {reply[:200]!r}" if forbidden else None


def topic_of(reply: str) -> str | None:
    sentences = [s for s in re.split(r"(?<=[?.!])\s+|\n", reply) if s.strip()]
    asked = [s for s in sentences if "?" in s] or sentences[-1:]
    text = asked[-1] if asked else ""
    hits = max((len(re.findall(rx, text, re.I)), -i, name) for i, (name, rx) in enumerate(TOPICS))
    return hits[2] if hits[0] else None


def run_profile(url: str, sender: str, profile: dict) -> str | None:
    """A simulated buyer answers each question by topic until the expected model is recommended."""
    said, asked = profile["opening"], defaultdict(int)
    for _ in range(MAX_PROFILE_TURNS):
        status, reply = say(url, sender, said)
        if status != 200:
            return f"HTTP {status} on {said!r}"
        found = RECOMMEND.search(reply)
        if found:
            if found.group(1).upper() != profile["recommend"].upper():
                return f"recommended {found.group(1)}, expected {profile['recommend']}"
            errors = (check_turn(url, sender, turn) for turn in profile.get("then", []))
            return next((f"after the recommendation: {e}" for e in errors if e), None)
        topic = topic_of(reply)
        topic = topic if topic in profile["answers"] else "fallback"
        asked[topic] += 1
        if asked[topic] > 2:
            return f"asked about {topic!r} three times; last reply {reply[:200]!r}"
        said = profile["answers"].get(topic) or "not sure, what do you suggest?"
    return f"no recommendation after {MAX_PROFILE_TURNS} turns"


def run_case(url: str, case: dict, sender: str) -> str | None:
    if "profile" in case:
        return run_profile(url, sender, case["profile"])
    return next((e for e in (check_turn(url, sender, turn) for turn in case["turns"]) if e), None)


def load_batches(folders: list[Path]) -> list[tuple[dict, bool, str]]:
    """Every case of the batches, with whether it is a dialogue (from dialogues.json) and its batch."""
    cases = []
    for folder in folders:
        for name, dialogue in (("questions.json", False), ("dialogues.json", True)):
            path = folder / name
            if path.is_file():
                cases += [(case, dialogue, folder.name) for case in json.loads(path.read_text(encoding="utf-8"))]
    return cases


def run_batches(url: str, folders: list[Path]) -> list[Outcome]:
    """Each case in a conversation of its own (batches reuse case ids, so the batch is in the sender)."""
    tag = uuid.uuid4().hex[:8]
    return [
        Outcome(
            case["id"],
            case.get("kind", "other"),
            dialogue,
            batch,
            run_case(url, case, f"blind-{tag}-{batch}-{case['id']}"),
        )
        for case, dialogue, batch in load_batches(folders)
    ]


def scores(outcomes: list[Outcome]) -> dict:
    """Pass rates overall (questions, dialogues), per kind and per batch."""

    def rate(selected: list[Outcome]) -> dict:
        passed = sum(o.error is None for o in selected)
        return {"passed": passed, "cases": len(selected), "score": round(passed / max(1, len(selected)), 3)}

    def split(selected: list[Outcome]) -> dict:
        return {
            "questions": rate([o for o in selected if not o.dialogue]),
            "dialogues": rate([o for o in selected if o.dialogue]),
        }

    kinds, batches = sorted({o.kind for o in outcomes}), sorted({o.batch for o in outcomes})
    return {
        **split(outcomes),
        "kinds": {kind: rate([o for o in outcomes if o.kind == kind]) for kind in kinds},
        "per_batch": {batch: split([o for o in outcomes if o.batch == batch]) for batch in batches},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running assistant (default: start one on free ports)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    parser.add_argument("batches", nargs="*", type=Path, help="batch folders (default: all under tests/blind)")
    args = parser.parse_args(argv)
    folders = args.batches or sorted(p for p in BLIND_DIR.iterdir() if p.is_dir())
    if args.url:
        outcomes = run_batches(args.url.rstrip("/"), folders)
    else:
        from bench.load import RESULTS_DIR, start_ours

        server = start_ours(MODEL, RESULTS_DIR)
        try:
            outcomes = run_batches(server.url, folders)
        finally:
            server.stop()
    result = {"batches": [f.name for f in folders], **scores(outcomes)}
    if args.verbose:
        for outcome in outcomes:
            if outcome.error:
                print(f"FAIL {outcome.case_id}: {outcome.error}")
    for kind, rate in result["kinds"].items():
        print(f"{kind:22s} {rate['passed']:4d}/{rate['cases']:<4d} {rate['score']:.3f}")
    print(f"questions {result['questions']['score']:.3f}  dialogues {result['dialogues']['score']:.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
