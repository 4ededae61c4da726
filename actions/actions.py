"""Rasa custom actions: thin adapters from the tracker to the store, the parsers and the decision core."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
import re
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from advisor.replies import answers
from actions import erase  # noqa: F401  (registers action_forget_me with the action server)
from advisor.understanding.buyer_text import (
    PROFILE_SLOTS,
    UNSURE,
    Quote,
    QuoteComparison,
    QuoteError,
    count_amounts,
    find_quantities,
    revise_quotes,
    extract_facts,
    normalise,
    parse_quantity,
    parse_quotes,
    parse_weeks,
)
from advisor.replies.charts import launch_chart_from_store, quote_chart
from advisor.decision import BuyerProfile, recommend
from actions.records import record_charts, store_chart, store_record
from advisor.knowledge.store import MODELS, Snapshot, default_store, other
from advisor.replies.summary import (
    PROFILE_LABELS,
    RECOMMENDATION_BUTTONS,
    comparison_table,
    decision_record,
    describe_change,
    describe_value,
    explanation_message,
    recommendation_message,
)

logger = logging.getLogger(__name__)
BOTH_MODELS = re.compile(r"\b(acronyms?|both|the two|these terms|those terms|them)\b", re.I)
ABOUT_A_MODEL = re.compile(r"\b(tell me (more )?about|explain|describe|what is|what's|meaning)\b", re.I)

ACTION_LISTEN = "action_listen"
QUESTIONNAIRE = "buyer_profile_form"
STORE_UNAVAILABLE = "I can't look that up right now, please try again in a moment."
DIGRESSION_INTENTS = {"ask_factor", "ask_followup", "ask_definition", "ask_comparison", "ask_feasibility",
                      "compare_quotes", "ask_why", "ask_summary", "greet", "thank", "bot_challenge",
                      "ask_capabilities", "goodbye", "restart", "forget_me"}
MAX_INVALID_ANSWERS = 2  # a question is asked at most twice, then counted as "not sure"
FACTOR_BUTTONS = [("MOQ", "What is the MOQ for OEM and ODM?"),
                  ("Development time", "How long does development take for OEM and ODM?"),
                  ("Cost", "Which is cheaper, OEM or ODM?"),
                  ("IP ownership", "Who owns the design with OEM and ODM?"),
                  ("Risk", "Which is riskier, OEM or ODM?")]


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(e.get("value")) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def named_models(tracker: Tracker) -> list[str]:
    """OEM/ODM named in the message (typo-tolerant) or in the extracted entities, else described
    ('a toy the factory already sells' -> ODM)."""
    found = answers.models_in(latest_text(tracker))
    for value in entity_values(tracker, "service_model"):
        found += [m for m in answers.models_in(value) if m not in found]
    return found or answers.models_described(latest_text(tracker))


def asked_factor(tracker: Tracker, snapshot: Snapshot) -> str | None:
    """The table row the message asks about: the extracted entity, else the strongest word match."""
    return answers.best_factor(latest_text(tracker), snapshot, entity_values(tracker, "factor"))


def buyer_profile(tracker: Tracker) -> BuyerProfile:
    return BuyerProfile(**{slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS})


def source_note(snapshot: Snapshot) -> str:
    return f"(source: {snapshot.table_title}, {snapshot.path}, doc v{snapshot.version})"


class StoreAction(Action, ABC):
    """An action that answers from the knowledge store; a store failure gets a polite reply."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        try:
            snapshot = default_store().snapshot()
        except (SQLAlchemyError, LookupError, OSError) as err:
            logger.error("knowledge store unavailable for %s: %s", self.name(), err)
            dispatcher.utter_message(text=STORE_UNAVAILABLE)
            return []
        return self.respond(dispatcher, tracker, snapshot)

    @abstractmethod
    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
        """Reply from the snapshot; return the events to apply."""


class QuestionAction(StoreAction, ABC):
    """A free-form question. Before the intent's own answer: a quote follow-up ('and for 6k?'),
    a subject the table doesn't cover ('defect rate with ODM?'), and a buyer's situation
    ('1,200 dolls in ten weeks, doable?') are answered as such, whatever intent the NLU picked."""

    def respond(self, dispatcher, tracker, snapshot):
        events = context_events(dispatcher, tracker, snapshot)
        if events is not None:
            return events
        if wants_questionnaire(tracker, snapshot):  # "OEM or ODM? ask away"
            return [FollowupAction(QUESTIONNAIRE)]
        text = latest_text(tracker)
        facts = extract_facts(text).facts
        plain_statement = not answers.is_question(text) or not (asked_factor(tracker, snapshot) or named_models(tracker))
        if facts and plain_statement and may_start_questionnaire(tracker):
            # "new baby-toy brand here, need teethers with our logo asap": facts about the buyer, no question
            if len(facts) >= 2:
                dispatcher.utter_message(text=understood_so_far(tracker, facts, snapshot))
            return [SlotSet(slot, value) for slot, value in facts.items()] + [FollowupAction(QUESTIONNAIRE)]
        return self.answer(dispatcher, tracker, snapshot)

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
        """The intent's own answer from the snapshot; return the events to apply."""


def context_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType] | None:
    """Messages whose meaning comes from their content or the context, whatever intent the NLU
    picked: a quote follow-up, two quotes, a subject next door to the table, a buyer's situation.
    None when the message is none of these."""
    events = quote_followup_events(dispatcher, tracker, snapshot)
    if events is not None:
        return events
    text = latest_text(tracker)
    if len(named_models(tracker)) == 2 and len(answers.models_in(text)) == 2:
        try:
            return compare_quotes_events(dispatcher, tracker, parse_quotes(text), quote_quantities(text, tracker))
        except QuoteError:
            pass  # not two quotes: an ordinary question naming both models
    sides = answers.asks_sides(text)
    if sides:  # "downsides?", "what would we give up?": read off the table's cells
        return sides_events(dispatcher, tracker, snapshot, sides)
    factor = asked_factor(tracker, snapshot)
    situation = answers.situation_in(text, factor, snapshot)
    if situation and answers.asks_which_model(text):  # "Amazon FBA test run, 300 units asap: OEM or ODM?"
        return situation_events(dispatcher, tracker, snapshot, situation)
    topic = answers.not_covered_topic(text)
    next_door = factor or named_models(tracker) or tracker.get_slot("last_factor") or answers.mentions_toys(text)
    if topic and next_door:  # next door to the table, not off-topic
        dispatcher.utter_message(text=answers.answer_not_covered(snapshot, topic, factor, text))
        return [SlotSet("last_factor", factor or topic.related[0]), SlotSet("last_model", None)]
    statement = not answers.is_question(text) and may_start_questionnaire(tracker)  # the questionnaire takes it
    if situation and not statement and not (factor == "best_for" and answers.audience_named(text, snapshot)):
        return situation_events(dispatcher, tracker, snapshot, situation)
    if factor is None and answers.asks_for_overview(text):
        return overview_events(dispatcher, tracker, snapshot)
    return followup_events(dispatcher, tracker, snapshot, factor)


def sides_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, sides: str) -> list[EventType]:
    """A model's downsides or upsides: the model named, else the one just talked about or recommended,
    else both."""
    named = named_models(tracker)
    fallback = tracker.get_slot("last_model") or tracker.get_slot("recommendation")
    models = named if len(named) == 1 else [fallback] if fallback and not named else list(MODELS)
    dispatcher.utter_message(text="\n".join(answers.answer_sides(snapshot, model, sides) for model in models))
    return [SlotSet("last_factor", None), SlotSet("last_model", models[0] if len(models) == 1 else None)]


BOTH_MODELS_ASK = re.compile(r"\b(each|both|the two|at scale|in bulk|compared?|vs|versus|difference|gap)\b")
FOLLOWUP_START = re.compile(r"^\W*(?:and|so|what about|how about|also|plus)\b")
FOLLOWUP_ASKS = re.compile(r"^\W*(?:and|so|ok|okay|but)?\W*(?:how (?:low|high|long|short|much|many|big|fast|slow)|"
                           r"by how much|what(?:'s| is) the (?:gap|difference)|the gap|difference)\b")


def followup_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot,
                    factor: str | None) -> list[EventType] | None:
    """A few words after a factual answer that only make sense against it: 'oem?', 'how low?',
    'by how much?' -> the same row again (for the model named, else both)."""
    last_factor, text = tracker.get_slot("last_factor"), latest_text(tracker)
    words = re.findall(r"[\w']+", normalise(text))
    if last_factor not in snapshot.factors or len(words) > 5:
        return None
    models = answers.models_in(text)
    last_model = tracker.get_slot("last_model")
    if not models and last_model and re.search(r"\b(the )?other( one)?\b", normalise(text)):
        models = [other(last_model)]  # "the other one?"
        return answer_factor_events(dispatcher, snapshot, factor or last_factor, models, text)
    if factor:  # "and the time?": the row named, for the model talked about; "and at scale?", "for each?": both
        if not FOLLOWUP_START.search(normalise(text)):
            return None
        if not models and last_model and not BOTH_MODELS_ASK.search(normalise(text)):
            models = [last_model]
        return answer_factor_events(dispatcher, snapshot, factor, models, text)
    bare_model = models and all(w in ("and", "what", "about", "for", "how", "the", "with", "then", "so") or
                                answers.models_in(w) for w in words)
    if not (bare_model or FOLLOWUP_ASKS.search(normalise(text))):
        return None
    return answer_factor_events(dispatcher, snapshot, last_factor, models, text)


def wants_questionnaire(tracker: Tracker, snapshot: Snapshot) -> bool:
    """A request for the recommendation itself that names no row: the questionnaire, not an answer."""
    text = latest_text(tracker)
    factor = asked_factor(tracker, snapshot)
    about_the_buyer = factor == "best_for" and not answers.audience_named(text, snapshot)
    return (answers.asks_for_recommendation(text) and (factor is None or about_the_buyer)
            and not answers.asks_for_overview(text) and may_start_questionnaire(tracker))


def routed_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot,
                  needs_model: bool = False) -> list[EventType] | None:
    """An answer from the message's content alone, for a message the NLU was unsure of (or called
    out of scope: then only when it names OEM/ODM too). None when nothing of the table is asked."""
    events = context_events(dispatcher, tracker, snapshot)
    if events is not None:
        return events
    if wants_questionnaire(tracker, snapshot):
        return [FollowupAction(QUESTIONNAIRE)]
    text = latest_text(tracker)
    factor, models = asked_factor(tracker, snapshot), named_models(tracker)
    in_context = tracker.get_slot("last_factor") in snapshot.factors  # "how long does the slower one take?"
    if needs_model and not models and not (factor and in_context):
        return None
    if factor:
        return answer_factor_events(dispatcher, snapshot, factor, models, text)
    if answers.asks_for_overview(text) and (models or not needs_model):
        return overview_events(dispatcher, tracker, snapshot)
    if answers.models_in(text) and (not needs_model or answers.DEFINITION_ASK.search(normalise(text))):
        return answer_definition_events(dispatcher, snapshot, answers.models_in(text))
    return None


def situation_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot,
                     facts: dict, questionnaire_follows: bool = False) -> list[EventType]:
    """Which model fits the buyer's situation, with the launch chart when a date is given. When the
    buyer asks which model to take, the questionnaire follows for the full recommendation (with the
    facts already given); a feasibility check ("is that doable?") gets an offer of it instead."""
    weeks = facts.get("weeks_to_launch")
    chart = store_chart(tracker.sender_id, "launch", launch_chart_from_store(snapshot, date.today(), weeks)) \
        if isinstance(weeks, (int, float)) and weeks > 0 else None
    starts_questionnaire = not questionnaire_follows and may_start_questionnaire(tracker) and (
        answers.asks_which_model(latest_text(tracker)))
    asks_next = questionnaire_follows or starts_questionnaire
    text, pointed_to = answers.answer_situation(snapshot, facts, offer=not asks_next)
    dispatcher.utter_message(text=text + "\nFor a full recommendation, a few quick questions:" if asks_next else text,
                             image=chart)
    events = [SlotSet("last_factor", "development_time" if weeks else "moq"), SlotSet("last_model", pointed_to)]
    if starts_questionnaire:
        events += [SlotSet(slot, value) for slot, value in facts.items()] + [FollowupAction(QUESTIONNAIRE)]
    return events


def may_start_questionnaire(tracker: Tracker) -> bool:
    """No recommendation made yet and the questionnaire not already running."""
    return not tracker.get_slot("recommendation") and tracker.active_loop.get("name") != QUESTIONNAIRE


def ask_which_factor(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text="Which part of OEM vs ODM do you mean — MOQ, development time, cost, IP ownership, "
             "customization, who it's best for, or risk?",
        buttons=[{"title": title, "payload": payload} for title, payload in FACTOR_BUTTONS])


def answer_factor_events(dispatcher: CollectingDispatcher, snapshot: Snapshot, factor: str,
                         models: list[str], text: str) -> list[EventType]:
    """The asked row (or every row the message lists: 'MOQ and lead time side by side'), one message."""
    listed = answers.factors_listed(text, snapshot)
    if factor in listed:
        dispatcher.utter_message(text="\n".join(answers.answer_factor(snapshot, key, models, text)[0] for key in listed))
        return [SlotSet("last_factor", listed[-1]), SlotSet("last_model", models[0] if len(models) == 1 else None)]
    reply, pointed_to = answers.answer_factor(snapshot, factor, models, text)
    dispatcher.utter_message(text=reply)
    focus = models[0] if len(models) == 1 else pointed_to  # what "that one" means next
    return [SlotSet("last_factor", factor), SlotSet("last_model", focus)]


def answer_definition_events(dispatcher: CollectingDispatcher, snapshot: Snapshot,
                             models: list[str]) -> list[EventType]:
    dispatcher.utter_message(text=answers.answer_definition(snapshot, models))
    return [SlotSet("last_factor", "definition"), SlotSet("last_model", models[0] if len(models) == 1 else None)]


class ActionAnswerFactor(QuestionAction):
    """One row of the table for OEM, ODM or both; a named order size or deadline is also judged."""

    def name(self) -> str:
        return "action_answer_factor"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        factor = asked_factor(tracker, snapshot)
        models = named_models(tracker)
        if factor is None and models:  # "tell me about ODM"
            return answer_definition_events(dispatcher, snapshot, models)
        if factor is None:  # nothing of the table named: not a question this assistant can answer
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        events = answer_factor_events(dispatcher, snapshot, factor, models, text)
        judgement = feasibility_judgements(snapshot, text)
        if judgement:
            dispatcher.utter_message(text="\n\n".join(judgement))
        return events


class ActionAnswerFollowup(QuestionAction):
    """'and for OEM?' / 'what about lead time?': resolved against the last question."""

    def name(self) -> str:
        return "action_answer_followup"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        last_factor, last_model = tracker.get_slot("last_factor"), tracker.get_slot("last_model")
        factor = asked_factor(tracker, snapshot)
        models = named_models(tracker)
        if not models and last_model and "other" in text.lower():
            models = [other(last_model)]
        elif not models and "both" not in text.lower() and last_model and factor:
            models = [last_model]
        if factor is None and (last_factor == "definition" or ABOUT_A_MODEL.search(text)):
            return answer_definition_events(dispatcher, snapshot, models)
        factor = factor or (last_factor if last_factor in snapshot.factors else None)
        if factor is None:
            if models:
                return answer_definition_events(dispatcher, snapshot, models)
            ask_which_factor(dispatcher)
            return []
        return answer_factor_events(dispatcher, snapshot, factor, models, text)


class ActionAnswerDefinition(QuestionAction):
    """What OEM / ODM stand for and mean."""

    def name(self) -> str:
        return "action_answer_definition"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        models = named_models(tracker)
        factor = asked_factor(tracker, snapshot)
        if factor and (not models or not ABOUT_A_MODEL.search(text)):  # "what does MOQ mean?", "who is ODM for?"
            return answer_factor_events(dispatcher, snapshot, factor, models, text)
        if not models and not BOTH_MODELS.search(text):  # "what is dropshipping?"
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return answer_definition_events(dispatcher, snapshot, models)


class ActionAnswerComparison(QuestionAction):
    """The whole table, or one row side by side when a factor is named."""

    def name(self) -> str:
        return "action_answer_comparison"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        factor = asked_factor(tracker, snapshot)
        if factor:
            return answer_factor_events(dispatcher, snapshot, factor, list(MODELS), text)
        return overview_events(dispatcher, tracker, snapshot)


def overview_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
    """The whole comparison (a Markdown table on the web page, one line per row elsewhere), or every
    row for the one model named ("everything about OEM in one go")."""
    models = answers.models_in(latest_text(tracker))
    if len(models) == 1:
        dispatcher.utter_message(text=answers.answer_overview(snapshot, models))
        return [SlotSet("last_factor", None), SlotSet("last_model", models[0])]
    web_page = tracker.get_latest_input_channel() == "socketio"  # draws Markdown tables
    dispatcher.utter_message(text=comparison_table(snapshot) if web_page else answers.answer_overview(snapshot))
    return [SlotSet("last_factor", None), SlotSet("last_model", None)]


def feasibility_judgements(snapshot: Snapshot, text: str) -> list[str]:
    """Judgements of an order size and/or a launch time named (with their words) in a row question."""
    weeks, quantity = parse_weeks(text), parse_quantity(text)
    replies = []
    if quantity is not None and quantity >= 1:
        replies.append(answers.answer_quantity_feasibility(snapshot, quantity))
    if weeks is not None:
        replies.append(answers.answer_time_feasibility(snapshot, weeks) if weeks > 0
                       else "That date has already passed; give me a future date or a number of weeks.")
    return replies


SOURCING_WORDS = re.compile(r"\b(need\w*|launch\w*|ready|deliver\w*|ship\w*|orders?|make|produc\w+|manufactur\w+|"
                            r"factory|supplier|stock|shelves|sell\w*)\b", re.I)


class ActionCheckFeasibility(QuestionAction):
    """'Can I order 100 pieces?', 'I need them in 3 weeks': checked against the table's ranges."""

    def name(self) -> str:
        return "action_check_feasibility"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        if not (answers.mentions_toys(text) or named_models(tracker) or answers.asks_feasibility(text)
                or SOURCING_WORDS.search(text) or tracker.get_slot("last_factor")):
            dispatcher.utter_message(response="utter_out_of_scope")  # "a table for two tonight?", "bitcoin this week?"
            return []
        extraction = extract_facts(text, asked=None if parse_weeks(text) is not None else "order_quantity")
        if extraction.problem:  # a past date, a negative or absurd quantity
            dispatcher.utter_message(text=extraction.problem)
            return []
        facts = {slot: value for slot, value in extraction.facts.items() if value != UNSURE}
        if "order_quantity" not in facts and "weeks_to_launch" not in facts:
            named_factor = asked_factor(tracker, snapshot)
            if named_factor:  # "can I get exclusivity with ODM?": no figure to check, but a row to give
                return answer_factor_events(dispatcher, snapshot, named_factor, named_models(tracker), text)
            if not named_models(tracker) and not answers.asks_feasibility(text):  # "can u do my maths homework"
                dispatcher.utter_message(response="utter_out_of_scope")
                return []
            dispatcher.utter_message(text="Tell me an order size (e.g. \"150 units\") or a launch date "
                                          "(e.g. \"in 6 weeks\", \"by March 1\") and I'll check it against "
                                          "OEM's and ODM's typical ranges.")
            return []
        return situation_events(dispatcher, tracker, snapshot, facts)


class ActionCompareQuotes(StoreAction):
    """Totals of two factory quotes at the buyer's quantity, and the break-even order size. A message
    with fewer than two amounts was no quote: it is answered from its content instead."""

    def name(self) -> str:
        return "action_compare_quotes"

    def respond(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        try:
            comparison = parse_quotes(text)
        except QuoteError as err:  # a changed figure of remembered quotes, else maybe no quote at all
            answered = quote_followup_events(dispatcher, tracker, snapshot)
            if answered is None and (count_amounts(text) < 2 or len(answers.models_in(text)) < 2):
                answered = routed_events(dispatcher, tracker, snapshot)
            if answered is None:
                dispatcher.utter_message(text=str(err))
            return answered or []
        return compare_quotes_events(dispatcher, tracker, comparison, quote_quantities(text, tracker))


def quote_quantities(text: str, tracker: Tracker) -> list[float]:
    """The order sizes to total two quotes at: said in the message ('totals at 5,000 and 10,000'),
    else the profile's."""
    clean = normalise(text)
    said = [n.value for n in find_quantities(text) if n.cued or AT_QUANTITY.search(clean[:n.start])][:3]
    remembered = (tracker.get_slot("quotes") or {}).get("quantities")
    slot_quantity = tracker.get_slot("order_quantity")
    return said or remembered or ([slot_quantity] if isinstance(slot_quantity, (int, float)) else [])


AT_QUANTITY = re.compile(r"\b(?:totals?|costs?|prices?)\s+(?:at|for)\s+(?:\d+\s+(?:and|or|,)\s+)?$", re.I)


def compare_quotes_events(dispatcher: CollectingDispatcher, tracker: Tracker, comparison: QuoteComparison,
                          quantities: list[float]) -> list[EventType]:
    """The quote comparison with its chart; the quotes are remembered for follow-ups ('and for 6k?')."""
    reply, breakeven = answers.answer_quotes(comparison, quantities)
    oem, odm = comparison.quotes["OEM"], comparison.quotes["ODM"]
    quantity = quantities[0] if quantities else None
    chart = store_chart(tracker.sender_id, "quote", quote_chart(oem, odm, quantity, breakeven, comparison.currency))
    dispatcher.utter_message(text=reply, image=chart)
    remembered = {"currency": comparison.currency, "quantities": quantities,
                  "quotes": {code: [q.fixed, q.per_unit] for code, q in comparison.quotes.items()}}
    return [SlotSet("quotes", remembered), SlotSet("last_factor", "quotes"), SlotSet("last_model", None)]


def remembered_quotes(tracker: Tracker) -> QuoteComparison | None:
    saved = tracker.get_slot("quotes")
    if not isinstance(saved, dict) or set(saved.get("quotes") or {}) != set(MODELS):
        return None
    return QuoteComparison({code: Quote(code, *saved["quotes"][code]) for code in MODELS}, saved.get("currency"))


def quote_followup_events(dispatcher: CollectingDispatcher, tracker: Tracker,
                          snapshot: Snapshot) -> list[EventType] | None:
    """'and for 6k?' right after a quote comparison: the remembered quotes at the new quantity;
    None when the message is not such a follow-up."""
    comparison = remembered_quotes(tracker)
    text = latest_text(tracker)
    if comparison is None or tracker.get_slot("last_factor") != "quotes":
        return None
    revised = revise_quotes(comparison, text)
    if revised is not None:  # "what if the OEM tooling was $2,000?"
        return compare_quotes_events(dispatcher, tracker, revised, quote_quantities(text, tracker))
    if asked_factor(tracker, snapshot) not in (None, "unit_cost"):  # "which is cheaper at 6,000?" stays
        return None
    if parse_weeks(text) is not None:
        return None
    quantities = [n.value for n in find_quantities(text)] or scaled_quantities(text, tracker.get_slot("quotes"))
    if quantities:
        return compare_quotes_events(dispatcher, tracker, comparison, quantities[:3])
    if QUOTE_RECALL.search(text):  # "remind me what the OEM quote was?"
        return compare_quotes_events(dispatcher, tracker, comparison, tracker.get_slot("quotes").get("quantities") or [])
    return None


QUOTE_RECALL = re.compile(r"(quotes?|remind|again|recap)", re.I)
SCALES = {"double": 2, "twice": 2, "triple": 3, "treble": 3, "half": 0.5, "halve": 0.5}


def scaled_quantities(text: str, remembered: dict) -> list[float]:
    """'what if we double that?' after quotes totalled at a quantity: that quantity scaled."""
    scale = next((factor for word, factor in SCALES.items() if re.search(rf"\b{word}\b", text, re.I)), None)
    return [quantity * scale for quantity in remembered.get("quantities") or []] if scale else []


# ----------------------------------------------------------------------------- the recommendation


def profile_events(facts: dict, tracker: Tracker) -> tuple[list[EventType], list[str]]:
    """SlotSets for the facts, and notes for the facts that changed an earlier answer."""
    events, changes = [], []
    for slot, value in facts.items():
        before = tracker.get_slot(slot)
        if before is not None and before != value and before != UNSURE:
            changes.append(describe_change(slot, before, value))
        events.append(SlotSet(slot, value))
    return events, changes


def readable_snapshot() -> Snapshot | None:
    """The knowledge store's snapshot, or None (logged) when it cannot be read."""
    try:
        return default_store().snapshot()
    except (SQLAlchemyError, LookupError, OSError) as err:
        logger.error("knowledge store unavailable: %s", err)
        return None


class ActionUpdateProfile(Action):
    """Takes every buyer fact from a message before the questionnaire runs (opening line, what-if)."""

    def name(self) -> str:
        return "action_update_profile"

    async def run(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        snapshot = readable_snapshot()
        followup = quote_followup_events(dispatcher, tracker, snapshot) if snapshot else None
        if followup is not None:  # "and for 6k?" after a quote comparison: not a change of the order
            return followup + [FollowupAction(ACTION_LISTEN)]
        extraction = extract_facts(text)
        events, changes = profile_events(extraction.facts, tracker)
        factor = asked_factor(tracker, snapshot) if snapshot else None
        situation = answers.situation_in(text, factor, snapshot) if snapshot else None
        if (snapshot and not tracker.get_slot("recommendation") and not wants_questionnaire(tracker, snapshot)
                and (not extraction.facts or factor and not situation and answers.is_question(text)
                     or named_models(tracker) and answers.DEFINITION_ASK.search(normalise(text)))):
            # a question about a row, a subject or the whole table ("we'd send our CAD files: how long
            # does that take?"): answered, any fact said with it kept, and no questionnaire
            answered = context_events(dispatcher, tracker, snapshot)
            if answered is None and factor:
                answered = answer_factor_events(dispatcher, snapshot, factor, named_models(tracker), text)
            if answered is None and answers.asks_for_overview(text):
                answered = overview_events(dispatcher, tracker, snapshot)
            if answered is not None:
                return events + answered + [FollowupAction(ACTION_LISTEN)]
        if extraction.problem:
            dispatcher.utter_message(text=extraction.problem)
        if tracker.get_slot("recommendation") and extraction.facts:
            before = {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}
            events.append(SlotSet("profile_before_change", before))
            weeks = extraction.facts.get("weeks_to_launch")
            if isinstance(weeks, (int, float)) and weeks > 0 and list(extraction.facts) == ["weeks_to_launch"]:
                # "we're aiming for early September, ok?": the date check itself, then the re-evaluation
                dispatcher.utter_message(text=answers.answer_time_feasibility(snapshot, weeks))
        elif situation:  # "15k sets for a department store, which way?": the table's answer first
            situation_events(dispatcher, tracker, snapshot, situation, questionnaire_follows=True)
        elif changes:
            dispatcher.utter_message(text="Updated: " + "; ".join(changes) + ".")
        elif len(extraction.facts) >= 2 and snapshot:  # an opening that volunteers several answers
            dispatcher.utter_message(text=understood_so_far(tracker, extraction.facts, snapshot))
        return events + [SlotSet("invalid_answers", 0)]


class ValidateBuyerProfileForm(FormValidationAction):
    """Fills the questionnaire from free text: the asked slot and anything else volunteered."""

    def name(self) -> str:
        return "validate_buyer_profile_form"

    async def run(self, dispatcher, tracker, domain):
        asked = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        snapshot = readable_snapshot() if asked else None
        followup = quote_followup_events(dispatcher, tracker, snapshot) \
            if snapshot and asked != "order_quantity" else None
        if followup is not None:  # "so at our 600 units?" right after quotes: their totals; the question stays
            return followup + [SlotSet(asked, None)]
        extraction = extract_facts(latest_text(tracker), asked=asked)
        if asked and asked not in extraction.facts and intent in DIGRESSION_INTENTS and not extraction.problem:
            return []  # a question in the middle: the form rejects, the rules answer it, the form resumes
        events, changes = profile_events(extraction.facts, tracker)
        if changes:
            dispatcher.utter_message(text="Updated: " + "; ".join(changes) + ".")
        elif len(extraction.facts) >= 2 and snapshot:  # several answers at once: what was understood
            dispatcher.utter_message(text=understood_so_far(tracker, extraction.facts, snapshot))
        side_answer = answers.side_question_reply(snapshot, latest_text(tracker)) if snapshot else None
        if side_answer and asked:  # "is ODM cheaper up front? and no, no drawings yet": answer it, keep the fact
            dispatcher.utter_message(text=side_answer)
            if not extraction.facts:
                return [SlotSet(asked, None)]
        elif snapshot:  # "we aim for early September, is that fine?": the check too
            checks = volunteered_checks(snapshot, latest_text(tracker), extraction.facts)
            if checks:
                dispatcher.utter_message(text=checks)
        if not asked or asked in extraction.facts:
            return events + [SlotSet("invalid_answers", 0)]
        if extraction.facts and not extraction.problem:  # answered another question: take it, ask again
            return events + [SlotSet(asked, None)]
        attempts = int(tracker.get_slot("invalid_answers") or 0) + 1
        if attempts >= MAX_INVALID_ANSWERS:
            dispatcher.utter_message(text=f"Let's move on; I'll treat '{PROFILE_LABELS[asked]}' as "
                                          "unknown (you can tell me later).")
            return events + [SlotSet(asked, UNSURE), SlotSet("invalid_answers", 0)]
        if extraction.problem:
            dispatcher.utter_message(text=extraction.problem)
        elif intent == "out_of_scope" and not side_answer:
            dispatcher.utter_message(response="utter_out_of_scope")
        elif not events:
            dispatcher.utter_message(text=f"Sorry, I didn't catch that. {HINTS[asked]} Or say \"not sure\" to skip.")
        return events + [SlotSet(asked, None), SlotSet("invalid_answers", attempts)]


def understood_so_far(tracker: Tracker, facts: dict, snapshot: Snapshot) -> str:
    """'Noted: 150 units, 3 weeks, no design. So far that points to ODM.' for several answers in one message."""
    noted = "; ".join(f"{PROFILE_LABELS[slot]}: {describe_value(slot, value)}" for slot, value in facts.items())
    profile = BuyerProfile(**{slot: facts.get(slot, tracker.get_slot(slot)) for slot in PROFILE_SLOTS})
    leaning = recommend(profile, snapshot)
    lean = (f" So far that points to **{leaning.model}**." if any(r.favours for r in leaning.reasons) else "")
    return f"Noted: {noted}.{lean}"


def volunteered_checks(snapshot: Snapshot, text: str, facts: dict) -> str | None:
    """The table's check of a launch time taken in the questionnaire ("9 wks" gets each model's
    development time and the margin), and of an order size said with a question ("600, does that
    work?"); None when there is none."""
    weeks = facts.get("weeks_to_launch")
    weeks = weeks if isinstance(weeks, (int, float)) and weeks > 0 else None
    quantity = (answers.situation_in(text) or {}).get("order_quantity")
    checks = []
    if weeks:
        checks.append(answers.answer_time_feasibility(snapshot, weeks))
    if quantity:
        checks.append(answers.answer_quantity_feasibility(snapshot, quantity))
    return "\n".join(checks) or None


HINTS = {
    "own_design": "Do you have your own design? A yes or no is enough.",
    "ip_importance": "Is owning the IP important or not important to you?",
    "order_quantity": "I need a number of units, like \"300\" or \"5k\".",
    "weeks_to_launch": "I need a time frame, like \"in 6 weeks\", \"4 months\" or \"by March 1\".",
    "budget": "Is your up-front budget tight or comfortable?",
    "business_stage": "Are you a startup/small business or an established brand?",
}


class ActionRecommend(StoreAction):
    """The recommendation: sets `recommendation`, says whether and why it changed."""

    def name(self) -> str:
        return "action_recommend"

    def respond(self, dispatcher, tracker, snapshot):
        profile = buyer_profile(tracker)
        rec = recommend(profile, snapshot)
        previous = tracker.get_slot("recommendation")
        before = tracker.get_slot("profile_before_change")
        change_note = None
        if previous and isinstance(before, dict):
            changed = [describe_change(s, before.get(s), getattr(profile, s))
                       for s in PROFILE_SLOTS if before.get(s) != getattr(profile, s)]
            what = "; ".join(changed) or "nothing I could use"
            change_note = (f"That changes my earlier {previous} recommendation (changed: {what})."
                           if previous != rec.model else f"Still {rec.model} after your change ({what}).")
        dispatcher.utter_message(text=recommendation_message(rec, source_note(snapshot), change_note),
                                 buttons=RECOMMENDATION_BUTTONS)
        return [SlotSet("recommendation", rec.model), SlotSet("confidence", rec.confidence),
                SlotSet("profile_before_change", None)]


class ActionExplain(StoreAction):
    """'why?' / 'why not OEM?': every reason with its table row."""

    def name(self) -> str:
        return "action_explain"

    def respond(self, dispatcher, tracker, snapshot):
        if not tracker.get_slot("recommendation"):
            last_factor = tracker.get_slot("last_factor")
            if last_factor in snapshot.factors:  # "why?" after a factual answer: the row is all the table says
                dispatcher.utter_message(text="Here is everything the comparison table says on that (its "
                                              f"{snapshot.factors[last_factor].row_label} row):\n"
                                              + answers.answer_factor(snapshot, last_factor, [])[0])
            dispatcher.utter_message(text="I haven't made a recommendation yet. Say \"help me choose\" and "
                                          "I'll ask a few questions, then explain my reasoning row by row.")
            return []
        rec = recommend(buyer_profile(tracker), snapshot)
        models = named_models(tracker)
        dispatcher.utter_message(text=explanation_message(rec, models[0] if models else None, source_note(snapshot)))
        return []


class ActionSummary(StoreAction):
    """The decision record in chat (Markdown, reusable by every channel) and a link to its printable page."""

    def name(self) -> str:
        return "action_summary"

    def respond(self, dispatcher, tracker, snapshot):
        if not tracker.get_slot("recommendation") and answers.asks_for_overview(latest_text(tracker)):
            return overview_events(dispatcher, tracker, snapshot)  # "summarise the pros and cons of each"
        profile = buyer_profile(tracker)
        rec = recommend(profile, snapshot) if tracker.get_slot("recommendation") else None
        today, weeks = date.today(), profile.weeks_to_launch
        launch = launch_chart_from_store(snapshot, today, weeks) if isinstance(weeks, (int, float)) and weeks > 0 \
            else None
        page = store_record(tracker.sender_id, decision_record(profile, rec, snapshot, today,
                                                               record_charts(tracker.sender_id, launch)))
        dispatcher.utter_message(text=decision_record(profile, rec, snapshot, today)
                                 + f"\n\n[Open the printable record]({page}) (print it, or download it as Markdown)")
        return []


class ActionTakeFeedback(StoreAction):
    """👍 / 👎 on a recommendation, kept in the `feedback` slot. Before any recommendation the words
    were something else ("6 months is fine, does OEM's timeline work?"): answered from their content."""

    def name(self) -> str:
        return "action_take_feedback"

    def respond(self, dispatcher, tracker, snapshot):
        if tracker.get_slot("recommendation"):
            helpful = (tracker.latest_message.get("intent") or {}).get("name") == "feedback_helpful"
            dispatcher.utter_message(response="utter_feedback_helpful" if helpful else "utter_feedback_unhelpful")
            return []
        events = routed_events(dispatcher, tracker, snapshot)
        if events is None:
            dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("feedback", None)] + (events or [])


class ActionOutOfScope(StoreAction):
    """Off-topic for the NLU: still answered when the message names OEM/ODM and a subject next
    door to the table or a row of it ('is it legal to rebrand an ODM toy?'); else the scope message."""

    def name(self) -> str:
        return "action_out_of_scope"

    def respond(self, dispatcher, tracker, snapshot):
        events = routed_events(dispatcher, tracker, snapshot, needs_model=True)
        if events is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return events


class ActionAnswerUnclear(StoreAction):
    """A message the NLU is unsure of: answered from its content when it names something of the
    table; else 'did you mean …?' with concrete questions as choices."""

    def name(self) -> str:
        return "action_answer_unclear"

    def respond(self, dispatcher, tracker, snapshot):
        events = routed_events(dispatcher, tracker, snapshot)
        if events is not None:
            return events
        factor = asked_factor(tracker, snapshot)
        models = named_models(tracker)
        buttons = []
        if factor:
            label = snapshot.factors[factor].row_label
            who = " and ".join(models or MODELS)
            buttons.append({"title": f"{label} for {who}", "payload": f"What is the {label} for {who}?"})
        if models and not factor:
            buttons.append({"title": f"What {models[0]} means", "payload": f"What does {models[0]} mean?"})
        buttons += [{"title": "Help me choose", "payload": "Help me choose between OEM and ODM"},
                    {"title": "Full comparison", "payload": "Show me the full comparison"}]
        dispatcher.utter_message(
            text="Sorry, I'm not sure I understood. I can only help with OEM vs ODM questions for custom toys. "
                 "Did you mean one of these?",
            buttons=buttons[:3])
        return []
