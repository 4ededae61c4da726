"""The project's files and commands as tests use them: a freshly built knowledge store, NLU examples,
the rasa command and `make report`'s command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, ingest
from advisor.knowledge.store import make_engine
from advisor.paths import PROJECT_DIR

RASA = str(Path(sys.executable).parent / "rasa")


def built_store(folder: Path) -> str:
    """A fresh SQLite knowledge store built from the project's source copy; returns its URL."""
    url = f"sqlite:///{folder / 'knowledge.db'}"
    ingest(DEFAULT_SOURCE, DEFAULT_CATALOG, make_engine(url))
    return url


def nlu_examples(path: Path) -> set[str]:
    """The example sentences of a Rasa NLU YAML file, lower-cased, entity annotations removed."""
    lines = path.read_text(encoding="utf-8").lower().splitlines()
    return {
        re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:].strip())
        for line in lines
        if line.strip().startswith("- ") and not line.strip().startswith("- intent")
    }


def rasa(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([RASA, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900)


def run_report(url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "operations.usage_report", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
