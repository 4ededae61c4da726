"""One set-up step of the Makefile on a quiet console: `Training the model (about a minute)… done in 41 s`.

    python -m launcher.step "Training the model (about a minute)" build/logs/train.log -- rasa train ...

Runs the command with its output (pip's resolver chatter, TensorFlow's and deprecation warnings,
progress bars) appended to the log file; on a terminal a spinner shows the elapsed time. If the
command fails, prints its last lines and the log's path, and exits with its exit code.
Standard library only (run from the project folder, `-m` finds this package before it is installed):
it also runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from launcher.console import Stage, show_tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("title", help="what the step does, as the console shows it")
    parser.add_argument("log", type=Path, help="file that gets the command's output")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command and its arguments")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with Stage(args.title) as stage, args.log.open("ab") as log:
        offset = log.tell()
        try:
            code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
        except OSError as err:  # the program is missing or not executable
            log.write(f"{err}\n".encode())
            code = 127
        log.flush()
        if code:
            stage.finish(f"failed (exit code {code})")
            show_tail(args.log, sys.stderr, count=30, offset=offset)
    return code


if __name__ == "__main__":
    sys.exit(main())
