"""Ingest of the source article into a real SQLite store: structure, provenance, idempotence, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advisor.knowledge.ingest import DEFAULT_CATALOG, DEFAULT_SOURCE, IngestError, ingest, load_catalog, parse_source
from advisor.knowledge.store import ComparisonCell, Definition, Factor, FactorSynonym, KnowledgeStore, make_engine

SOURCE_TEXT = DEFAULT_SOURCE.read_text(encoding="utf-8")


def row_counts(url: str) -> dict[str, int]:
    with Session(make_engine(url), future=True) as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table))
            for table in (Factor, ComparisonCell, FactorSynonym, Definition)
        }


def test_every_table_row_is_stored_with_structured_values(snapshot):
    assert list(snapshot.factors) == [
        "design_ownership",
        "customization",
        "moq",
        "development_time",
        "unit_cost",
        "best_for",
        "risk",
    ]
    moq_oem, moq_odm = snapshot.cell("moq", "OEM"), snapshot.cell("moq", "ODM")
    assert (moq_oem.range_min, moq_oem.range_max, moq_oem.open_ended, moq_oem.unit) == (500, 5000, True, "units")
    assert (moq_odm.range_min, moq_odm.range_max, moq_odm.open_ended) == (50, 500, False)
    oem_time, odm_time = snapshot.cell("development_time", "OEM"), snapshot.cell("development_time", "ODM")
    assert (oem_time.range_min, oem_time.range_max, oem_time.unit) == (3, 6, "months")
    assert (odm_time.range_min, odm_time.range_max, odm_time.unit) == (2, 4, "weeks")
    assert snapshot.cell("risk", "OEM").level == "higher" and snapshot.cell("risk", "ODM").level == "lower"
    assert snapshot.cell("unit_cost", "ODM").level == "lower"
    assert snapshot.cell("design_ownership", "OEM").ip_owner == "buyer"
    assert snapshot.cell("design_ownership", "ODM").ip_owner == "manufacturer"
    assert snapshot.cell("best_for", "OEM").text == "Established brands, unique products, IP protection critical"


def test_definitions_and_provenance(snapshot):
    assert snapshot.models["OEM"].full_name == "Original Equipment Manufacturer"
    assert snapshot.models["ODM"].full_name == "Original Design Manufacturer"
    odm_ip = [s for topic, s in snapshot.models["ODM"].definition if topic == "ip"]
    assert odm_ip and "you own any customizations you add" in odm_ip[0]
    assert snapshot.path == "data/knowledge/oem_odm_toys.md"
    assert snapshot.table_title == "OEM vs ODM: Side-by-Side Comparison"
    assert len(snapshot.checksum) == 64 and snapshot.version == snapshot.checksum[:8]
    assert '"Minimum Order Quantity (MOQ)" row' in snapshot.citation("moq")


def test_source_copy_matches_the_shared_article():
    shared = DEFAULT_SOURCE.parents[3] / "shared" / "source" / "oem_odm_toys.md"
    if not shared.exists():
        pytest.skip("shared/ is not beside the project")
    assert shared.read_text(encoding="utf-8") == SOURCE_TEXT


def test_reingest_is_idempotent(store_url):
    before = row_counts(store_url)
    ingest(DEFAULT_SOURCE, DEFAULT_CATALOG, make_engine(store_url))
    assert row_counts(store_url) == before
    assert before["comparison_cells"] == 14


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda t: t.replace("| ODM Service |", "| Other |"), "no 'ODM' column"),
        (lambda t: t.replace("| Risk Level |", "| Shipping Terms |"), "unknown factor 'Shipping Terms'"),
        (lambda t: t.replace("(50-500 units)", "(fifty or so units)"), "expected a range"),
        (lambda t: t.replace("(3-6 months", "(3-6 fortnights"), "expected a range"),
        (lambda t: t.replace("(500-5000+ units)", "(5000-500 units)"), "runs backwards"),
        (lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("| Unit Cost")), "misses rows"),
        (lambda t: t.replace("ODM (Original Design Manufacturer), on", "On"), "no definition paragraph"),
        (
            lambda t: t.replace("| Customization Level | Full customization from scratch |", "| Customization Level |"),
            "cells",
        ),
    ],
)
def test_malformed_source_is_refused_and_store_left_untouched(store_url, tmp_path, breakage, message):
    before = (row_counts(store_url), KnowledgeStore(store_url).snapshot().checksum)
    broken = tmp_path / "broken.md"
    broken.write_text(breakage(SOURCE_TEXT), encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        ingest(broken, DEFAULT_CATALOG, make_engine(store_url))
    assert (row_counts(store_url), KnowledgeStore(store_url).snapshot().checksum) == before


def test_changed_cell_is_picked_up_by_a_running_reader(store_url, tmp_path):
    """A re-ingest changes what an already-open store answers (no restart, no retraining)."""
    reader = KnowledgeStore(store_url)
    assert reader.snapshot().cell("moq", "ODM").range_text() == "50-500 units"
    changed = tmp_path / "changed.md"
    changed.write_text(SOURCE_TEXT.replace("(50-500 units)", "(80-800 units)"), encoding="utf-8")
    ingest(changed, DEFAULT_CATALOG, make_engine(store_url))
    assert reader.snapshot().cell("moq", "ODM").range_text() == "80-800 units"


def test_parse_source_names_the_file_in_errors():
    with pytest.raises(IngestError, match="my.md: no comparison table"):
        parse_source("OEM (x) means a.\nODM (y) means b.\n", load_catalog(), "my.md")


def test_cli_refuses_a_broken_source_with_a_clear_message(tmp_path, capsys, monkeypatch, store_url):
    from advisor.knowledge import ingest as ingest_module

    monkeypatch.setenv("DATABASE_URL", store_url)
    broken = tmp_path / "broken.md"
    broken.write_text(SOURCE_TEXT.replace("| Risk Level |", "| Colour |"), encoding="utf-8")
    assert ingest_module.main(["--source", str(broken)]) == 2
    assert "left as it was" in capsys.readouterr().err
