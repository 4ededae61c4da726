"""Read a buyer's facts out of free text: quantities, deadlines, design, IP, budget, stage, quotes.

Pure Python, no Rasa import. Word lists come from the vocabulary (`data/knowledge/vocabulary.yml`);
number words are read by text2num, calendar dates by dateparser, money by price-parser.
`extract_facts(text, asked=...)` returns every fact it finds; the slot being asked about
(`asked`) also accepts bare answers ("about 200", "yes", "tight").
A number becomes an order size only with an order word or unit noun around it, or when the
quantity was asked; a duration becomes a deadline only when it is not about the past.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import dateparser
from price_parser import Price
from text_to_num import alpha2digit

from advisor.vocabulary import STOP_WORDS, correct_typos, phrase_alternation, vocabulary

WEEKS_PER_MONTH = 52 / 12
ESTABLISHED_AFTER_YEARS = 5  # "founded 2023" is still a young company; "trading 15 years" is established
PAST_CUE_REACH = 40  # characters before a span that can make it the past ("been trading for about 12 years")
MAX_LAUNCH_WEEKS = 10 * 52  # a longer span is about the past ("20 yrs"), not a launch

UNSURE = "unsure"

_VOCABULARY = vocabulary()
_WORDS = _VOCABULARY.answers
_SMALL_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "couple": 2,
    "few": 3,
    "several": 4,
    "dozen": 12,
}
_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "k": 1000, "grand": 1000, "million": 1_000_000, "m": 1_000_000}
_NUMBER_WORD = "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True))
_NUMBER = (
    rf"(?:(?P<digits>\d+(?:\.\d+)?)|(?P<word>{_NUMBER_WORD})\b"
    rf"(?:\s*(?:-|\s)\s*(?P<word2>{_NUMBER_WORD})\b)?)"
    r"(?:\s*(?P<mult>hundred|thousand|k|grand|million|m)\b)?"
)
# no bare "d": "3D models" are no three days
_TIME_UNIT = r"(?P<unit>days?|weeks?|wks?|w|fortnights?|months?|mos?|mths?|years?|yrs?|quarters?)\b"
_DURATION = re.compile(
    rf"(?<![\w$€£.])(?:half\s+an?\s+(?P<half>year|month)|{_NUMBER}\s*\+?\s*-?\s*(?:of\s+)?{_TIME_UNIT})", re.I
)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Where in a month a buyer's vague date falls: "mid-february", "first week of september", "end of january".
_PART_OF_MONTH = {
    "start": 1,
    "beginning": 1,
    "early": 7,
    "first week": 7,
    "first half": 10,
    "mid": 15,
    "middle": 15,
    "second week": 14,
    "third week": 21,
    "second half": 22,
    "late": 24,
    "last week": 28,
    "end": 31,
}
_PART_WORD = phrase_alternation(_PART_OF_MONTH)
_DATE = re.compile(
    rf"\b(?:(?:the\s+)?(?P<part>{_PART_WORD})(?:\s+of)?[\s-]+)?"
    rf"(?:(?P<month>{_MONTH_WORD})\.?(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>{_MONTH_WORD}))\b(?:,?\s*(?P<year>20\d\d))?"
)
_NUMERIC_DATE = re.compile(r"\b(?:20\d\d-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]20\d\d)\b")
_HOLIDAYS = {
    "christmas": (12, 25),
    "xmas": (12, 25),
    "halloween": (10, 31),
    "black friday": (11, 27),
    "valentine": (2, 14),
    "new year": (1, 1),
    "easter": (4, 5),
    "spring": (3, 21),
    "summer": (6, 21),
    "autumn": (9, 22),
    "fall": (9, 22),
    "winter": (12, 21),
    "back to school": (8, 15),
}
_QUARTER = re.compile(r"\b(?:q([1-4])|(first|second|third|fourth) quarter)\b")
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_QUANTITY_NOUNS = _VOCABULARY.quantity_nouns
_NOT_ORDER = re.compile(rf"\s*(?:[a-z]+\s+)?(?:{_VOCABULARY.not_order_nouns})(?![\w-])")
_QUANTITY_CUE_BEFORE = re.compile(
    r"\b(order(?:ing|ed|s)?|quantity|qty|moq|batch|(?:a|the|first|production|initial|trial|test|pilot) run|make|"
    r"made|need(?:ed|s)?|want(?:ed|ing)?|requir(?:e|es|ed|ing)|buy|bought|"
    r"call it|thinking|picturing|planning|looking at|(?:we're|we are|i'm|i am) after|"
    r"produced?|volume|about|around|roughly|approximately|approx|~|for|of|(?:more|less|fewer) than|up to|"
    r"at most|no more than|max(?:imum)?|(?:dropped|fallen|fell|down|went|gone|increased|risen|rose|changed|cut|bumped|"
    r"reduced|raised) to)\s*[:=]?\s*(?:(?:only|just)\s+)?(?:of\s+)?$"
)
_COLLECTION_BEFORE = re.compile(  # "a catalogue of 340 products", "we already stock 85 products": what they sell
    r"\b((catalogue|catalog|range|portfolio|line-?up|selection|collection) (of|has|with|includes|contains|spans)|"
    r"(sell|sells|stock|stocks|carry|carries|list|lists|offer|offers))\s*$"
)
_MORE_PRODUCTS = re.compile(r"\s*(new|more|different|extra|other|separate|further)\b")
_PER_UNIT_AFTER_NUMBER = re.compile(r"\s*(?:/|per\b|each\b|apiece\b|ea\b|a (?:unit|piece|pc)\b)")
_YEAR_CUE_BEFORE = re.compile(
    r"\b(in|by|until|before|of|early|late|mid|since|founded|established|est\.?|"
    r"started|from|circa)\s*$"
)


def _value(match: re.Match) -> float:
    if match.group("digits"):
        value = float(match.group("digits"))
    else:
        word, second = match.group("word").lower(), (match.group("word2") or "").lower()
        value = float(_SMALL_NUMBERS[word])
        if second:  # "a few" -> few; "a couple" -> couple
            value = _SMALL_NUMBERS[second] if word in ("a", "an") else value + _SMALL_NUMBERS[second]
    mult = (match.group("mult") or "").lower()
    return value * _MULTIPLIERS.get(mult, 1)


# After a unit noun, a figure makes the noun a label of that figure ("setup 1000 unit 3.75"), not
# the unit of the number before it.
_LABELS_NEXT_FIGURE = r"(?=\s*(?:price|cost)?\s*[:=]?\s*(?:is\s+)?[$€£]?\d)"
_VAGUE_TIMES_POWER = re.compile(r"\b(?:an?\s+)?(couple|few|several|dozen)(?:\s+of)?\s+(100|1000|1000000)\b")
_AND_A_HALF = re.compile(rf"\b(\d+|{_NUMBER_WORD}) and a half (100|1000|1000000)\b")
_A_POWER = re.compile(r"\ban? (100|1000|1000000)\b")


_CONTRACTIONS = {
    word.replace("'", ""): word
    for word in (
        "don't doesn't didn't can't isn't aren't haven't hasn't wasn't weren't wouldn't couldn't shouldn't "
        "i'm i've we're we've you're that's what's there's"
    ).split()
}
_APOSTROPHE_LESS = re.compile(rf"\b({'|'.join(_CONTRACTIONS)})\b")
_SHORTHAND = re.compile(rf"(?<![\w-])({'|'.join(re.escape(s) for s in _VOCABULARY.shorthands)})(?![\w-])")


@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Lower-case, fold dashes and quotes, correct misspelt vocabulary words ("importent"), drop thousands
    separators ("2,000" -> "2000") and write number words as digits ("twelve hundred" -> "1200",
    text2num; "a few hundred" -> "300")."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", " - ")
    text = re.sub(r"\b(o)\.?\s?(e|d)\.?\s?m\b\.?", r"\1\2m", text)  # "O.D.M." -> "odm"
    text = _APOSTROPHE_LESS.sub(lambda m: _CONTRACTIONS[m.group(0)], text)  # "dont" -> "don't"
    text = re.sub(r"\b(\w{3,})in'(?!\w)", r"\1ing", text).replace(" an' ", " and ")  # "meanin' an'"
    text = _SHORTHAND.sub(lambda m: _VOCABULARY.shorthands[m.group(0)], text.replace("~", " about "))  # "nxt mo"
    text = re.sub(r"(?<=\d)u\b", " units", text)  # "150u"
    text = correct_typos(text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d)(?:ish|-ish)\b", "", text)  # "250ish"
    text = re.sub(r"(?<=\d)(?=(?:pcs|pc|units?|pieces?|sets?|ea)\b)", " ", text)  # "100pcs"
    text = re.sub(r"(?<![\d-])(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)(?![\d-])", r"\1 to \2", text)  # "50-100"
    text = re.sub(r"(?<![\d-])(\d+)\s+or\s+(\d+)(?=\s*[a-z])", r"\1 to \2", text)  # "8 or 9 months"
    text = re.sub(r"\b([a-z]+)-(?=(?:months?|weeks?|years?|days?)\b)", r"\1 ", text)  # "six-month"
    text = alpha2digit(text, "en")
    text = _AND_A_HALF.sub(lambda m: f"{float(_SMALL_NUMBERS.get(m.group(1), m.group(1))) + 0.5:g}*{m.group(2)}", text)
    text = re.sub(r"(\d+(?:\.\d+)?)\*(\d+)", lambda m: f"{float(m.group(1)) * int(m.group(2)):g}", text)
    text = _VAGUE_TIMES_POWER.sub(lambda m: str(_SMALL_NUMBERS[m.group(1)] * int(m.group(2))), text)
    return _A_POWER.sub(r"\1", text)


# ------------------------------------------------------------------------------- quantities


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    cued: bool  # a unit noun follows or an order word precedes: a quantity even when not asked for
    counted: bool = False  # a unit noun follows ("300 plushies")


_PRICED_NOUN = re.compile(r"(?:\bper|/)\s*([a-z][a-z'-]+)")  # "£3.10 per lamb": lambs are this buyer's units
# "one per child, and there are 180 children", "one for each of our 300 guests": those are the order
_ONE_EACH_NOUN = re.compile(
    r"\b(?:(?:one|1)\s+(?:each\s+)?(?:per|for each|for every|each for|for)|an?\s+[a-z]+\s+(?:per|for each|for every))"
    r"\s+"
    r"(?:of\s+)?(?:(?:our|the|my|their|your)\s+)?"
    r"(?:\d[\d,]*\s+)?([a-z][a-z'-]+)"
)
_IRREGULAR_PLURALS = {"children": "child", "people": "person", "men": "man", "women": "woman", "mice": "mouse"}


def _singular(noun: str) -> str:
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _rate_spans(text: str) -> list[tuple[int, int]]:
    """Counts per period ("8,400 patients a month", "open 130 days a year"): neither orders nor deadlines."""
    spans = []
    for number in re.finditer(rf"(?<![\w.]){_NUMBER}", text):
        rate = _VOCABULARY.rate_after.match(text[number.end() :])
        if number.group(0).strip() and rate:
            spans.append((number.start(), number.end() + rate.end()))
    return spans


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Spans that hold durations, dates and money: their numbers are not order sizes."""
    spans = [m.span() for m in _DURATION.finditer(text)] + [m.span() for m in _DATE.finditer(text)]
    spans += [
        (m.start() - len(low.group(0)), m.start())
        for m in _DURATION.finditer(text)
        for low in [re.search(r"\d+(?:\.\d+)?\s+to\s+$", text[: m.start()])]
        if low
    ]  # "8 to 9 months"
    spans += [m.span() for m in _NUMERIC_DATE.finditer(text)]
    return spans + [m.span() for m in _MONEY.finditer(text) if m.group("cur_before") or m.group("cur_after")]


_OF_THOSE_NOUNS = re.compile(rf"\s+of (?:those|these|the|our|them|your)\s+(?:\w+\s+){{0,2}}?(?:{_QUANTITY_NOUNS})\b")


_ORDER_WORDS_BEFORE = re.compile(r"\b(order\w*|quantity|qty|moq|run|batch|buy|units?)\W+(\w+\W+){0,2}$")


def find_quantities(text: str) -> list[Number]:
    """Numbers that can be an order quantity (not durations, money, dates, years or counts of other
    things such as "12 stores" or "3 designers")."""
    text = normalise(text)
    blocked, rates = _blocked_spans(text), _rate_spans(text)
    unit_nouns = {_singular(noun) for noun in _PRICED_NOUN.findall(text) + _ONE_EACH_NOUN.findall(text)}
    numbers = []
    for match in re.finditer(rf"(?<![\w$€£.\-/=]){_NUMBER}(?![\w%=])", text):
        if not match.group(0).strip() or any(s <= match.start() < e for s, e in blocked):
            continue
        if match.group("word") and match.group("word") in ("a", "an") and not match.group("mult"):
            continue
        if match.group("word") and re.search(r"\b(the|these|those|both|of)\s*$", text[: match.start()]):
            continue  # "the two models", "one of the two" count nothing
        if match.group("word") and _value(match) < 10 and not _ORDER_WORDS_BEFORE.search(text[: match.start()]):
            continue  # "planning one plush bear": how many designs, not how many units
        if _value(match) < 10 and re.match(
            r"\s*(new|more|different|extra|other|separate|further)\b", text[match.end() :]
        ):
            continue  # "add 1 new toy", "2 more designs": how many products, not how many units
        if re.search(
            r"(?<!if we )(?<!if i )(?<!only )\b(sold|shifted|shipped)\s+(?:\w+\s+){0,2}$", text[: match.start()]
        ):
            continue  # "we sold about 200 last year": past sales, not this order ("what if we only sold 1,500?" is)
        if _COLLECTION_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
            continue  # "a catalogue of 340 products" is what they sell, not an order
        counts_units = re.match(rf"\s*(?:{_QUANTITY_NOUNS})\b", text[match.end() :])
        if any(s <= match.start() < e for s, e in rates) and not counts_units:
            continue  # "8,400 patients a month" is a rate ("2,000 units a month" still counts an order)
        value = _value(match)
        after = text[match.end() : match.end() + 40]
        noun_after = re.match(r"\s+([a-z][a-z'-]+)", after)
        one_each = bool(noun_after and _singular(noun_after[1]) in unit_nouns)  # "300 lambs" at "£3 per lamb"
        if not one_each and (_NOT_ORDER.match(text, match.end()) or _PER_UNIT_AFTER_NUMBER.match(text, match.end())):
            continue  # "our 12 stores", "3 designers", "founded 5 years ago", "2.10 per unit"
        counted = (
            bool(value >= 10 and re.match(r"\s+of (each|a|an|every)\b", after))  # "200 of each"
            or bool(value >= 10 and re.match(_OF_THOSE_NOUNS, after))  # "80 of those little lamb plushies"
            or bool(
                re.match(
                    rf"\s*-?\s*(?:(?!of\b|the\b|in\b|by\b|for\b)\w+\s+){{0,2}}?(?:{_QUANTITY_NOUNS})\b"
                    rf"(?!{_LABELS_NEXT_FIGURE})",
                    after,
                )
            )
        )
        cue = _QUANTITY_CUE_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
        counted = counted or one_each
        if not counted and cue and cue.group(1) in ("of", "for") and noun_after and noun_after[1] not in STOP_WORDS:
            continue  # "a fleet of 95 aircraft", "for 30 kids": a count of something else
        cued = counted or bool(cue) or bool(re.match(r"\s*(?:or so|odd|-?ish)\b", after))  # "200 or so"
        if (
            match.group("digits")
            and 1900 <= value <= 2100
            and not match.group("mult")
            and not re.match(rf"\s*(?:{_QUANTITY_NOUNS})\b", after)
            and _YEAR_CUE_BEFORE.search(text[: match.start()])
        ):
            continue  # a year
        numbers.append(Number(value, match.start(), match.end(), cued, counted))
    return numbers


def parse_quantity(text: str, asked: bool = False, counted_only: bool = False) -> float | None:
    """An order quantity in units; a bare number counts only when the quantity was asked for, and
    with `counted_only` only a number with its unit noun ("300 plushies")."""
    numbers = [n for n in find_quantities(text) if (n.counted if counted_only else n.cued or asked)]
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


def _duration_weeks(match: re.Match) -> float:
    if match.group("half"):
        return 26.0 if match.group("half") == "year" else WEEKS_PER_MONTH / 2
    return round(_value(match) * _unit_weeks(match.group("unit")), 2)


def _calendar_date(phrase: str, today: date) -> date | None:
    """A calendar date (the next one from today when no year is given), read by dateparser."""
    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
            "DATE_ORDER": "YMD" if re.match(r"\d{4}", phrase) else "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["month"],
        },
    )
    return parsed.date() if parsed else None


def _date_weeks(match: re.Match, today: date) -> float | None:
    month_word = (match.group("month") or match.group("month2")).rstrip(".")
    day_text = match.group("day") or match.group("day2")
    year = match.group("year") or ""
    if day_text:
        target = _calendar_date(f"{day_text} {month_word} {year}", today)
    else:
        month = _MONTHS[month_word]
        target_year = int(year) if year else today.year
        part_day = _PART_OF_MONTH.get(re.sub(r"[\s-]+", " ", match.group("part") or "start"), 1)
        day = min(part_day, calendar.monthrange(target_year, month)[1])
        target = date(target_year, month, day)
        if target < today and not year:
            target = target.replace(year=target_year + 1, day=min(day, calendar.monthrange(target_year + 1, month)[1]))
    return None if target is None else (target - today).days / 7


_SPAN_SO_FAR = re.compile(r"\s*in\s*(?:$|[,.;!?)])")  # "like 2 months in"
_LAUNCH_WORDS = re.compile(
    r"\b(launch\w*|need|needed|ready|by|within|deadline|ship\w*|shelves|deliver\w*|due|until|"
    r"before|from now|away|target\w*|aim\w*|timeline|time ?frame|in time|asap|hurry|rush|"
    r"urgent\w*|wait|instead|got|have|had|slipped|moved|pushed|extended|runway|gtm|go[ -]to[ -]market|"
    r"street date|drop|eta|on sale|release\w*)\b|\bin \d|\d\s*(?:weeks?|months?)\s+(?:out|off)\b|"
    r"\bin an? (?:week|fortnight|month)\b"
)


def _is_past_span(text: str, match: re.Match) -> bool:
    """'selling for 10 years', '5 years selling online', '3 years ago': the past, not a deadline; nor is
    a model's own time ('the ODM 2-4 weeks')."""
    return bool(
        re.search(r"\b(?:oem|odm)(?:'s)?\s+(?:\d+\s*(?:-|to)\s*)?$", text[: match.start()])
        or _VOCABULARY.past_span_before.search(text[max(0, match.start() - PAST_CUE_REACH) : match.start()])
        or _VOCABULARY.past_span_after.match(text[match.end() :])
        or _SPAN_SO_FAR.match(text[match.end() :])
    )


def parse_weeks(text: str, today: date | None = None) -> float | None:
    """Time until launch in weeks, from a duration ("in 6 weeks", "half a year") or a date ("by March 1").

    Returns a negative number for a date already past, so callers can say so."""
    today = today or date.today()
    text = normalise(text)
    if re.search(r"\b(asap|as soon as possible|right away|immediately|urgent(ly)?|yesterday)\b", text):
        return 1.0
    if re.search(
        r"\b(can'?t|cannot|can not|won'?t|unable to|not able to|don'?t want to|do not want to) (afford to )?wait "
        r"(for )?(\w+ ){0,2}"
        r"(months|long|that long|a year|half a year)\b",
        text,
    ):
        return 4.0  # within weeks, whatever happens
    rates = _rate_spans(text)
    durations = [
        _duration_weeks(m)
        for m in _DURATION.finditer(text)
        if not _is_past_span(text, m) and not any(s <= m.start() < e for s, e in rates)
    ]
    durations = [weeks for weeks in durations if weeks <= MAX_LAUNCH_WEEKS]
    if durations:
        return durations[-1]
    numeric = _NUMERIC_DATE.search(text)
    if numeric:
        target = _calendar_date(numeric.group(0), today)
        return None if target is None else (target - today).days / 7
    dated = [
        m for m in _DATE.finditer(text) if not (m.group("month") == "may" and not (m.group("day") or m.group("part")))
    ]
    dated = [m for m in dated if not _is_past_span(text, m)]
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
            if re.search(rf"\b{name}\W+(?:\w+\W+){{0,2}}?next year\b|\bnext year'?s? {name}\b", text):
                target = target.replace(year=max(target.year, today.year + 1))  # "for Christmas next year"
            if re.search(rf"\b{name} after next\b", text):
                target = target.replace(year=target.year + 1)  # "the winter after next"
            return (target - today).days / 7
    relative = re.search(r"\b(next|this)\s+(week|month|quarter|year)\b", text)
    if relative:
        return {"week": 1.0, "month": WEEKS_PER_MONTH, "quarter": 13.0, "year": 52.0}[relative.group(2)]
    if re.search(
        r"\b(no rush|no deadline|no hurry|whenever|not in a hurry|take our time|flexible|"
        r"not urgent|no time pressure|not in a rush|in no rush|in no hurry)\b",
        text,
    ):
        return 52.0  # only when no time is said with it ("no rush, launch is 8 months away")
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
    r"(?P<neg>(?<![\w\s])-|(?<=\s)-(?=[$€£\d]))?(?P<cur_before>[$€£]|usd|us\$|eur|gbp|rmb|cny)?\s*(?P<amount>\d+(?:[.,]\d{1,2})?)(?!\d)\s*(?P<k>k\b)?"
    r"\s*(?P<cur_after>usd|eur|gbp|rmb|cny|dollars?|bucks|euros?|pounds?|\$|€|£)?(?P<cents>\s*(?:cents?|¢))?"
    r"(?P<per_unit>\s*(?:/|per|a|an|each)\s*(?:unit|pc|pcs|piece|item|toy|ea|u)\b(?!\s*[:=]?\s*[$€£]?\d)"
    r"|\s*(?:each|apiece|ea|a pop)\b)?"
)
_PER_UNIT_AFTER = re.compile(
    rf"\s*(?:(?:/|per|a|an)\s*(?:{_QUANTITY_NOUNS})|unit|pc|pcs|piece|apiece)\b"
    rf"(?!{_LABELS_NEXT_FIGURE})"
)
_PER_UNIT_BEFORE = re.compile(
    r"(?:\b(unit price|unit cost|per[- ]unit|per[- ]piece|price per \w+|cost per \w+|"
    r"per pc|unit)(?:\W*(?:of|is|at|=|:|to|now|from|becomes|went|goes|go|up|down|rose|"
    r"fell|drops?|dropped|rises?|changed?|increased?|decreased?|were|was|would be|be))*|@|"
    r"\bat)\W*$"
)
_FIXED_WORDS = re.compile(
    r"\b(tooling|mould|mold|moulds|molds|setup|set-up|set up|fees?|nre|development|"
    r"design fee|one-off|one off|upfront|up-front|up front|fixed|sampling|samples?|"
    r"engineering|start-up cost|startup cost|initial)\b"
)
_LABEL_AFTER = re.compile(rf"\s*(?:{_FIXED_WORDS.pattern})")
_CURRENCY_NAMES = {
    "$": "$",
    "usd": "$",
    "us$": "$",
    "dollar": "$",
    "dollars": "$",
    "bucks": "$",
    "€": "€",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "£": "£",
    "gbp": "£",
    "pound": "£",
    "pounds": "£",
    "rmb": "¥",
    "cny": "¥",
}


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


def _model_marks(text: str) -> list[tuple[int, int, str]]:
    """Where each service model is named: (start, end, code), in order."""
    marks = [
        (m.start(), m.end(), code) for code, pattern in _VOCABULARY.model_names.items() for m in pattern.finditer(text)
    ]
    return sorted(marks)


def _amount(match: re.Match) -> float:
    """The money amount a _MONEY match stands for: '$7.5k' is 7500, '95 cents' 0.95."""
    scale = 1000 if match.group("k") else 0.01 if match.group("cents") else 1
    return float(Price.fromstring(match.group("amount")).amount) * scale


def _looks_like_money(text: str, match: re.Match) -> bool:
    """A figure with a currency, a 'k', decimals, cents or a per-unit mark: '2,000 pcs' and
    'factory 1' are not money."""
    return bool(match.group("amount")) and bool(
        match.group("cur_before")
        or match.group("cur_after")
        or match.group("k")
        or match.group("cents")
        or "." in match.group("amount")
        or match.group("per_unit")
        or _PER_UNIT_AFTER_NUMBER.match(text, match.end())
    )


def _is_per_unit(segment: str, match: re.Match) -> bool:
    same_clause_before = re.split(r"[;|\n]", segment[max(0, match.start() - 24) : match.start()])[-1]
    if not match.group("per_unit") and _LABEL_AFTER.match(segment, match.end()):
        return False  # "at $20k tooling": the word after the amount names it
    return bool(
        match.group("per_unit")
        or _PER_UNIT_AFTER.match(segment, match.end())
        or _PER_UNIT_BEFORE.search(same_clause_before)
    )


def _read_quote(code: str, segment: str, currencies: set[str]) -> Quote:
    """One model's fixed cost and unit price from its part of the message."""
    fixed_amounts, unit_amounts, unmarked = [], [], []
    previous_end = 0
    for m in _MONEY.finditer(segment):
        has_currency = m.group("cur_before") or m.group("cur_after")
        if (
            not m.group("amount")
            or not has_currency
            and "." not in m.group("amount")
            and re.match(rf"\s*-?\s*(?:{_QUANTITY_NOUNS})\b(?!{_LABELS_NEXT_FIGURE})", segment[m.end() :])
        ):
            continue  # not money: "at 10000 units" is the order size
        if re.match(r"\s*(?:%|percent|weeks?|months?|days?|years?)\b", segment[m.end() :]) or (
            not has_currency
            and _QUANTITY_CUE_BEFORE.search(segment[max(0, m.start() - 20) : m.start()])
            and not _FIXED_WORDS.search(segment[max(0, m.start() - 20) : m.start()])
        ):
            continue  # a duration, a share, or the order size ("qty 8000")
        if not has_currency and re.search(
            r"\b(quote|option|offer|supplier|factory|no\.?|number|#)\s*$", segment[max(0, m.start() - 12) : m.start()]
        ):
            continue  # "Quote 1 (OEM)" numbers the quote
        if (
            re.search(r"[$€£]", segment)
            and (
                not _looks_like_money(segment, m)
                and re.search(r"\b(totals?|costs?|at|for)\s*$", segment[max(0, m.start() - 12) : m.start()])
                or _is_order_size(segment, m)
            )
            and not _LABEL_AFTER.match(segment, m.end())
        ):
            continue  # "..., ODM at $1,000 + $1.40/unit. Cheaper at 4k?": an order size among priced figures
        amount = _amount(m)
        if m.group("neg"):
            raise QuoteError(
                f"The {code} quote has a negative amount ({m.group(0).strip()}); prices can't be negative."
            )
        for cur in (m.group("cur_before"), m.group("cur_after")):
            if cur:
                currencies.add(_CURRENCY_NAMES.get(cur, cur))
        following = re.split(r"[$€£\d]", segment[m.end() : m.end() + 24])[0]  # up to the next amount
        before = (
            _LABEL_AFTER.sub("", segment[max(previous_end, m.start() - 24) : m.start()], count=1)
            if previous_end
            else segment[max(0, m.start() - 24) : m.start()]
        )  # since the amount before, less its label
        previous_end = m.end()
        marked_after = m.group("per_unit") or m.group("cents") or _PER_UNIT_AFTER.match(segment, m.end())
        if marked_after or _is_per_unit(segment, m):
            unit_amounts.append((not marked_after, amount))  # "/unit" after the amount beats "at" before it
        elif _FIXED_WORDS.search(before + " " + following):
            fixed_amounts.append(amount)
        else:
            unmarked.append(amount)
    if not unit_amounts and unmarked:  # "ODM $500 + $3.40": the smallest unmarked amount is the unit price
        unit_amounts.append((True, min(unmarked)))
        unmarked.remove(min(unmarked))
    if not unit_amounts:
        raise QuoteError(f"I couldn't find a per-unit price in the {code} quote; write it like '$2.10/unit'.")
    unit_amounts.sort(key=lambda weak_and_amount: weak_and_amount[0])  # stable: the first clearly marked one
    per_unit = unit_amounts[0][1]
    unmarked += [amount for weak, amount in unit_amounts[1:] if weak]  # "ODM at $1,000 + $1.40/unit"
    if per_unit == 0:
        raise QuoteError(f"The {code} per-unit price is zero; please give the real unit price.")
    return Quote(code, sum(fixed_amounts) + sum(unmarked), per_unit)


_PRICE_MARK = re.compile(
    r"[$€£]|\b(usd|eur|gbp|dollars?|euros?|pounds?|per|each|unit|pc|apiece|cents?|"
    r"tooling|mou?lds?|setup|set-up|nre)\b|/"
)
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|\||\n|\.(?!\d)|\bvs\.?(?=\s)|\bversus\b|\bwhile\b|\bwhereas\b|"
    r"\bcompared (?:to|with)\b|\band the\b)\s*"
)


def _quote_segments(text: str, marks: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Each model's part of the message: its own clause when each model has one ("Tooling is $4,500 +
    $1.10/unit from the OEM plant; the ODM one is ..."), else the text after its name, or before it
    when the figures come first ("$10,000 tooling @ $0.80 (OEM) vs ...")."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c]
    owners = [[code for code, pattern in _VOCABULARY.model_names.items() if pattern.search(c)] for c in clauses]
    if sorted(code for codes in owners for code in codes) == ["ODM", "OEM"] and all(len(c) < 2 for c in owners):
        segments, current = [], None  # a clause naming no model goes on with the last one named
        for codes, clause in zip(owners, clauses):
            if codes:
                current = codes[0]
                segments.append([current, clause])
            elif current and _PRICE_MARK.search(clause):  # "...; per unit 3.75" but not "totals at 5,000?"
                segments[-1][1] += " ; " + clause
        return [(code, clause) for code, clause in segments]
    before_first_name = text[: marks[0][0]]
    after_each_name = [
        (code, text[end : marks[i + 1][0] if i + 1 < len(marks) else len(text)])
        for i, (_, end, code) in enumerate(marks)
    ]
    if re.search(r"\bboth\b", before_first_name):  # "both quoted $2.50 a unit, but OEM has ...": parse_quotes shares it
        return [(marks[0][2], before_first_name), *after_each_name]
    if any(_looks_like_money(before_first_name, m) for m in _MONEY.finditer(before_first_name)):
        return [(code, text[marks[i - 1][1] if i else 0 : start]) for i, (start, _, code) in enumerate(marks)]
    return after_each_name


def _table_as_sentence(text: str) -> str:
    """A Markdown table of quotes (| | tooling | unit | / | OEM | 10000 | 2.00 |) as the sentence
    'oem: 10000 tooling + 2.00 per unit, ...'; other text unchanged."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.strip().startswith("|")
    ]
    rows = [row for row in rows if not all(set(cell) <= set("-: ") for cell in row)]
    if len(rows) < 3:
        return text
    header, body = rows[0], rows[1:]
    kinds = [" per unit" if re.search(r"unit|each|piece|pc|price", cell) else " tooling" for cell in header]
    sentences = [
        f"{row[0]}: " + " + ".join(f"{cell}{kind}" for cell, kind in zip(row[1:], kinds[1:])) for row in body if row
    ]
    return "; ".join(sentences) + " " + " ".join(line for line in text.splitlines() if not line.strip().startswith("|"))


def parse_quotes(text: str) -> QuoteComparison:
    """Read 'OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit' (or a Markdown table of the
    two) into one quote per model."""
    text = _table_as_sentence(normalise(text))
    marks = _model_marks(text)
    if {code for _, _, code in marks} != {"OEM", "ODM"}:
        raise QuoteError(
            "I need both quotes, each after its model, e.g. 'OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit'."
        )
    parts: dict[str, list[str]] = {}
    for code, segment in _quote_segments(text, marks):
        if not any(m.group("amount") for m in _MONEY.finditer(segment)):
            continue  # a model named again without figures ("..., so OEM or ODM?")
        shared = re.search(r"\bboth\b", segment)  # "OEM and ODM both quote $4/unit, but OEM has ..."
        for owner in ("OEM", "ODM") if shared else (code,):
            parts.setdefault(owner, []).append(segment)
    currencies: set[str] = set()
    quotes = {code: _read_quote(code, " ; ".join(segments), currencies) for code, segments in parts.items()}
    missing = [code for code in ("OEM", "ODM") if code not in quotes]
    if missing:
        raise QuoteError(
            f"I couldn't find the {missing[0]} quote's figures; write it like "
            "'OEM: $8,000 tooling + $2.10/unit, ODM: $500 + $3.40/unit'."
        )
    if len(currencies) > 1:
        raise QuoteError(
            f"The quotes mix currencies ({', '.join(sorted(currencies))}); convert them to one currency first."
        )
    return QuoteComparison(quotes, next(iter(currencies), None))


def count_amounts(text: str) -> int:
    """How many money figures the text has (a currency, a decimal, a 'k' or a per-unit mark): a quote
    pair has at least two, '2 factories and 1 agent' none."""
    text = normalise(text)
    return sum(1 for m in _MONEY.finditer(text) if _looks_like_money(text, m))


_FIXED_COST_OF = (("OEM", re.compile(r"\b(mou?lds?|tooling)\b")), ("ODM", re.compile(r"\b(set-?\s?up)\b")))
_WAIVED = re.compile(r"\b(waived?|free|dropped|scrapped|removed|no (?:setup|set-up|tooling|mou?ld)|zero)\b")
_OLD_FIGURE = re.compile(r"\b(instead of|rather than|(?:down|up) from|from|was|not)\s*$")


_SCALES = (
    (re.compile(r"\b(doubled?|doubles|doubling|twice)\b"), 2.0),
    (re.compile(r"\b(tripled?|triples|tripling|treble[ds]?)\b"), 3.0),
    (re.compile(r"\b(halved?|halves|halving|half)\b"), 0.5),
)


def scale_in(text: str) -> float | None:
    """'doubled', 'twice', 'halved': the factor a what-if scales a figure by."""
    clean = normalise(text)
    return next((factor for pattern, factor in _SCALES if pattern.search(clean)), None)


_UNIT_PRICE_WORDS = re.compile(r"\b(unit price|unit cost|price per|cost per|per[- ]?(unit|piece|pc)|each|apiece)\b")


_SCALED_ALREADY = re.compile(
    r"\b(with|using|keeping) (the |that )?(half|halved|doubled|double|tripled|reduced|lower)\b"
)


def _is_old_figure(before: str) -> bool:
    """'down from $5,000', 'was $5,000': the figure being replaced; but 'what if the tooling was $2,000?'
    supposes the new one."""
    old = _OLD_FIGURE.search(before)
    return bool(old) and not (old.group(1) == "was" and re.search(r"\b(if|suppose|supposing|say)\b", before))


def _is_order_size(text: str, match: re.Match) -> bool:
    """'at 10k', '3k units': an order size beside a changed quote, not an amount of money."""
    if match.group("cur_before") or match.group("cur_after") or match.group("cents"):
        return False
    counted = re.match(rf"\s*(?:{_QUANTITY_NOUNS})\b", text[match.end() :])
    return bool(counted or re.search(r"\b(?:at|for)\s*$", text[: match.start()]))


def revise_quotes(comparison: QuoteComparison, text: str) -> QuoteComparison | None:
    """The quotes with one model's figure changed ("what if the OEM tooling was $2,000?"), or None
    when the text names no model with an amount. A per-unit amount replaces the unit price, any other
    the fixed cost. Without a model name, mould/tooling is OEM's fixed cost and setup ODM's ("what if
    the mould were $3,000?"); a waived fee is zero."""
    text = normalise(text)
    named = {code for _, _, code in _model_marks(text)}
    if not named:
        named = {code for code, words in _FIXED_COST_OF if words.search(text)}
    if len(named) != 1:
        return None
    code = named.pop()
    amounts = [
        m
        for m in _MONEY.finditer(text)
        if m.group("amount")
        and (m.group("cur_before") or m.group("cur_after") or _FIXED_WORDS.search(text) or _is_per_unit(text, m))
        and not _is_old_figure(text[: m.start()])
        and not _is_order_size(text, m)
    ]
    old = comparison.quotes[code]
    if not amounts and _WAIVED.search(text) and _FIXED_WORDS.search(text):
        return QuoteComparison({**comparison.quotes, code: Quote(code, 0, old.per_unit)}, comparison.currency)
    scale = None if _SCALED_ALREADY.search(text) else scale_in(text)  # "at 10k with the half tooling": as it is now
    if not amounts and scale:  # "what if the OEM tooling was halved?", "if ODM's unit price doubled"
        per_unit = bool(re.search(r"\b(unit|per[- ]?(unit|piece|pc)|each|apiece)\b", text))
        fixed, unit_price = (old.fixed, old.per_unit * scale) if per_unit else (old.fixed * scale, old.per_unit)
        return QuoteComparison({**comparison.quotes, code: Quote(code, fixed, unit_price)}, comparison.currency)
    if not amounts:
        return None
    fixed, per_unit = old.fixed, old.per_unit
    unit_price_named = len(amounts) == 1 and _UNIT_PRICE_WORDS.search(text)  # "the OEM unit price came down to $4"
    for m in amounts:
        amount = _amount(m)
        if _is_per_unit(text, m) or m.group("cents") or unit_price_named:
            per_unit = amount
        else:
            fixed = amount
    return QuoteComparison({**comparison.quotes, code: Quote(code, fixed, per_unit)}, comparison.currency)


def break_even_quantity(oem: Quote, odm: Quote) -> float | None:
    """The order size above which OEM's total is lower, or None when one quote is cheaper at every size."""
    if oem.per_unit >= odm.per_unit:
        return None
    quantity = (oem.fixed - odm.fixed) / (odm.per_unit - oem.per_unit)
    return quantity if quantity > 0 else None


# ------------------------------------------------------------------------------- answers and facts


def _anchored(name: str) -> re.Pattern:
    """The vocabulary list as a whole-message-start pattern ("yep def", "nah")."""
    return re.compile(rf"^\W*(?:{phrase_alternation(_VOCABULARY.raw['answers'][name])})(?![\w-])")


_YES, _NO = _anchored("affirm"), _anchored("deny")
_UNSURE = _WORDS["unsure"]
_DESIGN_WORDS = (
    r"(designs?|specs?|specifications?|drawings?|cad|blueprints?|prototypes?|concept|artwork|sketch(es)?|files)"
)
_OWN_DESIGN_SHAPES = re.compile(
    rf"\b((my|our|own)\s+(own\s+)?(\w+\s+)?{_DESIGN_WORDS}|designed (it|them|by us|in-house|ourselves)|"
    rf"(we|i)('ve| have| got|'re| are)? (\w+ ){{0,3}}(with|have|got) (the |all the |our )?"
    rf"(complete|completed|finished|final|full|ready) {_DESIGN_WORDS}|"
    r"have (a |an |the |some )?(\w+ )?(prototype|sketch(es)?|drawings?|cad files?|3d model))"
)
_NO_DESIGN_SHAPES = re.compile(
    rf"\b(no\s+(\w+\s+)?{_DESIGN_WORDS}|(don'?t have|do not have|haven'?t|have not|hasn'?t)( got)? (a |any )?(\w+ )?"
    rf"{_DESIGN_WORDS}|without (a |any )?{_DESIGN_WORDS}|"
    r"(none of us|nobody|no one|no-one)( here)? (can|could|is able to|knows how to) (design|draw)\b|"
    r"(no|not an?|none of us (is|are) an?|without an?|haven'?t got an?)\s+(\w+\s+)?"
    r"(artists?|designers?|illustrators?|sculptors?|draughts(wo)?m[ae]n|drafts(wo)?m[ae]n)\b|"
    r"(use|pick|choose|take) (one of )?(yours|your \w+|theirs|their \w+)|"
    r"(one of )?the (factory|supplier|manufacturer|maker)'?s (existing |stock |ready-made |own )?(\w+ )?"
    r"(designs?|bears?|toys?|products?|models?|range|catalog(ue)?|molds?|moulds?)\b)"
)
_NEGATION = re.compile(
    r"\b(not|no|never|isn'?t|aren'?t|wasn'?t|doesn'?t|don'?t|hardly|no longer|nobody|"
    r"without|lacks?|lacking)[\s'\"]+([\w'-]+[\s'\"]+){0,2}$|"
    r"\b(don'?t|do not|never|no longer) (want|wish|intend|plan|need|like) to\s+([\w'-]+\s+){0,4}$|"
    r"\b(not interested in|no (wish|desire|intention|interest) (to|in))\s+([\w'-]+\s+){0,4}$"
)  # within the clause: "speed doesn't matter; IP does", "we don't want to be limited to tweaking existing designs"
_SINCE_YEAR = re.compile(
    r"\b(?:since|founded(?: in)?|established(?: in)?|est\.?(?: in)?|started(?: in)?|trading since)\s+((?:19|20)\d\d)\b"
)
_YEARS_TRADING = re.compile(r"\b(\d+)\+?\s*(?:years?|yrs?)\b")
_NOT_BIG = re.compile(r"\b(no|not|isn'?t|aren'?t)\s+(\w+\s+)?(big|large|much|healthy|generous)\b")


def _negated(text: str, match: re.Match) -> bool:
    return bool(_NEGATION.search(text[: match.start()]))


def _polarity(text: str, positive: re.Pattern, negative: re.Pattern, topic: re.Pattern | None = None) -> bool | None:
    """True/False when the text clearly leans one way; a negation flips the word ("not a big deal").
    With a topic, the word nearest to it decides ("speed doesn't matter; protecting our IP does"), and a
    word outside the topic's own words before one inside them ("IP protection isn't important")."""
    topic_spans = [m.span() for m in topic.finditer(text)] if topic else []

    def first_outside_topic(pattern: re.Pattern) -> re.Match | None:
        matches = list(pattern.finditer(text))
        outside = [m for m in matches if not any(s <= m.start() and m.end() <= e for s, e in topic_spans)]
        return (outside or matches or [None])[0]

    found = [
        (m, leaning)
        for pattern, leaning in ((negative, False), (positive, True))  # negative phrases first
        for m in [first_outside_topic(pattern)]
        if m
    ]
    if topic and len(found) > 1 and topic.search(text):
        about = topic.search(text).start()
        found = sorted(found, key=lambda hit: min(abs(hit[0].start() - about), abs(hit[0].end() - about)))
    if not found:
        return None
    match, leaning = found[0]
    return leaning != _negated(text, match)


# "would we own the design?", "do I get to own it?": a question about the IP, not a design in hand
_OWNING_ASKED = re.compile(
    r"\b((would|will|do|does|can|could|shall|should|did)\s+(we|i|us)\s+(\w+\s+){0,2}?|"
    r"who(?:'d|'ll| would| will)?\s+)own\b"
)


def _own_design(text: str, asked: bool) -> str | None:
    for pattern, value in (
        (_WORDS["design_no"], "no"),
        (_NO_DESIGN_SHAPES, "no"),
        (_WORDS["design_yes"], "yes"),
        (_OWN_DESIGN_SHAPES, "yes"),
    ):
        match = pattern.search(text)
        if match and value == "yes" and _OWNING_ASKED.search(text):
            continue
        if match:  # a negation flips it: "we never use catalogue designs", "nobody lacks a design"
            return value if not _negated(text, match) else {"no": "yes", "yes": "no"}[value]
    if asked:
        if _NO.search(text):
            return "no"
        if _YES.search(text):
            return "yes"
    return None


def _ip(text: str, asked: bool) -> str | None:
    if not asked and not _WORDS["ip_topic"].search(text):
        return None
    if asked and _NO.search(text):
        return "low"
    leaning = _polarity(text, _WORDS["ip_high"], _WORDS["ip_low"], _WORDS["ip_topic"])
    if leaning is None and asked and _YES.search(text):
        leaning = True
    return None if leaning is None else ("high" if leaning else "low")


def _budget(text: str, asked: bool) -> str | None:
    if not asked and not _WORDS["budget_topic"].search(text):
        return None
    if _NOT_BIG.search(text):
        return "limited"
    leaning = _polarity(text, _WORDS["budget_healthy"], _WORDS["budget_limited"], _WORDS["budget_topic"])
    if leaning is None and asked:
        leaning = True if _YES.search(text) else False if _NO.search(text) else None
    return None if leaning is None else ("healthy" if leaning else "limited")


_WEAK_STARTUP_WORDS = ("small", "new", "tiny", "launching")  # said of many things besides a young business


_START_UP_COSTS = re.compile(r"\bstart[- ]?up\s+(costs?|fees?|capital|budget|spend|investment|outlay|phase)\b")


def _stage(text: str, asked: bool) -> str | None:
    text = _START_UP_COSTS.sub("initial \\1", text)  # "ODM's start-up costs" says nothing of the buyer
    established = _WORDS["stage_established"].search(text)
    startups = list(_WORDS["stage_startup"].finditer(text))  # "tiny startup": the strong word, not "tiny"
    startup = next((m for m in startups if m.group(0) not in _WEAK_STARTUP_WORDS), startups[0] if startups else None)
    trading = [
        m
        for m in _YEARS_TRADING.finditer(text)
        if float(m.group(1)) >= ESTABLISHED_AFTER_YEARS and (asked or _is_past_span(text, m))
    ]
    since = _SINCE_YEAR.search(text)
    trading += [since] if since and date.today().year - int(since.group(1)) >= ESTABLISHED_AFTER_YEARS else []
    if (established and not _negated(text, established)) or trading:
        return "established"
    if startup and _negated(text, startup):  # "no longer a small shop"
        return "established"
    if established:  # "not established yet"
        return "startup"
    if _WORDS["stage_growing"].search(text) and asked:
        return "growing"
    if startup and (
        asked
        or startup.group(0) not in _WEAK_STARTUP_WORDS
        or re.search(r"\b(small|new) (\w+ )?(business|shop|company|brand)\b", text)
    ):
        return "startup"
    return None


# ------------------------------------------------------------------------------- statements and questions


def is_question(text: str) -> bool:
    """A question mark, a sentence that starts like a question, or a request ("give me MOQ and timing",
    "kindly confirm ...", "I should like to know ...")."""
    clean = normalise(text or "")
    return (
        "?" in clean
        or bool(_REQUEST.search(clean))
        or any(_QUESTION_START.search(part) for part in re.split(r"[.!;\n]+", clean))
    )


_REQUEST = re.compile(
    r"\b((give|tell|show|send) (me|us)|let (me|us) know|(i|we)('d| would| should| shall) (be )?(most |very |"
    r"extremely |really |much )?(grateful|obliged|appreciate|welcome|glad|(like|love) (to (know|understand|learn|"
    r"ask|hear|see|find out|check)|you to|an? (overview|comparison|explanation|summary|breakdown|answer)))|"
    r"i wonder|(kindly|please) "
    r"(\w+ )?(confirm|advise|tell|explain|outline|list|share|clarify|indicate|set out|compare|describe|"
    r"summari[sz]e)|(would|could|can|might) you|if you (could|would|might|can)|(grateful|obliged) if|"
    r"(compare|outline|explain|describe|clarify|list|summari[sz]e|walk (me|us) through) (the|how|what|"
    r"whether|which|oem|odm|both|each))\b"
)


_QUESTION_START = re.compile(  # "with ODM, who owns the base design": a short lead-in before the question word
    r"^\W*(?:(?:with|for|under|in|on|about|re|regarding|and|so|ok|okay|right)\s+(?:the\s+)?[\w-]+\s*,?\s+)?"
    r"(is|are|can|could|does|do|did|what|what's|whats|which|how|who|whose|why|when|"
    r"will|would|should|tell me|explain|define|describe|clarify|outline|summari[sz]e|list|compare|give me|show me)\b"
)


_ASK_OR_STATEMENT_BREAK = re.compile(
    r"(?<=[?.!])\s+|\s+[-–—]+\s+|\band\b|[;\n]|,\s*(?=(?:what|what's|which|how|who|why|when|is|are|"
    r"can|could|does|do|should|would|will)\b[^,.;!?]*\?)"  # not before a relative clause: ", which are a month away"
)


_CONDITION = re.compile(r"^(?:also,?\s+|so,?\s+|but,?\s+)?(?:if|when|once|assuming|suppose|say|with|for|as)\b[^.!?]*$")


def split_statement(text: str) -> tuple[str, str]:
    """The parts of a message that state something and the parts that ask ("Budget's tight. How long
    does OEM take?" -> "budget's tight", "how long does oem take?"), each joined; either may be empty."""
    parts = []
    for part in (part.strip(" ,") for part in _ASK_OR_STATEMENT_BREAK.split(normalise(text or ""))):
        if part and parts and _CONDITION.search(parts[-1]):  # "if I add our colours, do I own them?" is one ask
            parts[-1] = f"{parts[-1]}, {part}"
        elif part:
            parts.append(part)
    asks = [part for part in parts if is_question(part)]
    return " . ".join(part for part in parts if part not in asks), " . ".join(asks)


def stated_facts(text: str) -> dict:
    """The buyer facts a message states beside its question ("we're a small company. which is less
    risky?"); none from the question itself ("is ODM good for startups?" says nothing about the buyer)."""
    statement, question = split_statement(text)
    if not (statement and question):
        return {}
    return {slot: value for slot, value in extract_facts(statement).facts.items() if value != UNSURE}


@dataclass(frozen=True)
class Extraction:
    facts: dict
    problem: str | None = None  # why the answer to the asked slot could not be used


def _categorical_facts(clean: str, asked: str | None, slots: tuple[str, ...]) -> dict:
    """The answers to the yes/no and level questions among `slots` that the text gives."""
    read = {slot: _CATEGORICAL_READERS[slot](clean, asked == slot) for slot in slots}
    return {slot: value for slot, value in read.items() if value}


_CATEGORICAL_READERS = {"own_design": _own_design, "ip_importance": _ip, "budget": _budget, "business_stage": _stage}


_WHAT_IF = re.compile(
    r"\b(what if|and if|if (it|we|that|the order|the run) (were|was|went|had|ordered|needed|made)|suppose|supposing|"
    r"what about|how about|instead|make it|change it to|bump it to|dropped|fallen|fell|increased|risen|rose|changed|"
    r"cut|reduced|raised|bumped|gone (?:up|down)|actually)\b"
)


def _described_models(text: str) -> list[str]:
    """Service models the text describes ("made to our CAD files" -> OEM, "their catalogue" -> ODM); a
    description negated describes the other one ("not interested in rebranding someone else's toy")."""
    described = []
    for model, pattern in _VOCABULARY.model_descriptions.items():
        match = pattern.search(text)
        if match:
            described.append(_OTHER_MODEL[model] if _negated(text, match) else model)
    return list(dict.fromkeys(described))


_OTHER_MODEL = {"OEM": "ODM", "ODM": "OEM"}


_NEGATED_CHOICE = re.compile(
    r"\b(?:which|what)(?:'s)?\b(?:\s+(?!(?:if|when|since|as|because|we|i|you|they|our|my)\b)[\w']+){0,4}?\s*"
    r"(?:'s|is|does|do|will|would|ca|can|should)?\s*(?:n't|not)\b|\b(?:which|what)\s+(?:[\w']+\s+){0,3}?never\b"
)


def negated_choice(text: str) -> bool:
    """'Which model isn't suited to a tight deadline?', 'what's not a good fit for low volumes?': the model
    asked for is the one the rest of the question does not describe."""
    return bool(_NEGATED_CHOICE.search(normalise(text or "")))


def _without_negated_choice(clean: str) -> str:
    """The text without a negated which-model question: "which one doesn't need me to own a design?"
    tells nothing about the buyer."""
    found = _NEGATED_CHOICE.search(clean)
    if not found:
        return clean
    end = re.compile(r"[?.!]").search(clean, found.end())
    return clean[: found.start()] + (clean[end.end() :] if end else "")


def extract_facts(
    text: str, asked: str | None = None, today: date | None = None, quantity_known: bool = False
) -> Extraction:
    """Every buyer fact in `text`; `asked` names the profile slot the buyer is answering. With the
    order quantity already known, a bare number in a what-if is a new one ("and if it were 3,000?")."""
    clean = _without_negated_choice(normalise(text or "")).strip()
    facts: dict = {}
    problem = None
    asked_bare = None if asked and _UNSURE.search(clean) else asked  # "I don't know" is not a bare "no"
    facts.update(_categorical_facts(clean, asked_bare, ("own_design", "ip_importance")))
    weeks = parse_weeks(clean, today)
    if weeks is not None and asked not in (None, "weeks_to_launch") and not _LAUNCH_WORDS.search(clean):
        weeks = None  # asked something else: "like 2 months in" is not a launch date
    if weeks is not None:
        if weeks <= 0:
            problem = "That date has already passed; when do you need the toys ready?"
        else:
            facts["weeks_to_launch"] = weeks
    # asked something else: "about 8" is no order size, "about 8,000 pieces" is
    changed_quantity = quantity_known and bool(_WHAT_IF.search(clean))
    quantity = parse_quantity(
        clean,
        asked == "order_quantity" or changed_quantity,
        counted_only=asked not in (None, "order_quantity") and not changed_quantity,
    )
    if quantity is not None:
        if quantity < 1:
            problem = "An order needs at least one unit; how many units do you plan to order?"
        elif quantity > 10_000_000:
            problem = "That's more than any toy run I can judge from the table; how many units will you order?"
        else:
            facts["order_quantity"] = float(quantity)
    elif asked == "order_quantity" and re.search(r"-\s*\d", clean):
        problem = "A quantity can't be negative; how many units do you plan to order?"
    facts.update(_categorical_facts(clean, asked_bare, ("budget", "business_stage")))
    if "own_design" not in facts:  # "just want our logo on something proven": a described model says it
        described = _described_models(split_statement(clean)[0] if asked != "own_design" else clean)
        if len(described) == 1:
            facts["own_design"] = "yes" if described[0] == "OEM" else "no"
    if asked and asked not in facts and _UNSURE.search(clean):
        facts[asked] = UNSURE
    if (
        asked == "budget"
        and "budget" not in facts
        and problem is None
        and re.search(r"[$€£]\s*\d|\d\s*(usd|eur|k)\b", clean)
    ):
        problem = (
            "The comparison table gives no cost figures, so I can't judge an amount on its own: "
            "is that budget for up-front design and tooling tight or comfortable?"
        )
    return Extraction(facts, problem)
