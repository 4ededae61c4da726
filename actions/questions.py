"""Free-form questions about the table: a row, a follow-up, a definition, the comparison, a
feasibility check and two factory quotes."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    QUESTIONNAIRE,
    StoreAction,
    asked_factor,
    latest_text,
    named_models,
    question_text,
)
from actions.quotes import compare_quotes_events, quote_followup_events, quote_quantities
from actions.routing import (
    and_going_on,
    answer_definition_events,
    answer_factor_events,
    ask_which_factor,
    context_events,
    overview_events,
    remembered_situation,
    routed_events,
    situation_events,
    volunteered_events,
    wants_questionnaire,
)
from advisor.knowledge.store import MODELS, Snapshot, other
from advisor.replies import answers, phrases
from advisor.understanding.buyer_text import (
    UNSURE,
    QuoteError,
    count_amounts,
    extract_facts,
    normalise,
    parse_quantity,
    parse_quotes,
    parse_weeks,
)

BOTH_MODELS = re.compile(r"\b(acronyms?|both|the two|these terms|those terms|them)\b", re.I)


ABOUT_A_MODEL = re.compile(r"\b(tell me (more )?about|explain|describe|what is|what's|meaning)\b", re.I)


class QuestionAction(StoreAction, ABC):
    """A free-form question. Before the intent's own answer: a quote follow-up ('and for 6k?'),
    a subject the table doesn't cover ('defect rate with ODM?'), and a buyer's situation
    ('1,200 dolls in ten weeks, doable?') are answered as such, whatever intent the NLU picked."""

    def respond(self, dispatcher, tracker, snapshot):
        events = context_events(dispatcher, tracker, snapshot)
        if events is not None:
            return and_going_on(dispatcher, tracker, snapshot, events)
        if wants_questionnaire(tracker, snapshot):  # "OEM or ODM? ask away"
            return [FollowupAction(QUESTIONNAIRE)]
        volunteered = volunteered_events(dispatcher, tracker, snapshot)
        if volunteered is not None:
            return volunteered
        return and_going_on(dispatcher, tracker, snapshot, self.answer(dispatcher, tracker, snapshot))

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, snapshot: Snapshot) -> list[EventType]:
        """The intent's own answer from the snapshot; return the events to apply."""


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
        events = answer_factor_events(dispatcher, snapshot, factor, models, question_text(tracker))
        # an order size and/or launch time named with their words in a row question
        judgement = answers.feasibility_checks(snapshot, parse_quantity(text), parse_weeks(text))
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


class ActionAnswerBotChallenge(ActionAnswerDefinition):
    """'Are you a bot?': who is answering; 'what on earth is ODM?', taken for that by the NLU, asks the model."""

    def name(self) -> str:
        return "action_answer_bot_challenge"

    def answer(self, dispatcher, tracker, snapshot):
        if named_models(tracker) or asked_factor(tracker, snapshot):
            return super().answer(dispatcher, tracker, snapshot)
        dispatcher.utter_message(response="utter_iamabot")
        return []


class ActionAnswerComparison(QuestionAction):
    """The whole table, or one row side by side when a factor is named; "OEM vs ODM, what even are
    they?" asks what the two are."""

    def name(self) -> str:
        return "action_answer_comparison"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        factor = asked_factor(tracker, snapshot)
        if factor:
            return answer_factor_events(dispatcher, snapshot, factor, list(MODELS), text)
        if answers.DEFINITION_ASK.search(normalise(text)) and not answers.asks_for_overview(text):
            return answer_definition_events(dispatcher, snapshot, named_models(tracker))
        return overview_events(dispatcher, tracker, snapshot)


class ActionCheckFeasibility(QuestionAction):
    """'Can I order 100 pieces?', 'I need them in 3 weeks': checked against the table's ranges."""

    def name(self) -> str:
        return "action_check_feasibility"

    def answer(self, dispatcher, tracker, snapshot):
        text = latest_text(tracker)
        if not (
            answers.about_sourcing(text)
            or named_models(tracker)
            or answers.asks_feasibility(text)
            or tracker.get_slot("last_factor")
        ):
            dispatcher.utter_message(response="utter_out_of_scope")  # "a table for two tonight?", "bitcoin this week?"
            return []
        named_factor = asked_factor(tracker, snapshot)
        # a bare number is the order asked about unless a date is given or another row is asked
        # ("a resort with 73 runs: how much can I change an ODM toy?" asks the customisation row)
        bare_number_is_order = parse_weeks(text) is None and named_factor in (None, "moq")
        extraction = extract_facts(text, asked="order_quantity" if bare_number_is_order else None)
        if extraction.problem:  # a past date, a negative or absurd quantity
            dispatcher.utter_message(text=extraction.problem)
            return []
        facts = {slot: value for slot, value in extraction.facts.items() if value != UNSURE}
        if "order_quantity" not in facts and "weeks_to_launch" not in facts:
            remembered = remembered_situation(tracker)
            if remembered and not named_factor:  # "could OEM make that date too?": the date already given
                return situation_events(dispatcher, tracker, snapshot, remembered)
            if named_factor:  # "can I get exclusivity with ODM?": no figure to check, but a row to give
                return answer_factor_events(dispatcher, snapshot, named_factor, named_models(tracker), text)
            if not named_models(tracker) and not answers.asks_feasibility(text):  # "can u do my maths homework"
                dispatcher.utter_message(response="utter_out_of_scope")
                return []
            dispatcher.utter_message(text=phrases.GIVE_A_FIGURE)
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
