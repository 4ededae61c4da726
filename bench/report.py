"""The README's benchmark table, in Markdown, from build/bench/{nlu,blind,load,flood,footprint,charts,report}.json.

Run after `make bench` (which runs it); paste the output into README.md's Benchmarks section.
Each row: what, target, result, met or not. Latency and throughput are quoted as ratios to the stock
`rasa init` assistant measured in the same run, with our absolute times beside them.
"""

from __future__ import annotations

import argparse
import json
import sys

from advisor.paths import BUILD_DIR

RESULTS_DIR = BUILD_DIR / "bench"
RSS_LIMIT_MB = 1600


def load(name: str) -> dict:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def row(what: str, target: str, result: str, met: bool | None) -> str:
    mark = "" if met is None else ("yes" if met else "**no**")
    return f"| {what} | {target} | {result} | {mark} |"


def blind_rows(blind: dict) -> list[str]:
    """The blind set's pass rates, overall and per kind (bench.blind)."""
    if not blind:
        return []
    batches = ", ".join(blind["batches"])
    rows = [
        row(
            f"Blind questions ({blind['questions']['cases']}, {batches})",
            ">= 0.95",
            f"{blind['questions']['score']:.3f}",
            blind["questions"]["score"] >= 0.95,
        ),
        row(
            f"Blind dialogues ({blind['dialogues']['cases']})",
            ">= 0.95",
            f"{blind['dialogues']['score']:.3f}",
            blind["dialogues"]["score"] >= 0.95,
        ),
    ]
    return rows + [
        row(f"Blind, {kind.replace('_', ' ')} ({k['cases']})", "", f"{k['score']:.2f}", None)
        for kind, k in blind["kinds"].items()
    ]


def understanding_rows(nlu: dict) -> list[str]:
    if not nlu:
        return []
    intents, oos = nlu["intents"], nlu["out_of_scope"]
    rows = [
        row(
            f"Intent accuracy, held-out ({intents['messages']} msgs)",
            ">= 0.97",
            f"{intents['accuracy']:.3f}",
            intents["accuracy"] >= 0.97,
        ),
        row("Intent macro-F1, held-out", "", f"{intents['macro_f1']:.3f}", None),
        row(
            f"Out-of-scope recall / precision ({oos['messages']} msgs)",
            ">= 0.90 / >= 0.90",
            f"{oos['recall']:.2f} / {oos['precision']:.2f}",
            oos["recall"] >= 0.9 and oos["precision"] >= 0.9,
        ),
    ]
    rows += [
        row(f"Entity F1: {entity}", "", f"{m['f1']:.2f} (P {m['precision']:.2f}, R {m['recall']:.2f})", None)
        for entity, m in nlu["entities"].items()
    ]
    if "cross_validation" in nlu:
        cv = nlu["cross_validation"]
        rows.append(
            row(
                f"Cross-validation ({cv['folds']} folds): accuracy / macro-F1",
                "",
                f"{cv['accuracy']:.3f} / {cv['macro_f1']:.3f}",
                None,
            )
        )
    return rows


def speed_rows(result: dict) -> list[str]:
    if not result:
        return []
    ours, stock, ratios = result["ours"], result["stock"], result["ratios"]
    custom = ours["single"]["custom_action"]
    rows = [
        row(
            "1 user, custom-action turn p50 / p95",
            "<= 50 / <= 120 ms",
            f"{custom['p50_ms']:.0f} / {custom['p95_ms']:.0f} ms",
            custom["p50_ms"] <= 50 and custom["p95_ms"] <= 120,
        ),
        row(
            "1 user, all turns p50 / p95 / p99 (stock)",
            "",
            f"{ours['single']['all']['p50_ms']:.0f} / {ours['single']['all']['p95_ms']:.0f} / "
            f"{ours['single']['all']['p99_ms']:.0f} ms ({stock['single']['all']['p50_ms']:.0f} / "
            f"{stock['single']['all']['p95_ms']:.0f} / {stock['single']['all']['p99_ms']:.0f} ms)",
            None,
        ),
    ]
    for phase in [p for p in ours if p.startswith("c")]:
        users = phase[1:]
        o, s = ours[phase], stock[phase]
        rows.append(
            row(
                f"{users} conversations: throughput ours/stock",
                ">= 1.0x" if users == "20" else "",
                f"{ratios[f'{phase}_throughput']:.2f}x ({o['messages_per_s']:.1f} vs {s['messages_per_s']:.1f} msg/s)",
                ratios[f"{phase}_throughput"] >= 1.0 if users == "20" else None,
            )
        )
        rows.append(
            row(
                f"{users} conversations: p50 / p95 / p99, errors (stock)",
                "",
                f"{o['p50_ms']:.0f} / {o['p95_ms']:.0f} / {o['p99_ms']:.0f} ms, {o['errors']} "
                f"({s['p50_ms']:.0f} / {s['p95_ms']:.0f} / {s['p99_ms']:.0f} ms, {s['errors']})",
                None,
            )
        )
    first = ours["first_answer_s"]
    rows.append(
        row("Start to first answer (stock)", "<= 30 s", f"{first:.0f} s ({stock['first_answer_s']:.0f} s)", first <= 30)
    )
    memory = ours["memory_mb"]
    total = sum(m["peak"] for m in memory.values())
    parts = ", ".join(f"{name} {m['peak']:.0f}" for name, m in sorted(memory.items()))
    rows.append(
        row(
            "Peak RSS, Rasa + action server",
            f"<= {RSS_LIMIT_MB} MB",
            f"{total:.0f} MB ({parts})",
            total <= RSS_LIMIT_MB,
        )
    )
    return rows


def flood_rows(flood: dict) -> list[str]:
    if not flood:
        return []
    attack, buyer = flood["flood"], flood["buyer"]
    return [
        row(
            f"Flood, {flood['flooders']} clients x {flood['seconds']:.0f} s, {flood['conversation_limit']} "
            "per conversation: messages answered / refused (429) / errors",
            "refused",
            f"{attack['answered']:,} / {attack['limited']:,} / {attack['errors']} "
            f"({attack['requests_per_s']:.0f} msg/s sent)",
            attack["limited"] > 0,
        ),
        row(
            "Another buyer during the flood: answered, p50 / p95",
            "all, p95 < 1000 ms",
            f"{buyer['answered']}/{buyer['messages']}, {buyer['p50_ms']:.0f} / {buyer['p95_ms']:.0f} ms",
            buyer["answered"] == buyer["messages"] > 0 and buyer["p95_ms"] < 1000,
        ),
    ]


def footprint_rows(footprint: dict) -> list[str]:
    if not footprint:
        return []
    return [
        row("Training from scratch", "<= 120 s", f"{footprint['train_s']:.0f} s", footprint["train_s"] <= 120),
        row("Model size", "", f"{footprint['model_mb']:.1f} MB", None),
    ]


def visuals_rows(charts: dict, report: dict) -> list[str]:
    rows = [
        row(
            f"{name.capitalize()} chart: rendering p50 / p95, size",
            "<= 150 ms, <= 60 kB",
            f"{chart['p50_ms']:.0f} / {chart['p95_ms']:.0f} ms, {chart['bytes'] / 1000:.0f} kB",
            chart["p95_ms"] <= 150 and chart["bytes"] <= 60_000,
        )
        for name, chart in charts.items()
    ]
    if report:
        rows.append(
            row(
                f"`make report` on {report['conversations']:,} conversations ({report['messages']:,} "
                "messages): text / --html",
                "seconds",
                f"{report['report_s']:.1f} / {report['report_html_s']:.1f} s",
                report["report_html_s"] <= 10,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    rows = (
        understanding_rows(load("nlu"))
        + blind_rows(load("blind"))
        + speed_rows(load("load"))
        + flood_rows(load("flood"))
        + footprint_rows(load("footprint"))
        + visuals_rows(load("charts"), load("report"))
    )
    if not rows:
        print("No results yet: run `make bench`.", file=sys.stderr)
        return 1
    print("| Measure | Target | Result | Met |\n|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
