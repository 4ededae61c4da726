"""Training footprint: a cold `rasa train` (empty cache, temporary output) timed, and the model size.

Start-up time and memory are measured by bench.load, which starts the assistant anyway.
Writes build/bench/footprint.json for bench.report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.paths import BUILD_DIR, PROJECT_DIR

RESULTS_DIR = BUILD_DIR / "bench"
RASA = Path(sys.executable).parent / "rasa"


def cold_training(config: Path) -> dict:
    """Seconds for `rasa train` from scratch (no cached components), and the model's size in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            RASA_CACHE_DIRECTORY=str(Path(tmp) / "cache"),
        )
        start = time.monotonic()
        subprocess.run(
            [str(RASA), "train", "--config", str(config), "--out", tmp, "--fixed-model-name", "cold"],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - start
        size_mb = (Path(tmp) / "cold.tar.gz").stat().st_size / 1e6
    return {"train_s": seconds, "model_mb": size_mb}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT_DIR / "config.yml")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "footprint.json")
    args = parser.parse_args(argv)
    results = cold_training(args.config)
    print(f"Cold training: {results['train_s']:.0f} s; model {results['model_mb']:.1f} MB")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
