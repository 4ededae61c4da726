"""Rasa's test stories (tests/stories/) against the trained model."""

from __future__ import annotations

from advisor.paths import MODEL
from tests.support.project import rasa


def test_test_stories_pass(tmp_path):
    result = rasa(
        "test",
        "core",
        "--stories",
        "tests/stories",
        "--model",
        str(MODEL),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "story:" not in failed.read_text(), failed.read_text()
