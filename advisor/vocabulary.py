"""The buyer vocabulary (`data/knowledge/vocabulary.yml`), compiled once for matching.

Pure Python, no Rasa import. Every word list the parsers, the answers and the spaCy entity ruler
use lives in that file; this module turns each list into a word-boundary pattern over normalised
text (lower case, folded quotes and dashes: see `buyer_text.normalise`).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy_lookups_data
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from advisor.paths import KNOWLEDGE_DATA_DIR


def _english_stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from their own module file: importing `spacy` itself would
    load thinc and jax (about 450 MB) into the action server for one word list."""
    spacy_dir = importlib.util.find_spec("spacy").submodule_search_locations[0]
    spec = importlib.util.spec_from_file_location("spacy_en_stop_words", Path(spacy_dir) / "lang/en/stop_words.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


STOP_WORDS = _english_stop_words()
VOCABULARY_FILE = KNOWLEDGE_DATA_DIR / "vocabulary.yml"
FACTOR_CATALOGUE = VOCABULARY_FILE.parent / "factors.yml"
# English word frequencies shipped with spacy-lookups-data (log probabilities): a word rarer than this
# is treated as a possible typo of a vocabulary word ("importent", "establishd", "6 monts").
KNOWN_WORD_LOG_PROB = -16.0
TYPO_SCORE_CUTOFF = 85  # rapidfuzz ratio (0-100) for a typo to be read as the vocabulary word
# A word this rare, one edit from a vocabulary word ~50x as common, is its misspelling ("peices").
MISSPELLING_LOG_PROB = -13.5
COMMONER_BY = 4.0
EXTRA_WORDS = (
    "days",
    "weeks",
    "months",
    "years",
    "quarter",
    "units",
    "pieces",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def phrase_alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of the phrases, longest first, any run of spaces/hyphens between words."""
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in ordered)


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern:
    """Matches any of the phrases as whole words."""
    return re.compile(rf"(?<![\w-])(?:{phrase_alternation(phrases)})(?![\w-])")


@dataclass(frozen=True)
class NotCoveredTopic:
    """A subject next door to the table, and the rows that say something related."""

    key: str
    label: str
    pattern: re.Pattern
    related: tuple[str, ...]


@dataclass(frozen=True)
class ProfileField:
    """One question of the buyer profile: its slot, how replies label it, what it means in "you weren't
    sure about …", the hint after an answer that couldn't be read, and how stored values read back."""

    slot: str
    label: str
    meaning: str
    hint: str
    values: dict[str, str]  # stored value -> the buyer's words ("limited" -> "tight"); empty for numbers


@dataclass(frozen=True)
class Vocabulary:
    model_names: dict[str, re.Pattern]
    model_descriptions: dict[str, re.Pattern]
    not_covered: tuple[NotCoveredTopic, ...]
    not_order_nouns: str  # alternation: nouns whose count is not an order ("12 stores")
    quantity_nouns: str  # alternation: nouns that count an order ("300 plushies")
    past_span_after: re.Pattern  # "5 years [selling online]": a duration in the past
    past_span_before: re.Pattern
    rate_after: re.Pattern  # "[8,400 patients] a month": a rate, neither an order nor a deadline
    answers: dict[str, re.Pattern]
    situation_asks: re.Pattern
    which_model_asks: re.Pattern
    recommendation_asks: re.Pattern
    verdict_asks: re.Pattern
    level_words: dict[str, tuple[re.Pattern, dict[str, re.Pattern]]]  # row -> (its nouns, level -> adjectives)
    overview_asks: re.Pattern
    sourcing_words: re.Pattern  # a message about making or buying toys: a subject next door is on topic
    shorthands: dict[str, str]  # texting shorthand -> the word it stands for ("nxt" -> "next")
    downside_asks: re.Pattern
    upside_asks: re.Pattern
    drawbacks: dict[str, str]  # factor key -> the cell level (or IP owner) that is a drawback; "both": a trade-off
    profile: tuple[ProfileField, ...]  # in the order the questionnaire asks
    raw: dict

    def answer(self, name: str) -> re.Pattern:
        return self.answers[name]


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary file, compiled (read once per process)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    models = raw["models"]
    return Vocabulary(
        model_names={code: phrase_pattern(entry["names"]) for code, entry in models.items()},
        model_descriptions={code: phrase_pattern(entry["descriptions"]) for code, entry in models.items()},
        not_covered=tuple(
            NotCoveredTopic(key, entry["label"], phrase_pattern(entry["words"]), tuple(entry["related"]))
            for key, entry in raw["not_covered"].items()
        ),
        not_order_nouns=phrase_alternation(raw["not_order_nouns"]),
        quantity_nouns=phrase_alternation(raw["quantity_nouns"]),
        past_span_after=re.compile(rf"^\s*(?:{phrase_alternation(raw['past_span_after'])})(?![\w-])"),
        rate_after=re.compile(
            rf"^\s*(?:(?!in\b|within\b|by\b|inside\b|under\b|for\b|before\b|next\b)[a-z]+\s+){{0,2}}?(?:{phrase_alternation(raw['rate_after'])})(?![\w-])"
        ),
        past_span_before=re.compile(
            rf"(?<![\w-])(?:{phrase_alternation(raw['past_span_before'])})"
            r"(?:\s+\w+){0,3}\s*(?:for|over)?\s*$"
        ),
        answers={name: phrase_pattern(words) for name, words in raw["answers"].items()},
        situation_asks=phrase_pattern(raw["situation_asks"]),
        which_model_asks=phrase_pattern(raw["which_model_asks"]),
        recommendation_asks=phrase_pattern(raw["recommendation_asks"]),
        verdict_asks=phrase_pattern(raw["verdict_asks"]),
        level_words={
            row: (
                phrase_pattern(entry["nouns"]),
                {level: phrase_pattern(words) for level, words in entry.items() if level != "nouns"},
            )
            for row, entry in raw["level_words"].items()
        },
        overview_asks=phrase_pattern(raw["overview_asks"]),
        sourcing_words=phrase_pattern(raw["sourcing_words"]),
        shorthands={str(short).lower(): str(word) for short, word in raw["shorthands"].items()},
        downside_asks=phrase_pattern(raw["downside_asks"]),
        upside_asks=phrase_pattern(raw["upside_asks"]),
        drawbacks=dict(raw["drawbacks"]),
        profile=tuple(
            ProfileField(
                entry["slot"],
                entry["label"],
                entry["meaning"],
                entry["hint"],
                {str(k): v for k, v in (entry.get("values") or {}).items()},
            )
            for entry in raw["profile"]
        ),
        raw=raw,
    )


@cache
def _english_log_probs() -> dict[str, float]:
    """Common English words (spacy-lookups-data's frequencies) with their log probabilities."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as table:
        return {
            word: log_prob
            for word, log_prob in json.load(table).items()
            if log_prob > KNOWN_WORD_LOG_PROB and word.isalpha()
        }


@cache
def _lexicon() -> tuple[str, ...]:
    """Every word of the vocabulary and the factor catalogue, four letters or more."""
    texts = [json.dumps(vocabulary().raw), json.dumps(yaml.safe_load(FACTOR_CATALOGUE.read_text(encoding="utf-8")))]
    words = {w for text in texts for w in re.findall(r"[a-z]{4,}", text.lower())} | set(EXTRA_WORDS)
    return tuple(sorted(words))


def _corrected(word: str) -> str:
    """The vocabulary word a misspelling stands for: a rare word near one ("importent"), or a common
    misspelling one edit or swap away from a far more common vocabulary word ("bussiness", "desing")."""
    if len(word) < 4 or word in _lexicon():
        return word
    english = _english_log_probs()
    rarity = english.get(word, -99.0)
    near = len(word) >= 5 and rarity < MISSPELLING_LOG_PROB and _nearest_content_word(word)
    if near and english.get(near, KNOWN_WORD_LOG_PROB) - rarity >= COMMONER_BY and not word.startswith(near):
        return near  # not for a word that inflects it ("purchaser", "tabled")
    if word in english:
        return word
    best = process.extractOne(word, _lexicon(), scorer=fuzz.ratio, score_cutoff=TYPO_SCORE_CUTOFF)
    return best[0] if best else word


def is_common_word(word: str) -> bool:
    """A common English word ("right", "sure"): written on purpose, never a typo of another."""
    return _english_log_probs().get(word, -99.0) >= MISSPELLING_LOG_PROB


def _nearest_content_word(word: str) -> str | None:
    """The vocabulary word one edit or swap away with the same first letter, if it is not a stop word
    ("halve" is no "have", "pertain" no "certain")."""
    found = process.extractOne(word, _content_lexicon(word[0]), scorer=OSA.distance, score_cutoff=1)
    return found[0] if found else None


@cache
def _content_lexicon(first_letter: str) -> tuple[str, ...]:
    return tuple(w for w in _lexicon() if w[0] == first_letter and w not in STOP_WORDS)


def words_outside_vocabulary(text: str) -> list[str]:
    """The content words (four letters or more) the vocabulary and the catalogue never use: "knee",
    "lasagne", "anniversary" tell a message about something else."""
    return [
        w for w in re.findall(r"[a-z]{4,}", correct_typos(text.lower())) if w not in _lexicon() and w not in STOP_WORDS
    ]


def correct_typos(text: str) -> str:
    """Lower-case text with misspelt vocabulary words written right ("very importent" -> "very important");
    common English words and words of three letters or fewer are left as they are."""
    return re.sub(r"[a-z]+", lambda m: _corrected(m.group(0)), text)


PROFILE_FIELDS: dict[str, ProfileField] = {field.slot: field for field in vocabulary().profile}
PROFILE_SLOTS: tuple[str, ...] = tuple(PROFILE_FIELDS)
