"""Charts and decision records, kept in the tracker store's SQL database next to the conversations.

Each chart and record gets a random, unguessable token (`secrets.token_urlsafe`): the Rasa server
serves them at /charts/<token>.png and /records/<token> (channels/record_pages.py) to whoever holds
the link, and to no one else. A conversation's identical charts share one row (cached by content).
They are deleted with their conversation (`delete_for_senders`, registered in reliability/erasure.py):
by the retention purge and by a buyer's "forget me".

Links are relative to the Rasa server unless PUBLIC_BASE_URL (the address buyers reach it at, e.g.
https://advisor.example.com) is set; Slack shows charts only then, since Slack fetches them itself.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from rasa_runtime.settings import tracker_db_url

logger = logging.getLogger(__name__)
metadata = sa.MetaData()
charts = sa.Table(
    "advisor_charts",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),  # quote | launch
    sa.Column("digest", sa.String(64), nullable=False),  # sha256 of the PNG
    sa.Column("png", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("sender_id", "digest"),
)
records = sa.Table(
    "advisor_records",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("markdown", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class StoredChart:
    png: bytes
    digest: str


@dataclass(frozen=True)
class StoredRecord:
    markdown: str
    created_at: datetime


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def engine() -> sa.engine.Engine:
    """The tracker store's database (TRACKER_DB_URL / TRACKER_DB), with this module's tables created."""
    return _engine(tracker_db_url(os.environ))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def public_url(path: str) -> str:
    """`path` on the Rasa server as buyers reach it: PUBLIC_BASE_URL + path, else the path alone."""
    base = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
    return base + path


def save_chart(sender_id: str, kind: str, png: bytes) -> str:
    """Stores a conversation's chart (once per content) and returns its token."""
    digest = hashlib.sha256(png).hexdigest()
    with engine().begin() as connection:
        token = connection.execute(
            sa.select(charts.c.token).where(charts.c.sender_id == sender_id, charts.c.digest == digest)
        ).scalar()
        if token is None:
            token = secrets.token_urlsafe(24)
            connection.execute(
                charts.insert().values(
                    token=token, sender_id=sender_id, kind=kind, digest=digest, png=png, created_at=_now()
                )
            )
    return token


def store_chart(sender_id: str, kind: str, png: bytes) -> str | None:
    """Stores a chart and returns the URL to send in a reply's `image` field; None (logged) when the
    database cannot be written: the reply then goes without its chart."""
    try:
        return public_url(f"/charts/{save_chart(sender_id, kind, png)}.png")
    except sa.exc.SQLAlchemyError as err:
        logger.error("could not store a %s chart: %s", kind, err)
        return None


def record_charts(sender_id: str, launch_png: bytes | None) -> list[tuple[str, str]]:
    """The charts a decision record shows, as (title, URL): the launch timeline and the latest quote comparison."""
    found = [("Your quotes compared", latest_chart_url(sender_id, "quote"))]
    if launch_png:
        found.insert(0, ("Launch date against development time", store_chart(sender_id, "launch", launch_png)))
    return [(title, url) for title, url in found if url]


def latest_chart_url(sender_id: str, kind: str) -> str | None:
    """The URL of the conversation's newest chart of this kind, if any."""
    with engine().connect() as connection:
        token = connection.execute(
            sa.select(charts.c.token)
            .where(charts.c.sender_id == sender_id, charts.c.kind == kind)
            .order_by(charts.c.created_at.desc())
            .limit(1)
        ).scalar()
    return public_url(f"/charts/{token}.png") if token else None


def load_chart(token: str) -> StoredChart | None:
    with engine().connect() as connection:
        row = connection.execute(sa.select(charts.c.png, charts.c.digest).where(charts.c.token == token)).first()
    return StoredChart(row.png, row.digest) if row else None


def store_record(sender_id: str, markdown: str) -> str:
    """Stores a decision record and returns the URL of its printable page."""
    token = secrets.token_urlsafe(24)
    with engine().begin() as connection:
        connection.execute(
            records.insert().values(token=token, sender_id=sender_id, markdown=markdown, created_at=_now())
        )
    return public_url(f"/records/{token}")


def load_record(token: str) -> StoredRecord | None:
    with engine().connect() as connection:
        row = connection.execute(
            sa.select(records.c.markdown, records.c.created_at).where(records.c.token == token)
        ).first()
    return StoredRecord(row.markdown, row.created_at) if row else None


def delete_for_senders(connection: sa.engine.Connection, senders) -> None:
    """Deletes the charts and records of the conversations `senders` (a list or a SELECT of sender ids)."""
    for table in (charts, records):
        if sa.inspect(connection).has_table(table.name):
            connection.execute(sa.delete(table).where(table.c.sender_id.in_(senders)))
