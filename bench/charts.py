"""Chart rendering time and size (make bench): each chart drawn 30 times with figures from the store
(drawn anew each time: what a buyer waits for on a chart not drawn before).

Writes build/bench/charts.json: per chart, median and p95 rendering time (ms) and PNG size (bytes).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import date

from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, ingest
from advisor.knowledge.store import KnowledgeStore, make_engine
from advisor.paths import BUILD_DIR
from advisor.replies.charts import launch_figure_from_store, quote_figure, to_png
from advisor.understanding.buyer_text import Quote, break_even_quantity

RESULTS = BUILD_DIR / "bench" / "charts.json"
RUNS = 30


def measure(render) -> dict:
    render()  # the first drawing loads fonts: not what a buyer waits for
    times, png = [], b""
    for _ in range(RUNS):
        started = time.perf_counter()
        png = render()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (RUNS - 1))], "bytes": len(png)}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/knowledge.db"
        ingest(DEFAULT_SOURCE, DEFAULT_CATALOG, make_engine(url))
        snapshot = KnowledgeStore(url).snapshot()
    oem, odm = Quote("OEM", 8000, 2.10), Quote("ODM", 500, 3.40)
    result = {
        "quote": measure(lambda: to_png(quote_figure(oem, odm, 3000, break_even_quantity(oem, odm), "$"))),
        "launch": measure(lambda: to_png(launch_figure_from_store(snapshot, date.today(), 10))),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    for name, chart in result.items():
        print(f"{name} chart: {chart['p50_ms']:.0f} ms median, {chart['p95_ms']:.0f} ms p95, {chart['bytes']:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
