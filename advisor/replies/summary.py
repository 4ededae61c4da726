"""Recommendation messages and the Markdown decision record, shared by every channel.

Pure Python: a `BuyerProfile`, a `Recommendation` and the store `Snapshot` in, text out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from advisor.decision import BuyerProfile, Recommendation, explain_unsure, recommend
from advisor.knowledge.store import Snapshot, other
from advisor.replies.numbers import units
from advisor.understanding.buyer_text import UNSURE, describe_weeks
from advisor.vocabulary import PROFILE_FIELDS

# Quick replies under every recommendation: the feedback, and the decision record.
RECOMMENDATION_BUTTONS = [
    {"title": "👍 Helpful", "payload": "/feedback_helpful"},
    {"title": "👎 Not helpful", "payload": "/feedback_unhelpful"},
    {"title": "📄 Decision record", "payload": "/ask_summary"},
]


def describe_value(slot: str, value: float | str | None) -> str:
    """A profile value as a buyer would say it: '2,000 units', 'about 6 months', 'not sure'."""
    if value is None:
        return "not asked yet"
    if slot == "order_quantity" and isinstance(value, (int, float)):
        return units(value)
    if slot == "weeks_to_launch" and isinstance(value, (int, float)):
        return describe_weeks(value)
    if value == UNSURE:
        return "not sure"
    return PROFILE_FIELDS[slot].values.get(str(value), str(value))


def describe_change(slot: str, before: float | str | None, after: float | str | None) -> str:
    """'Order quantity 200 units → 2,000 units'."""
    return f"{PROFILE_FIELDS[slot].label} {describe_value(slot, before)} → {describe_value(slot, after)}"


def profile_lines(profile: BuyerProfile) -> list[str]:
    return [
        f"- {field.label}: {describe_value(slot, getattr(profile, slot))}" for slot, field in PROFILE_FIELDS.items()
    ]


def understood_so_far(facts: dict, known: BuyerProfile, snapshot: Snapshot) -> str:
    """'Noted: 150 units, 3 weeks, no design. So far that points to ODM.' for several answers in one message."""
    noted = "; ".join(f"{PROFILE_FIELDS[slot].label}: {describe_value(slot, value)}" for slot, value in facts.items())
    leaning = recommend(replace(known, **facts), snapshot)
    lean = f" So far **{leaning.model}** is the better fit." if any(r.favours for r in leaning.reasons) else ""
    return f"Noted: {noted}.{lean}"


def recommendation_message(rec: Recommendation, source_note: str, change_note: str | None = None) -> str:
    """The one message that carries a recommendation: starts 'I recommend X', top reasons with rows."""
    lines = [
        f"I recommend **{rec.model}** (confidence: {rec.confidence})." + (f" {change_note}" if change_note else "")
    ]
    lines += [f"{i}. {r.cited()}" for i, r in enumerate(rec.for_model(rec.model)[:3], start=1)]
    against = rec.for_model(other(rec.model))
    if rec.tension:
        lines.append(f"Trade-off: {rec.tension}")
    elif against:
        lines.append(f"On the other side: {against[0].cited()}.")
    unsure = explain_unsure(rec)
    if unsure:
        lines.append(unsure)
    lines.append(
        f'Ask "why?" for the full reasoning, "what if …" to test a change, or "summary" for a '
        f"decision record. {source_note}"
    )
    lines.append("Was this helpful? 👍 / 👎")
    return "\n".join(lines)


def explanation_message(rec: Recommendation, asked_about: str | None, source_note: str) -> str:
    """The full reasoning: every reason for and against, each with its table row."""
    lines = [
        f"Why {rec.model}"
        + (f" and not {other(rec.model)}" if asked_about == other(rec.model) else "")
        + f" — confidence {rec.confidence} (weights: {rec.model} {rec.scores[rec.model]}, "
        f"{other(rec.model)} {rec.scores[other(rec.model)]}):"
    ]
    lines += [f"✔ {r.cited()}" for r in rec.for_model(rec.model)]
    lines += [f"✘ for {other(rec.model)}: {r.cited()}" for r in rec.for_model(other(rec.model))]
    lines += [f"• {r.cited()}" for r in rec.reasons if r.favours is None]
    if any(r.rules_out_oem for r in rec.reasons):
        lines.append("OEM's typical MOQ or development time does not fit your order, which rules it out for now.")
    if rec.tension:
        lines.append(f"Trade-off: {rec.tension}")
    unsure = explain_unsure(rec)
    if unsure:
        lines.append(unsure)
    lines.append(source_note)
    return "\n".join(lines)


def cited_rows(rec: Recommendation, snapshot: Snapshot) -> list[str]:
    """Each table row a reason cites, with both cells, in the table's order."""
    cited = {label for reason in rec.reasons for label in reason.rows}
    return [
        f"- **{row.row_label}** — OEM: {row.cells['OEM'].text} | ODM: {row.cells['ODM'].text}"
        for row in snapshot.factors.values()
        if row.row_label in cited
    ]


def decision_record(
    profile: BuyerProfile,
    rec: Recommendation | None,
    snapshot: Snapshot,
    today: date,
    charts: list[tuple[str, str]] = (),
) -> str:
    """The decision record as Markdown: inputs, recommendation, reasons with their rows, the charts
    (title, URL) that apply, source and date."""
    lines = [
        "# OEM/ODM decision record",
        f"Date: {today.isoformat()}",
        "",
        "## Buyer profile",
        *profile_lines(profile),
        "",
    ]
    if rec is None:
        lines += ["## Recommendation", 'None yet: answer the remaining questions (say "help me choose").']
    else:
        lines += ["## Recommendation", f"**{rec.model}** (confidence: {rec.confidence})", "", "## Reasons"]
        lines += [f"{i}. {r.cited()}" for i, r in enumerate(rec.for_model(rec.model), start=1)]
        against = rec.for_model(other(rec.model))
        if against:
            lines += ["", f"## For {other(rec.model)}", *[f"- {r.cited()}" for r in against]]
        if rec.tension:
            lines += ["", "## Trade-off", rec.tension]
        unsure = explain_unsure(rec)
        if unsure:
            lines += ["", "## Uncertainty", unsure]
        lines += ["", f"## The table's rows behind these reasons ({snapshot.table_title})", *cited_rows(rec, snapshot)]
    for title, url in charts:
        lines += ["", f"## {title}", f"![{title}]({url})"]
    lines += [
        "",
        "## Source",
        f'{snapshot.path}: "{snapshot.table_title}", version {snapshot.version} (sha256 {snapshot.checksum[:16]}…)',
    ]
    return "\n".join(lines)


def comparison_table(snapshot: Snapshot) -> str:
    """The whole comparison as a Markdown table (for the web page, which draws it as a table)."""
    lines = [f"**{snapshot.table_title}**", "", "| Factor | OEM | ODM |", "| --- | --- | --- |"]
    lines += [
        f"| **{row.row_label}** | {row.cells['OEM'].text} | {row.cells['ODM'].text} |"
        for row in snapshot.factors.values()
    ]
    lines += ["", f"(source: {snapshot.table_title}, all rows; {snapshot.path}, doc v{snapshot.version})"]
    return "\n".join(lines)
