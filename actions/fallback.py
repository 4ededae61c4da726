"""Messages the NLU called off-topic or was unsure of: answered from their content when they name
something of the table, else the scope message or 'did you mean …?'."""

from __future__ import annotations

from actions.common import StoreAction, asked_factor, named_models
from actions.routing import routed_events
from advisor.knowledge.store import MODELS
from advisor.replies import phrases


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
        buttons += [
            {"title": "Help me choose", "payload": "Help me choose between OEM and ODM"},
            {"title": "Full comparison", "payload": "Show me the full comparison"},
        ]
        dispatcher.utter_message(text=phrases.UNCLEAR, buttons=buttons[:3])
        return []
