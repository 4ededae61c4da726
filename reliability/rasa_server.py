"""Rasa's own `rasa` command with the project's hooks installed: `python -m reliability.rasa_server run ...`."""
from reliability import speedups
from reliability.rasa_hooks import install


def main() -> None:
    speedups.install()
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
