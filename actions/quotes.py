"""Factory quotes: the comparison's events, and follow-ups against the quotes remembered in the
`quotes` slot ('and for 6k?', 'what if the mould were $3,000?', 'double that')."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import asked_factor, latest_text
from actions.records import store_chart
from advisor.knowledge.store import MODELS, Snapshot
from advisor.replies import answers
from advisor.replies.charts import quote_chart
from advisor.understanding.buyer_text import (
    Quote,
    QuoteComparison,
    find_quantities,
    normalise,
    parse_weeks,
    revise_quotes,
    scale_in,
)


def quote_quantities(text: str, tracker: Tracker) -> list[float]:
    """The order sizes to total two quotes at: said in the message ('totals at 5,000 and 10,000'),
    else those the remembered quotes were totalled at, else the profile's."""
    clean = normalise(text)
    said = [n.value for n in find_quantities(text) if n.cued or AT_QUANTITY.search(clean[: n.start])][:3]
    slot_quantity = tracker.get_slot("order_quantity")
    return (
        said or remembered_quantities(tracker) or ([slot_quantity] if isinstance(slot_quantity, (int, float)) else [])
    )


AT_QUANTITY = re.compile(r"\b(?:at|for)\s+(?:\d+\s+(?:and|or|,)\s+)?$", re.I)  # "cheaper at 6k?", "totals for 2000"


def compare_quotes_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, comparison: QuoteComparison, quantities: list[float]
) -> list[EventType]:
    """The quote comparison with its chart; the quotes are remembered for follow-ups ('and for 6k?')."""
    reply, breakeven = answers.answer_quotes(comparison, quantities)
    oem, odm = comparison.quotes["OEM"], comparison.quotes["ODM"]
    quantity = quantities[0] if quantities else None
    chart = store_chart(tracker.sender_id, "quote", quote_chart(oem, odm, quantity, breakeven, comparison.currency))
    dispatcher.utter_message(text=reply, image=chart)
    remembered = {
        "currency": comparison.currency,
        "quantities": quantities,
        "quotes": {code: [q.fixed, q.per_unit] for code, q in comparison.quotes.items()},
    }
    return [SlotSet("quotes", remembered), SlotSet("last_factor", "quotes"), SlotSet("last_model", None)]


def remembered_quotes(tracker: Tracker) -> QuoteComparison | None:
    saved = tracker.get_slot("quotes")
    if not isinstance(saved, dict) or set(saved.get("quotes") or {}) != set(MODELS):
        return None
    return QuoteComparison({code: Quote(code, *saved["quotes"][code]) for code in MODELS}, saved.get("currency"))


def remembered_quantities(tracker: Tracker) -> list[float]:
    """The order sizes the remembered quotes were last totalled at."""
    saved = tracker.get_slot("quotes")
    return list(saved.get("quantities") or []) if isinstance(saved, dict) else []


def quote_followup_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot
) -> list[EventType] | None:
    """'and for 6k?' right after a quote comparison: the remembered quotes at the new quantity;
    None when the message is not such a follow-up."""
    comparison = remembered_quotes(tracker)
    text = latest_text(tracker)
    if comparison is None or tracker.get_slot("last_factor") != "quotes" and not QUOTES_NAMED.search(text):
        return None  # "and the break-even quantity, just for the file?" still reads the quotes after another question
    revised = revise_quotes(comparison, text)
    if revised is not None:  # "what if the OEM tooling was $2,000?"
        return compare_quotes_events(dispatcher, tracker, revised, quote_quantities(text, tracker))
    if BREAK_EVEN_ASK.search(text) and not find_quantities(text):  # "at what volume do they cost the same?"
        return compare_quotes_events(dispatcher, tracker, comparison, remembered_quantities(tracker))
    factor = asked_factor(tracker, snapshot)
    if factor not in (None, "unit_cost"):  # "which is cheaper at 6,000?" stays
        return None
    if parse_weeks(text) is not None:
        return None
    quantities = [n.value for n in find_quantities(text)] or scaled(text, remembered_quantities(tracker))
    if quantities:
        return compare_quotes_events(dispatcher, tracker, comparison, quantities[:3])
    if QUOTE_RECALL.search(text) or factor == "unit_cost":  # "remind me the quotes?", "how much cheaper per unit?"
        return compare_quotes_events(dispatcher, tracker, comparison, remembered_quantities(tracker))
    return None


QUOTES_NAMED = re.compile(r"\b(break[- ]?even|breakeven|cross ?over|crossover|the quotes?|those quotes?)\b", re.I)
QUOTE_RECALL = re.compile(r"\b(quotes?|remind|again|recap)\b", re.I)
BREAK_EVEN_ASK = re.compile(
    r"\b(break[- ]?even|breakeven|cross ?over|crossover|cross|intersect|meet|even out|tipping point|cost the same|"
    r"same (cost|price|total)|"
    r"equal (cost|price)|wins?|overtakes?|becomes? cheaper|gets? cheaper|pays? off)\b",
    re.I,
)


def scaled(text: str, quantities: list[float]) -> list[float]:
    """'what if we doubled the order?' after quotes totalled at a quantity: that quantity scaled."""
    scale = scale_in(text)
    return [quantity * scale for quantity in quantities] if scale else []
