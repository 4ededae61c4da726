"""Rasa's own `rasa` command with the project's hooks and speed-ups installed:
`python -m rasa_runtime.rasa_server run ...` (the launcher and the cluster start Rasa this way)."""

from rasa_runtime import hooks, speedups


def main() -> None:
    speedups.install()
    hooks.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
