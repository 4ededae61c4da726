"""Content first: what a message means from its words and the conversation, whatever intent the NLU
picked (quotes, a subject next door, a situation, a follow-up, a model's downsides), and the events
that answer it."""

from __future__ import annotations

import re
from datetime import date

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    QUESTIONNAIRE,
    asked_factor,
    buyer_profile,
    latest_text,
    may_start_questionnaire,
    named_models,
    source_note,
)
from actions.quotes import compare_quotes_events, quote_followup_events, quote_quantities
from actions.records import store_chart
from advisor.decision import recommend
from advisor.knowledge.store import MODELS, Snapshot, other
from advisor.replies import answers, phrases
from advisor.replies.charts import launch_chart_from_store
from advisor.replies.summary import (
    RECOMMENDATION_BUTTONS,
    comparison_table,
    recommendation_message,
    understood_so_far,
)
from advisor.understanding.buyer_text import QuoteError, extract_facts, normalise, parse_quotes, stated_facts


def context_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType] | None:
    """Messages whose meaning comes from their content or the context, whatever intent the NLU
    picked: a quote follow-up, two quotes, a subject next door to the table, a buyer's situation.
    None when the message is none of these."""
    events = quote_followup_events(dispatcher, tracker, snapshot)
    if events is not None:
        return events
    text = latest_text(tracker)
    remembered = remembered_situation(tracker)
    if (
        remembered
        and MAKE_IT_ASK.search(normalise(text))
        and answers.is_question(text)
        and not extract_facts(text).facts
        and not asked_factor(tracker, snapshot)
    ):
        return situation_events(dispatcher, tracker, snapshot, remembered)  # "could OEM make that?": the date given
    verdict_asked = answers.asks_for_verdict(text) and not stated_facts(text) and not asked_factor(tracker, snapshot)
    if tracker.get_slot("recommendation") and verdict_asked:
        rec = recommend(buyer_profile(tracker), snapshot)  # "verdict?" after the recommendation: said again
        dispatcher.utter_message(
            text=recommendation_message(rec, source_note(snapshot)), buttons=RECOMMENDATION_BUTTONS
        )
        return []
    if len(named_models(tracker)) == 2 and len(answers.models_in(text)) == 2:
        try:
            return compare_quotes_events(dispatcher, tracker, parse_quotes(text), quote_quantities(text, tracker))
        except QuoteError:
            pass  # not two quotes: an ordinary question naming both models
    # "what's OEM short for, and what does it mean for a buyer?"; "one is for startups, one for established
    # brands: which is which?" asks the Best For row
    if answers.asks_what_a_model_is(text) and not answers.names_both_audiences(text, snapshot):
        return answer_definition_events(dispatcher, snapshot, answers.models_in(text))
    checked = answers.model_checked(text)
    if checked:  # "is ODM the one where the factory already has the designs?"
        factor = answers.best_factor(answers.after_name_ask(text), snapshot) if checked[0] is None else None
        dispatcher.utter_message(text=answers.answer_model_check(snapshot, *checked, factor))
        return [SlotSet("last_factor", factor or "definition"), SlotSet("last_model", checked[1])]
    sides = answers.asks_sides(text)
    if sides:  # "downsides?", "what would we give up?": read off the table's cells
        return sides_events(dispatcher, tracker, snapshot, sides)
    factor = asked_factor(tracker, snapshot)
    situation = answers.situation_in(text, factor, snapshot)
    audience_asked = factor == "best_for" and answers.audience_named(text, snapshot)  # "which is better for startups?"
    if situation and answers.asks_which_model(text) and not audience_asked:  # "300 units asap: OEM or ODM?"
        return situation_events(dispatcher, tracker, snapshot, situation)
    topic = answers.not_covered_topic(text)
    next_door = factor or named_models(tracker) or tracker.get_slot("last_factor") or answers.about_sourcing(text)
    if topic and next_door:  # next door to the table, not off-topic
        dispatcher.utter_message(text=answers.answer_not_covered(snapshot, topic, factor, text))
        return [SlotSet("last_factor", factor or topic.related[0]), SlotSet("last_model", None)]
    statement = not answers.is_question(text) and may_start_questionnaire(tracker)  # the questionnaire takes it
    if situation and not statement and not audience_asked:
        return situation_events(dispatcher, tracker, snapshot, situation)
    if factor is None and answers.asks_for_overview(text):
        return overview_events(dispatcher, tracker, snapshot)
    return followup_events(dispatcher, tracker, snapshot, factor)


def leads_on(events: list[EventType]) -> bool:
    """The events already hand over to another action (the questionnaire)."""
    return any(event.get("event") == "followup" for event in events)


def and_going_on(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, answered: list[EventType] | None
) -> list[EventType] | None:
    """An answer's events, then the questionnaire going on where the buyer told something about
    themselves (`go_on_events`); unchanged when nothing was answered, the answer already leads on, or
    it compared quotes (their figures are no buyer facts)."""
    if not answered or leads_on(answered) or any(event.get("name") == "quotes" for event in answered):
        return answered
    return answered + go_on_events(dispatcher, tracker, snapshot)


def noted(facts: dict, tracker: Tracker, snapshot: Snapshot) -> str:
    """What was understood of facts a buyer volunteered, the model they point to so far, and the
    table's check of an order size or launch time among them."""
    quantity, weeks = facts.get("order_quantity"), facts.get("weeks_to_launch")
    checks = answers.feasibility_checks(
        snapshot,
        quantity if isinstance(quantity, float) else None,
        weeks if isinstance(weeks, float) else None,
    )
    return "\n".join([understood_so_far(facts, buyer_profile(tracker), snapshot), *checks])


def volunteered_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, unsure_nlu: bool = False
) -> list[EventType] | None:
    """Facts about the buyer told without a question about the table ("new baby-toy brand here, need
    teethers with our logo asap"): confirmed, and the questionnaire asks what is missing. None otherwise,
    and for a message the NLU could not place, unless it is about toys or the table."""
    text = latest_text(tracker)
    facts = extract_facts(text).facts
    about_the_table = bool(asked_factor(tracker, snapshot) or named_models(tracker))
    if not facts or answers.is_question(text) and about_the_table or not may_start_questionnaire(tracker):
        return None
    if unsure_nlu and not (about_the_table or answers.about_sourcing(text)):  # "a haiku about autumn leaves"
        return None
    dispatcher.utter_message(text=noted(facts, tracker, snapshot))
    return [SlotSet(slot, value) for slot, value in facts.items()] + [FollowupAction(QUESTIONNAIRE)]


def go_on_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
    """After the answer to a question asked beside a fact ("We're a small company. Which is less
    risky?"): the fact kept, confirmed, and the questionnaire goes on to what is still missing. A plan told
    without a question starts it too; a question for the best way to go gets the offer of it."""
    if not may_start_questionnaire(tracker):
        return []
    text = latest_text(tracker)
    facts = stated_facts(text)
    if facts:
        dispatcher.utter_message(text=noted(facts, tracker, snapshot))
        return [SlotSet(slot, value) for slot, value in facts.items()] + [FollowupAction(QUESTIONNAIRE)]
    if answers.states_a_plan(text):  # "I run a shop and want to test squishy toys with our logo on"
        dispatcher.utter_message(text=phrases.QUESTIONNAIRE_FOLLOWS)
        return [FollowupAction(QUESTIONNAIRE)]
    which_model_of_all = answers.asks_which_model(text) and not asked_factor(tracker, snapshot)  # "OEM vs ODM?"
    if answers.asks_best_way(text) or which_model_of_all:  # "what's the cheapest way to get toys made?"
        dispatcher.utter_message(text=answers.OFFER_RECOMMENDATION)
    return []


def sides_events(dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, sides: str) -> list[EventType]:
    """A model's downsides or upsides (or both): the model named, else the one just talked about or
    recommended, else both models."""
    named = named_models(tracker)
    if sides == "both":  # "what would I gain and give up by going ODM instead of OEM?": the first one named
        named = named[:1]
    fallback = tracker.get_slot("last_model") or tracker.get_slot("recommendation")
    models = named if len(named) == 1 else [fallback] if fallback and not named else list(MODELS)
    dispatcher.utter_message(text="\n".join(answers.answer_sides(snapshot, model, sides) for model in models))
    return [SlotSet("last_factor", None), SlotSet("last_model", models[0] if len(models) == 1 else None)]


FOLLOWUP_START = re.compile(r"^\W*(?:and|so|what about|how about|also|plus)\b")


FOLLOWUP_ASKS = re.compile(
    r"^\W*(?:and|so|ok|okay|but)?\W*(?:how (?:low|high|long|short|much|many|big|fast|slow)|"
    r"by how much|what(?:'s| is) the (?:gap|difference)|the gap|difference|"
    r"what(?:'s| is) the (?:lowest|highest|low|high|bottom|top|minimum|maximum)(?: end)?(?: of (?:that|it|this))?)\b"
    r"|\b(?:by how much|the range|what range|(?:smaller|lower|cheaper|faster|quicker|shorter|bigger|higher|other) "
    r"(?:option|one|route|alternative)|(?:does|do|is|what does|what do) (?:that|it|this|those) "
    r"(?:include|includes|cover|covers|mean)|(?:lower|higher|faster|slower|cheaper|longer|shorter) than)\b"
)
WHY_ASKS = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:why|how so|how come|what(?:'s| is) driving|what drives)\b")
ANAPHOR = re.compile(r"\b(that|it|this|those|these)\b")


BARE_MODEL_FILLERS = frozenset(
    {"and", "what", "about", "for", "how", "the", "with", "then", "so", "quick", "one", "q", "question", "ok", "hi"}
    | {"if", "we", "i", "went", "go", "going", "instead", "chose", "choose", "picked", "pick", "used", "use", "did"}
    | {"same", "but", "again", "now", "please", "thing", "right", "okay"}
)


def followup_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, factor: str | None
) -> list[EventType] | None:
    """A few words after a factual answer that only make sense against it: 'oem?', 'how low?',
    'by how much?' -> the same row again (for the model named, else both)."""
    last_factor, text = tracker.get_slot("last_factor"), latest_text(tracker)
    clean = normalise(text)
    words = re.findall(r"[\w']+", clean)
    models = answers.models_in(text)
    bare_model = models and all(w in BARE_MODEL_FILLERS or answers.models_in(w) for w in words)
    if bare_model:
        factor = None  # "same question but for ODM" names no row, whatever its words nearly match
    if last_factor not in snapshot.factors and bare_model and len(words) <= 5:  # "quick one - O.D.M.?": what it is
        return answer_definition_events(dispatcher, snapshot, models)
    # "that's a lot - any lower option?", "and if we went OEM instead?"
    short = len(words) <= 5 or len(words) <= 9 and (ANAPHOR.search(clean) or bare_model or FOLLOWUP_ASKS.search(clean))
    if last_factor not in snapshot.factors or not short:
        return None
    if WHY_ASKS.search(clean) and not factor:  # "why is it higher?", "how so?": the row is all the table says
        row_answer = answers.answer_factor(snapshot, last_factor, [])[0]
        dispatcher.utter_message(text=phrases.the_row_is_all(snapshot.factors[last_factor].row_label, row_answer))
        return []
    last_model = tracker.get_slot("last_model")
    if not models and last_model and re.search(r"\b(the )?other( one)?\b", clean):
        models = [other(last_model)]  # "the other one?"
        return answer_factor_events(dispatcher, snapshot, factor or last_factor, models, text)
    if factor:  # "and the time?": the row named, for the model talked about; "and at scale?", "for each?": both
        if not FOLLOWUP_START.search(clean):
            return None
        if not models and last_model and not answers.asks_for_both(text):
            models = [last_model]
        return answer_factor_events(dispatcher, snapshot, factor, models, text)
    if not (bare_model or FOLLOWUP_ASKS.search(clean)):
        return None
    return answer_factor_events(dispatcher, snapshot, last_factor, models, text)


WHO_FOR = re.compile(r"\bwho(?:'s| is| are)\s+(?:[\w-]+\s+){0,3}?for\b")  # "who is each one for?": the row


def wants_questionnaire(tracker: Tracker, snapshot: Snapshot) -> bool:
    """A request for the recommendation itself that names no row: the questionnaire, not an answer."""
    text = latest_text(tracker)
    factor = asked_factor(tracker, snapshot)
    about_the_buyer = (
        factor == "best_for" and not answers.audience_named(text, snapshot) and not WHO_FOR.search(normalise(text))
    )
    return (
        answers.asks_for_recommendation(text)
        and (factor is None or about_the_buyer)
        and not answers.asks_for_overview(text)
        and not answers.model_checked(text)  # "which model is that, where they add our logo?"
        and not answers.not_covered_topic(text)  # "which OEM factory in Shantou would you recommend?"
        and not answers.asks_what_a_model_is(text)  # "I'm confused which one is which"
        and may_start_questionnaire(tracker)
    )


def routed_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, needs_model: bool = False
) -> list[EventType] | None:
    """An answer from the message's content alone, for a message the NLU was unsure of (or called
    out of scope: then only when it names OEM/ODM too). None when nothing of the table is asked."""
    return and_going_on(dispatcher, tracker, snapshot, _content_answer(dispatcher, tracker, snapshot, needs_model))


def _content_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot, needs_model: bool
) -> list[EventType] | None:
    events = context_events(dispatcher, tracker, snapshot)
    if events is not None:
        return events
    if wants_questionnaire(tracker, snapshot):
        return [FollowupAction(QUESTIONNAIRE)]
    volunteered = volunteered_events(dispatcher, tracker, snapshot, unsure_nlu=True)
    if volunteered is not None:
        return volunteered
    if answers.states_a_plan(latest_text(tracker)) and may_start_questionnaire(tracker):  # "after some branded toys"
        dispatcher.utter_message(text=phrases.QUESTIONNAIRE_FOLLOWS)
        return [FollowupAction(QUESTIONNAIRE)]
    text = latest_text(tracker)
    factor, models = asked_factor(tracker, snapshot), named_models(tracker)
    # "how long does the slower one take?"; after a recommendation, "what are the costs like?"; "per piece, who wins?"
    in_context = tracker.get_slot("last_factor") in snapshot.factors or bool(tracker.get_slot("recommendation"))
    unnamed_models = answers.asks_which_model(text) or answers.refers_to_the_models(text)  # "the two routes"
    if needs_model and not models and not (factor and (in_context or unnamed_models)):
        return None
    if factor:
        return answer_factor_events(dispatcher, snapshot, factor, models, text)
    if answers.asks_for_overview(text) and (models or not needs_model):
        return overview_events(dispatcher, tracker, snapshot)
    if answers.models_in(text) and (not needs_model or answers.DEFINITION_ASK.search(normalise(text))):
        return answer_definition_events(dispatcher, snapshot, answers.models_in(text))
    return None


MAKE_IT_ASK = re.compile(  # "could OEM make that?", "would ODM hit that date too?"
    r"\b(make|hit|meet|manage|deliver|handle)\s+(that|it|this|those|the same)\b(?!\s+(cheaper|for|with|in-house))"
)


def remembered_situation(tracker: Tracker) -> dict:
    """The order size and launch date the buyer gave earlier, if any."""
    return {
        slot: tracker.get_slot(slot)
        for slot in ("order_quantity", "weeks_to_launch")
        if isinstance(tracker.get_slot(slot), (int, float))
    }


def situation_events(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    snapshot: Snapshot,
    facts: dict,
    questionnaire_follows: bool = False,
) -> list[EventType]:
    """Which model fits the buyer's situation, with the launch chart when a date is given. When the
    buyer asks which model to take, or states facts beside the question ("We need about 100 units.
    Would an ODM factory take that?"), the questionnaire follows for the full recommendation (with the
    facts already given); a bare feasibility check ("100 units, doable?") gets an offer of it instead."""
    weeks = facts.get("weeks_to_launch")
    chart = (
        store_chart(tracker.sender_id, "launch", launch_chart_from_store(snapshot, date.today(), weeks))
        if isinstance(weeks, (int, float)) and weeks > 0
        else None
    )
    text = latest_text(tracker)
    starts_questionnaire = (  # asked which to take, or told about themselves: go on to the full recommendation
        not questionnaire_follows
        and may_start_questionnaire(tracker)
        and (answers.asks_which_model(text) or bool(stated_facts(text)))
    )
    asks_next = questionnaire_follows or starts_questionnaire
    reply, pointed_to = answers.answer_situation(snapshot, facts, offer=not asks_next)
    dispatcher.utter_message(text=f"{reply}\n{phrases.QUESTIONNAIRE_FOLLOWS}" if asks_next else reply, image=chart)
    events = [SlotSet("last_factor", "development_time" if weeks else "moq"), SlotSet("last_model", pointed_to)]
    if starts_questionnaire:
        events += [SlotSet(slot, value) for slot, value in facts.items()] + [FollowupAction(QUESTIONNAIRE)]
    return events


FACTOR_BUTTONS = [
    ("MOQ", "What is the MOQ for OEM and ODM?"),
    ("Development time", "How long does development take for OEM and ODM?"),
    ("Cost", "Which is cheaper, OEM or ODM?"),
    ("IP ownership", "Who owns the design with OEM and ODM?"),
    ("Risk", "Which is riskier, OEM or ODM?"),
]


def ask_which_factor(dispatcher: CollectingDispatcher) -> None:
    dispatcher.utter_message(
        text=phrases.WHICH_FACTOR, buttons=[{"title": title, "payload": payload} for title, payload in FACTOR_BUTTONS]
    )


def answer_factor_events(
    dispatcher: CollectingDispatcher, snapshot: Snapshot, factor: str, models: list[str], text: str
) -> list[EventType]:
    """The asked row (or every row the message lists: 'MOQ and lead time side by side'), one message."""
    listed = answers.factors_listed(text, snapshot)
    if factor in listed:
        dispatcher.utter_message(
            text="\n".join(answers.answer_factor(snapshot, key, models, text)[0] for key in listed)
        )
        return [SlotSet("last_factor", listed[-1]), SlotSet("last_model", models[0] if len(models) == 1 else None)]
    reply, pointed_to = answers.answer_factor(snapshot, factor, models, text)
    dispatcher.utter_message(text=reply)
    focus = models[0] if len(models) == 1 else pointed_to  # what "that one" means next
    return [SlotSet("last_factor", factor), SlotSet("last_model", focus)]


def answer_definition_events(
    dispatcher: CollectingDispatcher, snapshot: Snapshot, models: list[str]
) -> list[EventType]:
    dispatcher.utter_message(text=answers.answer_definition(snapshot, models))
    return [SlotSet("last_factor", "definition"), SlotSet("last_model", models[0] if len(models) == 1 else None)]


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
