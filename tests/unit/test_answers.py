"""Factual answers: the right row for a buyer's words (typos included), figures only from the store."""

from __future__ import annotations

import pytest

from advisor.replies import answers
from advisor.understanding.buyer_text import stated_facts


@pytest.mark.parametrize(
    "question, factor",
    [
        ("moq?", "moq"),
        ("min order qty odm", "moq"),
        ("minimun order for oem", "moq"),
        ("how lng does odm take", "development_time"),
        ("lead time difference", "development_time"),
        ("wait, what's the MOQ for OEM?", "moq"),
        ("who owns the design if I use ODM", "design_ownership"),
        ("do I keep the intellectual property", "design_ownership"),
        ("which is riskier", "risk"),
        ("which is cheaper", "unit_cost"),
        ("how much can I customise", "customization"),
        ("which is better for a startup?", "best_for"),
        ("price per peice", "unit_cost"),
        ("oem or odm for an established label?", "best_for"),  # an audience of the Best For row, no row word
    ],
)
def test_questions_find_their_row(snapshot, question, factor):
    assert answers.best_factor(question, snapshot) == factor


def test_entity_value_wins_over_text(snapshot):
    assert answers.best_factor("tell me", snapshot, ["lead time"]) == "development_time"


@pytest.mark.parametrize(
    "text, models",
    [
        ("moq for odm", ["ODM"]),
        ("OEM vs ODM", ["OEM", "ODM"]),
        ("0dm lead time", ["ODM"]),
        ("original equipment manufacturer", ["OEM"]),
        ("what about cost", []),
    ],
)
def test_models_named(text, models):
    assert answers.models_in(text) == models


def test_single_model_answer_cites_the_row(snapshot):
    reply = answers.answer_factor(snapshot, "moq", ["ODM"], "moq for odm")[0]
    assert "Typically lower (50-500 units)" in reply and "500-5000" not in reply
    assert '"Minimum Order Quantity (MOQ)" row' in reply and f"doc v{snapshot.version}" in reply


def test_both_models_when_none_named(snapshot):
    reply = answers.answer_factor(snapshot, "development_time", [], "lead time?")[0]
    assert "3-6 months" in reply and "2-4 weeks" in reply


@pytest.mark.parametrize(
    "question, factor, winner",
    [
        ("which is riskier", "risk", "OEM"),
        ("which is safer", "risk", "ODM"),
        ("which is cheaper", "unit_cost", "ODM"),
        ("which is faster", "development_time", "ODM"),
        ("which is more flexible", "customization", "OEM"),
        ("which is cheaper per unit", "unit_cost", "OEM"),
        ("which is cheaper at scale", "unit_cost", "OEM"),
        ("is OEM more expensive per unit", "unit_cost", "ODM"),
        ("which costs less to start with", "unit_cost", "ODM"),
        ("which has the lower initial cost", "unit_cost", "ODM"),
        ("which is cheaper in bulk", "unit_cost", "OEM"),
        ("which is cheaper at large volumes", "unit_cost", "OEM"),
        ("which is cheaper up front", "unit_cost", "ODM"),
        ("so which route leaves the initial outlay lowest?", "unit_cost", "ODM"),
        ("which one needs the biggest initial investment?", "unit_cost", "OEM"),
        ("which has the smallest start-up costs?", "unit_cost", "ODM"),
    ],
)
def test_comparative_questions_name_the_model_from_structured_levels(snapshot, question, factor, winner):
    assert answers.answer_factor(snapshot, factor, [], question)[0].startswith(f"**{winner}**")


def test_ip_answers_say_who_owns_what(snapshot):
    oem = answers.answer_factor(snapshot, "design_ownership", ["OEM"], "do I keep the IP with OEM")[0]
    odm = answers.answer_factor(snapshot, "design_ownership", ["ODM"], "who owns the design with ODM")[0]
    assert "you (the buyer) own the IP" in oem
    assert "manufacturer owns the base design IP" in odm and "you own any customizations you add" in odm


def test_audience_questions_point_to_the_model(snapshot):
    reply = answers.answer_factor(snapshot, "best_for", [], "which is better for a startup")[0]
    assert reply.startswith('ODM is the better fit: its Best For row lists "Startups"')


def test_definitions(snapshot):
    odm = answers.answer_definition(snapshot, ["ODM"])
    assert "ODM = Original Design Manufacturer" in odm and "definition paragraph" in odm
    both = answers.answer_definition(snapshot, [])
    assert "Original Equipment Manufacturer" in both and "Original Design Manufacturer" in both


def test_overview_has_every_row(snapshot):
    reply = answers.answer_overview(snapshot)
    assert all(row.row_label in reply for row in snapshot.factors.values())


@pytest.mark.parametrize(
    "quantity, fits", [(100, "fits ODM"), (500, "fits OEM and ODM"), (3000, "fits OEM"), (20, "outside both")]
)
def test_order_size_feasibility(snapshot, quantity, fits):
    assert fits in answers.answer_quantity_feasibility(snapshot, quantity)


def test_launch_time_feasibility_says_by_how_much(snapshot):
    three_weeks = answers.answer_time_feasibility(snapshot, 3)
    assert "ODM can make it" in three_weeks and "short by at least about 2.3 months" in three_weeks
    half_year = answers.answer_time_feasibility(snapshot, 30)
    assert "OEM and ODM can make it" in half_year and "4 weeks to spare" in half_year


# ----------------------------------------------------------------- kinds of message buyers write (issue: understanding)


@pytest.mark.parametrize(
    "text, models",
    [
        ("a toy the factory already makes, just in our colours", ["ODM"]),
        ("they'd build it to our CAD files", ["OEM"]),
        ("a white-label plush from their catalogue", ["ODM"]),
        ("made to our own specifications", ["OEM"]),
        ("what about cost", []),
    ],
)
def test_models_described_rather_than_named(text, models):
    assert answers.models_described(text) == models


@pytest.mark.parametrize(
    "question, factor",
    [
        ("turnaround gap between the two?", "development_time"),
        ("OEM suits which kind of company?", "best_for"),
        ("do the changes I pay for on an ODM toy belong to me?", "design_ownership"),
        ("per-unit at volume, who wins?", "unit_cost"),
        ("quickest route to market?", "development_time"),
        ("we're no longer a small shop, which fits?", None),
    ],
)
def test_short_comparisons_find_their_row(snapshot, question, factor):
    assert answers.best_factor(question, snapshot) == factor


def test_rows_listed_together_are_all_answered(snapshot):
    assert answers.factors_listed("OEM v ODM: MOQ, lead time and risk please", snapshot) == [
        "moq",
        "development_time",
        "risk",
    ]
    assert answers.factors_listed("what's the MOQ for ODM?", snapshot) == []


@pytest.mark.parametrize(
    "question, topic, row",
    [
        ("is it legal to put my brand on an ODM toy?", "legality", "Design Ownership"),
        ("what defect rate do OEM factories have?", "quality", "Risk Level"),
        ("does ODM include EN71 testing?", "certification", "Risk Level"),
        ("is Shenzhen Fun Toys a reliable OEM?", "factory", "Best For"),
        ("how much is sea freight for an ODM order?", "shipping", "Development Time"),
    ],
)
def test_questions_next_door_to_the_table_say_so_and_give_what_is_related(snapshot, question, topic, row):
    found = answers.not_covered_topic(question)
    assert found.key == topic
    reply = answers.answer_not_covered(snapshot, found, answers.best_factor(question, snapshot))
    assert reply.startswith("The comparison doesn't cover") and row in reply
    assert "%" not in reply  # no figure from nowhere


def test_a_situation_is_answered_from_the_table_with_the_tension(snapshot):
    facts = answers.situation_in("a chain wants 15k sets in 10 weeks, which way should we go?")
    assert facts == {"order_quantity": 15000, "weeks_to_launch": 10}
    reply, model = answers.answer_situation(snapshot, facts)
    assert model == "ODM" and "Tension:" in reply and "15,000 units" in reply and "3-6 months" in reply
    assert answers.situation_in("what's the MOQ for ODM?") is None
    assert answers.situation_in("nobody here designs, which model?") == {"own_design": "no"}


def test_a_side_question_in_an_answer_is_found_and_answered(snapshot):
    reply = answers.side_question_reply(snapshot, "is ODM cheaper up front? and no, we don't have drawings yet")
    assert "initial cost" in reply
    assert "Original Design Manufacturer" in answers.side_question_reply(snapshot, "about 300. btw what's ODM?")
    assert answers.side_question_reply(snapshot, "about 300 units") is None


def test_quotes_with_a_higher_oem_unit_price_say_there_is_no_break_even():
    from advisor.understanding.buyer_text import parse_quotes

    reply, breakeven = answers.answer_quotes(parse_quotes("OEM $2,000 + $3.50/unit, ODM $400 + $3.00/unit"), [1000])
    assert breakeven is None and "No break-even" in reply and "ODM's quote is cheaper at every quantity" in reply


def test_quotes_at_the_break_even_say_the_two_cost_the_same():
    from advisor.understanding.buyer_text import parse_quotes

    reply, breakeven = answers.answer_quotes(parse_quotes("OEM $4,000 + $1.50/unit, ODM $1,000 + $3.00/unit"), [2000])
    assert breakeven == 2000 and "$7,000.00, ODM $7,000.00 — the two cost the same" in reply
    assert "$1.50 lower" in reply and "cheaper by" not in reply


def test_a_bare_higher_or_lower_cell_says_what_it_is_of(snapshot):
    reply = answers.answer_factor(snapshot, "risk", [])[0]
    assert "• **ODM:** Lower risk (proven designs" in reply and "• **OEM:** Higher risk (design" in reply
    assert "• **ODM:** Typically lower (50-500" in answers.answer_factor(snapshot, "moq", [])[0]


@pytest.mark.parametrize(
    "text, elsewhere",
    [
        ("any tips for a sourdough starter that keeps dying?", True),
        ("what's a good stretch for a sore hamstring", True),
        ("which would you pick for our climbing wall shop?", False),
        ("we sell merch at gigs, which route?", False),
    ],
)
def test_a_request_about_another_subject(snapshot, text, elsewhere):
    assert answers.about_something_else(text, snapshot) is elsewhere


@pytest.mark.parametrize(
    "question, rows",
    [
        ("ODM: faster and lower-MOQ, right?", ["development_time", "moq"]),
        ("who owns what, and how much control do I get?", ["design_ownership", "customization"]),
    ],
)
def test_several_rows_in_one_question(snapshot, question, rows):
    assert answers.factors_listed(question, snapshot) == rows


@pytest.mark.parametrize(
    "text, facts",
    [
        ("we're no longer a tiny shop—which model suits?", {"business_stage": "established"}),
        ("zero budget for r&d. oem or odm?", {"budget": "limited"}),
    ],
)
def test_which_model_with_a_fact_is_a_situation(snapshot, text, facts):
    assert answers.situation_in(text, answers.best_factor(text, snapshot), snapshot) == facts


def test_downsides_and_upsides_are_read_off_the_cells(snapshot):
    odm_down = answers.answer_sides(snapshot, "ODM", "downsides")
    assert "manufacturer owns base IP" in odm_down and "Limited to modifying" in odm_down
    assert "Typically lower (50-500 units)" not in odm_down  # a strength is no downside
    oem_up = answers.answer_sides(snapshot, "OEM", "upsides")
    assert "buyer owns IP" in oem_up and "Longer (3-6 months" not in oem_up
    assert answers.asks_sides("pros and cons of each?") is None  # the whole comparison instead
    assert answers.asks_sides("ODM sounds good, is there any catch?") == "downsides"


@pytest.mark.parametrize(
    "text",
    [
        "For our plush line, give me the MOQ and lead time.",
        "Kindly outline the customisation available under OEM.",
        "We should like to know which model is quicker",
    ],
)
def test_requests_are_questions(text):
    assert answers.is_question(text)


@pytest.mark.parametrize(
    "text, checked",
    [
        ("is ODM the route where we pick from the factory's existing catalogue?", ("ODM", "ODM")),
        ("isn't OEM when the factory's existing design gets our logo?", ("OEM", "ODM")),
        ("is OEM cheaper when we have our own design?", None),  # a comparison, not a check of the name
    ],
)
def test_a_name_checked_against_a_description(snapshot, text, checked):
    assert answers.model_checked(text) == checked
    if checked:
        reply = answers.answer_model_check(snapshot, *checked)
        assert reply.startswith("Yes" if checked[0] == checked[1] else "No, that's ODM")


@pytest.mark.parametrize(
    "text, topic",
    [
        ("which alibaba sellers or factories are best for puzzles?", "factory"),
        ("would making them in Indonesia be quicker?", "countries"),
        ("what RRP should we set for the plush?", "profit"),
    ],
)
def test_more_subjects_next_door(text, topic):
    assert answers.not_covered_topic(text).key == topic


@pytest.mark.parametrize(
    "text, stated",
    [
        ("Money is tight for us. Which of the two is safer?", {"budget": "limited"}),
        ("owning the IP means nothing to us -- so what do the letters ODM stand for?", {"ip_importance": "low"}),
        ("We have finished drawings; and who keeps the rights under OEM?", {"own_design": "yes"}),
        ("Does ODM work well for a young brand?", {}),  # the question says nothing about the buyer
        ("if we add our own packaging, is it ours?", {}),  # a condition belongs to its question
    ],
)
def test_facts_stated_beside_a_question(text, stated):
    assert stated_facts(text) == stated


@pytest.mark.parametrize(
    "text",
    [
        "The stickers and box art I pay for on an ODM toy: are those mine?",
        "under ODM will we still own the new colourway we commission?",
        "the logo changes I add on an ODM piece, mine or the factory's?",
    ],
)
def test_asking_whether_an_addition_is_theirs_asks_who_owns_what(snapshot, text):
    assert answers.best_factor(text, snapshot, ["logo"]) == "design_ownership"


def test_a_described_model_asked_for_by_name(snapshot):
    text = "the factory already has the design and we only add our branding: what is that called, and what MOQ?"
    assert answers.model_checked(text) == (None, "ODM")
    factor = answers.best_factor(answers.after_name_ask(text), snapshot)
    reply = answers.answer_model_check(snapshot, None, "ODM", factor)
    assert reply.startswith("That's ODM.") and "50-500" in reply and "500-5000" not in reply


@pytest.mark.parametrize(
    "text, model",
    [
        ("Which model suits a brand that wants to enter the market fast?", "ODM"),
        ("what's better for testing the market on a shoestring?", "ODM"),
        ("OEM or ODM for someone who needs IP protection?", "OEM"),
    ],
)
def test_audiences_of_the_best_for_row_named_in_other_words(snapshot, text, model):
    assert answers.audience_named(text, snapshot)
    assert answers.answer_factor(snapshot, "best_for", [], text)[1] == model


@pytest.mark.parametrize(
    "text, plan",
    [
        ("we sell on etsy and want to try plush keyrings with our logo", True),
        ("want plush keyrings with our logo, which is best?", False),  # a question: answered, not a plan
        ("we want to grow", False),  # nothing about toys
    ],
)
def test_a_plan_told_without_a_question(text, plan):
    assert answers.states_a_plan(text) is plan


def test_downsides_asked_in_the_questionnaire_are_about_the_model_talked_about(snapshot):
    reply = answers.side_question_reply(snapshot, "hm, and what do we lose?", focus="ODM")
    assert "ODM" in reply and "Limited" in reply


@pytest.mark.parametrize(
    "text, asks",
    [
        ("remind me, ODM is short for what?", True),
        ("with OEM who does what exactly?", True),
        ("what do the letters OEM mean", True),
        ("what does the MOQ stand for with ODM", False),  # the row's term, not the model's
        ("does ODM mean lower MOQ?", False),
        ("sorry, what in the world is OEM?", True),
        ("my supplier keeps saying ODM. what does it actually mean?", True),
        ("could you tell me what is meant by ODM", True),
        ("explain us the term OEM please", True),
        ("ODM, hmm. what exactly is it?", True),
        ("so what's the difference in meanin' between OEM an' ODM?", True),
        ("what is ODM lead time?", False),
        ("is OEM pricey? what does it mean for our cash flow?", False),
    ],
)
def test_what_a_model_is(text, asks):
    assert answers.asks_what_a_model_is(text) is asks


def test_what_can_be_changed_under_odm_adds_the_definition(snapshot):
    reply = answers.answer_factor(snapshot, "customization", ["ODM"], "what can we change under ODM?")[0]
    assert "Limited to modifying" in reply and "branding, colors, or minor modifications" in reply


@pytest.mark.parametrize("text", ["Describe ODM for a beginner like me", "outline the OEM process for us please"])
def test_imperative_requests_are_questions(text):
    assert answers.is_question(text)


@pytest.mark.parametrize(
    "text, factor, wanted",
    [
        ("which of them is wrong for a tight deadline?", "development_time", "shorter"),
        ("whats the bad fit for low volumes", "moq", "lower"),
    ],
)
def test_deadlines_and_volumes_are_rows(snapshot, text, factor, wanted):
    assert answers.best_factor(text, snapshot) == factor
    assert answers._comparative(text, factor, snapshot) == wanted


def test_a_relative_clause_is_not_a_question():
    assert stated_facts("We launch before the school holidays, which are six weeks off.") == {}
    assert answers.split_statement("We launch before the school holidays, which are six weeks off.")[1] == ""


@pytest.mark.parametrize(
    "question, model",
    [
        ("which route is not right when the deadline is tight?", "OEM"),
        ("what isn't the answer for tiny runs, oem or odm", "OEM"),
        ("which one is not the fast route to market?", "OEM"),
    ],
)
def test_a_negated_choice_points_to_the_other_model(snapshot, question, model):
    factor = answers.best_factor(question, snapshot)
    text, pointed_to = answers.answer_factor(snapshot, factor, [], question)
    assert pointed_to == model and text.startswith(f"**{model}**")


@pytest.mark.parametrize(
    "question, model",
    [
        ("which option doesn't ask us for a complete design?", "ODM"),
        ("which model won't let us start from a blank page?", "ODM"),
        ("which one never uses the factory's existing designs?", "OEM"),
    ],
)
def test_a_negated_description_is_the_other_model(question, model):
    assert answers.model_checked(question) == (None, model)


def test_a_negated_choice_tells_nothing_about_the_buyer():
    assert stated_facts("which one doesn't need us to have our own design?") == {}
    assert stated_facts("we have our own design. which one doesn't need a big order?") == {"own_design": "yes"}


def test_a_which_model_question_with_a_description_names_the_model():
    assert answers.model_checked("which model is built to our CAD files?") == (None, "OEM")
    assert answers.model_checked("we have our own design, which route?") is None  # a situation, not a name


def test_suited_beside_another_row_asks_which_model_for_that_row(snapshot):
    assert answers.best_factor("which one suits a short deadline?", snapshot, ["best_for", "development_time"]) == (
        "development_time"
    )
    assert answers.best_factor("which suits us?", snapshot, ["best_for"]) == "best_for"


@pytest.mark.parametrize(
    "text", ["Explain what an OEM factory is", "OEM and ODM, which is which?", "ODM = factory designs, or we do?"]
)
def test_embedded_definition_asks(text):
    assert answers.asks_what_a_model_is(text)


def test_gains_and_give_ups_together_are_both_sides():
    assert answers.asks_sides("what do we gain and what do we give up with OEM?") == "both"
    assert answers.asks_sides("pros and cons of OEM vs ODM") is None  # the whole comparison


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("what's the best freight term, DDP?", True),  # a sourcing subject by its own words
        ("book me a table for two", False),
        ("we'll order on Alibaba: what does Alibaba charge buyers?", True),
    ],
)
def test_sourcing_words_make_a_subject_next_door(text, wanted):
    assert answers.about_sourcing(text) == wanted


def test_a_bare_number_without_sourcing_words_is_no_order(snapshot):
    assert answers.situation_in("a table for two tonight?", None, snapshot) is None
    assert answers.situation_in("300 plush, which route?", None, snapshot) == {"order_quantity": 300.0}


@pytest.mark.parametrize("text", ["verdict?", "ok, bottom line", "go on then, which?", "just tell me"])
def test_asks_for_the_verdict_now(text):
    assert answers.asks_for_verdict(text)


def test_a_row_compared_with_one_model_shows_both(snapshot):
    text, _ = answers.answer_factor(snapshot, "moq", ["OEM"], "how do its minimums compare with OEM's?")
    assert "50-500" in text and "500-5000" in text


def test_rows_listed_in_business_english(snapshot):
    text = "could you set out the order quantities and the timescales that separate the two?"
    assert answers.factors_listed(text, snapshot) == ["moq", "development_time"]


def test_a_whole_comparison_that_would_be_ideal_is_no_best_for_question(snapshot):
    said = "a full comparison across every factor would be ideal for our board"
    assert answers.best_factor(said, snapshot, ["best_for"]) is None and answers.asks_for_overview(said)


@pytest.mark.parametrize(
    "text, plan",
    [
        ("after a few hundred branded plush for our rugby club", True),
        ("we're starting a small line of wooden toys, where should we begin?", True),
        ("getting tired of toys", False),
        ("what's the MOQ on plush?", False),
    ],
)
def test_plans_told_in_other_words(text, plan):
    assert answers.states_a_plan(text) == plan


def test_a_negated_audience_points_to_the_other_model(snapshot):
    question = "which model is not really aimed at start-ups?"
    assert answers.answer_factor(snapshot, answers.best_factor(question, snapshot), [], question)[1] == "OEM"


@pytest.mark.parametrize(
    "question",
    ["which route won't let us own the base design?", "which option keeps the base design with the factory?"],
)
def test_owning_the_base_design_is_the_oem_side(question):
    assert answers.model_checked(question) == (None, "ODM")


def test_both_kinds_of_company_named_ask_the_best_for_row(snapshot):
    question = "startups and established brands: which model suits each?"
    assert answers.best_factor(question, snapshot) == "best_for"
    assert answers.situation_in(question, "best_for", snapshot) is None


@pytest.mark.parametrize(
    "question, factor",
    [
        ("for OEM, what's the least we can order?", "moq"),
        ("does ODM force us to hold a pile of stock?", "moq"),
        ("who is ODM mainly for?", "best_for"),
        ("with ODM could we rework the toy's shape?", "customization"),
        ("under ODM, do we end up owning anything?", "design_ownership"),
    ],
)
def test_more_row_words(snapshot, question, factor):
    assert answers.best_factor(question, snapshot) == factor


def test_the_two_models_meant_without_their_names():
    assert answers.refers_to_the_models("cost-wise, how do both options compare?")
    assert not answers.refers_to_the_models("which is cheaper, the bus or the train?")


@pytest.mark.parametrize(
    "text, factor, winner",
    [
        ("lightest initial outlay: which route?", "unit_cost", "ODM"),
        ("which needs the smaller min run", "moq", "ODM"),
        ("the more startup-friendly route?", "best_for", "ODM"),
        ("what's the smallest order a factory takes?", "moq", "ODM"),
        ("a catalogue bear in our colours: how far can it be altered, for ODM?", "customization", None),
        ("which gets the quickest turnaround", "development_time", "ODM"),
    ],
)
def test_terse_comparisons_name_their_row_and_model(snapshot, text, factor, winner):
    assert answers.best_factor(text, snapshot) == factor
    assert answers.answer_factor(snapshot, factor, [], text)[1] == winner
