"""Speed-ups for the Rasa server, installed by `rasa_runtime.rasa_server` before Rasa builds its server.

- Custom-action responses are checked against Rasa's response schema by a validator built once.
  Rasa 3.6 calls `jsonschema.validate`, which first re-validates the (large) schema itself against
  the JSON-Schema meta-schema on every custom action call (tens of ms of CPU; 40% of the server's
  time under load). Invalid responses still go through Rasa's own check and its error message.
- An event's class is looked up by its type name once: Rasa 3.6 walks every subclass of `Event` for
  each event it rebuilds (every stored event of the conversation, on every message; 8% of the
  server's time under load).
- TensorFlow runs each model call on one thread (TF_INTER_OP/INTRA_OP_PARALLELISM_THREADS=1 unless
  set): the models are small and the server handles one message at a time per core, so thread
  hand-offs cost more than they save (single-user p50 0.75x, p95 0.6x on 2 cores).
"""

from __future__ import annotations

import functools
import os

TF_THREADS = {"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1"}


@functools.cache
def action_response_validator():
    """A jsonschema validator for custom-action responses, built (and the schema checked) once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install() -> None:
    """Patch Rasa in this process (before its command line runs)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    for name, value in TF_THREADS.items():
        os.environ.setdefault(name, value)  # read by Rasa's command line before TensorFlow starts

    original = RemoteAction._validate_action_result

    def validate_action_result(self, result) -> bool:
        if action_response_validator().is_valid(result):
            return True
        return original(self, result)  # Rasa's own path raises its explanatory error

    RemoteAction._validate_action_result = validate_action_result

    # Unknown names still raise (exceptions are not cached); all event classes exist once Rasa is imported.
    Event.resolve_by_type = staticmethod(functools.lru_cache(maxsize=None)(Event.resolve_by_type))
