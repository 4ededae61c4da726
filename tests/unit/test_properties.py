"""Property-based tests (hypothesis) of the buyer-text parsers and the decision core: any text in,
a value of the right kind out, never an exception; any profile in, a well-formed recommendation out."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.decision import BuyerProfile, recommend
from advisor.understanding.buyer_text import (
    UNSURE,
    QuoteComparison,
    QuoteError,
    extract_facts,
    parse_quantity,
    parse_quotes,
    parse_weeks,
)
from advisor.vocabulary import PROFILE_SLOTS

TODAY = date(2026, 3, 2)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text with what buyers and attackers send: any Unicode (NUL, RTL marks, emoji, other scripts),
# plus words and numbers the parsers look for, so the parsers' interesting paths are reached.
VOCABULARY = [
    "units",
    "pcs",
    "weeks",
    "months",
    "by",
    "in",
    "march",
    "2k",
    "5,000",
    "-3",
    "1e309",
    "not sure",
    "yes",
    "no",
    "tight",
    "healthy",
    "startup",
    "established",
    "IP",
    "crucial",
    "$",
    "€",
    "OEM",
    "ODM",
    "/unit",
    "setup",
    "'; DROP TABLE factors; --",
    "<script>",
    "\u202e",
    "\x00",
    "🧸",
    "玩具",
]
buyer_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.one_of(st.sampled_from(VOCABULARY), st.integers(-(10**12), 10**12).map(str), st.text(max_size=5)),
        max_size=25,
    ).map(" ".join),
)
FACT_VALUES = {
    "own_design": {"yes", "no", UNSURE},
    "ip_importance": {"high", "low", UNSURE},
    "budget": {"limited", "healthy", UNSURE},
    "business_stage": {"startup", "growing", "established", UNSURE},
}
ADVERSARIAL_LONG_TEXTS = [
    "1" * 12000,
    "in " * 4000,
    "9 " * 6000 + "weeks",
    "by march " * 1300,
    "$1," * 4000,
    "not " * 3000 + "sure",
    "🧸" * 12000,
    "a" * 11999 + "\x00",
]


@PROPERTY_SETTINGS
@given(text=buyer_text, asked=st.booleans())
def test_a_quantity_is_none_or_a_finite_number(text, asked):
    quantity = parse_quantity(text, asked=asked)
    assert quantity is None or (isinstance(quantity, float) and math.isfinite(quantity) and quantity >= 0)


@PROPERTY_SETTINGS
@given(units=st.integers(1, 10_000_000))
def test_a_stated_quantity_reads_back(units):
    assert parse_quantity(f"we need {units:,} units") == units
    assert parse_quantity(str(units), asked=True) == units


@PROPERTY_SETTINGS
@given(text=buyer_text)
def test_a_launch_time_is_none_or_a_finite_number(text):
    weeks = parse_weeks(text, today=TODAY)
    assert weeks is None or (isinstance(weeks, float) and math.isfinite(weeks))


@PROPERTY_SETTINGS
@given(weeks=st.integers(1, 520))
def test_a_stated_duration_reads_back(weeks):
    assert parse_weeks(f"in {weeks} weeks", today=TODAY) == weeks


@PROPERTY_SETTINGS
@given(text=buyer_text, asked=st.sampled_from((None,) + PROFILE_SLOTS))
def test_extracted_facts_are_only_valid_profile_values(text, asked):
    extraction = extract_facts(text, asked=asked, today=TODAY)
    assert set(extraction.facts) <= set(PROFILE_SLOTS)
    for slot, value in extraction.facts.items():
        if slot == "order_quantity":
            assert value == UNSURE or 1 <= value <= 10_000_000
        elif slot == "weeks_to_launch":
            assert value == UNSURE or (math.isfinite(value) and value > 0)
        else:
            assert value in FACT_VALUES[slot]
    assert extraction.problem is None or isinstance(extraction.problem, str)


@PROPERTY_SETTINGS
@given(text=buyer_text)
def test_quotes_parse_or_say_why_not(text):
    try:
        comparison = parse_quotes(text)
    except QuoteError as err:
        assert str(err)
    else:
        assert isinstance(comparison, QuoteComparison)
        assert all(quote.per_unit > 0 for quote in comparison.quotes.values())


@pytest.mark.parametrize("text", ADVERSARIAL_LONG_TEXTS, ids=range(len(ADVERSARIAL_LONG_TEXTS)))
def test_long_messages_are_parsed_without_error(text):
    for asked in (None,) + PROFILE_SLOTS:
        extract_facts(text, asked=asked, today=TODAY)
    with pytest.raises(QuoteError):
        parse_quotes(text)


profiles = st.builds(
    BuyerProfile,
    own_design=st.sampled_from([None, "yes", "no", UNSURE]),
    ip_importance=st.sampled_from([None, "high", "low", UNSURE]),
    order_quantity=st.one_of(st.none(), st.just(UNSURE), st.floats(1, 10_000_000)),
    weeks_to_launch=st.one_of(st.none(), st.just(UNSURE), st.floats(0.1, 520)),
    budget=st.sampled_from([None, "limited", "healthy", UNSURE]),
    business_stage=st.sampled_from([None, "startup", "growing", "established", UNSURE]),
)


@PROPERTY_SETTINGS
@given(profile=profiles)
def test_every_profile_gets_a_well_formed_recommendation(snapshot, profile):
    rec = recommend(profile, snapshot)
    assert rec.model in {"OEM", "ODM"} and rec.confidence in {"high", "medium", "low"}
    assert rec == recommend(profile, snapshot)  # deterministic
    row_labels = {factor.row_label for factor in snapshot.factors.values()}
    assert all(reason.rows and set(reason.rows) <= row_labels for reason in rec.reasons)
    assert set(rec.unsure) == set(profile.unsure())


@PROPERTY_SETTINGS
@given(profile=profiles, share=st.floats(0.01, 0.99))
def test_an_order_below_oem_minimum_always_gets_odm(snapshot, profile, share):
    below_oem = snapshot.cell("moq", "OEM").range_min * share
    rec = recommend(BuyerProfile(**{**profile.__dict__, "order_quantity": below_oem}), snapshot)
    assert rec.model == "ODM"
