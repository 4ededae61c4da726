"""Fixtures for every layer: a real knowledge store on SQLite, and an in-process tracker database of
the test's own. The real servers' fixtures are in tests/e2e/conftest.py; helpers in tests/support/."""

from __future__ import annotations

import pytest

from advisor.knowledge.store import KnowledgeStore
from tests.support.project import built_store


@pytest.fixture()
def store_url(tmp_path) -> str:
    """A store of the test's own, free to re-ingest or break."""
    return built_store(tmp_path)


@pytest.fixture(autouse=True)
def tracker_db_url(monkeypatch, tmp_path) -> str:
    """The tracker database of actions run inside the test process (charts and decision records go
    there): the test's own SQLite file, never the developer's build/trackers.db."""
    path = tmp_path / "in-process-trackers.db"
    # TRACKER_DB, not TRACKER_DB_URL: a test that sets TRACKER_DB for a server it starts still gets it.
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    monkeypatch.setenv("TRACKER_DB", str(path))
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory):
    """The store as every reader sees it, built once (read-only use)."""
    return KnowledgeStore(built_store(tmp_path_factory.mktemp("store"))).snapshot()
