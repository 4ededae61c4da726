"""The decision core over a grid of buyer profiles, with each expectation derived from the table.

How the expectations were derived (OEM: MOQ 500-5000+ units, 3-6 months; ODM: 50-500 units, 2-4 weeks):
- an order below OEM's 500-unit minimum, or a launch sooner than OEM's 3 months, rules OEM out: ODM;
- otherwise each fact leans one way (Design Ownership, Best For, MOQ/Unit Cost, Development Time rows):
  own design +3 OEM / none +3 ODM; IP crucial +3 OEM / unimportant +1 ODM; over ODM's 500 units +2 OEM;
  6 months or more +1 OEM / between 3 and 6 months +1 ODM; established +2 OEM / startup +2 ODM;
  the larger sum wins, a tie goes to the lower-risk ODM.
"""

from __future__ import annotations

import pytest

from advisor.decision import BuyerProfile, explain_unsure, recommend
from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, ingest
from advisor.knowledge.store import KnowledgeStore, make_engine

# quantity, weeks to launch, own design, IP importance, stage, expected, why
GRID = [
    (150, 4, "yes", "high", "startup", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "yes", "high", "established", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "yes", "low", "startup", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "yes", "low", "established", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "no", "high", "startup", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "no", "high", "established", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "no", "low", "startup", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 4, "no", "low", "established", "ODM", "below OEM's MOQ and sooner than its 3 months"),
    (150, 17, "yes", "high", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "yes", "high", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "yes", "low", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "yes", "low", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "no", "high", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "no", "high", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "no", "low", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 17, "no", "low", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "yes", "high", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "yes", "high", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "yes", "low", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "yes", "low", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "no", "high", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "no", "high", "established", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "no", "low", "startup", "ODM", "below OEM's 500+ MOQ"),
    (150, 30, "no", "low", "established", "ODM", "below OEM's 500+ MOQ"),
    (500, 4, "yes", "high", "startup", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "yes", "high", "established", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "yes", "low", "startup", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "yes", "low", "established", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "no", "high", "startup", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "no", "high", "established", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "no", "low", "startup", "ODM", "sooner than OEM's 3 months"),
    (500, 4, "no", "low", "established", "ODM", "sooner than OEM's 3 months"),
    (500, 17, "yes", "high", "startup", "OEM", "both fit; leanings OEM 6 vs ODM 3"),
    (500, 17, "yes", "high", "established", "OEM", "both fit; leanings OEM 8 vs ODM 1"),
    (500, 17, "yes", "low", "startup", "ODM", "both fit; leanings OEM 3 vs ODM 4"),
    (500, 17, "yes", "low", "established", "OEM", "both fit; leanings OEM 5 vs ODM 2"),
    (500, 17, "no", "high", "startup", "ODM", "both fit; leanings OEM 3 vs ODM 6"),
    (500, 17, "no", "high", "established", "OEM", "both fit; leanings OEM 5 vs ODM 4"),
    (500, 17, "no", "low", "startup", "ODM", "both fit; leanings OEM 0 vs ODM 7"),
    (500, 17, "no", "low", "established", "ODM", "both fit; leanings OEM 2 vs ODM 5"),
    (500, 30, "yes", "high", "startup", "OEM", "both fit; leanings OEM 7 vs ODM 2"),
    (500, 30, "yes", "high", "established", "OEM", "both fit; leanings OEM 9 vs ODM 0"),
    (500, 30, "yes", "low", "startup", "OEM", "both fit; leanings OEM 4 vs ODM 3"),
    (500, 30, "yes", "low", "established", "OEM", "both fit; leanings OEM 6 vs ODM 1"),
    (500, 30, "no", "high", "startup", "ODM", "both fit; leanings OEM 4 vs ODM 5"),
    (500, 30, "no", "high", "established", "OEM", "both fit; leanings OEM 6 vs ODM 3"),
    (500, 30, "no", "low", "startup", "ODM", "both fit; leanings OEM 1 vs ODM 6"),
    (500, 30, "no", "low", "established", "ODM", "both fit; leanings OEM 3 vs ODM 4"),
    (2000, 4, "yes", "high", "startup", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "yes", "high", "established", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "yes", "low", "startup", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "yes", "low", "established", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "no", "high", "startup", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "no", "high", "established", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "no", "low", "startup", "ODM", "sooner than OEM's 3 months"),
    (2000, 4, "no", "low", "established", "ODM", "sooner than OEM's 3 months"),
    (2000, 17, "yes", "high", "startup", "OEM", "both fit; leanings OEM 8 vs ODM 3"),
    (2000, 17, "yes", "high", "established", "OEM", "both fit; leanings OEM 10 vs ODM 1"),
    (2000, 17, "yes", "low", "startup", "OEM", "both fit; leanings OEM 5 vs ODM 4"),
    (2000, 17, "yes", "low", "established", "OEM", "both fit; leanings OEM 7 vs ODM 2"),
    (2000, 17, "no", "high", "startup", "ODM", "both fit; leanings OEM 5 vs ODM 6"),
    (2000, 17, "no", "high", "established", "OEM", "both fit; leanings OEM 7 vs ODM 4"),
    (2000, 17, "no", "low", "startup", "ODM", "both fit; leanings OEM 2 vs ODM 7"),
    (2000, 17, "no", "low", "established", "ODM", "both fit; leanings OEM 4 vs ODM 5"),
    (2000, 30, "yes", "high", "startup", "OEM", "both fit; leanings OEM 9 vs ODM 2"),
    (2000, 30, "yes", "high", "established", "OEM", "both fit; leanings OEM 11 vs ODM 0"),
    (2000, 30, "yes", "low", "startup", "OEM", "both fit; leanings OEM 6 vs ODM 3"),
    (2000, 30, "yes", "low", "established", "OEM", "both fit; leanings OEM 8 vs ODM 1"),
    (2000, 30, "no", "high", "startup", "OEM", "both fit; leanings OEM 6 vs ODM 5"),
    (2000, 30, "no", "high", "established", "OEM", "both fit; leanings OEM 8 vs ODM 3"),
    (2000, 30, "no", "low", "startup", "ODM", "both fit; leanings OEM 3 vs ODM 6"),
    (2000, 30, "no", "low", "established", "OEM", "both fit; leanings OEM 5 vs ODM 4"),
]


@pytest.mark.parametrize("quantity, weeks, design, ip, stage, expected, why", GRID)
def test_decision_grid(snapshot, quantity, weeks, design, ip, stage, expected, why):
    rec = recommend(BuyerProfile(design, ip, quantity, weeks, None, stage), snapshot)
    assert rec.model == expected, why
    assert rec.for_model(expected), "a recommendation always has a reason for it"
    for reason in rec.reasons:
        assert reason.rows and all(row in {f.row_label for f in snapshot.factors.values()} for row in reason.rows)


def test_grid_is_large_and_covers_both_answers():
    assert len(GRID) >= 60 and {row[5] for row in GRID} == {"OEM", "ODM"}


def test_own_design_but_small_order_is_a_named_straddle(snapshot):
    rec = recommend(BuyerProfile("yes", "high", 200, 30, "healthy", "established"), snapshot)
    assert rec.model == "ODM" and rec.confidence == "medium"
    assert "200 units fit ODM's 50-500 units MOQ; OEM typically needs 500-5000+ units" in rec.tension
    assert "OEM once your volume reaches 500+ units" in rec.tension


def test_own_design_but_urgent_launch_is_a_named_straddle(snapshot):
    rec = recommend(BuyerProfile("yes", "high", 3000, 6, None, "established"), snapshot)
    assert rec.model == "ODM"
    assert "you can allow 3-6 months of development" in rec.tension


def test_oem_without_a_design_warns_to_commission_one(snapshot):
    rec = recommend(BuyerProfile("no", "high", 3000, 30, "healthy", "established"), snapshot)
    assert rec.model == "OEM" and "no design yet" in rec.tension


def test_clear_profiles_are_high_confidence(snapshot):
    assert recommend(BuyerProfile("no", "low", 200, 4, "limited", "startup"), snapshot).confidence == "high"
    assert recommend(BuyerProfile("yes", "high", 5000, 26, "healthy", "established"), snapshot).confidence == "high"


def test_skipped_questions_lower_confidence_and_are_named(snapshot):
    rec = recommend(BuyerProfile("yes", "unsure", 1000, "unsure", "limited", "startup"), snapshot)
    assert rec.confidence == "low"
    note = explain_unsure(rec)
    assert "how much owning the IP matters" in note and "your launch date" in note


def test_thresholds_come_from_the_store(tmp_path):
    """Widen ODM's MOQ range in the source: 800 units stops counting against ODM."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    changed = tmp_path / "source.md"
    changed.write_text(DEFAULT_SOURCE.read_text().replace("(50-500 units)", "(50-1000 units)"))
    ingest(changed, DEFAULT_CATALOG, make_engine(url))
    profile = BuyerProfile("no", "low", 800, 30, None, "established")
    rec = recommend(profile, KnowledgeStore(url).snapshot())
    assert rec.model == "ODM"
    assert not any("above ODM's typical" in r.text for r in rec.reasons)
