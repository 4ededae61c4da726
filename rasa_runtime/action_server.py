"""The action server: rasa_sdk's app with the project's actions, bound to ACTIONS_HOST (127.0.0.1 by
default) and, when ACTION_SERVER_TOKEN is set, answering only requests that carry that token (Rasa
sends it as `?token=` from endpoints.yml). `/health` stays open for load balancers and launchers.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response

from rasa_runtime.ports import port_problem

logger = logging.getLogger(__name__)


def token_given(request) -> str:
    header = request.headers.get("authorization", "")
    return request.args.get("token") or (header[7:] if header.lower().startswith("bearer ") else "")


def create(token: str | None) -> Sanic:
    """The action server app; no CORS (only Rasa calls it)."""
    # The module with the Action classes, not the whole `actions` package: registering the package
    # would import advisor.understanding.spacy_model, whose spaCy import loads TensorFlow (+430 MB, slower start).
    app = create_app("actions", cors_origins=None)
    if token:

        @app.middleware("request")
        async def require_token(request):
            if request.path != "/health" and not hmac.compare_digest(token_given(request).encode(), token.encode()):
                logger.warning("Refused an action server request without a valid token from %s", request.ip)
                return response.json({"error": "a valid token is required"}, status=401)
            return None

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", 5055)))
    args = parser.parse_args(argv)
    utils.configure_colored_logging("INFO")
    taken = port_problem(args.host, args.port, "ACTIONS_PORT")
    if taken:  # Sanic would log the bind error and exit 0
        logger.error("Cannot start the action server: %s", taken)
        sys.exit(1)
    app = create(os.environ.get("ACTION_SERVER_TOKEN") or None)
    logger.info(
        "Action server on http://%s:%s (token %s)",
        args.host,
        args.port,
        "required" if os.environ.get("ACTION_SERVER_TOKEN") else "not set",
    )
    app.run(args.host, args.port, access_log=False, workers=1, motd=False)


if __name__ == "__main__":
    main()
