"""A quiet console: one line per stage ("Training the model (about a minute)… done in 41 s"), a
spinner with the elapsed seconds while a stage runs on a terminal, and the last lines of a log.

Used by launcher/step.py (the Makefile's set-up steps) and launcher/serve.py (the launcher).
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

SPINNER = "|/-\\"


class Stage:
    """Prints `title…`, then, on a terminal, a spinner with the elapsed time until `finish()`."""

    def __init__(self, title: str, stream: TextIO = sys.stdout) -> None:
        self.title = title
        self.stream = stream
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._spinner: threading.Thread | None = None

    def __enter__(self) -> Stage:
        self.stream.write(f"{self.title}… ")
        self.stream.flush()
        if self.stream.isatty():
            self._spinner = threading.Thread(target=self._spin, daemon=True)
            self._spinner.start()
        return self

    def _spin(self) -> None:
        for mark in itertools.cycle(SPINNER):
            if self._stop.wait(0.25):
                return
            elapsed = f"{mark} {time.monotonic() - self.started:.0f} s"
            self.stream.write(elapsed + "\b" * len(elapsed))
            self.stream.flush()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def finish(self, outcome: str) -> None:
        """Ends the stage's line with `outcome` (e.g. "done in 41 s" or "failed")."""
        self._stop.set()
        if self._spinner:
            self._spinner.join()
            self.stream.write("\x1b[K")  # clears what the spinner left
        self.stream.write(outcome + "\n")
        self.stream.flush()

    def __exit__(self, *exc_info) -> None:
        if not self._stop.is_set():
            self.finish(f"done in {self.elapsed():.0f} s" if exc_info[0] is None else "failed")


def last_lines(log: Path, count: int = 20, offset: int = 0) -> list[str]:
    """The last `count` lines written to `log` after byte `offset` (none if it does not exist)."""
    try:
        with log.open("rb") as file:
            file.seek(offset)
            text = file.read().decode(errors="replace")
    except OSError:
        return []
    return text.splitlines()[-count:]


def show_tail(log: Path, stream: TextIO, count: int = 20, offset: int = 0) -> None:
    """Prints the last lines of `log` and where the whole of it is."""
    lines = last_lines(log, count, offset)
    if lines:
        stream.write(f"Last lines of {log}:\n" + "".join(f"  {line}\n" for line in lines))
    else:
        stream.write(f"(nothing in {log})\n")
    stream.flush()
