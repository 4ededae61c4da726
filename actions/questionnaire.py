"""The questionnaire: facts taken from an opening or a what-if, and the form that fills the buyer's
profile from free text (the asked answer, anything else volunteered, side questions answered)."""

from __future__ import annotations

import re
from functools import cache

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet

from actions.common import (
    ACTION_LISTEN,
    QUESTIONNAIRE,
    asked_factor,
    buyer_profile,
    latest_text,
    named_models,
    question_text,
    readable_snapshot,
)
from actions.quotes import QUOTES_NAMED, quote_followup_events
from actions.routing import (
    and_going_on,
    answer_definition_events,
    answer_factor_events,
    context_events,
    leads_on,
    noted,
    overview_events,
    situation_events,
    wants_questionnaire,
)
from advisor.knowledge.store import Snapshot
from advisor.paths import DATA_DIR
from advisor.replies import answers, phrases
from advisor.replies.summary import describe_change, understood_so_far
from advisor.understanding.buyer_text import UNSURE, extract_facts, normalise
from advisor.vocabulary import PROFILE_FIELDS, PROFILE_SLOTS

THAT_ONE = re.compile(r"\b(that|this|the recommended|your)\s+(route|one|model|option|way|choice)\b|\bwith it\b", re.I)
MAX_INVALID_ANSWERS = 2  # a question is asked at most twice, then counted as "not sure"


@cache
def digression_intents() -> frozenset[str]:
    """The intents answered in the middle of the questionnaire: those that open a rule with the
    questionnaire active (data/rules/*.yml), so the form lets the rule answer them."""
    intents = set()
    for path in sorted((DATA_DIR / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            in_questionnaire = {"active_loop": QUESTIONNAIRE} in (rule.get("condition") or [])
            first_step = (rule.get("steps") or [{}])[0]
            if in_questionnaire and "intent" in first_step:
                intents.add(first_step["intent"])
    return frozenset(intents)


SHORT_REQUEST_WORDS = 6
ASIDES = frozenset({"greet", "thank", "bot_challenge", "forget_me", "compare_quotes"})


def is_digression(intent: str | None, text: str, snapshot: Snapshot | None) -> bool:
    """A message the rules answer in the middle of the questionnaire: a greeting, thanks, quotes, or a
    question, or a request naming the table ("OEM timeline. NOW."). Other statements are attempts at the
    answer however the NLU classed them ("it's our whole moat", "300ish"): they count, so the question is
    not asked forever."""
    short = len(text.split()) <= SHORT_REQUEST_WORDS  # longer statements that name a row are answers
    names_the_table = short and bool(answers.models_in(text) or (snapshot and answers.best_factor(text, snapshot)))
    return intent in digression_intents() and (intent in ASIDES or answers.is_question(text) or names_the_table)


def profile_events(facts: dict, tracker: Tracker) -> tuple[list[EventType], list[str]]:
    """SlotSets for the facts, and notes for the facts that changed an earlier answer."""
    events, changes = [], []
    for slot, value in facts.items():
        before = tracker.get_slot(slot)
        if before is not None and before != value and before != UNSURE:
            changes.append(describe_change(slot, before, value))
        events.append(SlotSet(slot, value))
    return events, changes


class ActionUpdateProfile(Action):
    """Takes every buyer fact from a message before the questionnaire runs (opening line, what-if)."""

    def name(self) -> str:
        return "action_update_profile"

    async def run(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        snapshot = readable_snapshot(self.name())
        followup = quote_followup_events(dispatcher, tracker, snapshot) if snapshot else None
        if followup is not None:  # "and for 6k?" after a quote comparison: not a change of the order
            return followup + [FollowupAction(ACTION_LISTEN)]
        if snapshot and starts_afresh(tracker) and answers.about_something_else(text, snapshot):
            dispatcher.utter_message(response="utter_out_of_scope")  # "a recipe for lasagne?" starts no questionnaire
            return [FollowupAction(ACTION_LISTEN)]
        extraction = extract_facts(text)
        events, changes = profile_events(extraction.facts, tracker)
        factor = asked_factor(tracker, snapshot) if snapshot else None
        situation = answers.situation_in(text, factor, snapshot) if snapshot else None
        recommended = tracker.get_slot("recommendation")
        if (
            snapshot
            and not wants_questionnaire(tracker, snapshot)
            and asks_rather_than_answers(tracker, extraction.facts, factor, situation)
        ):
            answered = context_events(dispatcher, tracker, snapshot)
            if answered is None and factor:  # "what MOQ should we expect with that route?": the recommended one
                models = named_models(tracker) or ([recommended] if recommended and THAT_ONE.search(text) else [])
                answered = answer_factor_events(dispatcher, snapshot, factor, models, question_text(tracker))
            if answered is None and answers.asks_for_overview(text):
                answered = overview_events(dispatcher, tracker, snapshot)
            if answered is None and asks_about_a_model(text):  # "in OEM, what's the factory's actual job?"
                answered = answer_definition_events(dispatcher, snapshot, answers.models_in(text))
            if answered is not None:  # beside a stated fact the questionnaire goes on ("IP matters. Who owns it?")
                answered = and_going_on(dispatcher, tracker, snapshot, answered)
                return events + answered + ([] if leads_on(answered) else [FollowupAction(ACTION_LISTEN)])
        if extraction.problem:
            dispatcher.utter_message(text=extraction.problem)
        if recommended and extraction.facts:
            before = {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS}
            events.append(SlotSet("profile_before_change", before))
            weeks = extraction.facts.get("weeks_to_launch")
            if isinstance(weeks, (int, float)) and weeks > 0 and list(extraction.facts) == ["weeks_to_launch"]:
                # "we're aiming for early September, ok?": the date check itself, then the re-evaluation
                dispatcher.utter_message(text=answers.answer_time_feasibility(snapshot, weeks))
        elif changes and snapshot:  # "and if we had 8 months instead?": the table's answer for all of it now
            dispatcher.utter_message(text=situation_so_far(tracker, snapshot, extraction.facts, changes))
        elif situation:  # "15k sets for a department store, which way?": the table's answer first
            situation_events(dispatcher, tracker, snapshot, situation, questionnaire_follows=True)
        elif extraction.facts and snapshot:  # an opening that volunteers answers: what was understood, checked
            dispatcher.utter_message(text=noted(extraction.facts, tracker, snapshot))
        return events + [SlotSet("invalid_answers", 0)]


def situation_so_far(tracker: Tracker, snapshot: Snapshot, facts: dict, changes: list[str]) -> str:
    """The table's answer for everything the buyer has said so far (with what just changed), while the
    questionnaire is still asking."""
    profile = {slot: tracker.get_slot(slot) for slot in PROFILE_SLOTS} | facts
    known = {slot: value for slot, value in profile.items() if value not in (None, UNSURE)}
    reply = answers.answer_situation(snapshot, known, offer=False)[0]
    return f"{phrases.updated(changes)}\n{reply}" if changes else reply


def starts_afresh(tracker: Tracker) -> bool:
    """Asked for advice with nothing under way: no questionnaire running, no answer or verdict given yet."""
    return (
        tracker.latest_message.get("intent", {}).get("name") == "ask_recommendation"
        and not tracker.active_loop.get("name")
        and not tracker.get_slot("recommendation")
        and all(tracker.get_slot(slot) is None for slot in PROFILE_SLOTS)
    )


def asks_about_a_model(text: str) -> bool:
    """A question naming one model that asks no row and not which model to take ("what's the factory's
    actual job in OEM?"): the model's definition answers it."""
    return (
        len(answers.models_in(text)) == 1
        and answers.is_question(text)
        and bool(answers.DEFINITION_ASK.search(normalise(text)))
        and not answers.asks_which_model(text)
    )


def asks_rather_than_answers(tracker: Tracker, facts: dict, factor: str | None, situation: dict | None) -> bool:
    """A question about a row, a subject or the whole table ("we'd send our CAD files: how long does
    that take?"): answered, any fact said with it kept, and no questionnaire. Facts after a
    recommendation are a what-if instead."""
    if not facts:
        return True
    if tracker.get_slot("recommendation"):
        return False
    text = latest_text(tracker)
    asks_a_row = factor is not None and not situation and answers.is_question(text)
    return asks_a_row or bool(named_models(tracker) and answers.DEFINITION_ASK.search(normalise(text)))


class ActionSayGoodbye(Action):
    """Goodbye; a message the NLU took for one but which asks something is read from its words, and one
    which states facts ("we need them seven weeks from today") is taken as the answer it is."""

    def name(self) -> str:
        return "action_say_goodbye"

    async def run(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if answers.is_question(text):  # "ok so what's it gonna be?" is no goodbye: read from its words
            return [FollowupAction("action_answer_unclear")]
        if not extract_facts(text).facts:
            dispatcher.utter_message(response="utter_goodbye")
            return []
        events = await ActionUpdateProfile().run(dispatcher, tracker, domain)
        leads_elsewhere = any(event.get("event") == "followup" for event in events)
        return events if leads_elsewhere else events + [FollowupAction(QUESTIONNAIRE)]


class ValidateBuyerProfileForm(FormValidationAction):
    """Fills the questionnaire from free text: the asked slot and anything else volunteered."""

    def name(self) -> str:
        return "validate_buyer_profile_form"

    async def run(self, dispatcher, tracker, domain):
        asked = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        snapshot = readable_snapshot(self.name()) if asked else None
        quotes_asked = asked != "order_quantity" or QUOTES_NAMED.search(latest_text(tracker))  # not "600" itself
        followup = quote_followup_events(dispatcher, tracker, snapshot) if snapshot and quotes_asked else None
        if followup is not None:  # "so at our 600 units?" right after quotes: their totals; the question stays
            return followup + [SlotSet(asked, None)]
        text = latest_text(tracker)
        known_quantity = tracker.get_slot("order_quantity") not in (None, UNSURE)
        extraction = extract_facts(text, asked=asked, quantity_known=known_quantity)
        events, changes = profile_events(extraction.facts, tracker)
        told = [slot for slot in PROFILE_SLOTS if tracker.get_slot(slot) not in (None, UNSURE)]
        verdict_asked = answers.asks_for_verdict(text) and snapshot and not answers.best_factor(text, snapshot)
        if asked and told and not extraction.facts and not extraction.problem and verdict_asked:
            dispatcher.utter_message(text=phrases.VERDICT_NOW)  # "bottom line?": the recommendation now
            return [SlotSet(slot, UNSURE) for slot in PROFILE_SLOTS if tracker.get_slot(slot) is None]
        if asked and asked not in extraction.facts and not extraction.problem and snapshot:
            weighs_the_situation = changes or (
                (answers.asks_which_model(text) or answers.asks_feasibility(text))
                and not answers.best_factor(text, snapshot)
            )
            if weighs_the_situation:  # "what if it grows to 8,000?", "so what are our options?" mid-questionnaire
                dispatcher.utter_message(text=situation_so_far(tracker, snapshot, extraction.facts, changes))
                return events + [SlotSet(asked, None)]
            if is_digression(intent, text, snapshot):
                return []  # a question in the middle: the form rejects, the rules answer it, the form resumes
        if changes and snapshot:  # "and if we had 8 months and wanted 7,000 instead?": the table on all of it
            dispatcher.utter_message(text=situation_so_far(tracker, snapshot, extraction.facts, changes))
        elif changes:
            dispatcher.utter_message(text=phrases.updated(changes))
        elif len(extraction.facts) >= 2 and snapshot:  # several answers at once: what was understood
            dispatcher.utter_message(text=understood_so_far(extraction.facts, buyer_profile(tracker), snapshot))
        focus = tracker.get_slot("last_model")
        side_answer = (
            answers.side_question_reply(snapshot, latest_text(tracker), focus) if snapshot and not changes else None
        )
        if side_answer and asked:  # "is ODM cheaper up front? and no, no drawings yet": answer it, keep the fact
            dispatcher.utter_message(text=side_answer)
            if not extraction.facts:
                return [SlotSet(asked, None)]
        elif snapshot and told and extraction.facts and answers.asks_which_model(text):
            # "Deadline's six weeks. Which model?" after 3,000 units: the table on everything said so far
            dispatcher.utter_message(text=situation_so_far(tracker, snapshot, extraction.facts, []))
        elif snapshot:  # "we aim for early September, is that fine?": the check too
            checks = answers.launch_and_order_checks(snapshot, latest_text(tracker), extraction.facts, asked)
            if checks:
                dispatcher.utter_message(text=checks)
        if not asked or asked in extraction.facts:
            return events + [SlotSet("invalid_answers", 0)]
        new_facts = {slot: value for slot, value in extraction.facts.items() if tracker.get_slot(slot) != value}
        if new_facts and not extraction.problem:  # answered another question: take it, ask again
            return events + [SlotSet(asked, None)]
        attempts = int(tracker.get_slot("invalid_answers") or 0) + 1  # (nothing new counts as no answer)
        if attempts >= MAX_INVALID_ANSWERS:
            dispatcher.utter_message(text=phrases.moving_on(PROFILE_FIELDS[asked].label))
            return events + [SlotSet(asked, UNSURE), SlotSet("invalid_answers", 0)]
        if extraction.problem:
            dispatcher.utter_message(text=extraction.problem)
        elif intent == "out_of_scope" and not side_answer:
            dispatcher.utter_message(response="utter_out_of_scope")
        elif not new_facts:
            dispatcher.utter_message(text=phrases.not_caught(PROFILE_FIELDS[asked].hint))
        return events + [SlotSet(asked, None), SlotSet("invalid_answers", attempts)]
