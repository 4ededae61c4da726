"""Each custom action with a real store, a rasa_sdk Tracker and a CollectingDispatcher."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, questionnaire, questions, recommendation
from advisor.knowledge import store as store_module
from advisor.knowledge.store import KnowledgeStore
from advisor.replies import phrases
from advisor.understanding.buyer_text import UNSURE

PROFILE = {
    "own_design": "no",
    "ip_importance": "low",
    "order_quantity": 200.0,
    "weeks_to_launch": 4.0,
    "budget": "limited",
    "business_stage": "startup",
}


@pytest.fixture(autouse=True)
def project_store(monkeypatch, store_url):
    monkeypatch.setattr(store_module, "_default_store", KnowledgeStore(store_url))


def make_tracker(
    text: str, intent: str = "ask_factor", slots: dict | None = None, entities=(), active_loop: str | None = None
) -> Tracker:
    return Tracker(
        sender_id="buyer",
        slots=dict(slots or {}),
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities)},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


async def run(action, tracker: Tracker) -> tuple[str, list, list]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    text = "\n".join(m.get("text") or f"<{m.get('response')}>" for m in dispatcher.messages)
    buttons = [b for m in dispatcher.messages for b in m.get("buttons", [])]
    return text, events, buttons


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_factor_answer_sets_follow_up_slots():
    text, events, _ = await run(questions.ActionAnswerFactor(), make_tracker("what's the MOQ for ODM?"))
    assert "50-500 units" in text and "500-5000" not in text and 'MOQ)" row' in text
    assert slot_events(events) == {"last_factor": "moq", "last_model": "ODM"}


async def test_factor_from_the_entity_extractor():
    entities = [{"entity": "factor", "value": "development_time"}, {"entity": "service_model", "value": "OEM"}]
    text, _, _ = await run(questions.ActionAnswerFactor(), make_tracker("tell me", entities=entities))
    assert "3-6 months" in text and "2-4 weeks" not in text


@pytest.mark.parametrize(
    "action, said",
    [
        (questions.ActionAnswerFactor(), "who won the world cup"),
        (questions.ActionAnswerDefinition(), "what is dropshipping"),
    ],
)
async def test_a_question_naming_nothing_in_the_table_gets_the_scope_message(action, said):
    text, events, _ = await run(action, make_tracker(said))
    assert text == "<utter_out_of_scope>" and events == []


async def test_follow_up_without_any_context_asks_which_factor():
    text, events, buttons = await run(questions.ActionAnswerFollowup(), make_tracker("and?", "ask_followup"))
    assert "Which part" in text and len(buttons) == 5 and events == []


async def test_definition_of_both_acronyms():
    text, _, _ = await run(
        questions.ActionAnswerDefinition(), make_tracker("what do those acronyms mean", "ask_definition")
    )
    assert "Original Equipment Manufacturer" in text and "Original Design Manufacturer" in text


@pytest.mark.parametrize(
    "said, slots, expected, absent",
    [
        ("and for OEM?", {"last_factor": "moq", "last_model": "ODM"}, "500-5000+ units", "50-500 units"),
        ("what about ODM", {"last_factor": "development_time", "last_model": "OEM"}, "2-4 weeks", "3-6 months"),
        (
            "and the other one?",
            {"last_factor": "risk", "last_model": "OEM"},
            "Lower risk (proven designs",
            "Higher risk (",
        ),
        ("and lead time?", {"last_factor": "moq", "last_model": "ODM"}, "2-4 weeks", "3-6 months"),
        (
            "and OEM?",
            {"last_factor": "definition", "last_model": "ODM"},
            "Original Equipment Manufacturer",
            "Design Manufacturer",
        ),
    ],
)
async def test_follow_ups_resolve_against_the_last_question(said, slots, expected, absent):
    text, _, _ = await run(questions.ActionAnswerFollowup(), make_tracker(said, "ask_followup", slots))
    assert expected in text and absent not in text


async def test_definition_of_a_factor_answers_the_row():
    text, _, _ = await run(questions.ActionAnswerDefinition(), make_tracker("what does MOQ mean", "ask_definition"))
    assert "Minimum Order Quantity (MOQ)" in text and "50-500" in text


async def test_who_a_model_is_for_answers_the_best_for_row():
    text, events, _ = await run(questions.ActionAnswerDefinition(), make_tracker("who's ODM for?", "ask_definition"))
    assert "Startups, fast market entry" in text and "Best For" in text
    assert slot_events(events) == {"last_factor": "best_for", "last_model": "ODM"}


async def test_definition_sets_the_follow_up_topic():
    text, events, _ = await run(questions.ActionAnswerDefinition(), make_tracker("what is odm", "ask_definition"))
    assert "Original Design Manufacturer" in text
    assert slot_events(events) == {"last_factor": "definition", "last_model": "ODM"}


async def test_comparison_overview_and_single_row():
    overview, _, _ = await run(questions.ActionAnswerComparison(), make_tracker("oem vs odm", "ask_comparison"))
    assert "Risk Level" in overview and "Design Ownership" in overview
    row, _, _ = await run(questions.ActionAnswerComparison(), make_tracker("compare lead times", "ask_comparison"))
    assert "3-6 months" in row and "Risk Level" not in row


@pytest.mark.parametrize(
    "said, expected",
    [
        ("can I order just 100 pieces?", ["100 units fits ODM", "below OEM's typical minimum"]),
        ("I need them in 3 weeks, possible?", ["In 3 weeks: ODM can make it", "OEM (3-6 months): not realistic"]),
        ("can I get 300 pcs in 6 weeks", ["300 units fits ODM", "In 6 weeks"]),
        ("is that possible?", ["Tell me an order size"]),
        ("can I get exclusivity with ODM?", ["manufacturer owns the base design IP", "Design Ownership"]),
    ],
)
async def test_feasibility(said, expected):
    text, _, _ = await run(questions.ActionCheckFeasibility(), make_tracker(said, "ask_feasibility"))
    assert all(e in text for e in expected)


async def test_store_unavailable_gets_a_polite_reply(monkeypatch, tmp_path):
    monkeypatch.setattr(store_module, "_default_store", KnowledgeStore(f"sqlite:///{tmp_path / 'empty.db'}"))
    text, events, _ = await run(questions.ActionAnswerFactor(), make_tracker("moq?"))
    assert text == phrases.STORE_UNAVAILABLE and events == []


async def test_update_profile_takes_every_fact():
    said = "Small Etsy shop, 100 plushies with my logo in 3 weeks, no designer"
    _, events, _ = await run(questionnaire.ActionUpdateProfile(), make_tracker(said, "ask_recommendation"))
    assert slot_events(events) == {
        "own_design": "no",
        "order_quantity": 100,
        "weeks_to_launch": 3,
        "business_stage": "startup",
        "invalid_answers": 0,
    }


async def test_update_after_a_recommendation_remembers_the_old_profile():
    slots = {**PROFILE, "recommendation": "ODM"}
    _, events, _ = await run(questionnaire.ActionUpdateProfile(), make_tracker("what if 5000 units", "what_if", slots))
    changed = slot_events(events)
    assert changed["order_quantity"] == 5000 and changed["profile_before_change"]["order_quantity"] == 200


def form_tracker(said: str, asked: str, intent: str = "inform", slots: dict | None = None) -> Tracker:
    return make_tracker(said, intent, {"requested_slot": asked, **(slots or {})}, active_loop="buyer_profile_form")


async def test_form_takes_the_asked_answer():
    _, events, _ = await run(questionnaire.ValidateBuyerProfileForm(), form_tracker("about 200", "order_quantity"))
    assert slot_events(events) == {"order_quantity": 200, "invalid_answers": 0}


async def test_form_lets_a_question_through_so_it_can_be_answered():
    _, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("wait, what's the MOQ for OEM?", "budget", "ask_factor")
    )
    assert events == []


async def test_form_re_asks_with_an_explanation_then_moves_on():
    text, events, _ = await run(questionnaire.ValidateBuyerProfileForm(), form_tracker("banana", "order_quantity"))
    assert "number of units" in text
    assert slot_events(events) == {"order_quantity": None, "invalid_answers": 1}
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("banana", "order_quantity", slots={"invalid_answers": 1})
    )
    assert "move on" in text and slot_events(events) == {"order_quantity": "unsure", "invalid_answers": 0}


async def test_form_explains_an_invalid_value():
    text, events, _ = await run(questionnaire.ValidateBuyerProfileForm(), form_tracker("-5", "order_quantity"))
    assert "can't be negative" in text and slot_events(events)["order_quantity"] is None


async def test_form_takes_an_answer_to_another_question_and_asks_again():
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("tight budget", "order_quantity")
    )
    assert text == "" and slot_events(events) == {"budget": "limited", "order_quantity": None}


async def test_form_answers_out_of_scope_and_stays():
    # an answer the NLU calls off-topic counts as an unreadable answer (no digression rule takes it)
    assert "out_of_scope" not in questionnaire.digression_intents()
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("book me a flight", "budget", "out_of_scope")
    )
    assert text == "<utter_out_of_scope>" and slot_events(events)["budget"] is None


async def test_form_leaves_a_question_to_its_digression_rule():
    # data/rules/digressions.yml answers a row question inside the questionnaire, then the form resumes
    assert {"ask_factor", "compare_quotes", "ask_why"} <= questionnaire.digression_intents()
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("what's the moq for odm?", "budget", "ask_factor")
    )
    assert text == "" and events == []


async def test_form_takes_a_correction_of_an_earlier_answer():
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(),
        form_tracker("actually make it 2,000 units", "budget", slots={"order_quantity": 200.0}),
    )
    assert "Order quantity 200 units → 2,000 units" in text
    assert slot_events(events)["order_quantity"] == 2000 and slot_events(events)["budget"] is None


async def test_recommendation_sets_the_slot_and_cites_rows():
    text, events, _ = await run(recommendation.ActionRecommend(), make_tracker("tight", "inform", PROFILE))
    assert text.startswith("I recommend **ODM** (confidence: high)")
    assert "your 200 units fit ODM's 50-500 units MOQ" in text and "(Minimum Order Quantity (MOQ) row)" in text
    assert slot_events(events)["recommendation"] == "ODM"


async def test_recommendation_says_whether_and_why_it_changed():
    slots = {
        **PROFILE,
        "own_design": "yes",
        "ip_importance": "high",
        "order_quantity": 5000.0,
        "weeks_to_launch": 26.0,
        "recommendation": "ODM",
        "profile_before_change": PROFILE,
    }
    text, events, _ = await run(recommendation.ActionRecommend(), make_tracker("what if", "what_if", slots))
    assert text.startswith("I recommend **OEM**") and "changes my earlier ODM recommendation" in text
    assert "Order quantity 200 units → 5,000 units" in text
    assert slot_events(events)["recommendation"] == "OEM"


async def test_explain_lists_every_reason_with_its_row():
    text, _, _ = await run(
        recommendation.ActionExplain(), make_tracker("why not OEM?", "ask_why", {**PROFILE, "recommendation": "ODM"})
    )
    assert text.startswith("Why ODM and not OEM") and text.count("✔") == 6 and "row" in text


async def test_explain_before_any_recommendation():
    text, _, _ = await run(recommendation.ActionExplain(), make_tracker("why?", "ask_why"))
    assert "haven't made a recommendation" in text


async def test_why_not_oem_in_the_questionnaire_explains_the_answers_so_far():
    text, _, _ = await run(
        recommendation.ActionExplain(),
        make_tracker(
            "why not OEM?",
            "ask_why",
            {"order_quantity": 150.0, "weeks_to_launch": 3.0},
            active_loop="buyer_profile_form",
        ),
    )
    assert text.startswith("From what you've told me so far") and "500-5000+ units" in text


async def test_a_row_question_after_the_recommendation_is_answered_for_that_route():
    text, events, _ = await run(
        questionnaire.ActionUpdateProfile(),
        make_tracker(
            "and how long would development take on that route?",
            "ask_recommendation",
            {**PROFILE, "recommendation": "ODM"},
        ),
    )
    assert "2-4 weeks" in text and "3-6 months" not in text and "I recommend" not in text
    assert events[-1]["event"] == "followup" and events[-1]["name"] == "action_listen"


async def test_why_after_a_factual_answer_gives_the_rows_reasons():
    text, _, _ = await run(
        recommendation.ActionExplain(), make_tracker("why is that?", "ask_why", {"last_factor": "risk"})
    )
    assert "design investment, longer timeline" in text and "proven designs" in text
    assert 'Risk Level" row' in text and "haven't made a recommendation" in text


@pytest.mark.parametrize(
    "said, focus",
    [
        ("which is riskier?", "OEM"),
        ("which one suits a startup?", "ODM"),
        ("which is cheaper per unit?", "OEM"),
        ("moq for oem and odm", None),
    ],
)
async def test_the_model_an_answer_points_to_is_remembered_for_that_one(said, focus):
    _, events, _ = await run(questions.ActionAnswerFactor(), make_tracker(said))
    assert slot_events(events)["last_model"] == focus


async def test_summary_is_a_decision_record(snapshot):
    text, _, _ = await run(
        recommendation.ActionSummary(), make_tracker("summary", "ask_summary", {**PROFILE, "recommendation": "ODM"})
    )
    assert text.startswith("# OEM/ODM decision record") and "**ODM** (confidence: high)" in text
    assert "- Order quantity: 200 units" in text and f"version {snapshot.version}" in text


async def test_quotes_are_totalled_at_the_buyers_quantity():
    said = "OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit"
    text, _, _ = await run(
        questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes", {"order_quantity": 1000.0})
    )
    assert "At 1,000 units: OEM $10,100.00, ODM $3,900.00 — ODM is cheaper by $6,200.00." in text
    assert "Break-even: above about 5,769 units" in text


async def test_quotes_at_a_quantity_in_the_message():
    said = "OEM 9000 + 2 per unit, ODM 400 + 4 per unit, at 10,000 units"
    text, _, _ = await run(questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes"))
    assert "No currency was given" in text and "At 10,000 units: OEM 29,000.00, ODM 40,400.00" in text


async def test_an_unclear_message_naming_a_row_is_answered_from_its_content():
    text, _, _ = await run(fallback.ActionAnswerUnclear(), make_tracker("mnimum ordr odm", "nlu_fallback"))
    assert "50-500" in text and "Minimum Order Quantity" in text


async def test_an_unclear_message_naming_nothing_gets_did_you_mean_with_concrete_questions():
    text, _, buttons = await run(
        fallback.ActionAnswerUnclear(), make_tracker("hmm and the other bit then", "nlu_fallback")
    )
    assert "Did you mean" in text and "only help with" in text
    assert buttons[0]["payload"] == "Help me choose between OEM and ODM"


async def test_out_of_scope_naming_a_model_and_a_neighbouring_subject_says_the_table_does_not_cover_it():
    text, _, _ = await run(
        fallback.ActionOutOfScope(), make_tracker("is it legal to rebrand an ODM toy", "out_of_scope")
    )
    assert "doesn't cover legal questions" in text and "Design Ownership" in text
    text, _, _ = await run(fallback.ActionOutOfScope(), make_tracker("can you order me a pizza", "out_of_scope"))
    assert text == "<utter_out_of_scope>"


@pytest.mark.parametrize(
    "said, slots, expected, absent",
    [
        (
            "any drawbacks with it?",
            {"last_factor": "moq", "last_model": "ODM"},
            "Limited to modifying",
            "design investment",
        ),
        ("what's good about OEM then", {}, "Full customization", "Limited to modifying existing designs (vs"),
        ("and per piece at scale?", {"last_factor": "unit_cost", "last_model": "ODM"}, "lower per-unit at scale", None),
    ],
)
async def test_sides_and_both_model_follow_ups(said, slots, expected, absent):
    text, _, _ = await run(questions.ActionAnswerFollowup(), make_tracker(said, "ask_followup", slots))
    assert expected in text and (absent is None or absent not in text)


async def test_what_the_two_are_asked_as_a_comparison_gets_both_definitions():
    text, _, _ = await run(
        questions.ActionAnswerComparison(), make_tracker("odm vs oem... what even are they?", "ask_comparison")
    )
    assert "Original Equipment Manufacturer" in text and "Original Design Manufacturer" in text
    assert "Side-by-Side" not in text


async def test_a_question_beside_a_fact_is_answered_and_the_questionnaire_goes_on():
    text, events, _ = await run(
        questions.ActionAnswerFactor(), make_tracker("Our budget is small. How long does OEM take?")
    )
    assert "3-6 months" in text and "Up-front budget: tight" in text
    slots = slot_events(events)
    assert slots["budget"] == "limited" and slots["last_factor"] == "development_time"
    assert {"event": "followup", "name": "buyer_profile_form"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]


async def test_a_question_alone_is_answered_without_starting_the_questionnaire():
    _, events, _ = await run(questions.ActionAnswerFactor(), make_tracker("is ODM a good fit for startups?"))
    assert all(e["event"] != "followup" for e in events) and "business_stage" not in slot_events(events)


@pytest.mark.parametrize(
    "said, intent, digression",
    [
        ("it's basically our entire moat", "ask_comparison", False),  # an answer however the NLU read it
        ("dunno, maybe 300ish", "ask_capabilities", False),
        ("OEM lead time. now.", "ask_factor", True),  # a request naming the table
        ("how long does ODM take?", "ask_factor", True),
        ("thanks", "thank", True),
    ],
)
async def test_only_questions_and_asides_leave_the_questionnaire(snapshot, said, intent, digression):
    assert questionnaire.is_digression(intent, said, snapshot) is digression


async def test_an_unreadable_statement_in_the_questionnaire_counts_as_an_attempt():
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(),
        form_tracker("it's basically our entire moat", "budget", "ask_comparison"),
    )
    assert "tight or comfortable" in text and slot_events(events) == {"budget": None, "invalid_answers": 1}


async def test_facts_told_to_the_fallback_start_the_questionnaire_only_when_about_toys():
    said = "Small shop, about 250 plushies, launching in five weeks, happy with one of their stock designs."
    text, events, _ = await run(fallback.ActionAnswerUnclear(), make_tracker(said, "nlu_fallback"))
    assert "Order quantity: 250 units" in text and "ODM can make it" in text
    assert {"event": "followup", "name": "buyer_profile_form"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]
    text, events, _ = await run(
        fallback.ActionAnswerUnclear(), make_tracker("a limerick about spring, please", "nlu_fallback")
    )
    assert "Noted" not in text and all(e["event"] != "followup" for e in events)


async def test_a_what_if_mid_questionnaire_weighs_the_whole_situation_so_far():
    slots = {"order_quantity": 150.0, "weeks_to_launch": 3.0, "own_design": "no"}
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(),
        form_tracker("hmm, suppose it went up to 9,000?", "budget", slots=slots),
    )
    assert "Updated: Order quantity 150 units → 9,000 units" in text
    assert "500-5000" in text and "2-4 weeks" in text and "Tension" in text  # quantity and time pull apart
    assert slot_events(events) == {"order_quantity": 9000.0, "budget": None}


async def test_asking_for_the_options_mid_questionnaire_gets_the_tables_answer_not_a_digression():
    slots = {"order_quantity": 5000.0, "weeks_to_launch": 4.0, "own_design": "yes"}
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(),
        form_tracker(
            "hmm, which of the two does that leave us with?", "ip_importance", "ask_capabilities", slots=slots
        ),
    )
    assert events and "3-6 months" in text and "2-4 weeks" in text


async def test_asking_for_the_verdict_mid_questionnaire_recommends_from_what_is_known():
    slots = {"order_quantity": 120.0, "weeks_to_launch": 3.0, "own_design": "no"}
    text, events, _ = await run(
        questionnaire.ValidateBuyerProfileForm(), form_tracker("bottom line?", "budget", slots=slots)
    )
    assert text == phrases.VERDICT_NOW
    assert slot_events(events) == {"ip_importance": UNSURE, "budget": UNSURE, "business_stage": UNSURE}


async def test_asking_for_the_verdict_before_anything_is_known_asks_on():
    _, events, _ = await run(questionnaire.ValidateBuyerProfileForm(), form_tracker("verdict?", "order_quantity"))
    assert UNSURE not in slot_events(events).values()


async def test_the_verdict_after_a_recommendation_is_said_again():
    text, events, _ = await run(
        fallback.ActionAnswerUnclear(),
        make_tracker("so, your verdict?", "nlu_fallback", {**PROFILE, "recommendation": "ODM"}),
    )
    assert text.startswith("I recommend **ODM**") and events == []


async def test_a_what_if_before_the_recommendation_gets_the_tables_answer_for_the_whole_situation():
    slots = {"order_quantity": 300.0, "weeks_to_launch": 4.0}
    text, _, _ = await run(
        questionnaire.ActionUpdateProfile(), make_tracker("actually we now have 9 months", "what_if", slots)
    )
    assert "Needed in 4 weeks → about 9 months" in text and "300 units fit" in text


@pytest.mark.parametrize(
    "said, totals",
    [
        ("OEM $3,000 tooling + $1 a unit, ODM $500 setup + $2 a unit. Which is cheaper at 4k?", ["7,000", "8,500"]),
        (
            "Quotes: OEM $9,000 mould and $2 each; ODM $1,000 setup and $3 each. Cheapest for 1,000?",
            ["11,000", "4,000"],
        ),
    ],
)
async def test_the_quantity_asked_beside_quotes_is_totalled(said, totals):
    text, _, _ = await run(questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes"))
    assert all(total in text for total in totals)


async def test_a_which_model_ask_naming_a_row_is_answered_though_the_nlu_called_it_off_topic():
    text, _, _ = await run(fallback.ActionOutOfScope(), make_tracker("unit price in bulk, which wins?", "out_of_scope"))
    assert "lower per-unit at scale" in text


@pytest.mark.parametrize(
    "said, slots, expected",
    [
        ("hmm, that is steep - is there a smaller option?", {"last_factor": "moq", "last_model": "OEM"}, "50-500"),
        ("so what's the range?", {"last_factor": "moq", "last_model": "ODM"}, "50-500"),
        ("wow. does that cover production as well?", {"last_factor": "development_time"}, "production"),
        ("is that faster than OEM?", {"last_factor": "development_time", "last_model": "ODM"}, "3-6 months"),
    ],
)
async def test_follow_ups_in_more_words_answer_the_same_row(said, slots, expected):
    text, _, _ = await run(fallback.ActionAnswerUnclear(), make_tracker(said, "nlu_fallback", slots))
    assert expected in text


@pytest.mark.parametrize("said", ["how come?", "ok but why is it so much higher?", "what's driving that?"])
async def test_why_after_a_row_says_the_row_is_all_the_table_gives(said):
    text, _, _ = await run(fallback.ActionAnswerUnclear(), make_tracker(said, "nlu_fallback", {"last_factor": "moq"}))
    assert text.startswith("Here is everything the comparison table says on that") and "50-500" in text


async def test_a_plan_the_nlu_called_off_topic_starts_the_questionnaire():
    text, events, _ = await run(
        fallback.ActionOutOfScope(), make_tracker("after some cheap branded frisbees for a charity run", "out_of_scope")
    )
    assert text == phrases.QUESTIONNAIRE_FOLLOWS
    assert {"event": "followup", "timestamp": None, "name": "buyer_profile_form"} in events


async def test_which_one_naming_a_row_after_a_recommendation_answers_the_row():
    said = make_tracker("which one is cheaper per unit at scale?", "nlu_fallback", {**PROFILE, "recommendation": "ODM"})
    text, _, _ = await run(fallback.ActionAnswerUnclear(), said)
    assert "Unit Cost" in text and not text.startswith("I recommend")


async def test_the_break_even_named_after_another_question_still_reads_the_quotes():
    said = "Quotes: OEM $6,000 tooling + $2 each; ODM $1,000 setup + $3 each. Cheaper at 2,000?"
    _, events, _ = await run(questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes"))
    slots = {**slot_events(events), "last_factor": "development_time"}
    text, _, _ = await run(
        fallback.ActionAnswerUnclear(), make_tracker("and the break-even, for the file?", "nlu_fallback", slots)
    )
    assert "5,000" in text


async def test_the_break_even_asked_while_the_quantity_is_asked_reads_the_quotes():
    said = "Quotes: OEM $6,000 tooling + $2 each; ODM $1,000 setup + $3 each. Cheaper at 2,000?"
    _, events, _ = await run(questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes"))
    tracker = form_tracker("and the break-even?", "order_quantity", "ask_factor", slot_events(events))
    text, _, _ = await run(questionnaire.ValidateBuyerProfileForm(), tracker)
    assert "5,000" in text


async def test_a_model_named_in_a_later_what_if_answers_the_same_row():
    slots = {"last_factor": "moq", "last_model": "ODM"}
    text, _, _ = await run(
        questions.ActionAnswerFollowup(), make_tracker("and if we went OEM instead?", "ask_followup", slots)
    )
    assert "500-5000+ units" in text and "50-500 units" not in text


async def test_who_each_model_is_for_answers_the_row_not_the_questionnaire():
    text, events, _ = await run(
        questions.ActionAnswerFactor(), make_tracker("who is each one for, honestly?", "ask_recommendation")
    )
    assert "Startups, fast market entry" in text and "Established brands" in text
    assert all(e["event"] != "followup" or e.get("name") != "buyer_profile_form" for e in events)


async def test_a_question_naming_one_model_and_no_row_gets_its_definition():
    text, _, _ = await run(
        questionnaire.ActionUpdateProfile(), make_tracker("in OEM, what's the factory's actual job?", "inform")
    )
    assert "Original Equipment Manufacturer" in text and "Design Manufacturer" not in text


async def test_the_two_routes_unnamed_compare_a_row():
    said = "how do the two routes compare on lead time?"
    text, _, _ = await run(fallback.ActionOutOfScope(), make_tracker(said, "out_of_scope"))
    assert "2-4 weeks" in text and "3-6 months" in text


async def test_a_count_of_something_else_beside_a_row_question_is_no_order():
    said = "A marina with 45 berths, busy 200 days a year. What can we alter on an ODM toy?"
    text, _, _ = await run(questions.ActionCheckFeasibility(), make_tracker(said, "ask_feasibility"))
    assert "Limited to modifying existing designs" in text and "45 units" not in text


async def test_how_much_cheaper_per_unit_after_quotes_gives_the_quotes_gap():
    said = "Quotes: OEM $6,000 tooling + $2 each; ODM $1,000 setup + $3.25 each. Break-even?"
    _, events, _ = await run(questions.ActionCompareQuotes(), make_tracker(said, "compare_quotes"))
    slots = slot_events(events)
    text, _, _ = await run(
        questions.ActionAnswerFactor(), make_tracker("so per piece, by how much is OEM cheaper?", "ask_factor", slots)
    )
    assert "$1.25 lower" in text and "4,000" in text


async def test_a_date_given_earlier_is_checked_when_asked_about_again():
    slots = {"weeks_to_launch": 9.0}
    text, _, _ = await run(
        questions.ActionCheckFeasibility(), make_tracker("would OEM hit that date as well?", "ask_feasibility", slots)
    )
    assert "OEM (3-6 months): not realistic" in text


async def test_the_same_question_for_the_other_model_answers_the_last_row():
    slots = {"last_factor": "moq", "last_model": "OEM"}
    text, _, _ = await run(
        questions.ActionAnswerFollowup(), make_tracker("same again but for ODM please", "ask_followup", slots)
    )
    assert "50-500 units" in text and "Best For" not in text


async def test_a_date_answer_asking_which_model_weighs_the_quantity_given_before():
    tracker = form_tracker(
        "launch is in five weeks - so which route?", "weeks_to_launch", slots={"order_quantity": 4000}
    )
    text, events, _ = await run(questionnaire.ValidateBuyerProfileForm(), tracker)
    assert "4,000 units" in text and "5 weeks" in text and slot_events(events)["weeks_to_launch"] == 5.0


async def test_a_request_about_another_subject_starts_no_questionnaire():
    said = "any tips for a sourdough starter that keeps dying?"
    text, events, _ = await run(questionnaire.ActionUpdateProfile(), make_tracker(said, "ask_recommendation"))
    assert "<utter_out_of_scope>" in text and events == [
        {"event": "followup", "name": "action_listen", "timestamp": None}
    ]


async def test_what_on_earth_a_model_is_gets_its_definition_whatever_the_nlu_says():
    said = "pardon my ignorance, but what in the world is OEM?"
    text, _, _ = await run(questions.ActionAnswerBotChallenge(), make_tracker(said, "bot_challenge"))
    assert "Original Equipment Manufacturer" in text
    text, _, _ = await run(
        questions.ActionAnswerBotChallenge(), make_tracker("am I talking to a bot?", "bot_challenge")
    )
    assert "<utter_iamabot>" in text


async def test_a_goodbye_that_states_facts_is_taken_as_an_answer():
    text, events, _ = await run(
        questionnaire.ActionSayGoodbye(), make_tracker("bye - oh, we need them nine weeks from today", "goodbye")
    )
    assert (
        slot_events(events)["weeks_to_launch"] == 9.0
        and {"event": "followup", "name": "buyer_profile_form", "timestamp": None} in events
    )
    text, events, _ = await run(questionnaire.ActionSayGoodbye(), make_tracker("cheers, bye!", "goodbye"))
    assert text == "<utter_goodbye>" and events == []


async def test_could_a_model_make_that_reads_the_date_given_earlier():
    tracker = make_tracker("hmm, could OEM manage that?", "ask_definition", {"weeks_to_launch": 7.0})
    text, _, _ = await run(questions.ActionAnswerDefinition(), tracker)
    assert "OEM (3-6 months): not realistic" in text and "Original Equipment Manufacturer" not in text


async def test_a_question_taken_for_a_goodbye_is_read_from_its_words():
    _, events, _ = await run(questionnaire.ActionSayGoodbye(), make_tracker("right, so what's the verdict?", "goodbye"))
    assert events == [{"event": "followup", "name": "action_answer_unclear", "timestamp": None}]


async def test_a_texted_verdict_ask_after_the_recommendation_says_it_again():
    slots = {"recommendation": "ODM", "order_quantity": 90.0, "weeks_to_launch": 3.0, "own_design": "no"}
    text, _, _ = await run(fallback.ActionAnswerUnclear(), make_tracker("wot u reckon then", "nlu_fallback", slots))
    assert "I recommend **ODM**" in text


async def test_by_how_much_later_in_a_short_follow_up_answers_the_last_row():
    slots = {"last_factor": "development_time", "last_model": "OEM"}
    text, _, _ = await run(
        questions.ActionAnswerFactor(), make_tracker("ODM is quicker, yeah? by how much", "ask_factor", slots)
    )
    assert "2-4 weeks" in text and "Original Design Manufacturer" not in text


async def test_which_is_which_between_two_audiences_answers_the_best_for_row():
    said = "I'm told one model suits start-ups and the other established brands. Which is which, then?"
    text, _, _ = await run(questions.ActionAnswerDefinition(), make_tracker(said, "ask_definition"))
    assert "Best For" in text and "Startups" in text and "Original Equipment Manufacturer" not in text


async def test_a_question_about_a_suppliers_rating_is_not_covered():
    said = "what star rating should an ODM maker have before we trust them?"
    text, _, _ = await run(fallback.ActionOutOfScope(), make_tracker(said, "out_of_scope"))
    assert "doesn't cover particular factories or suppliers" in text
