"""The blind set (tests/blind/) against the running assistant: every batch stays answered as well as its
baseline (tests/unit/test_blind.py keeps the set itself honest)."""

from __future__ import annotations

import json

import pytest

from bench.blind import BLIND_DIR, run_batches, scores

BASELINES = json.loads((BLIND_DIR / "scores.json").read_text(encoding="utf-8"))
REGRESSION_MARGIN = 0.03  # a few cases' worth of noise: dates move with today, DIET retrains


@pytest.mark.server
def test_the_batches_stay_answered_as_well_as_their_baseline(assistant):
    outcomes = run_batches(assistant.url, sorted(p for p in BLIND_DIR.iterdir() if p.is_dir()))
    per_batch = scores(outcomes)["per_batch"]
    failures = [f"{o.batch}/{o.case_id}: {o.error}" for o in outcomes if o.error]
    worse = {
        f"{batch} {part}": (result[part]["score"], BASELINES[batch]["baseline"][part])
        for batch, result in per_batch.items()
        for part in ("questions", "dialogues")
        if result[part]["score"] < BASELINES[batch]["baseline"][part] - REGRESSION_MARGIN
    }
    assert not worse, f"below baseline (score, baseline): {worse}\n" + "\n".join(failures[:20])
