"""The assistant's fixed sentences that are not `utter_` responses in domain.yml: prompts, notes and
apologies the actions say around the answers built from the store."""

from __future__ import annotations

STORE_UNAVAILABLE = "I can't look that up right now, please try again in a moment."
WHICH_FACTOR = (
    "Which part of OEM vs ODM do you mean — MOQ, development time, cost, IP ownership, "
    "customization, who it's best for, or risk?"
)
GIVE_A_FIGURE = (
    'Tell me an order size (e.g. "150 units") or a launch date (e.g. "in 6 weeks", "by March 1") '
    "and I'll check it against OEM's and ODM's typical ranges."
)
DATE_PASSED = "That date has already passed; give me a future date or a number of weeks."
QUESTIONNAIRE_FOLLOWS = "For a full recommendation, a few quick questions:"
NO_RECOMMENDATION_YET = (
    "I haven't made a recommendation yet. Say \"help me choose\" and I'll ask a few questions, "
    "then explain my reasoning row by row."
)
VERDICT_NOW = "Here is my recommendation from what you've told me; anything I haven't asked yet counts as not sure."
SO_FAR = "From what you've told me so far (the full recommendation follows the questions):"
UNCLEAR = (
    "Sorry, I'm not sure I understood. I can only help with OEM vs ODM questions for custom toys. "
    "Did you mean one of these?"
)


def the_row_is_all(row_label: str, row_answer: str) -> str:
    """'why?' after a factual answer: the table gives no reasons beyond its row."""
    return f"Here is everything the comparison table says on that (its {row_label} row):\n{row_answer}"


def printable_record_link(page: str) -> str:
    return f"[Open the printable record]({page}) (print it, or download it as Markdown)"


def change_note(previous: str, model: str, changed: list[str]) -> str:
    """What a what-if did to an earlier recommendation."""
    what = "; ".join(changed) or "nothing I could use"
    return (
        f"That changes my earlier {previous} recommendation (changed: {what})."
        if previous != model
        else f"Still {model} after your change ({what})."
    )


def updated(changes: list[str]) -> str:
    """The facts a buyer changed ("Order quantity 150 units → 9,000 units")."""
    return "Updated: " + "; ".join(changes) + "."


def moving_on(label: str) -> str:
    return f"Let's move on; I'll treat '{label}' as unknown (you can tell me later)."


def not_caught(hint: str) -> str:
    return f'Sorry, I didn\'t catch that. {hint} Or say "not sure" to skip.'
