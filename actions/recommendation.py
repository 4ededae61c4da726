"""The recommendation, its explanation, the decision record and the feedback on it."""

from __future__ import annotations

from datetime import date

from rasa_sdk.events import SlotSet

from actions.common import StoreAction, buyer_profile, latest_text, named_models, source_note
from actions.records import record_charts, store_record
from actions.routing import overview_events, routed_events
from advisor.decision import recommend
from advisor.replies import answers, phrases
from advisor.replies.charts import launch_chart_from_store
from advisor.replies.summary import (
    RECOMMENDATION_BUTTONS,
    decision_record,
    describe_change,
    explanation_message,
    recommendation_message,
)
from advisor.vocabulary import PROFILE_SLOTS


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
            changed = [
                describe_change(s, before.get(s), getattr(profile, s))
                for s in PROFILE_SLOTS
                if before.get(s) != getattr(profile, s)
            ]
            change_note = phrases.change_note(previous, rec.model, changed)
        dispatcher.utter_message(
            text=recommendation_message(rec, source_note(snapshot), change_note), buttons=RECOMMENDATION_BUTTONS
        )
        return [
            SlotSet("recommendation", rec.model),
            SlotSet("confidence", rec.confidence),
            SlotSet("profile_before_change", None),
        ]


class ActionExplain(StoreAction):
    """'why?' / 'why not OEM?': every reason with its table row."""

    def name(self) -> str:
        return "action_explain"

    def respond(self, dispatcher, tracker, snapshot):
        profile = buyer_profile(tracker)
        if not tracker.get_slot("recommendation") and profile.answered():  # "why not OEM?" mid-questionnaire
            rec = recommend(profile, snapshot)
            models = named_models(tracker)
            dispatcher.utter_message(
                text=phrases.SO_FAR
                + "\n"
                + explanation_message(rec, models[0] if models else None, source_note(snapshot))
            )
            return []
        if not tracker.get_slot("recommendation"):
            last_factor = tracker.get_slot("last_factor")
            if last_factor in snapshot.factors:  # "why?" after a factual answer: the row is all the table says
                dispatcher.utter_message(
                    text=phrases.the_row_is_all(
                        snapshot.factors[last_factor].row_label, answers.answer_factor(snapshot, last_factor, [])[0]
                    )
                )
            dispatcher.utter_message(text=phrases.NO_RECOMMENDATION_YET)
            return []
        rec = recommend(profile, snapshot)
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
        launch = (
            launch_chart_from_store(snapshot, today, weeks) if isinstance(weeks, (int, float)) and weeks > 0 else None
        )
        page = store_record(
            tracker.sender_id, decision_record(profile, rec, snapshot, today, record_charts(tracker.sender_id, launch))
        )
        dispatcher.utter_message(
            text=decision_record(profile, rec, snapshot, today) + "\n\n" + phrases.printable_record_link(page)
        )
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
