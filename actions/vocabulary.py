"""The buyer vocabulary (`data/knowledge/vocabulary.yml`), compiled once for matching.

Pure Python, no Rasa import. Every word list the parsers, the answers and the spaCy entity ruler
use lives in that file; this module turns each list into a word-boundary pattern over normalised
text (lower case, folded quotes and dashes: see `buyer_text.normalise`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "data" / "knowledge" / "vocabulary.yml"


def phrase_alternation(phrases) -> str:
    """A regex alternation of the phrases, longest first, any run of spaces/hyphens between words."""
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in ordered)


def phrase_pattern(phrases) -> re.Pattern:
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
class Vocabulary:
    model_names: dict[str, re.Pattern]
    model_descriptions: dict[str, re.Pattern]
    not_covered: tuple[NotCoveredTopic, ...]
    not_order_nouns: str        # alternation: nouns whose count is not an order ("12 stores")
    quantity_nouns: str         # alternation: nouns that count an order ("300 plushies")
    past_span_after: re.Pattern  # "5 years [selling online]": a duration in the past
    past_span_before: re.Pattern
    answers: dict[str, re.Pattern]
    situation_asks: re.Pattern
    recommendation_asks: re.Pattern
    overview_asks: re.Pattern
    raw: dict

    def answer(self, name: str) -> re.Pattern:
        return self.answers[name]


@lru_cache(maxsize=None)
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary file, compiled (read once per process)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    models = raw["models"]
    return Vocabulary(
        model_names={code: phrase_pattern(entry["names"]) for code, entry in models.items()},
        model_descriptions={code: phrase_pattern(entry["descriptions"]) for code, entry in models.items()},
        not_covered=tuple(NotCoveredTopic(key, entry["label"], phrase_pattern(entry["words"]),
                                          tuple(entry["related"])) for key, entry in raw["not_covered"].items()),
        not_order_nouns=phrase_alternation(raw["not_order_nouns"]),
        quantity_nouns=phrase_alternation(raw["quantity_nouns"]),
        past_span_after=re.compile(rf"^\s*(?:{phrase_alternation(raw['past_span_after'])})(?![\w-])"),
        past_span_before=re.compile(rf"(?<![\w-])(?:{phrase_alternation(raw['past_span_before'])})"
                                    r"(?:\s+\w+){0,3}\s*(?:for|over)?\s*$"),
        answers={name: phrase_pattern(words) for name, words in raw["answers"].items()},
        situation_asks=phrase_pattern(raw["situation_asks"]),
        recommendation_asks=phrase_pattern(raw["recommendation_asks"]),
        overview_asks=phrase_pattern(raw["overview_asks"]),
        raw=raw,
    )
