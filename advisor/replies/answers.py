"""Factual answers built from the knowledge store: factor rows, definitions, the overview,
and the feasibility judgements the table supports (order size, launch time).

Pure Python over a `Snapshot`; every figure in a reply is read from it and cited.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from advisor.decision import BuyerProfile, recommend
from advisor.knowledge.store import MODELS, Cell, Snapshot, other
from advisor.replies import phrases
from advisor.replies.numbers import units
from advisor.understanding.buyer_text import (
    UNSURE,
    QuoteComparison,
    break_even_quantity,
    describe_weeks,
    extract_facts,
    is_question,
    negated_choice,
    normalise,
    split_statement,
)
from advisor.vocabulary import NotCoveredTopic, is_common_word, vocabulary, words_outside_vocabulary

_VOCABULARY = vocabulary()
_BOTH = re.compile(
    r"\b(both|each|vs\.?|versus|compared?|comparison|difference|differ|which|between|gap|the two|at scale|in bulk)\b",
    re.I,
)
EXACT_MATCH_BONUS = 100  # any exact synonym beats any typo-tolerant match
TYPO_SCORE_CUTOFF = 84  # rapidfuzz ratio (0-100) for a near-miss of a factor word
_TOKEN = re.compile(r"[a-z0-9&+\-']+")


def _mentions(text: str, patterns: dict[str, re.Pattern]) -> list[str]:
    hits = sorted((m.start(), code) for code, pattern in patterns.items() for m in pattern.finditer(text))
    found: list[str] = []
    for _, code in hits:
        if code not in found:
            found.append(code)
    return found


def models_in(text: str) -> list[str]:
    """Service models named in the text, in order, typo-tolerant ('0dm')."""
    return _mentions(normalise(text or ""), _VOCABULARY.model_names)


def models_described(text: str) -> list[str]:
    """Service models a buyer describes without naming them: 'a toy the factory already sells' is
    ODM, 'made to our engineering files' is OEM (vocabulary.yml `descriptions`); in a negated choice
    ('which one doesn't need our own design?') the other one."""
    clean = normalise(text or "")
    described = [  # "our exact spec, nothing off-the-shelf": a description ruled out describes nothing
        model
        for model in _mentions(clean, _VOCABULARY.model_descriptions)
        if not all(_RULED_OUT.search(clean[: m.start()]) for m in _VOCABULARY.model_descriptions[model].finditer(clean))
    ]
    base_design = _VOCABULARY.model_descriptions["ODM"].search(clean)
    if described == ["ODM"] and _OWNED.search(clean[: base_design.start()]):
        described = ["OEM"]  # "which one lets me own the base design?": owning it is the OEM side
    return [other(model) for model in described] if negated_choice(text) and len(described) == 1 else described


_OWNED = re.compile(  # the buyer owning it: "let me own the base design", "give the buyer ownership of the base design"
    r"\b(me|us|we|i|you|buyer|brand|client)\W+(\w+\W+){0,2}?(own|owns|owning|ownership of|keep|retain)\s+(the\s+)?$"
)
_RULED_OUT = re.compile(r"\b(no|not|nothing|never|without|rather than|instead of)\W+(\w+\W+)?$")


def not_covered_topic(text: str) -> NotCoveredTopic | None:
    """The first subject next door to the table that the text asks about, if any."""
    clean = normalise(text or "")
    hits = [
        (m.start(), topic)
        for topic in _VOCABULARY.not_covered
        for m in topic.pattern.finditer(clean)
        if not _COUNTED.search(clean[: m.start()])
    ]  # "100 branded samples" counts toys, asks nothing
    return min(hits, key=lambda hit: hit[0])[1] if hits else None


_TOY_WORDS = re.compile(
    rf"\b(toys?|plush\w*|dolls?|figures?|games?|products?|range|line|units?|{_VOCABULARY.quantity_nouns})\b"
)
_COUNTED = re.compile(r"\d\s*([\w-]+\s+)?$")


def asks_for_both(text: str) -> bool:
    return bool(_BOTH.search(text or ""))


_THE_MODELS_UNNAMED = re.compile(
    r"\b(the two|both|each|either|the other|which|those two)\s+(routes?|models?|options?|ways?|arrangements?|"
    r"approaches|approach|paths?|set-?ups?|manufacturing models?|service models?|kinds of factor(y|ies))\b"
)


def refers_to_the_models(text: str) -> bool:
    """'how do the two routes compare?', 'under each arrangement': OEM and ODM meant without their names."""
    return bool(_THE_MODELS_UNNAMED.search(normalise(text or "")))


def _windows(tokens: list[str], size: int) -> list[str]:
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


_NOT_ABOUT_TIME = re.compile(
    r"\b(first|full|part|same|any|this|next|every|some|a long|long)[\s-]time\b|\bno longer\b|"
    r"\bwaste (of )?(my|our|your) time\b|\b(my|our|your) time\b"
)


def factor_scores(text: str, snapshot: Snapshot) -> dict[str, float]:
    """How strongly the text names each factor: exact synonyms first, longer ones more, then near-misses.
    One message is scored once, however many of the actions' checks ask (the typo matching is the cost)."""
    return dict(_factor_scores(text or "", snapshot))


@lru_cache(maxsize=256)
def _factor_scores(text: str, snapshot: Snapshot) -> tuple[tuple[str, float], ...]:
    clean = _NOT_ABOUT_TIME.sub(" ", normalise(text))  # "first time", "no longer a small shop"
    tokens = [t for t in _TOKEN.findall(clean) if not models_in(t)]
    hyphen_parts = [part for t in tokens if "-" in t for part in t.split("-") if part]  # "lower-MOQ"
    joined = (
        f" {' '.join(tokens)} {' '.join(hyphen_parts)} "  # without model names: "who is ODM for" reads "who is for"
    )
    scores: dict[str, float] = {}
    for key, row in snapshot.factors.items():
        best = 0.0
        for phrase in (*row.synonyms, *row.comparatives):
            if f" {phrase} " in joined:
                best = max(best, EXACT_MATCH_BONUS + len(phrase))
            elif len(phrase) >= 5:
                size = phrase.count(" ") + 1
                windows = [w for w in _windows(tokens, size) if size > 1 or not is_common_word(w)]  # "right" ≠ "rights"
                if process.extractOne(phrase, windows, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE_CUTOFF):
                    best = max(best, len(phrase) * 0.8)
        if best:
            scores[key] = best
    return tuple(scores.items())


_LISTING = re.compile(r"\b(and|vs\.?|versus|compare|comparison|side by side|rundown|overview|differences?)\b|[,&/+]")


def factors_listed(text: str, snapshot: Snapshot) -> list[str]:
    """Every row a message lists by name ('MOQ and lead time side by side'), in the order said;
    empty unless two or more are named with a listing word between or around them."""
    if not _LISTING.search(normalise(text or "")):
        return []
    exact = {key: score for key, score in factor_scores(text, snapshot).items() if score >= EXACT_MATCH_BONUS + 2}
    if len(exact) < 2:
        return []
    joined = f" {' '.join(_TOKEN.findall(normalise(text)))} "
    first_at = {
        key: min(
            (
                joined.find(f" {p} ")
                for p in (*snapshot.factors[key].synonyms, *snapshot.factors[key].comparatives)
                if f" {p} " in joined
            ),
            default=len(joined),
        )
        for key in exact
    }
    return sorted(exact, key=first_at.get)


_OWNERSHIP_ASK = re.compile(
    r"\b(do|will|would|does|can|could) (i|we|the buyer|my company|my brand|our company|our brand) (still |actually |"
    r"then |at least )?(own|keep|hold)\b|\b(is|are) (that|it|they|those|these|the \w+) (mine|ours)\b|\b(mine|ours) or\b"
    r"|\bbelongs? to (me|us)\b"
)


def best_factor(text: str, snapshot: Snapshot, entity_values: list[str] = ()) -> str | None:
    """The factor a question is about: who owns what when the buyer asks whether something is theirs
    ("is the logo I add mine?"), else an extracted entity (Best For only when no other row is named or
    it names an audience), else the strongest text match."""
    if _OWNERSHIP_ASK.search(normalise(text or "")):
        return "design_ownership"
    scores = factor_scores(text, snapshot)
    named = [key for key in (synonym_to_factor(value, snapshot) for value in entity_values) if key]
    rows = [key for key in named if key != "best_for"]  # "suited"/"a good fit" beside another row ask which model
    if rows:  # several: the one the words name most strongly ("waste of my time. cheaper per unit?")
        return max(rows, key=lambda key: scores.get(key, 0))
    if set(scores) | set(named) <= {"best_for"} and asks_for_overview(text) and not audience_named(text, snapshot):
        return None  # "a comparison across all factors would be ideal for our board": the whole table
    if named and (not scores or audience_named(text, snapshot)):
        return "best_for"
    if not scores or max(scores, key=scores.get) == "best_for":  # "which suits tiny runs?": the row of the runs
        by_adjective = [row for row in _VOCABULARY.level_words if _level_by_adjective(_token_line(text), row)]
        if by_adjective:
            return by_adjective[0]
    if not scores:
        return "best_for" if audience_named(text, snapshot) else None  # "OEM or ODM for fast market entry?"
    return max(scores, key=scores.get)


def synonym_to_factor(value: str, snapshot: Snapshot) -> str | None:
    value = (value or "").strip().lower()
    for key, row in snapshot.factors.items():
        if value == key or value == row.row_label.lower() or value in row.synonyms or value in row.comparatives:
            return key
    return None


def _comparative(text: str, factor: str, snapshot: Snapshot) -> str | None:
    """The level a comparative question asks for ('which is riskier' -> 'higher'; 'when the deadline
    is tight' -> 'shorter')."""
    joined = _token_line(text)
    hits = [(len(p), lvl) for p, lvl in snapshot.factors[factor].comparatives.items() if f" {p} " in joined]
    return max(hits)[1] if hits else _level_by_adjective(joined, factor)


def _token_line(text: str) -> str:
    """The text's words, space-separated with a space at each end (for whole-phrase lookups)."""
    return f" {' '.join(_TOKEN.findall(normalise(text or '')))} "


def _level_by_adjective(text: str, factor: str) -> str | None:
    """A level said by an adjective up to three words before the row's noun ('tiny runs') or after it
    and a verb of being ('the deadline is tight')."""
    nouns, levels = _VOCABULARY.level_words.get(factor, (None, {}))
    if nouns is None:
        return None
    tokens = text.split()
    for noun in nouns.finditer(text):
        first = len(text[: noun.start()].split())
        after = first + len(noun.group(0).split())
        said_of_it = after < len(tokens) and tokens[after] in ("is", "are", "was", "were", "'s", "being", "looks")
        superlative_after = after < len(tokens) and tokens[after].endswith("est")  # "keeps the upfront cost lowest"
        window = " ".join(
            tokens[max(0, first - 3) : first]
            + (tokens[after : after + 3] if said_of_it else tokens[after : after + 1] if superlative_after else [])
        )
        found = [level for level, adjectives in levels.items() if adjectives.search(window)]
        if len(found) == 1:
            return found[0]
    return None


_LEVEL_RANK = {"lower": 0, "moderate": 1, "higher": 2}


# Buyers' words for the parts of a cell: "in bulk" asks about the "at scale" clause.
_CLAUSE_WORDS = {
    "volume": "scale",
    "bulk": "scale",
    "large": "scale",
    "mass": "scale",
    "upfront": "initial",
    "front": "initial",
    "start": "initial",
    "starting": "initial",
    "tooling": "initial",
    "setup": "initial",
    "piece": "unit",
    "each": "unit",
}


def _content_words(text: str) -> set[str]:
    """Words that say what a question or clause is about (singular, no level words, no short words)."""
    words = [w.rstrip("s") for w in re.findall(r"[a-z]+", normalise(text)) if len(w) > 2 and w not in _LEVEL_RANK]
    return {_CLAUSE_WORDS.get(w, w) for w in words}


def _clause_winner(text: str, factor: str, wanted: str, snapshot: Snapshot) -> tuple[str, str] | None:
    """For cells of parallel clauses ("Higher initial cost, lower per-unit at scale" / "Lower initial
    cost, moderate per-unit pricing"): the model whose clause on the question's topic ("per unit",
    "at scale") is the `wanted` level, with the line saying so; None when no one clause is asked about."""
    clauses = {m: [c.strip() for c in snapshot.cell(factor, m).text.split(",")] for m in MODELS}
    count = min(len(c) for c in clauses.values())
    question = _content_words(text)
    overlaps = [sum(len(_content_words(clauses[m][i]) & question) for m in MODELS) for i in range(count)]
    if count < 2 or max(overlaps) == 0 or overlaps.count(max(overlaps)) > 1 or wanted not in ("higher", "lower"):
        return None
    topic = overlaps.index(max(overlaps))
    ranks = {}
    for model in MODELS:
        level = next((w for w in clauses[model][topic].lower().split() if w in _LEVEL_RANK), None)
        if level is None:
            return None
        ranks[model] = _LEVEL_RANK[level]
    if len(set(ranks.values())) == 1:
        return None
    pick = max if wanted == "higher" else min
    winner = pick(MODELS, key=ranks.get)
    loser = other(winner)
    return winner, (
        f"**{winner}** — {snapshot.factors[factor].row_label}: {clauses[winner][topic]}, "
        f"against {loser}'s {clauses[loser][topic][:1].lower()}{clauses[loser][topic][1:]}."
    )


def _cell_line(model: str, cell: Cell, row_label: str) -> str:
    """'• **ODM:** Lower risk (proven designs, faster validation)': a bare 'Higher'/'Lower' cell says
    what it is higher or lower of, so the line reads alone (on Slack, in a transcript)."""
    noun = row_label.removesuffix(" Level").lower()
    text = _BARE_LEVEL.sub(lambda level: f"{level[0]} {noun}", cell.text)
    return f"• **{model}:** {text}"


_BARE_LEVEL = re.compile(r"^(Higher|Lower)(?= \()")


def _ip_lead(model: str, snapshot: Snapshot) -> str:
    cell = snapshot.cell("design_ownership", model)
    if cell.ip_owner == "buyer":
        return f"With {model}, you (the buyer) own the IP."
    customisations = next(
        (s for topic, s in snapshot.models[model].definition if topic == "ip" and "customi" in s.lower()), None
    )
    lead = f"With {model}, the {cell.ip_owner} owns the base design IP."
    return f"{lead} {customisations}" if customisations else lead


def audience_named(text: str, snapshot: Snapshot) -> bool:
    """Whether the text asks about an audience of the Best For row ('best for startups?', 'does it
    suit established brands?'), rather than the buyer saying what they are ('startup here')."""
    words = {word for model in MODELS for item in _audiences(snapshot, model) for word in item[1]}
    alternation = "|".join(re.escape(w) for w in sorted(words))
    return names_both_audiences(text, snapshot) or bool(
        re.search(
            rf"\b(for|suits?|suited to|fit|fits|aimed at|geared (?:to|towards))\s+(an?\s+|the\s+)?([\w-]+\s+){{0,6}}"
            rf"({alternation})",
            normalise(text or ""),
        )
    )


def names_both_audiences(text: str, snapshot: Snapshot) -> bool:
    """'startup vs established, which model each?': the kind of company each model's Best For row
    names first (its other audiences, "fast" or "unique", are said of a buyer's own plans too)."""
    tokens = set(_audience_tokens(text))
    return all(set(_audiences(snapshot, model)[0][1]) & tokens for model in MODELS)


def _audience_tokens(text: str) -> list[str]:
    """The words, singular, with hyphenated ones also joined and split ('start-ups': startup, start, up)."""
    return [
        w.rstrip("s") for t in _TOKEN.findall(normalise(text or "")) for w in {t.replace("-", ""), *t.split("-")} if w
    ]


_GENERIC_AUDIENCE_WORDS = {"brand", "product", "budget", "critical"}  # said of every buyer, name no audience


def _audiences(snapshot: Snapshot, model: str) -> list[tuple[str, list[str]]]:
    """The Best For cell's audiences with the words that name each ("fast market entry" -> fast, market,
    entry), singular."""
    items = [item.strip() for item in snapshot.cell("best_for", model).text.split(",")]
    return [
        (item, [w for w in (w.rstrip("s") for w in item.lower().split()) if w not in _GENERIC_AUDIENCE_WORDS])
        for item in items
    ]


def _audience_lead(text: str, snapshot: Snapshot) -> tuple[str, str] | None:
    """'ODM is the better fit' when the question names an audience listed in Best For ('startup-friendly')."""
    tokens = _audience_tokens(text)
    for model in MODELS:
        for item, words in _audiences(snapshot, model):
            if any(process.extractOne(w, tokens, scorer=fuzz.ratio, score_cutoff=85) for w in words):
                return model, f'{model} is the better fit: its Best For row lists "{item}".'
    return None


def _headline(snapshot: Snapshot, factor: str, text: str, wanted: str | None) -> tuple[str | None, str | None]:
    """The model a comparative ('which is riskier') or audience ('for startups') question points to,
    with the line that says so; (None, None) for other questions. `wanted`: the comparative's level."""
    pointed_to, lead = None, None
    if wanted:
        row = snapshot.factors[factor]
        match = [m for m in MODELS if row.cells[m].level == wanted]
        by_level = (
            (match[0], f"**{match[0]}** — {row.row_label}: {row.cells[match[0]].text}.")
            if len(match) == 1
            else (None, None)
        )
        pointed_to, lead = _clause_winner(text, factor, wanted, snapshot) or by_level
    elif factor == "best_for":
        pointed_to, lead = _audience_lead(text, snapshot) or (None, None)
    if pointed_to and negated_choice(text):  # "which one isn't suited to a tight deadline?": the other one
        pointed_to, row = other(pointed_to), snapshot.factors[factor]
        lead = f"**{pointed_to}** — {row.row_label}: {row.cells[pointed_to].text}."
    return pointed_to, lead


_COMPARED_WITH = re.compile(r"\b(compared?|comparison|versus|vs\.?|against)\b")


def answer_factor(snapshot: Snapshot, factor: str, models: list[str], text: str = "") -> tuple[str, str | None]:
    """One factor for the named models (both when none or a comparison is asked), and the model the
    answer points to ('which is riskier' -> OEM), if any."""
    row = snapshot.factors[factor]
    comparative = _comparative(text, factor, snapshot)
    if (
        comparative
        or not models
        or asks_for_both(text)
        and (len(models) != 1 or _COMPARED_WITH.search(normalise(text)))
    ):
        models = list(MODELS)  # "how does its minimum order compare with OEM's?": both
    lines = [f"**{row.row_label}**"]
    pointed_to, lead = _headline(snapshot, factor, text, comparative)
    if lead and comparative:
        lines[0] = lead
    elif lead:
        lines.insert(0, lead)
    elif factor == "design_ownership":
        lines.insert(0, " ".join(_ip_lead(m, snapshot) for m in models))
    lines += [_cell_line(m, row.cells[m], row.row_label) for m in models]
    lines += [
        f"{m}, in its definition paragraph: {s}"
        for m in models
        for topic, s in snapshot.models[m].definition
        if topic == factor
    ]  # "what can I change under ODM?": "your branding, colors, or minor modifications"
    lines.append(snapshot.citation(factor))
    return "\n".join(lines), pointed_to


_CHECK_ASK = re.compile(
    r"^\W*(?:oem|odm)\s*(?:=|==|means|equals)|"
    r"^\W*(?:so\W+)?(?:is|isn'?t|isnt|was)\s+(?:\w+\s+)?(?:really\s+|basically\s+|just\s+)?"
    r"(?:the one|the model|the option|the route|the type|the kind|the arrangement|the setup|"
    r"the approach|where|when|if)\b|\b(?:right|correct)\W*$"
)


_NAME_ASK = re.compile(
    r"\b(which|what)\s+(model|one|option|route|type|kind|arrangement|setup|approach|service)\s+(is|would be)\s+"
    r"(that|this|it)\b|\bwhat(?:'s| is| are)\s+(that|this|it|they)\s+(\w+\s+)?called\b|\bwhat do (you|they|we|people) "
    r"call\b|\bis (that|this|it) (oem|odm)\b|\b(name|term) for\b|\bwhich is (that|this|it)\b"
)


_WHICH_ONE = re.compile(
    r"^\W*(?:so\W+|and\W+|but\W+)?(?:which|what)\s+(?:model|one|option|route|type|kind|arrangement|setup|approach|"
    r"service|of the two|of them|of these)\b"
)


def after_name_ask(text: str) -> str:
    """What a message asks after naming a described model ("what's that model called and how long does
    it take?" -> "and how long does it take?"); empty when it asks nothing more."""
    clean = normalise(text or "")
    found = _NAME_ASK.search(clean)
    return clean[found.end() :] if found else ""


def model_checked(text: str) -> tuple[str | None, str] | None:
    """'is OEM the one where I bring my own design?': (the model named, the model described), when the
    buyer checks a name against a description; 'what's it called when the factory already has the
    design?': (None, the model described)."""
    clean = normalise(text or "")
    named, described = models_in(clean), models_described(clean)
    if len(described) != 1:
        return None
    if len(named) == 1 and _CHECK_ASK.search(clean):
        return named[0], described[0]
    if len(named) != 1 and _NAME_ASK.search(clean):
        return None, described[0]
    which = _WHICH_ONE.search(clean)
    if not named and which and models_described(clean[which.end() :]):  # "which model won't need our own design?"
        return None, described[0]
    return None


def answer_model_check(snapshot: Snapshot, named: str | None, described: str, factor: str | None = None) -> str:
    """Yes (or no, and which one it is), or the name of the model described; then its definition, or
    the row asked about too ("what's that model called and how long does it take?")."""
    if named is None:
        lead = f"That's {described}."
    else:
        lead = f"Yes, that's {named}." if named == described else f"No, that's {described}, not {named}."
    body = answer_factor(snapshot, factor, [described])[0] if factor else answer_definition(snapshot, [described])
    return f"{lead}\n{body}"


def answer_definition(snapshot: Snapshot, models: list[str]) -> str:
    """What OEM/ODM stand for and mean, from the article's defining paragraphs."""
    models = models or list(MODELS)
    parts = []
    for code in models:
        info = snapshot.models[code]
        sentences = [s for topic, s in info.definition if topic != "audience" or len(models) == 1]
        body = " ".join(sentences if len(models) == 1 else sentences[:2])
        parts.append(f"**{code} = {info.full_name}.** {body}")
    parts.append(
        f"(source: {snapshot.path}, definition paragraph{'s' if len(models) > 1 else ''}; doc v{snapshot.version})"
    )
    return "\n".join(parts)


def answer_overview(snapshot: Snapshot, models: list[str] | tuple[str, ...] = MODELS) -> str:
    """The whole comparison (or one model's column), one line per row."""
    lines = [f"**{snapshot.table_title}**" + ("" if len(models) > 1 else f" — {models[0]}")]
    for row in snapshot.factors.values():
        cells = " | ".join(f"{m}: {row.cells[m].text}" for m in models)
        lines.append(f"• **{row.row_label}** — {cells}")
    lines.append(f"(source: {snapshot.table_title}, all rows; {snapshot.path}, doc v{snapshot.version})")
    return "\n".join(lines)


def asks_sides(text: str) -> str | None:
    """'downsides?', 'what would we give up?' -> "downsides"; 'what's good about OEM?' -> "upsides";
    'what would I gain and what would I give up by going ODM?' -> "both"."""
    clean = normalise(text or "")
    down, up = _VOCABULARY.downside_asks.search(clean), _VOCABULARY.upside_asks.search(clean)
    if down and up:  # "pros and cons" (of the two): the whole comparison
        return None if asks_for_overview(clean) else "both"
    return "downsides" if down else "upsides" if up else None


def _is_drawback(key: str, cell: Cell) -> bool:
    drawback = _VOCABULARY.drawbacks.get(key)
    return drawback == "both" or drawback in (cell.level, cell.ip_owner)


def answer_sides(snapshot: Snapshot, model: str, sides: str) -> str:
    """A model's downsides (or upsides, or "both") read off the table: the rows whose cell is a drawback
    (or not), each with its cell; a row that is a trade-off either way is in both lists."""
    other_model = other(model)
    rows = [
        (key, row)
        for key, row in snapshot.factors.items()
        if key in _VOCABULARY.drawbacks
        and (_is_drawback(key, row.cells[model]) == (sides == "downsides") or _VOCABULARY.drawbacks[key] == "both")
    ]
    if sides == "both":
        return "\n".join(answer_sides(snapshot, model, side) for side in ("upsides", "downsides"))
    lines = [f"**{model}'s {sides}**, from the table (against {other_model}):"]
    lines += [
        f"• **{row.row_label}** — {model}: {row.cells[model].text} (vs {other_model}: {row.cells[other_model].text})"
        for _, row in rows
    ]
    lines.append(
        f"(source: {snapshot.table_title}, {', '.join(row.row_label for _, row in rows)} rows; "
        f"{snapshot.path}, doc v{snapshot.version})"
    )
    return "\n".join(lines)


def _quantity_verdict(model: str, cell: Cell, quantity: float) -> str:
    qty = units(quantity)
    if cell.contains(quantity):
        return f"{model}: yes — {qty} is within {model}'s typical MOQ of {cell.range_text()}."
    if quantity < cell.range_min:
        return f"{model}: {qty} is below {model}'s typical minimum ({cell.range_text()})."
    return f"{model}: {qty} is above {model}'s typical range ({cell.range_text()}); larger runs usually suit OEM."


def answer_quantity_feasibility(snapshot: Snapshot, quantity: float) -> str:
    """Which model's MOQ range an order of `quantity` units fits."""
    cells = snapshot.factors["moq"].cells
    fits = [m for m in MODELS if cells[m].contains(quantity)]
    lead = (
        f"{units(quantity)} fits {' and '.join(fits)}."
        if fits
        else f"{units(quantity)} is outside both typical MOQ ranges."
    )
    lines = [lead] + [_quantity_verdict(m, cells[m], quantity) for m in MODELS]
    lines.append(snapshot.citation("moq"))
    return "\n".join(lines)


def _time_verdict(model: str, cell: Cell, weeks: float) -> str:
    low, high = cell.weeks_range()
    if weeks >= high:
        return (
            f"{model} ({cell.range_text()}): fits, with {describe_weeks(weeks - high)} to spare even at the slow end."
        )
    if weeks >= low:
        return (
            f"{model} ({cell.range_text()}): possible only at the faster end — up to "
            f"{describe_weeks(high - weeks)} short if it runs long."
        )
    return f"{model} ({cell.range_text()}): not realistic — short by at least {describe_weeks(low - weeks)}."


def answer_time_feasibility(snapshot: Snapshot, weeks: float) -> str:
    """Whether each model's development time fits a launch `weeks` away."""
    cells = snapshot.factors["development_time"].cells
    fits = [m for m in MODELS if weeks >= cells[m].weeks_range()[0]]
    lead = f"In {describe_weeks(weeks)}: " + (
        f"{' and '.join(fits)} can make it." if fits else "neither model typically makes it."
    )
    lines = [lead] + [_time_verdict(m, cells[m], weeks) for m in MODELS]
    lines.append(snapshot.citation("development_time"))
    return "\n".join(lines)


def answer_not_covered(
    snapshot: Snapshot, topic: NotCoveredTopic, factor: str | None = None, factor_text: str = ""
) -> str:
    """'The comparison doesn't cover X', then the rows it has that are related (at most two; the row the
    buyer named in `factor_text` first when it is named outright, "what's the OEM MOQ range?")."""
    named_exactly = (
        factor
        and factor_scores(topic.pattern.sub(" ", normalise(factor_text)), snapshot).get(factor, 0) >= EXACT_MATCH_BONUS
        if factor_text
        else False
    )
    rows = [
        key
        for key in ((factor, *topic.related) if named_exactly else (*topic.related, factor))
        if key in snapshot.factors
    ]
    rows = list(dict.fromkeys(rows))  # the subject's related rows first, then the row the buyer named
    lines = [
        f"The comparison doesn't cover {topic.label}, so I can't give you a figure or a verdict on that. "
        "What it does say that is related:"
    ]
    for key in rows[:2]:
        row = snapshot.factors[key]
        lines.append(f"• **{row.row_label}** — OEM: {row.cells['OEM'].text} | ODM: {row.cells['ODM'].text}")
    lines.append(
        f"(source: {snapshot.table_title}, {' / '.join(snapshot.factors[k].row_label for k in rows[:2])} "
        f"row{'s' if len(rows[:2]) > 1 else ''}; doc v{snapshot.version})"
    )
    return "\n".join(lines)


def answer_situation(snapshot: Snapshot, facts: dict, offer: bool = True) -> tuple[str, str | None]:
    """A buyer's situation judged against the table: which model fits the facts given (order size,
    launch time, design, IP, budget, stage), the decision core's reasons with their rows, the tension
    when facts point different ways, and each model's range for a quantity or a launch time; and the
    model the answer points to, if any."""
    quantity, weeks = facts.get("order_quantity"), facts.get("weeks_to_launch")
    rec = recommend(BuyerProfile(**facts), snapshot)
    leaning = any(r.favours for r in rec.reasons)
    lines = [
        f"From the table, **{rec.model}** is the better fit for that:"
        if leaning
        else "From the table, both models can work:"
    ]
    lines += [f"• {r.cited()}" for r in rec.reasons if r.favours in (rec.model, None)]
    against = rec.for_model(other(rec.model))
    if rec.tension or against:
        lines.append(f"Tension: {rec.tension or against[0].cited()}")
    if quantity is not None:
        lines.append(answer_quantity_feasibility(snapshot, quantity))
    if weeks is not None:
        lines.append(answer_time_feasibility(snapshot, weeks))
    if quantity is None or weeks is None:
        lines.append(_key_figures(snapshot))
    if offer:
        lines.append(OFFER_RECOMMENDATION)
    return "\n".join(lines), rec.model if leaning else None


def _key_figures(snapshot: Snapshot) -> str:
    """Each model's MOQ and development time, the figures a buyer weighs first."""
    moq, time = snapshot.factors["moq"], snapshot.factors["development_time"]
    figures = "; ".join(f"{m}: MOQ {moq.cells[m].range_text()}, {time.cells[m].range_text()}" for m in MODELS)
    return f"In the table — {figures} ({moq.row_label} / {time.row_label} rows)."


OFFER_RECOMMENDATION = (
    'Would you like a full recommendation that also weighs your design, IP, budget and stage? Say "help me choose".'
)


def situation_in(text: str, asked_about: str | None = None, snapshot: Snapshot | None = None) -> dict | None:
    """The buyer facts of a situation question ("1,200 dolls in ten weeks, doable?", "nobody here
    designs, which model?"), or None when the message is not one. Numbers count only with their words
    around them (buyer_text)."""
    clean = normalise(text or "")
    facts = {k: v for k, v in extract_facts(clean).facts.items() if v != UNSURE}
    ordered = "order_quantity" in facts  # "a small first run of 90 bears" is a situation, not a row's comparative
    if snapshot and asked_about and not ordered and _comparative(clean, asked_about, snapshot):
        return None  # "which one needs bigger orders?" compares a row
    if snapshot and names_both_audiences(clean, snapshot):
        return None  # "startup vs established, which model each?" reads the Best For row
    broad = asked_about in (None, "moq", "development_time", "best_for")  # "can I get exclusivity?" asks a row
    which_model = _VOCABULARY.which_model_asks.search(clean) or broad and _VOCABULARY.situation_asks.search(clean)
    own_figure = {"moq": "order_quantity", "development_time": "weeks_to_launch"}.get(asked_about) in facts
    quantity = facts.get("order_quantity")
    # "and for 30,000?" counts an order; "a table for two?" does not
    counts_an_order = quantity is not None and (quantity >= 10 or about_sourcing(clean) or "weeks_to_launch" in facts)
    about_toys = models_in(clean) or counts_an_order or _TOY_WORDS.search(clean)
    if not (which_model or own_figure or asked_about is None and "?" in clean and about_toys):
        return None
    return facts or None


def answer_quotes(comparison: QuoteComparison, quantities: list[float]) -> tuple[str, float | None]:
    """Two factory quotes compared: totals at each of the buyer's quantities and the break-even order
    size (the buyer's own numbers, not the table's); returns the text and the break-even, if any."""
    oem, odm = comparison.quotes["OEM"], comparison.quotes["ODM"]
    cur = comparison.currency or ""

    def money(value: float) -> str:
        return f"{cur}{value:,.2f}"

    lines = [] if cur else ["No currency was given, so I assume both quotes use the same one."]
    for quantity in quantities:
        totals = {q.model: q.total(quantity) for q in (oem, odm)}
        cheaper = min(totals, key=totals.get)
        gap = abs(totals["OEM"] - totals["ODM"])
        verdict = f"{cheaper} is cheaper by {money(gap)}" if gap >= 0.005 else "the two cost the same (the break-even)"
        lines.append(f"At {units(quantity)}: OEM {money(totals['OEM'])}, ODM {money(totals['ODM'])} — {verdict}.")
    if not quantities:
        lines.append('Tell me your order quantity (e.g. "at 1,000 units") for totals; meanwhile:')
    breakeven = break_even_quantity(oem, odm)
    if breakeven:
        lines.append(
            f"Break-even: above about {units(breakeven)} OEM's unit price, {money(odm.per_unit - oem.per_unit)} lower "
            f"({money(oem.per_unit)} vs {money(odm.per_unit)}), outweighs its fixed cost, "
            f"{money(oem.fixed - odm.fixed)} higher ({money(oem.fixed)} vs {money(odm.fixed)})."
        )
    elif (
        oem.per_unit >= odm.per_unit and oem.fixed > odm.fixed or oem.per_unit > odm.per_unit and oem.fixed == odm.fixed
    ):
        lines.append(
            f"No break-even: OEM's unit price ({money(oem.per_unit)}) is not lower than ODM's "
            f"({money(odm.per_unit)}), so ODM's quote is cheaper at every quantity."
        )
    elif oem.per_unit > odm.per_unit:
        crossover = (odm.fixed - oem.fixed) / (oem.per_unit - odm.per_unit)
        lines.append(
            f"No break-even in OEM's favour: OEM's unit price ({money(oem.per_unit)}) is higher than "
            f"ODM's ({money(odm.per_unit)}), so OEM is cheaper only below about {units(crossover)} "
            "and ODM at every quantity above that."
        )
    else:
        lines.append("No break-even: OEM's quote is cheaper at every quantity.")
    lines.append(
        "These are your quotes' numbers; the comparison table itself has no prices "
        "(its Unit Cost row: OEM higher initial cost, lower per-unit at scale)."
    )
    return "\n".join(lines), breakeven


DEFINITION_ASK = re.compile(
    r"\b(stand for|stands for|mean|means|meaning|what is|what's|whats|define|definition|"
    r"acronym|abbreviation|role|actually do|(?:actual |real |main )?job|do for (me|us)|how does \w+ work|called|"
    r"the name for|the term for|wh?at (even |exactly )?is|what (even |exactly )?are (they|these|those|both|the two|"
    r"oem and odm|odm and oem))\b"
)


_WHAT_A_MODEL_IS = re.compile(
    r"\b(oem|odm)\W+(?:[\w']+\W+){0,2}?(stands? for|short for)\b|\bwhat (?:does|do) (?:the )?(?:letters )?(oem|odm) "
    r"mean\b|\b(acronyms?|abbreviations?|letters)\W+(?:\w+\W+){0,3}?(oem|odm)\b|\bwho does what\b|"
    r"\bwhich (?:one )?is which\b|\bspell (?:it |that )?out\b|\bfull (?:form|name)\b|^\W*(oem|odm)\s*=+\s*\?|"
    r"\bwhat (?:an? )?(oem|odm)(?: factory| model| supplier)? (?:is|means|really is|actually is)\b|"
    r"^\W*(oem|odm)\s*==?\s*(?:[\w',]+\s+){1,6}?or\b|\bdefine (?:an? )?(?:oem|odm|original)\b|"
    r"\b(?:oem|odm|manufacturer)'?\s+(?:really |actually |truly )?means\b|"
    # "what on earth is ODM?", "so what actually is it?", "what is meant by OEM", "explain me the word ODM"
    r"\bwhat(?: on earth| in the world| the heck)?(?:'s| is)\s+(?:actually |exactly |even |really )?"
    r"(?:an? )?(?:oem|odm)\b"
    r"(?=\s*(?:[?.!,;]|$|(?:exactly|actually|really|about|then|again|anyway|all about)\b))|"
    r"\bwhat (?:actually |exactly |really )?is (?:it|this|that)(?: actually| exactly| really)?\s*(?:[?.!]|$)|"
    r"\bwhat (?:does|do) (?:it|that|this|they|the (?:term|word|acronym)s?) (?:actually |even |really )?"
    r"mean\b(?!\s+for\b)|"
    r"\b(?:what(?:'s| is) meant by|meaning of|difference in meaning|"
    r"explain (?:me |us )?the (?:word|term|acronym|abbreviation)s?|"
    r"terms? defined|the (?:word|term) (?:oem|odm))\b"
)


def asks_what_a_model_is(text: str) -> bool:
    """'what's OEM short for?', 'in OEM, who does what?': the definition, whatever row words are near."""
    clean = normalise(text or "")
    return bool(models_in(clean) and _WHAT_A_MODEL_IS.search(clean))


def side_question_reply(snapshot: Snapshot, text: str, focus: str | None = None) -> str | None:
    """The answer to a question asked alongside a questionnaire answer ("is ODM cheaper up front?
    and no, we don't have drawings yet") or instead of one ("what would we give up?", about `focus`,
    the model talked about); None when the message asks nothing the table answers."""
    question = split_statement(text)[1]
    if not question:
        return None
    sides = asks_sides(question)
    if sides:
        models = models_in(question) or ([focus] if focus else list(MODELS))
        return "\n".join(answer_sides(snapshot, model, sides) for model in models)
    topic = not_covered_topic(question)
    factor = best_factor(question, snapshot)
    if topic and (factor or models_in(question)):
        return answer_not_covered(snapshot, topic, factor)
    if factor:
        return answer_factor(snapshot, factor, models_in(question) or models_described(question), question)[0]
    if models_in(question) and DEFINITION_ASK.search(question):
        return answer_definition(snapshot, models_in(question))
    return None


def asks_for_recommendation(text: str) -> bool:
    """'OEM or ODM? ask away', 'need a recommendation': the buyer wants the questionnaire."""
    return bool(_VOCABULARY.recommendation_asks.search(normalise(text or "")))


def asks_for_verdict(text: str) -> bool:
    """'Verdict?', 'bottom line?', 'go on then, which?': the recommendation now, with what is known."""
    return bool(_VOCABULARY.verdict_asks.search(normalise(text or "")))


def asks_for_overview(text: str) -> bool:
    """'Which is better overall?', 'walk me through every factor': the whole comparison."""
    return bool(_VOCABULARY.overview_asks.search(normalise(text or "")))


def asks_which_model(text: str) -> bool:
    """'OEM or ODM?', 'which route?', 'help me pick': the buyer asks which model to take."""
    clean = normalise(text or "")
    return bool(_VOCABULARY.which_model_asks.search(clean) or _VOCABULARY.recommendation_asks.search(clean))


_BEST_WAY = re.compile(
    r"\b(cheapest|fastest|quickest|easiest|simplest|safest|best|smartest|cheaper|faster|quicker|easier|safer)\s+"
    r"(way|route|option|model|approach|path|choice)\b"
)


def asks_best_way(text: str) -> bool:
    """'what's the cheapest way to get toys made?': a row's answer that also asks which model to take."""
    return bool(_BEST_WAY.search(normalise(text or "")))


_PLAN = re.compile(
    r"\b(want|wants|wanting|need|needs|looking (to|for|at)|plan|planning|hoping|trying|aim|aiming|would like|'d like|"
    r"thinking (of|about)|considering|keen to|intend|intending|about to|after (some|a|an|\d+)|starting|"
    r"getting (some|a few|\w+ made)|sourcing|fancy)\b"
)
_WHERE_TO_START = re.compile(
    r"\bwhere (do|should|would|can) (i|we) (start|begin)\b|"
    r"\bhow (do|should|would|can) (i|we) (start|begin|get started)\b"
)


_BRANDED = re.compile(r"\b(branded|custom|customi[sz]ed|own-brand|own brand|with (our|my) logo|merch)\b")


def states_a_plan(text: str) -> bool:
    """'I run a shop and want to test squishy toys with my logo', 'starting a little business selling
    bath toys, where do we start?': a buyer's plan about toys, asking nothing of the table."""
    clean = normalise(text or "")
    asks_nothing = not is_question(clean) or bool(_WHERE_TO_START.search(clean))
    about_goods = mentions_toys(clean) or bool(_BRANDED.search(clean))  # "branded frisbees"
    return bool(_PLAN.search(clean)) and about_goods and asks_nothing


def asks_feasibility(text: str) -> bool:
    """'is that possible?', 'doable?', 'will it work?': a judgement of the buyer's own plan."""
    return bool(_VOCABULARY.situation_asks.search(normalise(text or "")))


def about_sourcing(text: str) -> bool:
    """The message is about making or selling toys ("I need them in 3 weeks", "quantity: 300")."""
    return mentions_toys(text) or bool(_VOCABULARY.sourcing_words.search(normalise(text or "")))


def about_something_else(text: str, snapshot: Snapshot) -> bool:
    """A request about another subject ("a recipe for a vegetarian lasagne?", "my knee hurts, what
    should I take?"): no model, row, buyer fact or request for advice, and words the vocabulary never uses."""
    if models_in(text) or best_factor(text, snapshot) or extract_facts(text).facts or mentions_toys(text):
        return False
    if asks_for_recommendation(text) or asks_for_verdict(text) or asks_which_model(text) or refers_to_the_models(text):
        return False
    return not about_sourcing(text) and len(words_outside_vocabulary(text)) >= 2


def mentions_toys(text: str) -> bool:
    """The message is about toys or products (so a neighbouring subject is on topic)."""
    return bool(_TOY_WORDS.search(normalise(text or "")))


def launch_and_order_checks(snapshot: Snapshot, text: str, facts: dict, asked: str | None = None) -> str | None:
    """The table's check of a launch time taken in the questionnaire ("9 wks" gets each model's
    development time and the margin), and of an order size said with a question ("600, does that
    work?") or instead of the answer asked for ("and if it were 3,000?"); None when there is none."""
    weeks = facts.get("weeks_to_launch")
    weeks = weeks if isinstance(weeks, (int, float)) and weeks > 0 else None
    volunteered = facts.get("order_quantity") if asked != "order_quantity" else None
    quantity = volunteered if isinstance(volunteered, float) else (situation_in(text) or {}).get("order_quantity")
    return "\n".join(feasibility_checks(snapshot, quantity, weeks)) or None


def feasibility_checks(snapshot: Snapshot, quantity: float | None, weeks: float | None) -> list[str]:
    """The table's judgement of an order size and of a launch time, each when given (a date already
    past gets said so)."""
    checks = []
    if quantity is not None and quantity >= 1:
        checks.append(answer_quantity_feasibility(snapshot, quantity))
    if weeks is not None:
        checks.append(answer_time_feasibility(snapshot, weeks) if weeks > 0 else phrases.DATE_PASSED)
    return checks
