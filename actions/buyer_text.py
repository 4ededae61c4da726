"""Read a buyer's facts out of free text: quantities, deadlines, design, IP, budget, stage, quotes.

Pure Python, no Rasa import. `extract_facts(text, asked=...)` returns every fact it finds; the
slot being asked about (`asked`) also accepts bare answers ("about 200", "yes", "tight").
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

WEEKS_PER_MONTH = 52 / 12

PROFILE_SLOTS = ("own_design", "ip_importance", "order_quantity", "weeks_to_launch", "budget", "business_stage")
UNSURE = "unsure"

_SMALL_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "couple": 2, "few": 3, "several": 4, "dozen": 12,
}
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "k": 1000, "grand": 1000, "million": 1_000_000, "m": 1_000_000}
_NUMBER_WORD = "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))
_NUMBER = (rf"(?:(?P<digits>\d+(?:\.\d+)?)|(?P<word>{_NUMBER_WORD})\b"
           rf"(?:\s*(?:-|\s)\s*(?P<word2>{_NUMBER_WORD})\b)?)"
           r"(?:\s*(?P<mult>hundred|thousand|k|grand|million|m)\b)?")
_TIME_UNIT = r"(?P<unit>days?|d|weeks?|wks?|w|fortnights?|months?|mos?|mths?|years?|yrs?|quarters?)\b"
_DURATION = re.compile(rf"(?<![\w$€£.])(?:half\s+an?\s+(?P<half>year|month)|{_NUMBER}\s*(?:of\s+)?{_TIME_UNIT})", re.I)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<end>end\s+of\s+)?(?P<month>{_MONTH_WORD})\.?(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH_WORD}))\b(?:,?\s*(?P<year>20\d\d))?",
    re.I)
_ISO_DATE = re.compile(r"\b(?P<year>20\d\d)-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "halloween": (10, 31), "black friday": (11, 27),
             "valentine": (2, 14), "new year": (1, 1), "spring": (3, 21), "summer": (6, 21),
             "autumn": (9, 22), "fall": (9, 22), "winter": (12, 21)}
_PAST_SPAN = re.compile(r"\b(been|selling|operating|in business|existed|around|running|established)"
                        r"(\s+\w+){0,3}\s+(for|over)\s*$")  # "selling for 10 years" is not a deadline
_QUARTER = re.compile(r"\b(?:q([1-4])|(first|second|third|fourth) quarter)\b")
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_QUANTITY_NOUNS = (r"units?|pcs|pc|pieces?|plush(?:ies|y|es)?|toys?|items?|dolls?|figures?|figurines?|sets?|"
                   r"boxes|bears?|cars?|games?|puzzles?|products?|qty|pieces|ones|kits?|models?|robots?|blocks?")
_QUANTITY_CUE_BEFORE = re.compile(r"\b(order(?:ing)?|quantity|qty|moq|batch|run|make|need|want|buy|produce|"
                                  r"volume|about|around|roughly|approximately|approx|~)\s*(?:of\s+)?$", re.I)


def _value(match: re.Match) -> float:
    if match.group("digits"):
        value = float(match.group("digits"))
    else:
        word, second = match.group("word").lower(), (match.group("word2") or "").lower()
        value = float(_SMALL_NUMBERS[word])
        if second:  # "a few" -> few; "twenty five" -> 25
            value = _SMALL_NUMBERS[second] if word in ("a", "an") else value + _SMALL_NUMBERS[second]
    mult = (match.group("mult") or "").lower()
    return value * _MULTIPLIERS.get(mult, 1)


def normalise(text: str) -> str:
    """Lower-case, drop thousands separators ("2,000" -> "2000") and fold dashes and quotes."""
    text = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


# ------------------------------------------------------------------------------- quantities


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    cued: bool  # a unit noun follows or an order word precedes: a quantity even when not asked for


def find_quantities(text: str) -> list[Number]:
    """Numbers that can be an order quantity (not durations, money, dates or years)."""
    text = normalise(text)
    blocked = [m.span() for m in _DURATION.finditer(text)] + [m.span() for m in _DATE.finditer(text)]
    blocked += [m.span() for m in _MONEY.finditer(text) if m.group("cur_before") or m.group("cur_after")]
    numbers = []
    for match in re.finditer(rf"(?<![\w$€£.\-/=]){_NUMBER}(?![\w%=])", text, re.I):
        if not match.group(0).strip() or any(s <= match.start() < e for s, e in blocked):
            continue
        if match.group("word") and match.group("word").lower() in ("a", "an") and not match.group("mult"):
            continue
        value = _value(match)
        after = text[match.end():match.end() + 40]
        cued = bool(re.match(rf"\s*(?:(?!of\b|the\b|in\b|by\b|for\b)\w+\s+){{0,2}}?(?:{_QUANTITY_NOUNS})\b", after)) or bool(
            _QUANTITY_CUE_BEFORE.search(text[max(0, match.start() - 20):match.start()]))
        if (not cued and match.group("digits") and 1900 <= value <= 2100 and not match.group("mult")
                and re.search(r"\b(in|by|until|before|of|early|late|mid)\s*$", text[:match.start()])):
            continue  # a year
        numbers.append(Number(value, match.start(), match.end(), cued))
    return numbers


def parse_quantity(text: str, asked: bool = False) -> float | None:
    """An order quantity in units; a bare number counts only when the quantity was asked for."""
    numbers = [n for n in find_quantities(text) if n.cued or asked]
    if not numbers:
        return None
    cued = [n for n in numbers if n.cued]
    return (cued or numbers)[-1].value  # "actually make it 2000" -> the last one said


# ------------------------------------------------------------------------------- time


def _unit_weeks(unit: str) -> float:
    unit = unit.lower()
    if unit.startswith("d"):
        return 1 / 7
    if unit.startswith("w"):
        return 1.0
    if unit.startswith("f"):
        return 2.0
    if unit.startswith("q"):
        return 3 * WEEKS_PER_MONTH
    if unit.startswith("y"):
        return 52.0
    return WEEKS_PER_MONTH


def _date_weeks(match: re.Match, today: date) -> float | None:
    month = _MONTHS[(match.group("month") or match.group("month2")).lower().rstrip(".")]
    day_text = match.group("day") or match.group("day2")
    year = int(match.group("year")) if match.group("year") else today.year
    day = int(day_text) if day_text else calendar.monthrange(year, month)[1] if match.group("end") else 1
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    target = date(year, month, day)
    if target < today and not match.group("year"):
        target = target.replace(year=year + 1)
    return (target - today).days / 7


def parse_weeks(text: str, today: date | None = None) -> float | None:
    """Time until launch in weeks, from a duration ("in 6 weeks", "half a year") or a date ("by March 1").

    Returns a negative number for a date already past, so callers can say so."""
    today = today or date.today()
    text = normalise(text)
    if re.search(r"\b(asap|as soon as possible|right away|immediately|urgent(ly)?|yesterday)\b", text):
        return 1.0
    if re.search(r"\b(no rush|no deadline|no hurry|whenever|not in a hurry|take our time|flexible)\b", text):
        return 52.0
    durations = [m for m in _DURATION.finditer(text) if not _PAST_SPAN.search(text[:m.start()])]
    if durations:
        match = durations[-1]
        if match.group("half"):
            return 26.0 if match.group("half") == "year" else WEEKS_PER_MONTH / 2
        return round(_value(match) * _unit_weeks(match.group("unit")), 2)
    iso = _ISO_DATE.search(text)
    if iso:
        try:
            return (date(int(iso["year"]), int(iso["month"]), int(iso["day"])) - today).days / 7
        except ValueError:
            return None
    dated = list(_DATE.finditer(text))
    if dated:
        return _date_weeks(dated[-1], today)
    quarter = _QUARTER.search(text)
    if quarter:
        number = int(quarter.group(1)) if quarter.group(1) else _QUARTER_WORDS[quarter.group(2)]
        end = date(today.year, number * 3, calendar.monthrange(today.year, number * 3)[1])
        end = end if end >= today else end.replace(year=today.year + 1)
        return (end - today).days / 7
    for name, (month, day) in _HOLIDAYS.items():
        if re.search(rf"\b{name}\b", text):
            target = date(today.year, month, day)
            target = target if target >= today else target.replace(year=today.year + 1)
            return (target - today).days / 7
    relative = re.search(r"\b(next|this)\s+(week|month|quarter|year)\b", text)
    if relative:
        return {"week": 1.0, "month": WEEKS_PER_MONTH, "quarter": 13.0, "year": 52.0}[relative.group(2)]
    return None


def describe_weeks(weeks: float) -> str:
    """'3 weeks' / 'about 6 months' — how a deadline in weeks is said back to a buyer."""
    if weeks < 1:
        days = max(0, round(weeks * 7))
        return f"{days} day{'s' if days != 1 else ''}"
    if weeks < 9:
        rounded = round(weeks, 1)
        return f"{rounded:g} week{'s' if rounded != 1 else ''}"
    months = round(weeks / WEEKS_PER_MONTH, 1)
    return f"about {months:g} months"


# ------------------------------------------------------------------------------- money and quotes

_MONEY = re.compile(
    r"(?P<neg>-\s*)?(?P<cur_before>[$€£]|usd|eur|gbp)?\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<k>k\b)?"
    r"\s*(?P<cur_after>usd|eur|gbp|dollars?|euros?|pounds?)?"
    r"(?P<per_unit>\s*(?:/|per|a|an|each)\s*(?:unit|pc|piece|item|toy|ea)\b|\s*each\b|\s*/\s*u\b)?", re.I)
_CURRENCY_NAMES = {"$": "$", "usd": "$", "dollar": "$", "dollars": "$", "€": "€", "eur": "€", "euro": "€",
                   "euros": "€", "£": "£", "gbp": "£", "pound": "£", "pounds": "£"}


class QuoteError(ValueError):
    """A quote the buyer gave cannot be used; the message says why, in the buyer's terms."""


@dataclass(frozen=True)
class Quote:
    model: str
    fixed: float
    per_unit: float

    def total(self, quantity: float) -> float:
        return self.fixed + self.per_unit * quantity


@dataclass(frozen=True)
class QuoteComparison:
    quotes: dict[str, Quote]
    currency: str | None


def parse_quotes(text: str) -> QuoteComparison:
    """Read 'OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit' into one quote per model."""
    text = normalise(text)
    marks = [(m.start(), m.group(1).upper()) for m in re.finditer(r"\b(oem|odm)\b", text)]
    if {code for _, code in marks} != {"OEM", "ODM"}:
        raise QuoteError("I need both quotes, each after its model, e.g. "
                         "'OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit'.")
    quotes: dict[str, Quote] = {}
    currencies = set()
    for i, (start, code) in enumerate(marks):
        segment = text[start + 3: marks[i + 1][0] if i + 1 < len(marks) else len(text)]
        fixed, per_unit = 0.0, None
        for m in _MONEY.finditer(segment):
            if not m.group("amount") or re.match(rf"\s*(?:{_QUANTITY_NOUNS})\b", segment[m.end():]):
                continue  # not money: "at 10,000 units" is the order size
            amount = float(m.group("amount")) * (1000 if m.group("k") else 1)
            if m.group("neg"):
                raise QuoteError(f"The {code} quote has a negative amount ({m.group(0).strip()}); prices can't be negative.")
            for cur in (m.group("cur_before"), m.group("cur_after")):
                if cur:
                    currencies.add(_CURRENCY_NAMES.get(cur.lower(), cur))
            if m.group("per_unit"):
                per_unit = amount
            else:
                fixed += amount
        if per_unit is None:
            raise QuoteError(f"I couldn't find a per-unit price in the {code} quote; write it like '$2.10/unit'.")
        if per_unit == 0:
            raise QuoteError(f"The {code} per-unit price is zero; please give the real unit price.")
        quotes.setdefault(code, Quote(code, fixed, per_unit))
    if len(currencies) > 1:
        raise QuoteError(f"The quotes mix currencies ({', '.join(sorted(currencies))}); "
                         "convert them to one currency first.")
    return QuoteComparison(quotes, next(iter(currencies), None))


def break_even_quantity(oem: Quote, odm: Quote) -> float | None:
    """The order size above which OEM's total is lower, or None when one quote is cheaper at every size."""
    if oem.per_unit >= odm.per_unit:
        return None
    quantity = (oem.fixed - odm.fixed) / (odm.per_unit - oem.per_unit)
    return quantity if quantity > 0 else None


# ------------------------------------------------------------------------------- answers and facts

_UNSURE = re.compile(r"\b(not sure|unsure|don'?t know|dunno|idk|no idea|skip|pass|maybe|undecided|"
                     r"not decided|hard to say|depends|no clue|haven'?t decided|next question|not certain)\b")
_YES = re.compile(r"^\W*(y|yes|yeah|yea|yep|yup|sure|definitely|absolutely|of course|correct|i do|we do|"
                  r"indeed|certainly|affirmative|right|ok|okay)\b")
_NO = re.compile(r"^\W*(n|no|nope|nah|not really|not yet|we don'?t|i don'?t|none|negative|not at all)\b")
_DESIGN_WORDS = r"(designs?|specs?|specifications?|drawings?|cad|blueprints?|prototypes?|concept|artwork|sketch(es)?)"
_OWN_DESIGN = re.compile(
    rf"\b((my|our|own)\s+(own\s+)?(\w+\s+)?{_DESIGN_WORDS}|designed (it|them|by us|in-house|ourselves)|"
    r"in-house design|design team|we designed|i designed|our studio|have (a |the |complete |full )?designs?|"
    r"patented|our own character|my own character|original character|"
    r"have (a |an |the |some )?(\w+ )?(prototype|sketch(es)?|drawings?|cad files?|3d model))")
_NO_DESIGN = re.compile(
    rf"\b(no\s+(\w+\s+)?{_DESIGN_WORDS}|no designer|don'?t have (a |any )?{_DESIGN_WORDS}|without (a )?{_DESIGN_WORDS}|"
    r"need (a |some )?designs?|existing designs?|off[- ]the[- ]shelf|catalog(ue)?|stock designs?|ready[- ]made|"
    r"pre-?existing|your designs?|their designs?|(use|pick|choose|take) (one of )?(yours|your \w+)|just (my|our) logo|only (my|our) logo|haven'?t designed|"
    r"not yet designed|nothing designed|(only|just) (an? |the )?(\w+ )?(idea|concept)|no idea for the design)")
_HIGH = re.compile(r"\b(crucial|critical|essential|vital|very( much)?|really important|important|must|"
                   r"top priority|key|matters|need to own|exclusiv\w*|protect\w*|patent\w*|our own character|"
                   r"high priority|a lot|absolutely|big deal)\b")
_LOW = re.compile(r"\b(not important|unimportant|doesn'?t matter|don'?t care|not a priority|not a concern|"
                  r"low priority|not bothered|not really|not that important|not very important|not needed|"
                  r"no need|irrelevant|whatever|not fussed|not an issue for me|nice to have|somewhat|"
                  r"moderately|a little|a bit|not really important|not crucial|not critical|meh)\b")
_IP_TOPIC = re.compile(r"\b(ip|intellectual property|patent\w*|exclusive rights|exclusivity|own the rights)\b")
_TIGHT = re.compile(r"\b(tight|limited|small|low|shoestring|minimal|not much|bootstrap\w*|lean|no budget|"
                    r"can'?t afford|little|modest|short on (cash|money)|constrained|restricted|strapped|scarce|cheap)\b")
_HEALTHY = re.compile(r"\b(healthy|big|large|generous|plenty|sufficient|good|solid|decent|ample|well[- ]funded|"
                      r"funded|comfortable|no problem|not an issue|we can invest|flexible|strong|substantial|"
                      r"enough|high|huge|significant|considerable|deep pockets|a lot|lots|unlimited)\b")
_BUDGET_TOPIC = re.compile(r"\b(budget|funds|funding|money|cash|capital|afford|r&d|investment|invest)\b|"
                           r"bootstrap|shoestring|well[- ]funded")
_STARTUP = re.compile(r"\b(start-?ups?|start up|new (small )?(business|brand|company|shop)|small (business|"
                      r"shop|company|brand|seller|team)|etsy|side hustle|just starting|first product|solo|"
                      r"one[- ]person|first[- ]time|indie|hobby(ist)?|newcomer|new to this|small|new|tiny|launching)\b")
_ESTABLISHED = re.compile(r"\b(established|big brand|well[- ]known|large (company|brand|business)|"
                          r"existing brand|(large|big|national) (retailer|chain|manufacturer)|corporation|enterprise|been around|years in business|retail chain|"
                          r"major|mature|big company|household name|market leader|\d+\+? years|"
                          r"for years|decades?|long-standing|well established)\b")
_GROWING = re.compile(r"\b(mid[- ]?sized?|medium|growing|scale-?up|in between|somewhere in between)\b")


_NEGATION = re.compile(r"\b(not|no|never|isn'?t|aren'?t|wasn'?t|doesn'?t|don'?t|hardly)\W+(\w+\W+){0,2}$")


def _polarity(text: str, positive: re.Pattern, negative: re.Pattern) -> bool | None:
    """True/False when the text clearly leans one way; a negation flips the word ("not a big deal")."""
    for pattern, leaning in ((negative, False), (positive, True)):  # negative phrases first
        match = pattern.search(text)
        if match:
            return leaning != bool(_NEGATION.search(text[:match.start()]))
    return None


def _own_design(text: str, asked: bool) -> str | None:
    if _NO_DESIGN.search(text):
        return "no"
    if _OWN_DESIGN.search(text):
        return "yes"
    if asked:
        if _NO.search(text):
            return "no"
        if _YES.search(text):
            return "yes"
    return None


def _ip(text: str, asked: bool) -> str | None:
    if not asked and not _IP_TOPIC.search(text):
        return None
    if asked and _NO.search(text):
        return "low"
    leaning = _polarity(text, _HIGH, _LOW)
    if leaning is None and asked and _YES.search(text):
        leaning = True
    return None if leaning is None else ("high" if leaning else "low")


def _budget(text: str, asked: bool) -> str | None:
    if not asked and not _BUDGET_TOPIC.search(text):
        return None
    if re.search(r"\b(no|not|isn'?t|aren'?t)\s+(\w+\s+)?(big|large|much|healthy|generous)\b", text):
        return "limited"
    leaning = _polarity(text, _HEALTHY, _TIGHT)
    if leaning is None and asked:
        leaning = True if _YES.search(text) else False if _NO.search(text) else None
    return None if leaning is None else ("healthy" if leaning else "limited")


def _stage(text: str, asked: bool) -> str | None:
    if _ESTABLISHED.search(text):
        return "established"
    if _GROWING.search(text) and asked:
        return "growing"
    if _STARTUP.search(text) and (asked or not re.fullmatch(r".*\b(small|new|launching)\b.*", text)
                                  or re.search(r"\b(small|new) (\w+ )?(business|shop|company|brand)\b", text)):
        return "startup"
    return None


@dataclass(frozen=True)
class Extraction:
    facts: dict
    problem: str | None = None  # why the answer to the asked slot could not be used


def extract_facts(text: str, asked: str | None = None, today: date | None = None) -> Extraction:
    """Every buyer fact in `text`; `asked` names the profile slot the buyer is answering."""
    clean = normalise(text or "").strip()
    facts: dict = {}
    problem = None
    if asked and _UNSURE.search(clean):
        asked_bare = None  # "I don't know" must not read as a bare "no"
    else:
        asked_bare = asked
    design = _own_design(clean, asked_bare == "own_design")
    if design:
        facts["own_design"] = design
    ip = _ip(clean, asked_bare == "ip_importance")
    if ip:
        facts["ip_importance"] = ip
    weeks = parse_weeks(clean, today)
    if weeks is not None:
        if weeks <= 0:
            problem = "That date has already passed; when do you need the toys ready?"
        else:
            facts["weeks_to_launch"] = weeks
    quantity = parse_quantity(clean, asked == "order_quantity")
    if quantity is not None:
        if quantity < 1:
            problem = "An order needs at least one unit; how many units do you plan to order?"
        elif quantity > 10_000_000:
            problem = "That's more than any toy run I can judge from the table; how many units will you order?"
        else:
            facts["order_quantity"] = float(quantity)
    elif asked == "order_quantity" and re.search(r"-\s*\d", clean):
        problem = "A quantity can't be negative; how many units do you plan to order?"
    budget = _budget(clean, asked_bare == "budget")
    if budget:
        facts["budget"] = budget
    stage = _stage(clean, asked_bare == "business_stage")
    if stage:
        facts["business_stage"] = stage
    if asked and asked not in facts and _UNSURE.search(clean):
        facts[asked] = UNSURE
    if asked == "budget" and "budget" not in facts and problem is None and re.search(r"[$€£]\s*\d|\d\s*(usd|eur|k)\b", clean):
        problem = ("The comparison table gives no cost figures, so I can't judge an amount on its own: "
                   "is that budget for up-front design and tooling tight or comfortable?")
    return Extraction(facts, problem)
