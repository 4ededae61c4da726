"""The blind set (tests/blind/): buyer messages written from the source table alone, by a writer who
never saw the training data or the answer code.

A batch the team has already fixed against no longer measures understanding; it stays here as a
regression test. No blind sentence, nor a near copy, may enter the training data or the rules.
"""

from __future__ import annotations

import json
import re

from rapidfuzz import fuzz, process

from advisor.paths import PROJECT_DIR
from bench.blind import BLIND_DIR, load_batches
from tests.support.project import nlu_examples

NEAR_COPY = 90  # rapidfuzz ratio (0-100) at which two sentences count as the same
MIN_WORDS = 8  # shorter questions ("what's the difference between OEM and ODM?") are everyone's words
# Training sentences written on 2026-11-24, before any blind batch existed (git log -S), that a blind
# writer happened to phrase almost the same way: coincidences, not copies.
WRITTEN_BEFORE_THE_BLIND_SET = {
    "what's the difference between oem and odm",
    "what's the smallest order an odm factory accepts",
}
TRAINING_FILES = [*sorted((PROJECT_DIR / "data").rglob("*.yml"))]


def blind_sentences() -> list[str]:
    """Every sentence a blind buyer says: turns, profile openings and answers, follow-ups."""
    sentences = []
    for case, _, _ in load_batches(sorted(p for p in BLIND_DIR.iterdir() if p.is_dir())):
        profile = case.get("profile", {})
        turns = case.get("turns", []) + profile.get("then", [])
        sentences += [turn["say"] for turn in turns] + [profile.get("opening", "")]
        sentences += list(profile.get("answers", {}).values())
    return [s for s in sentences if len(s.split()) >= MIN_WORDS]


def training_sentences() -> list[str]:
    sentences = set()
    for path in TRAINING_FILES:
        sentences |= nlu_examples(path)
        lines = path.read_text(encoding="utf-8").lower().splitlines()
        sentences |= {line.strip().lstrip("- ").strip() for line in lines}
    return [s for s in sentences if len(s.split()) >= MIN_WORDS and s not in WRITTEN_BEFORE_THE_BLIND_SET]


def test_there_is_a_blind_set_of_every_kind():
    cases = load_batches(sorted(p for p in BLIND_DIR.iterdir() if p.is_dir()))
    kinds = {case["kind"] for case, _, _ in cases}
    assert len(cases) >= 300 and sum(dialogue for _, dialogue, _ in cases) >= 15
    assert {
        "described",
        "situation",
        "answer_and_question",
        "volunteered",
        "distractor_numbers",
        "context",
        "quotes",
        "not_covered",
        "bad_input_recovery",
        "short_compare",
        "negation",
    } <= kinds


def test_no_blind_sentence_or_near_copy_is_in_the_training_data_or_rules():
    training = training_sentences()
    copies = []
    for sentence in blind_sentences():
        clean = re.sub(r"\s+", " ", sentence.lower()).strip()
        match = process.extractOne(clean, training, scorer=fuzz.ratio, score_cutoff=NEAR_COPY)
        if match:
            copies.append((sentence, match[0]))
    assert not copies, f"blind sentences copied into data/: {copies[:5]}"


BASELINES = json.loads((BLIND_DIR / "scores.json").read_text(encoding="utf-8"))


def test_every_batch_has_a_baseline():
    batches = {p.name for p in BLIND_DIR.iterdir() if p.is_dir()}
    assert batches and batches <= set(BASELINES), batches - set(BASELINES)
