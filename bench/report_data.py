"""Synthetic conversations in Rasa's tracker-store layout, for `make report` at scale (make bench).

`generate(url, conversations)` writes conversations spread over the last 30 days into the `events`
table (created as Rasa's SQLTrackerStore creates it), with the events Rasa stores for them: session
start, the buyer's messages with their intents, actions, bot replies and slots. A seeded mix: questions
only, questionnaires finished with an OEM or ODM recommendation (some with 👍/👎 feedback, some typed),
questionnaires abandoned at a question, and messages that got a fallback. Returns the counts the
report must find.

`python -m bench.report_data` times `make report` (text and --html) on 10,000 such conversations and
writes build/bench/report.json.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from advisor.paths import BUILD_DIR, PROJECT_DIR

RESULTS = BUILD_DIR / "bench" / "report.json"
DOMAIN = PROJECT_DIR / "domain.yml"
DAYS = 30
QUESTIONS = ("own_design", "ip_importance", "order_quantity", "weeks_to_launch", "budget", "business_stage")
FACTUAL = [
    ("What's the MOQ for ODM?", "ask_factor", "action_answer_factor"),
    ("How long does OEM take?", "ask_factor", "action_answer_factor"),
    ("show me the full comparison", "ask_comparison", "action_answer_comparison"),
    ("what does ODM stand for", "ask_definition", "action_answer_definition"),
]
FALLBACK_TEXTS = ["can you ship to norway", "what about tariffs", "plush vs plastic?", "asdfgh", "do you do nfts"]
TYPED_FEEDBACK = {"helpful": "that was really helpful", "not helpful": "not useful at all"}


@dataclass
class Expected:
    """What the report must count for the generated conversations."""

    conversations: int = 0
    messages: int = 0
    recommendations: Counter = field(default_factory=Counter)
    questionnaires: int = 0
    dropped_at: Counter = field(default_factory=Counter)
    fallbacks: int = 0
    fallback_messages: Counter = field(default_factory=Counter)
    feedback: Counter = field(default_factory=Counter)


class Conversation:
    """One conversation's events, in order, a few seconds apart."""

    def __init__(self, start: float, expected: Expected) -> None:
        self.clock, self.events, self.expected = start, [], expected
        self.add(ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"))

    def add(self, *events: Event) -> None:
        for event in events:
            self.clock += 0.05
            event.timestamp = self.clock
            self.events.append(event)

    def turn(self, text: str, intent: str, action: str, *slots: SlotSet, reply: str = "…") -> None:
        self.clock += 8
        self.expected.messages += 1
        self.add(
            UserUttered(text, {"name": intent, "confidence": 0.9}),
            *slots,
            ActionExecuted(action),
            BotUttered(reply),
            ActionExecuted("action_listen"),
        )


def conversation(rng: random.Random, start: float, expected: Expected) -> list[Event]:
    """A random conversation of the mix described in the module docstring."""
    talk = Conversation(start, expected)
    for _ in range(rng.randint(1, 3)):
        talk.turn(*rng.choice(FACTUAL))
    if rng.random() < 0.1:
        text = rng.choice(FALLBACK_TEXTS)
        talk.turn(text, "nlu_fallback", "action_default_ask_affirmation")
        expected.fallbacks += 1
        expected.fallback_messages[text] += 1
    if rng.random() < 0.6:
        expected.questionnaires += 1
        talk.turn("help me choose", "ask_recommendation", "buyer_profile_form", SlotSet("requested_slot", QUESTIONS[0]))
        stop = rng.choice(QUESTIONS) if rng.random() < 0.3 else None
        for asked, following in zip(QUESTIONS, QUESTIONS[1:] + (None,)):
            if asked == stop:
                expected.dropped_at[asked] += 1
                return talk.events
            talk.turn(
                "an answer", "inform", "buyer_profile_form", SlotSet(asked, "yes"), SlotSet("requested_slot", following)
            )
        model = rng.choice(["OEM", "ODM"])
        expected.recommendations[model] += 1
        talk.add(
            ActionExecuted("action_recommend"),
            BotUttered(f"I recommend **{model}**"),
            SlotSet("recommendation", model),
            ActionExecuted("action_listen"),
        )
        if rng.random() < 0.4:
            verdict = rng.choice(list(TYPED_FEEDBACK))
            intent = "feedback_helpful" if verdict == "helpful" else "feedback_unhelpful"
            text = TYPED_FEEDBACK[verdict] if rng.random() < 0.3 else f"/{intent}"
            talk.turn(text, intent, f"utter_{intent}", SlotSet("feedback", verdict))
            expected.feedback[verdict] += 1
    return talk.events


def generate(url: str, conversations: int, seed: int = 7, now: float | None = None) -> Expected:
    """Writes `conversations` conversations over the last 30 days into the tracker store at `url`."""
    rng, now, expected = random.Random(seed), now or time.time(), Expected(conversations=conversations)
    store = SQLTrackerStore(Domain.load(str(DOMAIN)), host=url)
    rows = []
    for number in range(conversations):
        start = now - rng.uniform(0.1, DAYS - 0.1) * 86400
        for event in conversation(rng, start, expected):
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": f"bench-{number}",
                    "type_name": data["event"],
                    "timestamp": data["timestamp"],
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
    with store.engine.begin() as connection:
        connection.execute(store.SQLEvent.__table__.insert(), rows)
    store.engine.dispose()
    return expected


def timed_report(url: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "operations.usage_report", "--db", url, *args], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/trackers.db"
        started = time.perf_counter()
        expected = generate(url, args.conversations)
        generated = time.perf_counter() - started
        result = {
            "conversations": args.conversations,
            "messages": expected.messages,
            "generate_s": generated,
            "report_s": timed_report(url),
            "report_html_s": timed_report(url, "--html", f"{folder}/report.html"),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(
        f"make report on {args.conversations:,} conversations ({expected.messages:,} messages): "
        f"{result['report_s']:.1f} s, with --html {result['report_html_s']:.1f} s "
        f"(generated in {generated:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
