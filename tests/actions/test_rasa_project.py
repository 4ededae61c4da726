"""Rasa's own checks on the project: data validation, and test stories against the trained model."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from advisor.paths import PROJECT_DIR
from tests.support.project import nlu_examples

RASA = str(Path(sys.executable).parent / "rasa")
# Responses that only Rasa's built-in actions send (form questions, fallback, restart), or that our
# custom actions send by name: the validator cannot see those uses and reports them as unused.
USED_BY_BUILT_IN_ACTIONS = {
    "utter_ask_own_design",
    "utter_ask_ip_importance",
    "utter_ask_order_quantity",
    "utter_ask_weeks_to_launch",
    "utter_ask_budget",
    "utter_ask_business_stage",
    "utter_default",
    "utter_restart",
}
USED_BY_CUSTOM_ACTIONS = {
    name
    for path in (PROJECT_DIR / "actions").glob("*.py")
    for name in re.findall(r'"(utter_\w+)"', path.read_text(encoding="utf-8"))
}


def rasa(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([RASA, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900)


def test_data_validates_without_warnings():
    result = rasa("data", "validate", "--fail-on-warnings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    rasa_warnings = re.findall(r"UserWarning: (.*)", output)
    unused = {m for w in rasa_warnings for m in re.findall(r"The utterance '(\w+)' is not used", w)}
    assert unused <= USED_BY_BUILT_IN_ACTIONS | USED_BY_CUSTOM_ACTIONS, rasa_warnings
    assert [w for w in rasa_warnings if "is not used in any story or rule" not in w] == []
    assert "No story structure conflicts found" in output


def test_held_out_sets_are_never_trained_on():
    trained = set().union(*(nlu_examples(p) for p in (PROJECT_DIR / "data" / "nlu").glob("*.yml")))
    held_out = nlu_examples(PROJECT_DIR / "tests" / "nlu" / "holdout.yml") | nlu_examples(
        PROJECT_DIR / "bench" / "out_of_scope.yml"
    )
    assert len(held_out) > 250 and held_out.isdisjoint(trained), sorted(held_out & trained)


def rules_by_first_intent() -> dict[str, list[dict]]:
    rules = {}
    for path in sorted((PROJECT_DIR / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text())["rules"]:
            first = rule["steps"][0]
            if "intent" in first:
                rules.setdefault(first["intent"], []).append(rule)
    return rules


def test_every_intent_has_a_rule_outside_the_questionnaire():
    """Rules alone choose the next action (no TEDPolicy): an intent without one would get the fallback."""
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    rules = rules_by_first_intent()
    handled_by_rasa = {"restart"}  # Rasa's default /restart rule
    without_rule = [
        intent
        for intent in domain["intents"]
        if intent not in handled_by_rasa
        and not any("condition" not in rule and not rule.get("conversation_start") for rule in rules.get(intent, []))
    ]
    assert without_rule == []
