"""The decision core: a buyer profile in, an OEM or ODM recommendation with cited reasons out.

Pure Python (no Rasa). Every threshold comes from the knowledge store's structured values
(MOQ and development-time ranges); the weights say how strongly a fact leans one way.
Hard limits: an order below OEM's minimum order quantity, or a launch sooner than OEM's
shortest development time, rules OEM out — the recommendation is then ODM, and where other
facts pointed to OEM the reply names that tension.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.knowledge.store import MODELS, Snapshot
from advisor.replies.numbers import count, units
from advisor.understanding.buyer_text import UNSURE, describe_weeks
from advisor.vocabulary import PROFILE_FIELDS, PROFILE_SLOTS

WEIGHTS = {
    "design": 3,
    "ip_high": 3,
    "ip_low": 1,
    "volume": 2,
    "time_room": 1,
    "time_tight": 1,
    "budget_limited": 2,
    "budget_healthy": 1,
    "stage": 2,
}


@dataclass(frozen=True)
class BuyerProfile:
    """What the buyer told us; None = not asked yet, "unsure" = asked and skipped."""

    own_design: str | None = None  # yes | no | unsure
    ip_importance: str | None = None  # high | low | unsure
    order_quantity: float | str | None = None
    weeks_to_launch: float | str | None = None
    budget: str | None = None  # limited | healthy | unsure
    business_stage: str | None = None  # startup | growing | established | unsure

    def answered(self) -> list[str]:
        """The slots given so far (a value, not "unsure")."""
        return [slot for slot in PROFILE_SLOTS if getattr(self, slot) not in (None, UNSURE)]

    def unsure(self) -> list[str]:
        return [slot for slot in PROFILE_SLOTS if getattr(self, slot) == UNSURE]


@dataclass(frozen=True)
class Reason:
    favours: str | None  # "OEM", "ODM", or None for a neutral observation
    weight: int
    text: str
    rows: tuple[str, ...]  # table rows the reason rests on
    rules_out_oem: bool = False

    def cited(self) -> str:
        return f"{self.text} ({' / '.join(self.rows)} row{'s' if len(self.rows) > 1 else ''})"


@dataclass(frozen=True)
class Recommendation:
    model: str
    confidence: str  # high | medium | low
    scores: dict[str, int]
    reasons: tuple[Reason, ...]
    tension: str | None
    unsure: tuple[str, ...] = field(default_factory=tuple)

    def for_model(self, model: str) -> list[Reason]:
        return [r for r in self.reasons if r.favours == model]


def _quantity_reasons(quantity: float, table: Snapshot) -> list[Reason]:
    row = table.factors["moq"].row_label
    oem, odm = table.cell("moq", "OEM"), table.cell("moq", "ODM")
    order = units(quantity)
    if quantity < oem.range_min:
        fits = (
            f"fit ODM's {odm.range_text()} MOQ"
            if odm.contains(quantity)
            else (f"are below even ODM's typical {odm.range_text()}, but far closer to it")
        )
        return [
            Reason(
                "ODM",
                WEIGHTS["volume"] + 1,
                f"your {order} {fits}; OEM typically needs {oem.range_text()}",
                (row,),
                rules_out_oem=True,
            )
        ]
    if not odm.contains(quantity):
        return [
            Reason(
                "OEM",
                WEIGHTS["volume"],
                f"your {order} are above ODM's typical {odm.range_text()} and within OEM's "
                f"{oem.range_text()}, where OEM's per-unit cost is lower at scale",
                (row, table.factors["unit_cost"].row_label),
            )
        ]
    return [
        Reason(
            None,
            0,
            f"your {order} sit where both MOQ ranges meet (OEM {oem.range_text()}, ODM {odm.range_text()})",
            (row,),
        )
    ]


def _time_reasons(weeks: float, table: Snapshot) -> list[Reason]:
    row = table.factors["development_time"].row_label
    oem, odm = table.cell("development_time", "OEM"), table.cell("development_time", "ODM")
    (oem_min, oem_max), (odm_min, _) = oem.weeks_range(), odm.weeks_range()
    when = describe_weeks(weeks)
    if weeks < oem_min:
        note = "" if weeks >= odm_min else f" — even ODM's {odm.range_text()} is tight"
        return [
            Reason(
                "ODM",
                WEIGHTS["time_tight"] + 2,
                f"you need it in {when}: ODM takes {odm.range_text()}, OEM {oem.range_text()}{note}",
                (row,),
                rules_out_oem=True,
            )
        ]
    if weeks < oem_max:
        return [
            Reason(
                "ODM",
                WEIGHTS["time_tight"],
                f"{when} leaves OEM's {oem.range_text()} only at its faster end, while ODM's "
                f"{odm.range_text()} fits easily",
                (row,),
            )
        ]
    return [
        Reason(
            "OEM",
            WEIGHTS["time_room"],
            f"{when} leaves room for OEM's {oem.range_text()} of prototyping and production",
            (row,),
        )
    ]


def _stated_reasons(profile: BuyerProfile, table: Snapshot) -> list[Reason]:
    rows = {key: f.row_label for key, f in table.factors.items()}
    reasons = []
    if profile.own_design == "yes":
        reasons.append(
            Reason(
                "OEM",
                WEIGHTS["design"],
                "you have your own design: OEM builds the buyer's complete design with full customization",
                (rows["design_ownership"], rows["customization"]),
            )
        )
    elif profile.own_design == "no":
        reasons.append(
            Reason(
                "ODM",
                WEIGHTS["design"],
                "you have no design of your own: ODM starts from the manufacturer's base design that you customise",
                (rows["design_ownership"],),
            )
        )
    if profile.ip_importance == "high":
        reasons.append(
            Reason(
                "OEM",
                WEIGHTS["ip_high"],
                "owning the IP matters to you: with OEM the buyer owns "
                "the IP, with ODM the manufacturer owns the base IP",
                (rows["design_ownership"], rows["best_for"]),
            )
        )
    elif profile.ip_importance == "low":
        reasons.append(
            Reason(
                "ODM",
                WEIGHTS["ip_low"],
                "owning the base design's IP is not important to you, "
                "so ODM's manufacturer-owned base design is no drawback",
                (rows["design_ownership"],),
            )
        )
    if profile.budget == "limited":
        reasons.append(
            Reason(
                "ODM",
                WEIGHTS["budget_limited"],
                "your up-front budget is tight: ODM has the lower initial cost and suits a limited R&D budget",
                (rows["unit_cost"], rows["best_for"]),
            )
        )
    elif profile.budget == "healthy":
        reasons.append(
            Reason(
                "OEM",
                WEIGHTS["budget_healthy"],
                "your budget can carry OEM's higher initial cost and design investment",
                (rows["unit_cost"], rows["risk"]),
            )
        )
    if profile.business_stage == "startup":
        reasons.append(
            Reason(
                "ODM",
                WEIGHTS["stage"],
                "as a startup or small business you match ODM's "
                "'best for' (startups, fast market entry) and its lower risk",
                (rows["best_for"], rows["risk"]),
            )
        )
    elif profile.business_stage == "established":
        reasons.append(
            Reason(
                "OEM",
                WEIGHTS["stage"],
                "as an established brand you match OEM's 'best for' (established brands, unique products)",
                (rows["best_for"],),
            )
        )
    return reasons


def _oem_threshold(blockers: list[Reason], table: Snapshot) -> str:
    """'your volume reaches 500 units and you can allow 3-6 months' for the blockers found."""
    parts = []
    if any(table.factors["moq"].row_label in r.rows for r in blockers):
        parts.append(f"your volume reaches {count(table.cell('moq', 'OEM').range_min)}+ units")
    if any(table.factors["development_time"].row_label in r.rows for r in blockers):
        parts.append(f"you can allow {table.cell('development_time', 'OEM').range_text()} of development")
    return " and ".join(parts)


def _confidence(margin: int, hard: bool, unsure: int, tension: bool) -> str:
    levels = ["low", "medium", "high"]
    level = 2 if hard and not tension else 2 if margin >= 6 else 1 if margin >= 3 else 0
    if tension:
        level = min(level, 1)
    return levels[max(0, level - (1 if unsure >= 2 else 0) - (1 if unsure >= 4 else 0))]


def recommend(profile: BuyerProfile, table: Snapshot) -> Recommendation:
    """Weigh the profile against the table and say which model fits, how sure, and why."""
    reasons = _stated_reasons(profile, table)
    if isinstance(profile.order_quantity, (int, float)):
        reasons += _quantity_reasons(float(profile.order_quantity), table)
    if isinstance(profile.weeks_to_launch, (int, float)):
        reasons += _time_reasons(float(profile.weeks_to_launch), table)
    scores = {model: sum(r.weight for r in reasons if r.favours == model) for model in MODELS}
    blockers = [r for r in reasons if r.rules_out_oem]
    model = "ODM" if blockers or scores["ODM"] >= scores["OEM"] else "OEM"
    tension = None
    if blockers and scores["OEM"] >= WEIGHTS["design"]:
        pulls = sorted((r for r in reasons if r.favours == "OEM"), key=lambda r: -r.weight)[:2]
        pull_text = " and ".join(r.text.split(":")[0] for r in pulls)
        limits = "; and ".join(r.text for r in blockers)
        tension = (
            f"{pull_text[0].upper()}{pull_text[1:]}, which points to OEM, but {limits}. "
            f"So: ODM now, customising a base design, and OEM once {_oem_threshold(blockers, table)}."
        )
    elif model == "OEM" and profile.own_design == "no":
        tension = (
            "You have no design yet: OEM needs the buyer's complete design, so budget for commissioning "
            "one before production starts."
        )
    reasons.sort(key=lambda r: (r.favours != model, -r.weight))
    unsure = profile.unsure()
    return Recommendation(
        model,
        _confidence(abs(scores["OEM"] - scores["ODM"]), bool(blockers), len(unsure), tension is not None),
        scores,
        tuple(reasons),
        tension,
        tuple(unsure),
    )


def explain_unsure(recommendation: Recommendation) -> str | None:
    """The sentence on how skipped questions affect confidence, or None."""
    if not recommendation.unsure:
        return None
    topics = ", ".join(PROFILE_FIELDS[slot].meaning for slot in recommendation.unsure)
    effect = (
        "the other facts are decisive, so confidence stays high"
        if recommendation.confidence == "high"
        else f"so my confidence is only {recommendation.confidence}"
    )
    return f"You weren't sure about {topics}; I left that out and {effect}. Tell me and I'll re-check."
