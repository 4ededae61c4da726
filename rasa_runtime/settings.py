"""Deployment settings from the environment: the values endpoints.yml expects, Rasa's security flags,
and the start-up checks that refuse to run with a missing or corrupt model, store or secret.

Environment (all optional; see .env.example):
- TRACKER_DB_URL: SQLAlchemy URL of the tracker store; default `sqlite:///<TRACKER_DB>` with
  TRACKER_DB = build/trackers.db.
- REDIS_URL: `redis://[:password@]host:port/db` of a Redis lock store (needed when several Rasa
  instances share one tracker store); unset = in-memory locks.
- ACTION_SERVER_TOKEN: shared secret between Rasa and the action server; required when ACTIONS_HOST
  is not a loopback address.
- RASA_HOST (127.0.0.1), CHAT_ORIGIN (the one web origin allowed by CORS; unset = none),
  RASA_API_TOKEN or RASA_JWT_SECRET (turn the HTTP API on).
"""

from __future__ import annotations

import ipaddress
import os
import tarfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from advisor.paths import BUILD_DIR, MODELS_DIR, PROJECT_DIR

DEFAULT_TRACKER_DB = BUILD_DIR / "trackers.db"
SECRETS = ("RASA_API_TOKEN", "RASA_JWT_SECRET", "ACTION_SERVER_TOKEN")
MIN_SECRET_CHARS = 16
PLACEHOLDER_SECRETS = {"change-me", "changeme", "secret", "token", "password"}


def tracker_db_url(environ: Mapping[str, str]) -> str:
    if environ.get("TRACKER_DB_URL"):
        return environ["TRACKER_DB_URL"]
    path = Path(environ.get("TRACKER_DB") or DEFAULT_TRACKER_DB)
    return f"sqlite:///{path if path.is_absolute() else PROJECT_DIR / path}"


ATOMIC_REDIS_LOCK_STORE = "rasa_runtime.lock_store.AtomicRedisLockStore"


def endpoint_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """The ${...} values of endpoints.yml, derived from TRACKER_DB_URL, REDIS_URL and the token."""
    redis = urlsplit(environ.get("REDIS_URL") or "")
    return {
        "TRACKER_DB_URL": tracker_db_url(environ),
        "LOCK_STORE_TYPE": ATOMIC_REDIS_LOCK_STORE if redis.hostname else "in_memory",
        "REDIS_HOST": redis.hostname or "",
        "REDIS_PORT": str(redis.port or 6379),
        "REDIS_PASSWORD": unquote(redis.password or ""),
        "REDIS_DB": redis.path.strip("/") or "1",
        "ACTION_SERVER_TOKEN": environ.get("ACTION_SERVER_TOKEN", ""),
    }


def rasa_security_arguments(environ: Mapping[str, str]) -> list[str]:
    """`rasa run` flags: interface, CORS for the chat page's origin only, HTTP API only with a secret."""
    arguments = ["--interface", environ.get("RASA_HOST", "127.0.0.1")]
    if environ.get("CHAT_ORIGIN"):
        arguments += ["--cors", environ["CHAT_ORIGIN"]]
    if environ.get("RASA_API_TOKEN"):
        arguments += ["--enable-api", "--auth-token", environ["RASA_API_TOKEN"]]
    if environ.get("RASA_JWT_SECRET"):
        arguments += [] if "--enable-api" in arguments else ["--enable-api"]
        arguments += ["--jwt-secret", environ["RASA_JWT_SECRET"], "--jwt-method", "HS256"]
    return arguments


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def in_models_dir(path: Path) -> bool:
    """Whether `path` (relative ones from the project folder) lies inside the local models folder."""
    return MODELS_DIR.resolve() in (path if path.is_absolute() else PROJECT_DIR / path).resolve().parents


def model_problem(model: Path) -> str | None:
    """Why the model archive cannot be served, or None."""
    fix = "run `make train` (or `make run`, which trains)"
    if not in_models_dir(model.resolve()):
        return f"the model {model} is outside {MODELS_DIR}: models are loaded only from the local models folder."
    if not model.is_file() or model.stat().st_size == 0:
        return f"no trained model at {model}: {fix}."
    try:
        with tarfile.open(model, "r:gz") as archive:
            names = [member.name for member in archive]  # reads the whole archive: catches truncation
    except (tarfile.TarError, OSError, EOFError) as err:
        return f"the model {model} is corrupt ({err}): delete it and {fix}."
    if "metadata.json" not in names:
        return f"the model {model} is not a Rasa model (no metadata.json): delete it and {fix}."
    return None


def secret_problems(environ: Mapping[str, str]) -> list[str]:
    """Secrets that are required but missing, or set but too weak to protect anything."""
    problems = []
    for name in SECRETS:
        value = environ.get(name)
        if value and (len(value) < MIN_SECRET_CHARS or value.lower() in PLACEHOLDER_SECRETS):
            problems.append(
                f"{name} is too weak: use at least {MIN_SECRET_CHARS} random characters in .env "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(24))'`), "
                "or remove it."
            )
    if not is_loopback(environ.get("ACTIONS_HOST", "127.0.0.1")) and not environ.get("ACTION_SERVER_TOKEN"):
        problems.append(
            "ACTIONS_HOST exposes the action server beyond this machine but ACTION_SERVER_TOKEN is "
            "not set: set it in .env (the same value for Rasa and the action server)."
        )
    return problems


def tracker_store_problem(url: str) -> str | None:
    """Why the tracker store cannot be opened, or None (reads SQLite's schema to catch a corrupt file)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as err:
        return f"TRACKER_DB_URL is not a usable SQLAlchemy URL ({err}): fix it in .env."
    check = "SELECT count(*) FROM sqlite_master" if engine.dialect.name == "sqlite" else "SELECT 1"
    try:
        with engine.connect() as connection:
            connection.execute(text(check))
    except SQLAlchemyError as err:
        return (
            f"the tracker store {make_url(url)!r} cannot be opened ({getattr(err, 'orig', None) or err}): "
            "start the database or fix TRACKER_DB_URL; a corrupt SQLite file must be moved away "
            "(its conversations are lost)."
        )
    finally:
        engine.dispose()
    return None


def lock_store_problem(variables: Mapping[str, str]) -> str | None:
    if variables["LOCK_STORE_TYPE"] != ATOMIC_REDIS_LOCK_STORE:
        return None
    import redis

    try:
        redis.Redis(
            host=variables["REDIS_HOST"],
            port=int(variables["REDIS_PORT"]),
            password=variables["REDIS_PASSWORD"] or None,
            db=int(variables["REDIS_DB"]),
            socket_timeout=5,
        ).ping()
    except (redis.RedisError, ValueError) as err:
        return f"the Redis lock store at REDIS_URL cannot be reached ({err}): start Redis or fix REDIS_URL."
    return None


def preflight_problems(model: Path | None, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Everything that stops a start, each with how to fix it (model None: an action server only)."""
    problems = secret_problems(environ)
    if model is not None:
        variables = endpoint_variables(environ)
        problems += filter(
            None,
            [model_problem(model), tracker_store_problem(variables["TRACKER_DB_URL"]), lock_store_problem(variables)],
        )
    return problems
