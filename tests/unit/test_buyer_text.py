"""Reading buyer facts out of free text: quantities, deadlines, dates, quotes, and answers to questions."""

from __future__ import annotations

from datetime import date

import pytest

from advisor.understanding.buyer_text import (
    Quote,
    QuoteError,
    break_even_quantity,
    extract_facts,
    is_question,
    parse_quantity,
    parse_quotes,
    parse_weeks,
    revise_quotes,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text, asked, expected",
    [
        ("about 200", True, 200),
        ("5k", True, 5000),
        ("two thousand", True, 2000),
        ("2,000 units", False, 2000),
        ("100 plushies with my logo", False, 100),
        ("5k pcs", False, 5000),
        ("1.5k", True, 1500),
        ("a few hundred", True, 300),
        ("we need 300", False, 300),
        ("actually make it 2,000 units", False, 2000),
        ("twenty five hundred", True, 2500),
        ("in 3 weeks", True, None),
        ("$5,000", True, None),
        ("by March 1", True, None),
        ("in 2027", True, None),
        ("2000", True, 2000),
        ("version 2 of the toy", False, None),
    ],
)
def test_quantities(text, asked, expected):
    assert parse_quantity(text, asked=asked) == expected


@pytest.mark.parametrize(
    "text, weeks",
    [
        ("in 4 weeks", 4),
        ("6 months", 26),
        ("half a year", 26),
        ("in 10 days", 10 / 7),
        ("a year", 52),
        ("two months", 52 / 12 * 2),
        ("asap", 1),
        ("no rush", 52),
        ("next month", 52 / 12),
        ("by March 1", (date(2027, 3, 1) - TODAY).days / 7),
        ("by the end of january", (date(2027, 1, 31) - TODAY).days / 7),
        ("by christmas", (date(2026, 12, 25) - TODAY).days / 7),
        ("2027-02-01", (date(2027, 2, 1) - TODAY).days / 7),
        ("we have 8 wks", 8),
        ("nothing about time", None),
    ],
)
def test_weeks_to_launch(text, weeks):
    result = parse_weeks(text, TODAY)
    assert result == pytest.approx(weeks, abs=0.01) if weeks is not None else result is None


def test_a_past_date_is_reported_not_stored():
    extraction = extract_facts("by 2026-01-01", asked="weeks_to_launch", today=TODAY)
    assert "weeks_to_launch" not in extraction.facts and "already passed" in extraction.problem


@pytest.mark.parametrize(
    "text, asked, expected",
    [
        ("no design yet", "own_design", {"own_design": "no"}),
        ("yes, complete designs from our studio", "own_design", {"own_design": "yes"}),
        ("yep", "own_design", {"own_design": "yes"}),
        ("not important", "ip_importance", {"ip_importance": "low"}),
        ("crucial", "ip_importance", {"ip_importance": "high"}),
        ("nope", "ip_importance", {"ip_importance": "low"}),
        ("tight", "budget", {"budget": "limited"}),
        ("healthy", "budget", {"budget": "healthy"}),
        ("high", "budget", {"budget": "healthy"}),
        ("we can spend a lot", "budget", {"budget": "healthy"}),
        ("quite restricted", "budget", {"budget": "limited"}),
        ("between 100 and 200", "order_quantity", {"order_quantity": 200}),  # "and" is not "a d(ay)"
        ("in a fortnight", "weeks_to_launch", {"weeks_to_launch": 2.0}),
        ("not yet", "own_design", {"own_design": "no"}),
        ("we'd use one of yours", "own_design", {"own_design": "no"}),
        ("meh", "ip_importance", {"ip_importance": "low"}),
        ("a mid-sized company", "business_stage", {"business_stage": "growing"}),
        ("first time seller", "business_stage", {"business_stage": "startup"}),
        ("a large retailer", "business_stage", {"business_stage": "established"}),
        ("our budget is pretty low", None, {"budget": "limited"}),
        ("it isn't big", "budget", {"budget": "limited"}),
        ("a new small business", "business_stage", {"business_stage": "startup"}),
        ("established brand", "business_stage", {"business_stage": "established"}),
        ("skip", "budget", {"budget": "unsure"}),
        ("not sure", "order_quantity", {"order_quantity": "unsure"}),
        ("what's the MOQ for OEM?", "budget", {}),
        ("we have been selling for 10 years", "business_stage", {"business_stage": "established"}),
        ("we need exclusivity", "ip_importance", {"ip_importance": "high"}),
        ("IP isn't a big deal for us", "ip_importance", {"ip_importance": "low"}),
        ("I don't know", "own_design", {"own_design": "unsure"}),
        ("our budget is not tight", "budget", {"budget": "healthy"}),
        ("somewhat important", "ip_importance", {"ip_importance": "low"}),
        ("just an idea so far", "own_design", {"own_design": "no"}),
        ("we have a prototype", "own_design", {"own_design": "yes"}),
        ("in a couple of months", "weeks_to_launch", {"weeks_to_launch": 8.67}),
    ],
)
def test_answers_to_the_asked_question(text, asked, expected):
    assert extract_facts(text, asked=asked, today=TODAY).facts == expected


def test_every_fact_volunteered_in_one_message_is_taken():
    facts = extract_facts("Small Etsy shop, 100 plushies with my logo in 3 weeks, no designer", today=TODAY).facts
    assert facts == {"own_design": "no", "order_quantity": 100, "weeks_to_launch": 3, "business_stage": "startup"}
    facts = extract_facts("what if I had my own patented design, 5000 units and 6 months?", today=TODAY).facts
    assert facts == {"own_design": "yes", "ip_importance": "high", "order_quantity": 5000, "weeks_to_launch": 26}


def test_unrelated_words_do_not_fill_facts_when_nothing_is_asked():
    assert extract_facts("tight", today=TODAY).facts == {}
    assert extract_facts("what is the moq for oem", today=TODAY).facts == {}


@pytest.mark.parametrize(
    "text, problem",
    [
        ("-5", "negative"),
        ("0", "at least one unit"),
        ("50000000", "more than"),
    ],
)
def test_invalid_quantities_are_explained(text, problem):
    extraction = extract_facts(text, asked="order_quantity", today=TODAY)
    assert "order_quantity" not in extraction.facts and problem in extraction.problem


def test_an_amount_for_the_budget_is_not_judged_against_invented_figures():
    extraction = extract_facts("$50,000", asked="budget", today=TODAY)
    assert extraction.facts == {} and "no cost figures" in extraction.problem


def test_quotes_and_break_even():
    comparison = parse_quotes("OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit")
    oem, odm = comparison.quotes["OEM"], comparison.quotes["ODM"]
    assert (oem.fixed, oem.per_unit, odm.fixed, odm.per_unit, comparison.currency) == (8000, 2.1, 500, 3.4, "$")
    assert break_even_quantity(oem, odm) == pytest.approx(7500 / 1.3)
    assert oem.total(1000) == pytest.approx(10100)


def test_quote_without_break_even():
    comparison = parse_quotes("odm $300 + $2/unit, oem $7000 + $3.20 per unit")
    assert break_even_quantity(comparison.quotes["OEM"], comparison.quotes["ODM"]) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("OEM: $8,000 + -$2.10/unit, ODM: $500 + $3.40/unit", "negative"),
        ("OEM: $8,000 + $0/unit, ODM: $500 + $3.40/unit", "zero"),
        ("OEM: $8,000 tooling, ODM: $500 + $3.40/unit", "per-unit price"),
        ("OEM: $8,000 + $2/unit, ODM: €500 + €3.40/unit", "mix currencies"),
        ("OEM costs $8,000 + $2/unit", "both quotes"),
    ],
)
def test_invalid_quotes_get_a_clear_message(text, message):
    with pytest.raises(QuoteError, match=message):
        parse_quotes(text)


# ----------------------------------------------------------------- kinds of message buyers write (issue: understanding)


@pytest.mark.parametrize(
    "text, asked, expected",
    [
        # counts of other things are not order sizes, past spans are not deadlines
        ("we own 14 boutiques and want the ODM minimum", None, {}),
        ("started in 2012, how does ODM work", None, {"business_stage": "established"}),
        ("2 product managers and 4 engineers here", "order_quantity", {}),
        ("we've had 6 years on etsy", "weeks_to_launch", {"business_stage": "established"}),
        ("about 800 pieces, we have 30 retail partners", "order_quantity", {"order_quantity": 800}),
        (
            "launch 4 months from now, trading for 11 years",
            None,
            {"weeks_to_launch": 17.33, "business_stage": "established"},
        ),
        # volunteered answers in everyday words
        ("cash for the tooling is no problem", None, {"budget": "healthy"}),
        ("honestly couldn't care less who holds the ip", None, {"ip_importance": "low"}),
        ("yass", "own_design", {"own_design": "yes"}),
        ("12 wks", "weeks_to_launch", {"weeks_to_launch": 12}),
        ("deffo crucial", "ip_importance", {"ip_importance": "high"}),
        ("a long-established label", "business_stage", {"business_stage": "established"}),
        ("two and a half thousand", "order_quantity", {"order_quantity": 2500}),
        ("twelve hundred", "order_quantity", {"order_quantity": 1200}),
        ("between 200-400", "order_quantity", {"order_quantity": 400}),
        # negations flip the fact instead of matching its keyword
        ("we are not a startup any more", None, {"business_stage": "established"}),
        ("no one on our team designs", None, {"own_design": "no"}),
        ("owning the mold isn't important to us", None, {"ip_importance": "low"}),
        ("we're in no hurry", None, {"weeks_to_launch": 52}),
        ("we never pick stock designs, it's all ours", None, {"own_design": "yes"}),
        ("deadlines don't matter; protecting our ip really does", None, {"ip_importance": "high"}),
        ("we don't have any budget for moulds", None, {"budget": "limited"}),
        # a polarity word outside the topic's own words decides; a protected patent still counts
        ("ip protection really isn't a big deal here", None, {"ip_importance": "low"}),
        ("ip protection is vital", None, {"ip_importance": "high"}),
        ("our patented character", None, {"ip_importance": "high", "own_design": "yes"}),
        ("we'd rather not spend anything on r&d", None, {"budget": "limited"}),
        # limits on the order count as its size
        ("no more than 150 this time", None, {"order_quantity": 150}),
        # "X or Y months" is one span, and a said time wins over "no rush"
        ("no hurry, we'd launch in 5 or 6 months", None, {"weeks_to_launch": 26}),
        # a young company is not established; the factory's own designs are no design of ours
        ("we started in 2024 and have 3 people", None, {}),
        ("happy to go with one of the supplier's stock designs", None, {"own_design": "no"}),
        ("we're a toy label with finished drawings", None, {"own_design": "yes"}),
        # asked something else, a number without its unit noun is no order size
        ("roughly 8", "business_stage", {}),
    ],
)
def test_kinds_of_buyer_facts(text, asked, expected):
    facts = extract_facts(text, asked=asked, today=TODAY).facts
    assert facts == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    "text, weeks",
    [
        ("on shelves by mid-march", (date(2027, 3, 15) - TODAY).days / 7),
        ("the first week of june", (date(2027, 6, 7) - TODAY).days / 7),
        ("a 3-month window", 13),
        ("launch on 14/02/2027", (date(2027, 2, 14) - TODAY).days / 7),
        ("we can't wait months", 4),
        ("early april", (date(2027, 4, 7) - TODAY).days / 7),
    ],
)
def test_dates_buyers_write(text, weeks):
    assert parse_weeks(text, TODAY) == pytest.approx(weeks, abs=0.01)


@pytest.mark.parametrize(
    "text, oem, odm",
    [
        ("OEM quoted $3.20/pc with $6k tooling; ODM $2.80 each + $400 setup", (6000, 3.2), (400, 2.8)),
        ("$12,000 moulds @ $0.90 (OEM) vs $0 setup @ $1.40 (ODM)", (12000, 0.9), (0, 1.4)),
        (
            "Setup is 4,000 dollars + 1.20 per unit at the OEM plant; the ODM one is 600 dollars + 1.80 per unit",
            (4000, 1.2),
            (600, 1.8),
        ),
        ("OEM - 9k tooling, 0.75/pc. ODM - 1k setup, 1.15/pc. we'd order 6000", (9000, 0.75), (1000, 1.15)),
        ("oem: mould 2500, unit 1,10 € | odm: setup 300, unit 1,60 €", (2500, 1.1), (300, 1.6)),
        # an order size before the first name is not a figure of the quotes
        ("For 3,000 pcs: OEM mould $4,000 at $2.00 a piece, ODM setup $250 at $2.90 a piece", (4000, 2.0), (250, 2.9)),
        ("for a 700-unit batch: oem 5000 tooling + 1/unit; odm 400 setup + 1.80/unit", (5000, 1.0), (400, 1.8)),
        # "unit" labels the figure after it; cents; a shared price; a fixed cost in its own cell
        ("oem tooling 4000 usd unit 1.5 | odm setup 900 unit 2.25", (4000, 1.5), (900, 2.25)),
        (
            "OEM wants 80 cents a unit plus a 5,000 dollar mould, ODM 1.30 a unit and 150 dollars setup",
            (5000, 0.8),
            (150, 1.3),
        ),
        ("OEM and ODM both charge $3/unit; OEM adds $2,000 tooling, ODM $200 setup", (2000, 3.0), (200, 3.0)),
        ("OEM | mould 7,000 | 0.95/pc ; ODM | setup 500 | 1.60/pc", (7000, 0.95), (500, 1.6)),
        # a decimal before a unit noun is a price; a fixed cost's label is not the next amount's
        ("OEM: 3500 mould / 1.10 unit. ODM: 250 setup / 1.75 unit.", (3500, 1.1), (250, 1.75)),
        ("ODM: 2k setup, 5 bucks a piece. OEM: 7.5k tooling, 3 bucks.", (7500, 3.0), (2000, 5.0)),
        # a shared price said first; labels before their figures; "at $X tooling"; an order size among prices
        ("Both came back at $1.80 a unit, but OEM wants $3,000 tooling and ODM $300 setup", (3000, 1.8), (300, 1.8)),
        ("mould 12k / unit 2.00 (OEM) vs setup 1k / unit 2.90 (ODM)", (12000, 2.0), (1000, 2.9)),
        ("OEM at $9k tooling and $1.10/unit, ODM at $800 + $1.70/unit, totals at 4,000?", (9000, 1.1), (800, 1.7)),
    ],
)
def test_quotes_in_the_formats_buyers_write(text, oem, odm):
    quotes = parse_quotes(text).quotes
    assert (quotes["OEM"].fixed, quotes["OEM"].per_unit) == pytest.approx(oem)
    assert (quotes["ODM"].fixed, quotes["ODM"].per_unit) == pytest.approx(odm)


def test_a_higher_oem_unit_price_parses_and_has_no_break_even():
    comparison = parse_quotes("OEM: $1,500 tooling, $3.20 each; ODM: $300 setup, $2.95 each")
    assert break_even_quantity(comparison.quotes["OEM"], comparison.quotes["ODM"]) is None


def test_a_quote_what_if_changes_only_the_named_figure():
    comparison = parse_quotes("OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit")
    revised = revise_quotes(comparison, "what if the OEM mould came down to $3,000?")
    assert revised.quotes["OEM"] == Quote("OEM", 3000, 2.1) and revised.quotes["ODM"] == comparison.quotes["ODM"]
    assert revise_quotes(comparison, "and for 6k?") is None
    corrected = revise_quotes(comparison, "correction: the OEM unit price is $2.60 instead of $2.10")
    assert corrected.quotes["OEM"] == Quote("OEM", 8000, 2.6)
    risen = revise_quotes(comparison, "say their unit price rose to $2.40 for OEM")
    assert risen.quotes["OEM"] == Quote("OEM", 8000, 2.4)


@pytest.mark.parametrize(
    "text, model, quote",
    [
        ("suppose the tooling came to $5,500", "OEM", (5500, 2.1)),  # moulds and tooling are OEM's
        ("and if they waive the setup fee?", "ODM", (0, 3.4)),  # setup is ODM's; waived is zero
    ],
)
def test_a_quote_what_if_without_the_model_named(text, model, quote):
    comparison = parse_quotes("OEM: $8,000 tooling + $2.10/unit, ODM: $500 setup + $3.40/unit")
    assert revise_quotes(comparison, text).quotes[model] == Quote(model, *quote)


@pytest.mark.parametrize(
    "text, facts",
    [
        ("we already have 3D models and style guides for all of it", {"own_design": "yes"}),
        ("lead time of 8+ months is fine", {"weeks_to_launch": 34.67}),
        ("suppose we only ordered 150?", {"order_quantity": 150.0}),
        ("250pcs please", {"order_quantity": 250.0}),
        ("we cannot wait a few months for this", {"weeks_to_launch": 4.0}),
        ("the team lacks any in-house design skills", {"own_design": "no"}),
        (
            "new bussiness, dont have a desing, very tight budjet",
            {"own_design": "no", "budget": "limited", "business_stage": "startup"},
        ),
    ],
)
def test_answers_in_the_shapes_buyers_type(text, facts):
    found = extract_facts(text, today=TODAY).facts
    assert {k: round(v, 2) if isinstance(v, float) else v for k, v in found.items()} == facts


def test_common_words_near_vocabulary_words_are_left_alone():
    from advisor.vocabulary import correct_typos

    assert correct_typos("halve it, theirs, eight goods at the booth") == "halve it, theirs, eight goods at the booth"
    assert correct_typos("recomend one, peices") == "recommend one, pieces"


def test_a_fee_scaled_in_a_what_if():
    comparison = parse_quotes("OEM: $6,000 tooling + $2/unit, ODM: $1,000 setup + $4/unit")
    assert revise_quotes(comparison, "suppose the mould cost were cut in half").quotes["OEM"] == Quote("OEM", 3000, 2)
    assert revise_quotes(comparison, "and if ODM's unit price doubled?").quotes["ODM"] == Quote("ODM", 1000, 8)


@pytest.mark.parametrize(
    "text, facts",
    [
        ("we manage 40 online accounts and want to sell plush", {}),  # accounts are no order
        ("we'd like to add 2 more toys to the range", {}),  # how many products, not units
        ("a pilot run of 400 and then we'll see", {"order_quantity": 400.0}),
        ("we run 12 market stalls", {}),
        ("150 of each colourway", {"order_quantity": 150.0}),
        ("the whole thing is a nine-month programme", {"weeks_to_launch": 39.0}),
        ("it would be one of their catalogue robots with our logo", {"own_design": "no"}),
        ("the factory builds it to our technical drawings", {"own_design": "yes"}),
    ],
)
def test_counts_spans_and_described_models_in_statements(text, facts):
    found = extract_facts(text, today=TODAY).facts
    assert {k: round(v, 2) if isinstance(v, float) else v for k, v in found.items()} == facts


def test_a_described_model_in_a_question_says_nothing_about_the_buyer():
    assert "own_design" not in extract_facts("is the MOQ lower when the factory builds to technical drawings?").facts


def test_a_new_order_size_in_a_what_if_once_one_is_known():
    assert extract_facts("what about 4,500?", asked="budget", quantity_known=True).facts == {"order_quantity": 4500.0}
    assert extract_facts("what about 4,500?", asked="budget").facts == {}


@pytest.mark.parametrize(
    "text, asked, facts",
    [
        ("We haven't got any drawings; something that already exists is fine", "own_design", {"own_design": "no"}),
        ("dont really care tbh", "ip_importance", {"ip_importance": "low"}),
        ("Not particularly.", "ip_importance", {"ip_importance": "low"}),
        ("zero design skills here", None, {"own_design": "no"}),
        ("the range has 120 products and 6 designers on staff", None, {"own_design": "yes"}),
        ("we've been making puzzles for 30 years", None, {"business_stage": "established"}),
    ],
)
def test_questionnaire_answers_in_more_words(text, asked, facts):
    assert extract_facts(text, asked=asked, today=TODAY).facts == facts


def test_a_changed_order_size_mid_questionnaire():
    said = "bad news, the order fell to 120 when a client pulled out"
    assert extract_facts(said, asked="budget", quantity_known=True).facts == {"order_quantity": 120.0}


def test_dotted_acronyms_are_the_models():
    from advisor.understanding.buyer_text import normalise

    assert normalise("so what's an O.E.M. then") == "so what's an oem then"


def test_a_unit_price_named_in_a_what_if_changes_the_unit_price():
    comparison = parse_quotes("OEM: $9,000 tooling + $5/unit, ODM: $900 setup + $6/unit")
    assert revise_quotes(comparison, "suppose OEM's price per piece dropped to $3.50").quotes["OEM"] == Quote(
        "OEM", 9000, 3.5
    )


def test_so_many_of_each_is_an_order():
    assert extract_facts("roughly 300 of a single design each quarter").facts["order_quantity"] == 300.0


@pytest.mark.parametrize(
    "text, facts",
    [
        ("qty ~75, want them by the end of nxt mo", {"order_quantity": 75.0}),
        ("~400u", {"order_quantity": 400.0}),
        ("GTM in approx 5 mos", {"weeks_to_launch": pytest.approx(21.67, abs=0.1)}),
    ],
)
def test_texting_shorthand(text, facts):
    found = extract_facts(text).facts
    assert {slot: found.get(slot) for slot in facts} == facts


def test_a_launch_word_keeps_a_time_said_while_another_question_is_asked():
    assert extract_facts("about 900 pieces, street date 8 months out", asked="order_quantity").facts == {
        "order_quantity": 900.0,
        "weeks_to_launch": pytest.approx(34.67, abs=0.1),
    }


def test_a_holiday_next_year_is_a_year_on():
    assert extract_facts("for Christmas next year", today=date(2026, 6, 1)).facts["weeks_to_launch"] > 52


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("none of us can draw", "own_design", "no"),
        ("our own designers have drawn up the lot", "own_design", "yes"),
        ("we don't mind whose design it is", "ip_importance", "low"),
        ("if a rival owned this character it would sink us, we need the rights", "ip_importance", "high"),
        ("skint, to be honest", "budget", "limited"),
        ("the dosh is set aside", "budget", "healthy"),
        ("we only just got going", "business_stage", "startup"),
        ("we've been a going concern for donkey's years", "business_stage", "established"),
    ],
)
def test_profile_answers_in_everyday_words(text, slot, value):
    assert extract_facts(text).facts.get(slot) == value


def test_a_changed_quote_keeps_order_sizes_apart_from_amounts():
    quotes = parse_quotes("OEM $6,000 tooling + $2 each, ODM $1,000 setup + $3 each")
    halved = revise_quotes(quotes, "and at 5k units with the tooling halved?")
    assert (halved.quotes["OEM"].fixed, halved.quotes["OEM"].per_unit) == (3000.0, 2.0)
    supposed = revise_quotes(quotes, "what if the OEM tooling was 4500?")
    assert supposed.quotes["OEM"].fixed == 4500.0
    replaced = revise_quotes(quotes, "the ODM setup was $1,000, now it's $700")
    assert replaced.quotes["ODM"].fixed == 700.0


@pytest.mark.parametrize("text", ["we manage a fleet of 40 trucks", "a team for 25 kids"])
def test_a_count_of_something_else_after_of_or_for_is_no_order(text):
    assert "order_quantity" not in extract_facts(text).facts


def test_a_ruled_out_description_describes_nothing():
    from advisor.replies.answers import models_described

    assert models_described("made to our drawings, nothing off-the-shelf") == ["OEM"]
    assert models_described("not a stock design") == []


def test_a_scaled_figure_referred_back_to_is_not_scaled_again():
    quotes = parse_quotes("OEM $8,000 tooling + $2 each, ODM $1,000 setup + $3 each")
    assert revise_quotes(quotes, "so at 6k with the halved tooling?") is None  # the quotes as they stand
    assert revise_quotes(quotes, "and if the tooling were halved?").quotes["OEM"].fixed == 4000.0


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("the mascot is trademarked, the rights stay with us", "ip_importance", "high"),
        ("IP? whatevs", "ip_importance", "low"),
        ("we don't need to own it", "ip_importance", "low"),
        ("not an artist among the lot of us, sadly", "own_design", "no"),
        ("we run on the smell of an oily rag", "budget", "limited"),
        ("money isn't the problem here", "budget", "healthy"),
        ("a volunteer-run toy library", "business_stage", "startup"),
    ],
)
def test_more_profile_answers_in_everyday_words(text, slot, value):
    assert extract_facts(text).facts.get(slot) == value


@pytest.mark.parametrize(
    "text, quantity",
    [("about 90 of those wooden trains", 90.0), ("volume: 12k", 12000.0), ("version 2 of the toy", None)],
)
def test_more_order_sizes(text, quantity):
    assert extract_facts(text).facts.get("order_quantity") == quantity


def test_a_season_after_next_is_more_than_a_year_away():
    assert extract_facts("launch is the summer after next", today=date(2026, 11, 24)).facts["weeks_to_launch"] > 52


def test_wanting_goods_is_a_plan_not_a_request():
    assert not is_question("We'd like 60 plush dogs with our name on the collar.")
    assert is_question("We'd like to know the MOQ for ODM.")


def test_one_design_is_no_order_of_one():
    assert "order_quantity" not in extract_facts("we're planning one plush fox with our logo").facts
    assert extract_facts("order quantity: five units", asked="order_quantity").facts["order_quantity"] == 5.0


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("we're a tiny startup café", "business_stage", "startup"),
        ("our brand team has a full spec for it", "own_design", "yes"),
        ("the budget is sanctioned", "budget", "healthy"),
        ("budget's okay for this", "budget", "healthy"),
    ],
)
def test_stage_design_and_budget_in_plain_words(text, slot, value):
    assert extract_facts(text).facts.get(slot) == value


@pytest.mark.parametrize(
    "text",
    [
        "our café sees about 3,200 customers a week. what's the ODM minimum?",
        "the park is open 200 days a year",
        "we get 40k monthly visitors on the shop",
    ],
)
def test_counts_per_period_are_neither_orders_nor_deadlines(text):
    facts = extract_facts(text).facts
    assert "order_quantity" not in facts and "weeks_to_launch" not in facts


def test_units_per_period_and_deadlines_in_a_period_still_count():
    assert extract_facts("we'd need 1,500 units a month").facts["order_quantity"] == 1500.0
    facts = extract_facts("we need 200 pieces in a month")
    assert facts.facts == {"order_quantity": 200.0, "weeks_to_launch": pytest.approx(4.33, abs=0.01)}


def test_the_noun_a_quote_is_priced_by_counts_the_order():
    text = "OEM £1,800 mould and £2.20 per owl, ODM £90 setup and £2.60 per owl. Totals for 250 owls?"
    assert extract_facts(text).facts["order_quantity"] == 250.0
    assert "order_quantity" not in extract_facts("we volunteer for 40 charities").facts


@pytest.mark.parametrize(
    "text, quantity",
    [
        ("one per pupil, and we have 420 pupils", 420.0),
        ("a gift for every guest; there'll be 260 guests", 260.0),
        ("one each for our 75 staff", 75.0),
        ("one for each of the 130 children on the ward", 130.0),
        ("we look after 130 children on the ward", None),
    ],
)
def test_one_for_each_of_them_makes_them_the_order(text, quantity):
    assert extract_facts(text).facts.get("order_quantity") == quantity


def test_a_models_own_time_is_no_launch_date():
    assert "weeks_to_launch" not in extract_facts("does the OEM 3-6 months include sampling?").facts
    assert extract_facts("we launch in 5 weeks, is the ODM 2-4 weeks realistic?").facts["weeks_to_launch"] == 5.0


@pytest.mark.parametrize(
    "text, own_design",
    [
        ("we have no wish to reuse the factory's stock designs", "yes"),
        ("we don't want to be stuck adjusting a catalogue toy", "yes"),
        ("not interested in putting our logo on their existing plush", "yes"),
    ],
)
def test_a_model_description_wanted_away_points_to_the_other(text, own_design):
    assert extract_facts(text).facts.get("own_design") == own_design


@pytest.mark.parametrize(
    "text",
    ["under ODM who keeps the base design", "so would we own the design?", "do I get to own the mould with OEM?"],
)
def test_asking_who_owns_the_design_states_no_design(text):
    assert "own_design" not in extract_facts(text).facts


def test_a_short_lead_in_before_the_question_word_is_still_a_question():
    assert is_question("for OEM, how long does sampling take")
    assert not is_question("for our shop we need 200")


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("ip doesnt matter to us", "ip_importance", "low"),
        ("the rights are neither here nor there", "ip_importance", "low"),
        ("if anybody copies our otter we'll sue", "ip_importance", "high"),
        ("we opened five months ago", "business_stage", "startup"),
        ("the society only just set up", "business_stage", "startup"),
        ("selling kites since the nineties", "business_stage", "established"),
        ("Fully funded.", "budget", "healthy"),
        ("we've just a few quid", "budget", "limited"),
        ("none of us can draw", "own_design", "no"),
        ("every drawing signed off already", "own_design", "yes"),
        ("250 or so please", "order_quantity", 250.0),
        ("call it 90, in five weeks", "order_quantity", 90.0),
        ("we sold about 400 last spring", "order_quantity", None),
    ],
)
def test_facts_volunteered_in_loose_words(text, slot, value):
    assert extract_facts(text).facts.get(slot) == value
