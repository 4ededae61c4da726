"""How the assistant is doing, from the tracker store (SQLite or PostgreSQL): `make report`.

Over a period (default: the last 30 days): conversations and buyers' messages (per day), how many
conversations reached a recommendation (OEM/ODM split), where buyers who started the questionnaire
and got no recommendation stopped (the last question asked), the fallback rate and the most frequent
messages that got one (what to teach next), and the 👍/👎 feedback. `--html [PATH]` also writes a
small page with charts (default build/report.html).

Reads Rasa's `events` table with a few indexed queries and parses only the events it needs (slots
set, and the text of fallback and feedback messages): seconds for 10,000 conversations (make bench).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml
from dotenv import load_dotenv
from jinja2 import Environment, FileSystemLoader, select_autoescape

from advisor.paths import BUILD_DIR, PROJECT_DIR, WEB_DIR
from advisor.vocabulary import PROFILE_FIELDS
from rasa_runtime.settings import tracker_db_url

DEFAULT_DAYS = 30
DEFAULT_HTML = BUILD_DIR / "report.html"
FALLBACK_INTENT = "nlu_fallback"
FEEDBACK = {"feedback_helpful": "helpful", "feedback_unhelpful": "not helpful"}
TRACKED_SLOTS = ("recommendation", "requested_slot", "feedback")
TOP_FALLBACKS = 10


def questionnaire() -> dict[str, str]:
    """The questionnaire's slots in the order asked (domain.yml), with their short labels."""
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    return {slot: PROFILE_FIELDS[slot].label for slot in domain["forms"]["buyer_profile_form"]["required_slots"]}


@dataclass
class Report:
    since: datetime
    until: datetime
    conversations: int = 0
    messages: int = 0
    messages_per_day: Counter = field(default_factory=Counter)
    recommendations: Counter = field(default_factory=Counter)  # OEM / ODM -> conversations
    questionnaires: int = 0  # conversations that were asked at least one question
    dropped_at: Counter = field(default_factory=Counter)  # slot -> conversations that stopped there
    fallbacks: int = 0
    fallback_messages: Counter = field(default_factory=Counter)  # text -> times
    feedback: Counter = field(default_factory=Counter)  # helpful / not helpful -> conversations
    typed_feedback: Counter = field(default_factory=Counter)  # feedback typed rather than clicked

    @property
    def recommended(self) -> int:
        return sum(self.recommendations.values())


def build_report(engine: sa.engine.Engine, since: datetime, until: datetime) -> Report:
    """The report over [since, until) from the `events` table of Rasa's SQL tracker store."""
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    period = (events.c.timestamp >= since.timestamp()) & (events.c.timestamp < until.timestamp())
    report = Report(since, until)
    speakers = set()
    with engine.connect() as connection:
        for sender, timestamp, _intent in connection.execute(
            sa.select(events.c.sender_id, events.c.timestamp, events.c.intent_name).where(
                events.c.type_name == "user", period
            )
        ):
            speakers.add(sender)
            report.messages += 1
            report.messages_per_day[datetime.fromtimestamp(timestamp, timezone.utc).date()] += 1
        report.conversations = len(speakers)
        for intent, data in connection.execute(
            sa.select(events.c.intent_name, events.c.data).where(
                events.c.type_name == "user", period, events.c.intent_name.in_([FALLBACK_INTENT, *FEEDBACK])
            )
        ):
            text = (json.loads(data).get("text") or "").strip()
            if intent == FALLBACK_INTENT:
                report.fallbacks += 1
                report.fallback_messages[text.lower()] += 1
            elif text and not text.startswith("/"):  # typed, not a button
                report.typed_feedback[text] += 1
        last: dict[str, dict[str, object]] = {}  # sender -> slot -> last value; "asked" -> questions asked
        for sender, slot, data in connection.execute(
            sa.select(events.c.sender_id, events.c.action_name, events.c.data)
            .where(events.c.type_name == "slot", period, events.c.action_name.in_(TRACKED_SLOTS))
            .order_by(events.c.id)
        ):
            value = json.loads(data).get("value")
            slots = last.setdefault(sender, {})
            if slot == "requested_slot" and value:
                slots["asked"] = value
            elif slot != "requested_slot":
                slots[slot] = value
    for slots in last.values():
        if slots.get("recommendation") in ("OEM", "ODM"):
            report.recommendations[slots["recommendation"]] += 1
        if slots.get("feedback"):
            report.feedback[slots["feedback"]] += 1
        if "asked" in slots:
            report.questionnaires += 1
            if not slots.get("recommendation"):
                report.dropped_at[slots["asked"]] += 1
    return report


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def text_report(report: Report, source: str) -> str:
    """The report as the console prints it."""
    questions = questionnaire()
    lines = [
        f"Report {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d} (tracker store: {source})",
        f"Conversations: {report.conversations:,}; buyers' messages: {report.messages:,}"
        + (f" ({report.messages / report.conversations:.1f} per conversation)" if report.conversations else ""),
        f"Recommendations: reached in {report.recommended:,} of {report.conversations:,} conversations "
        f"({percent(report.recommended, report.conversations)}): "
        f"OEM {report.recommendations['OEM']:,}, ODM {report.recommendations['ODM']:,}",
        f"Questionnaire: {report.questionnaires:,} started, {sum(report.dropped_at.values()):,} stopped before "
        "a recommendation, at:",
    ]
    lines += [f"  {report.dropped_at[slot]:>6,}  {label}" for slot, label in questions.items()]
    lines.append(
        f"Fallbacks: {report.fallbacks:,} of {report.messages:,} messages "
        f"({percent(report.fallbacks, report.messages)}); most frequent (what to teach next):"
    )
    lines += [f"  {times:>6,}× {text!r}" for text, times in report.fallback_messages.most_common(TOP_FALLBACKS)]
    lines.append(
        f"Feedback: 👍 helpful {report.feedback['helpful']:,}, 👎 not helpful "
        f"{report.feedback['not helpful']:,}; in the buyers' words:"
    )
    lines += [f"  {times:>6,}× {text!r}" for text, times in report.typed_feedback.most_common(TOP_FALLBACKS)]
    return "\n".join(lines)


def bar_chart(title: str, labels: list[str], values: list[int], unit: str, horizontal: bool = True) -> str:
    """A small bar chart as a data: URI for the HTML page."""
    from matplotlib.figure import Figure  # only for --html: the text report needs no plotting library
    from matplotlib.ticker import MaxNLocator

    from advisor.replies.charts import DPI, to_png

    figure = Figure(figsize=(6.4, 3.0), dpi=DPI)
    axes = figure.add_subplot()
    (axes.barh if horizontal else axes.bar)(labels, values, color="#135afe")
    axis = axes.xaxis if horizontal else axes.yaxis
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    (axes.set_xlabel if horizontal else axes.set_ylabel)(unit)
    if horizontal:
        axes.invert_yaxis()
    else:
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.set_title(title, fontsize=11)
    figure.tight_layout()
    return "data:image/png;base64," + base64.b64encode(to_png(figure)).decode()


def html_report(report: Report, source: str) -> str:
    days = [report.since.date() + timedelta(days=n) for n in range((report.until - report.since).days + 1)]
    questions = questionnaire()
    charts = [
        bar_chart(
            "Buyers' messages per day",
            [f"{d:%d %b}" for d in days],
            [report.messages_per_day[d] for d in days],
            "messages",
            horizontal=False,
        ),
        bar_chart(
            "Recommendations",
            ["OEM", "ODM"],
            [report.recommendations["OEM"], report.recommendations["ODM"]],
            "conversations",
        ),
        bar_chart(
            "Where buyers stopped the questionnaire",
            list(questions.values()),
            [report.dropped_at[slot] for slot in questions],
            "conversations",
        ),
    ]
    templates = Environment(loader=FileSystemLoader(WEB_DIR), autoescape=select_autoescape(["html"]))
    return templates.get_template("report.html").render(
        report=report,
        source=source,
        charts=charts,
        summary=text_report(report, source),
        top_fallbacks=report.fallback_messages.most_common(TOP_FALLBACKS),
        typed_feedback=report.typed_feedback.most_common(TOP_FALLBACKS),
    )


def utc_day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def period(args: argparse.Namespace) -> tuple[datetime, datetime]:
    """[since, until) in UTC from --since/--until (whole days) or the last --days."""
    until = utc_day(args.until) + timedelta(days=1) if args.until else datetime.now(timezone.utc)
    since = utc_day(args.since) if args.since else until - timedelta(days=args.days)
    return since, until


def main(argv: list[str] | None = None) -> int:
    load_dotenv(PROJECT_DIR / ".env", override=False)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="the last N days (default 30)")
    parser.add_argument("--since", help="first day, YYYY-MM-DD (instead of --days)")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (default today)")
    parser.add_argument(
        "--html",
        nargs="?",
        const=DEFAULT_HTML,
        type=Path,
        help=f"also write a page with charts (default {DEFAULT_HTML})",
    )
    parser.add_argument("--db", default=None, help="tracker store URL (default TRACKER_DB_URL / TRACKER_DB)")
    args = parser.parse_args(argv)
    url = args.db or tracker_db_url(os.environ)
    source = sa.engine.make_url(url).render_as_string(hide_password=True)
    engine = sa.create_engine(url, future=True)
    started = time.perf_counter()
    try:
        report = build_report(engine, *period(args))
    except sa.exc.NoSuchTableError:
        print("The tracker store has no conversations yet.")
        return 0
    except sa.exc.SQLAlchemyError as err:
        print(f"Cannot read the tracker store ({err}): check TRACKER_DB_URL.", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(text_report(report, source))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(html_report(report, source), encoding="utf-8")
        print(f"Report page: {args.html}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
