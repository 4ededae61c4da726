"""Build the knowledge store from the source article (`make knowledge`).

Parses the OEM/ODM definition paragraphs and the side-by-side comparison table of
`data/knowledge/oem_odm_toys.md`, checks every row against the factor catalogue
(`data/knowledge/factors.yml`), and replaces the store's contents in one transaction.
A malformed source raises `IngestError` before the database is touched.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from advisor.knowledge.store import (
    MODELS,
    Base,
    Cell,
    ComparisonCell,
    Definition,
    Factor,
    FactorSynonym,
    ServiceModel,
    SourceDocument,
    make_engine,
)
from advisor.paths import KNOWLEDGE_DATA_DIR, PROJECT_DIR

DEFAULT_SOURCE = KNOWLEDGE_DATA_DIR / "oem_odm_toys.md"
DEFAULT_CATALOG = KNOWLEDGE_DATA_DIR / "factors.yml"

LEVEL_WORDS = ("higher", "lower", "longer", "shorter", "full", "limited", "moderate")
RANGE_PATTERN = re.compile(r"(\d[\d,]*)\s*[-–]\s*(\d[\d,]*)(\+?)\s*(units|weeks|months)", re.I)
IP_OWNER_PATTERN = re.compile(r"\b(buyer|manufacturer)\s+owns\b", re.I)
DEFINITION_PATTERN = re.compile(r"^(OEM|ODM)\s*\(([^)]+)\)\s*(.*)$")
CITATION_MARK = re.compile(r"\s*\[\d+\]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
DEFINITION_TOPICS = (  # first match wins, in this order
    ("ip", re.compile(r"intellectual property|\bIP\b|ownership", re.I)),
    ("customization", re.compile(r"customi[sz]", re.I)),
    ("audience", re.compile(r"ideal|attractive|startups|brands", re.I)),
    ("meaning", re.compile(r"\bmeans\b", re.I)),
)


class IngestError(ValueError):
    """The source cannot be ingested; the message says what is wrong and where."""


@dataclass(frozen=True)
class ParsedRow:
    key: str
    row_label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ParsedSource:
    path: str
    checksum: str
    table_title: str
    definitions: dict[str, tuple[str, list[tuple[str, str]]]]  # code -> (full name, [(topic, sentence)])
    column_labels: dict[str, str]
    rows: tuple[ParsedRow, ...]


def parse_cell(model: str, text: str, range_unit: str | None, where: str) -> Cell:
    """Parse one table cell into its structured values; `range_unit` demands a numeric range."""
    lead = re.split(r"[(,;]", text, maxsplit=1)[0].lower()
    level = next((w for w in lead.split() if w in LEVEL_WORDS), None)
    owner = IP_OWNER_PATTERN.search(text)
    match = RANGE_PATTERN.search(text)
    if range_unit and not match:
        raise IngestError(f"{where}: expected a range like '50-500 units' in {text!r}")
    if match:
        low, high = (float(g.replace(",", "")) for g in match.group(1, 2))
        unit = match.group(4).lower()
        if range_unit and unit not in range_unit.split("|"):
            raise IngestError(f"{where}: unit {unit!r} is not one of {range_unit!r}")
        if low > high:
            raise IngestError(f"{where}: range {match.group(0)!r} runs backwards")
        return Cell(
            model, text, level, low, high, bool(match.group(3)), unit, owner.group(1).lower() if owner else None
        )
    return Cell(model, text, level, None, None, False, None, owner.group(1).lower() if owner else None)


def _table_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_source(text: str, catalog: dict, path: str = "source") -> ParsedSource:
    """Parse the article; raise IngestError naming the first problem found."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    definitions: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for line in lines:
        match = DEFINITION_PATTERN.match(line.strip())
        if match and match.group(1) not in definitions:
            body = CITATION_MARK.sub("", line.strip())
            sentences = SENTENCE_END.split(body)
            topics = [(next((t for t, rx in DEFINITION_TOPICS if rx.search(s)), "control"), s) for s in sentences]
            definitions[match.group(1)] = (match.group(2).strip(), topics)
    for code in MODELS:
        if code not in definitions:
            raise IngestError(f"{path}: no definition paragraph starting with '{code} (…)'")

    table_start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("|")), None)
    if table_start is None:
        raise IngestError(f"{path}: no comparison table found")
    table_title = next((ln.strip() for ln in reversed(lines[:table_start]) if ln.strip()), "comparison table")
    table = [ln for ln in lines[table_start:] if ln.lstrip().startswith("|")]
    header = _table_cells(table[0])
    columns: dict[str, int] = {}
    column_labels: dict[str, str] = {}
    for index, label in enumerate(header[1:], start=1):
        code = label.split()[0].upper() if label else ""
        if code in MODELS:
            columns[code], column_labels[code] = index, label
    for code in MODELS:
        if code not in columns:
            raise IngestError(f"{path}: the table has no '{code}' column (header: {header})")

    by_label = {spec["row_label"].lower(): key for key, spec in catalog.items()}
    rows: list[ParsedRow] = []
    for line_no, line in enumerate(table[2:], start=3):
        cells = _table_cells(line)
        if len(cells) != len(header):
            raise IngestError(f"{path}: table line {line_no} has {len(cells)} cells, header has {len(header)}")
        label = cells[0]
        key = by_label.get(label.lower())
        if key is None:
            raise IngestError(f"{path}: unknown factor {label!r} (add it to factors.yml first)")
        spec = catalog[key]
        parsed = tuple(
            parse_cell(code, cells[columns[code]], spec.get("range_unit"), f"{label} / {code}") for code in MODELS
        )
        for cell in parsed:
            if not cell.text:
                raise IngestError(f"{path}: empty cell in row {label!r} ({cell.model})")
        rows.append(ParsedRow(key, label, parsed))
    missing = set(catalog) - {r.key for r in rows}
    if missing:
        raise IngestError(f"{path}: the table misses rows for {sorted(missing)}")
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ParsedSource(path, checksum, table_title, definitions, column_labels, tuple(rows))


def load_catalog(path: Path = DEFAULT_CATALOG) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["factors"]


def write_store(engine: Engine, source: ParsedSource, catalog: dict) -> None:
    """Replace the store's contents with `source`, all in one transaction."""
    Base.metadata.create_all(engine)
    with Session(engine, future=True) as session, session.begin():
        for table in (ComparisonCell, FactorSynonym, Definition, Factor, ServiceModel, SourceDocument):
            session.execute(delete(table))
        document = SourceDocument(
            path=source.path,
            title=Path(source.path).name,
            table_title=source.table_title,
            checksum=source.checksum,
            version=source.checksum[:8],
            ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
        )
        session.add(document)
        session.flush()
        models = {}
        for code in MODELS:
            full_name, sentences = source.definitions[code]
            model = ServiceModel(
                code=code, full_name=full_name, column_label=source.column_labels[code], document_id=document.id
            )
            model.definitions = [Definition(position=i, topic=topic, text=s) for i, (topic, s) in enumerate(sentences)]
            session.add(model)
            models[code] = model
        session.flush()
        for position, row in enumerate(source.rows):
            spec = catalog[row.key]
            factor = Factor(key=row.key, row_label=row.row_label, position=position, document_id=document.id)
            phrases = {p.lower(): None for p in [row.row_label, *spec.get("synonyms", [])]}
            phrases.update({p.lower(): level for p, level in (spec.get("comparatives") or {}).items()})
            factor.synonyms = [FactorSynonym(phrase=p, comparative_level=lvl) for p, lvl in phrases.items()]
            session.add(factor)
            session.flush()
            for cell in row.cells:
                session.add(
                    ComparisonCell(
                        factor_id=factor.id,
                        model_id=models[cell.model].id,
                        text=cell.text,
                        level=cell.level,
                        range_min=cell.range_min,
                        range_max=cell.range_max,
                        open_ended=cell.open_ended,
                        unit=cell.unit,
                        ip_owner=cell.ip_owner,
                    )
                )


def ingest(
    source_path: Path = DEFAULT_SOURCE, catalog_path: Path = DEFAULT_CATALOG, engine: Engine | None = None
) -> ParsedSource:
    """Parse `source_path` and load it into the store; returns what was loaded."""
    catalog = load_catalog(catalog_path)
    try:
        text = Path(source_path).read_text(encoding="utf-8")
    except OSError as err:
        raise IngestError(f"cannot read {source_path}: {err}") from err
    source = parse_source(
        text,
        catalog,
        str(Path(source_path).relative_to(PROJECT_DIR))
        if Path(source_path).resolve().is_relative_to(PROJECT_DIR)
        else str(source_path),
    )
    write_store(engine or make_engine(), source, catalog)
    return source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG)
    args = parser.parse_args(argv)
    try:
        source = ingest(args.source.resolve(), args.catalog)
    except IngestError as err:
        print(f"ingest refused: {err}\nThe knowledge store was left as it was.", file=sys.stderr)
        return 2
    print(
        f"knowledge store ready: {len(source.rows)} factors x {len(MODELS)} models "
        f"from {source.path} (version {source.checksum[:8]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
