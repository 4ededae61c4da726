"""Rasa's SQL tracker store, without re-reading a whole conversation from the database on every message.

Rasa 3.6's `SQLTrackerStore` loads and parses every event of the conversation's session for each
message, counts them again (with a sub-query) before each save, and opens a new SQLite connection
for every query; under load that was a third of the Rasa server's time (py-spy). This store keeps the
stored events of the most recent conversations in memory as the JSON text it wrote, with the id of
the conversation's newest row:

- `retrieve` asks the database for that newest id only (indexed). When it is the one remembered,
  nothing else has written to the conversation (another Rasa instance of a cluster, say) and the
  tracker is rebuilt from memory, as Rasa's in-memory store does; otherwise it is read as Rasa does.
- `save` appends exactly the events that are not stored yet (Rasa's row format, so Rasa's own store
  and the HTTP API read them), in one transaction.
- SQLite files get a connection pool and write-ahead logging: readers never wait for the writer and
  a commit is one write instead of several flushes. A committed message still survives the process
  being killed (only a power cut can lose the last commits).

The database stays the only source of truth: a remembered conversation is only used when the
database says it is current.

With `require_guards: true` (endpoints.yml) it refuses to start in a Rasa server that lacks the
project's hooks (rasa_runtime/hooks.py): a plain `rasa run` stops with a message saying how to start.
"""

from __future__ import annotations

import collections
import itertools
import json
from dataclasses import dataclass

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_runtime.hooks import installed

REMEMBERED_CONVERSATIONS = 1000
WITHOUT_GUARDS = (
    "This Rasa server runs without the assistant's guards (action time limits, input checks, "
    "rate limits, erasure): start it with `make run`, or `python -m rasa_runtime.rasa_server run "
    "...` instead of `rasa run` (same arguments)."
)


@dataclass
class StoredSession:
    """A conversation's current session as stored: each event's JSON text and the newest row's id."""

    newest_event_id: int
    events_json: list[str]


class RememberingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that skips re-reading conversations it wrote itself (see the module docstring)."""

    def __init__(self, *args, require_guards: bool = False, **kwargs) -> None:
        if require_guards and not installed():
            raise RasaException(WITHOUT_GUARDS)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._pool_sqlite_connections()
        self._sessions: collections.OrderedDict[str, StoredSession] = collections.OrderedDict()
        self._newest_event_id_query = sa.select(sa.func.max(self.SQLEvent.id)).where(
            self.SQLEvent.sender_id == sa.bindparam("sender_id")
        )

    def _pool_sqlite_connections(self) -> None:
        """Pooled SQLite connections with write-ahead logging (SQLAlchemy 1.4 opens one per query)."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, future=True, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
        )

        @sa.event.listens_for(self.engine, "connect")
        def use_write_ahead_log(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine, future=True)

    def _newest_event_id(self, session, sender_id: str) -> int | None:
        return session.execute(self._newest_event_id_query, {"sender_id": sender_id}).scalar()

    def _current(self, session, sender_id: str) -> StoredSession | None:
        """The remembered session if the database has nothing newer for this conversation, else None."""
        remembered = self._sessions.get(sender_id)
        if remembered is None or remembered.newest_event_id != self._newest_event_id(session, sender_id):
            return None
        self._sessions.move_to_end(sender_id)
        return remembered

    def forget(self, sender_id: str) -> None:
        """Drops the remembered copy of a conversation that was erased."""
        self._sessions.pop(sender_id, None)

    def _remember(self, sender_id: str, stored: StoredSession) -> None:
        self._sessions[sender_id] = stored
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > REMEMBERED_CONVERSATIONS:
            self._sessions.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the conversation's latest session (None if there is none)."""
        with self.session_scope() as session:
            stored = self._current(session, sender_id)
            if stored is None:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
                if not rows:
                    return None
                stored = StoredSession(rows[-1].id, [row.data for row in rows])
                self._remember(sender_id, stored)
        if self.domain is None:
            return None
        events = json.loads("[" + ",".join(stored.events_json) + "]")
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the tracker's events that are not stored yet."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            remembered = self._current(session, sender_id)
            if remembered is None:
                new_events = list(self._additional_events(session, tracker))  # Rasa's count of stored events
            else:
                new_events = list(itertools.islice(tracker.events, len(remembered.events_json), None))
            if not new_events:
                return
            rows = [self._event_row(sender_id, event.as_dict()) for event in new_events]
            session.add_all(rows)
            session.flush()  # assigns the row ids
            same_session = remembered is not None and not any(isinstance(e, SessionStarted) for e in new_events)
            appended = (
                StoredSession(rows[-1].id, remembered.events_json + [row.data for row in rows])
                if same_session
                else None
            )
            session.commit()
        if appended is None:
            self._sessions.pop(sender_id, None)  # a new conversation or session: read back on the next message
        else:
            self._remember(sender_id, appended)

    def _event_row(self, sender_id: str, data: dict) -> SQLTrackerStore.SQLEvent:
        """One event as Rasa's SQLTrackerStore stores it."""
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=data["event"],
            timestamp=data.get("timestamp"),
            intent_name=((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
