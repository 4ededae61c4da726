"""Understanding benchmark: the trained model on the held-out NLU file and the out-of-scope set.

Prints intent accuracy and macro-F1, entity precision/recall/F1 per entity, the most confused
intent pairs and every misclassified message, out-of-scope recall (per kind) and precision, and,
with --cross-validation, `rasa test nlu --cross-validation` on the training data as a second view.
Writes the numbers to build/bench/nlu.json for bench.report.

A message counts as rejected (out of scope) when its intent is `out_of_scope` or `nlu_fallback`
(FallbackClassifier): either way the buyer gets the out-of-scope answer, not a wrong fact.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from advisor.paths import BUILD_DIR, MODEL, PROJECT_DIR

RESULTS_DIR = BUILD_DIR / "bench"
OUT_OF_SCOPE = "out_of_scope"
REJECTED = {OUT_OF_SCOPE, "nlu_fallback"}


def read_examples(path: Path) -> list[dict]:
    """Rasa YAML NLU examples as dicts: text, intent, entities [(entity, start, end)], kind."""
    import yaml
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        kind = (block.get("metadata") or {}).get("kind")  # only the out-of-scope set has kinds
        data = RasaYAMLReader().reads(yaml.safe_dump({"version": "3.1", "nlu": [block]}, allow_unicode=True))
        for message in data.intent_examples:
            entities = {(e["entity"], e["start"], e["end"]) for e in message.get("entities") or []}
            examples.append(
                {"text": message.get("text"), "intent": message.get("intent"), "entities": entities, "kind": kind}
            )
    return examples


async def parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def prf(true_positives: int, predicted: int, actual: int) -> dict:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": actual}


def intent_metrics(examples: list[dict], predictions: list[dict]) -> dict:
    from sklearn.metrics import f1_score

    truth = [e["intent"] for e in examples]
    predicted = [p["intent"]["name"] for p in predictions]
    confusions = Counter((t, p) for t, p in zip(truth, predicted) if t != p)
    misses = [
        {
            "text": e["text"],
            "intent": e["intent"],
            "predicted": p["intent"]["name"],
            "confidence": round(p["intent"]["confidence"], 3),
        }
        for e, p in zip(examples, predictions)
        if e["intent"] != p["intent"]["name"]
    ]
    return {
        "messages": len(truth),
        "accuracy": sum(t == p for t, p in zip(truth, predicted)) / len(truth),
        "macro_f1": f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0),
        "confused_pairs": [{"intent": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common(8)],
        "misclassified": misses,
    }


def entity_metrics(examples: list[dict], predictions: list[dict]) -> dict:
    """Exact-span entity P/R/F1 per entity type, over the messages that carry annotations."""
    counts: dict[str, Counter] = {}
    for example, prediction in zip(examples, predictions):
        if not example["entities"]:
            continue
        found = {(e["entity"], e["start"], e["end"]) for e in prediction.get("entities") or []}
        for entity in {e[0] for e in example["entities"] | found}:
            truth = {e for e in example["entities"] if e[0] == entity}
            guess = {e for e in found if e[0] == entity}
            c = counts.setdefault(entity, Counter())
            c["tp"] += len(truth & guess)
            c["predicted"] += len(guess)
            c["actual"] += len(truth)
    return {entity: prf(c["tp"], c["predicted"], c["actual"]) for entity, c in sorted(counts.items())}


def out_of_scope_metrics(
    in_scope: list[dict], in_scope_predictions: list[dict], oos: list[dict], oos_predictions: list[dict]
) -> dict:
    rejected = [p["intent"]["name"] in REJECTED for p in oos_predictions]
    false_rejections = [e["text"] for e, p in zip(in_scope, in_scope_predictions) if p["intent"]["name"] in REJECTED]
    kinds = Counter(e["kind"] for e in oos)
    caught = Counter(e["kind"] for e, r in zip(oos, rejected) if r)
    true_positives = sum(rejected)
    return {
        "messages": len(oos),
        "recall": true_positives / len(oos),
        "precision": true_positives / (true_positives + len(false_rejections)) if true_positives else 0.0,
        "recall_by_kind": {kind: caught[kind] / n for kind, n in sorted(kinds.items())},
        "missed": [
            {"text": e["text"], "kind": e["kind"], "predicted": p["intent"]["name"]}
            for e, p, r in zip(oos, oos_predictions, rejected)
            if not r
        ],
        "false_rejections": false_rejections,
    }


def cross_validation(folds: int) -> dict:
    """`rasa test nlu --cross-validation` on data/nlu; intent accuracy and macro-F1 of the test folds."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
        subprocess.run(
            [
                str(Path(sys.executable).parent / "rasa"),
                "test",
                "nlu",
                "--nlu",
                "data/nlu",
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                out,
                "--no-plot",
            ],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        report = json.loads((Path(out) / "intent_report.json").read_text())
    return {"folds": folds, "accuracy": report["accuracy"], "macro_f1": report["macro avg"]["f1-score"]}


def print_report(results: dict) -> None:
    intents, entities, oos = results["intents"], results["entities"], results["out_of_scope"]
    print(
        f"Held-out intents ({intents['messages']} messages): accuracy {intents['accuracy']:.3f}, "
        f"macro-F1 {intents['macro_f1']:.3f}"
    )
    print("Top confused pairs (intent -> predicted):")
    for pair in intents["confused_pairs"]:
        print(f"  {pair['intent']} -> {pair['predicted']}: {pair['count']}")
    print("Misclassified held-out messages:")
    for miss in intents["misclassified"]:
        print(f"  [{miss['intent']} -> {miss['predicted']} {miss['confidence']}] {miss['text']}")
    print("Entities (exact span, annotated messages):")
    for entity, m in entities.items():
        print(f"  {entity:15} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (n={m['support']})")
    print(f"Out of scope ({oos['messages']} messages): recall {oos['recall']:.3f}, precision {oos['precision']:.3f}")
    print("  recall by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in oos["recall_by_kind"].items()))
    for miss in oos["missed"]:
        print(f"  missed [{miss['kind']} -> {miss['predicted']}] {miss['text']}")
    for text in oos["false_rejections"]:
        print(f"  wrongly rejected: {text}")
    if "cross_validation" in results:
        cv = results["cross_validation"]
        print(
            f"Cross-validation ({cv['folds']} folds, data/nlu): accuracy {cv['accuracy']:.3f}, "
            f"macro-F1 {cv['macro_f1']:.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--holdout", type=Path, default=PROJECT_DIR / "tests" / "nlu" / "holdout.yml")
    parser.add_argument("--out-of-scope", type=Path, default=PROJECT_DIR / "bench" / "out_of_scope.yml")
    parser.add_argument(
        "--cross-validation",
        type=int,
        metavar="FOLDS",
        default=0,
        help="also run `rasa test nlu --cross-validation` with this many folds",
    )
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "nlu.json")
    args = parser.parse_args(argv)

    holdout, oos = read_examples(args.holdout), read_examples(args.out_of_scope)
    predictions = asyncio.run(parse_all(args.model, [e["text"] for e in holdout + oos]))
    holdout_predictions, oos_predictions = predictions[: len(holdout)], predictions[len(holdout) :]
    in_scope = [(e, p) for e, p in zip(holdout, holdout_predictions) if e["intent"] != OUT_OF_SCOPE]
    results = {
        "model": str(args.model),
        "intents": intent_metrics(holdout, holdout_predictions),
        "entities": entity_metrics(holdout, holdout_predictions),
        "out_of_scope": out_of_scope_metrics([e for e, _ in in_scope], [p for _, p in in_scope], oos, oos_predictions),
    }
    if args.cross_validation:
        results["cross_validation"] = cross_validation(args.cross_validation)
    print_report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
