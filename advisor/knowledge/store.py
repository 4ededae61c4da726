"""The knowledge store: the OEM/ODM comparison table in SQL, and a read API over it.

Schema (SQLAlchemy 1.4 in 2.0 style): one `source_documents` row per ingested source (path,
checksum, version), `service_models` (OEM, ODM with their definitions), `factors` (table rows,
with `factor_synonyms`), and `comparison_cells` — the verbatim cell text plus the structured
values parsed from it (level, numeric range, unit, who owns the IP).

Readers use `KnowledgeStore.snapshot()`: the whole table loaded once into immutable objects and
reloaded only when the store's version changes (a re-ingest is picked up without a restart).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, relationship

from advisor.paths import BUILD_DIR
from advisor.understanding.buyer_text import WEEKS_PER_MONTH

DEFAULT_DATABASE_URL = f"sqlite:///{BUILD_DIR / 'knowledge.db'}"
MODELS = ("OEM", "ODM")  # the table's two columns, in its order


def other(model: str) -> str:
    """The other service model: OEM for ODM and ODM for OEM."""
    return "OEM" if model == "ODM" else "ODM"


Base = declarative_base()


class SourceDocument(Base):
    __tablename__ = "source_documents"
    id = Column(Integer, primary_key=True)
    path = Column(String(500), nullable=False)
    title = Column(String(300), nullable=False)
    table_title = Column(String(300), nullable=False)
    checksum = Column(String(64), nullable=False, index=True)
    version = Column(String(32), nullable=False)
    ingested_at = Column(DateTime, nullable=False)


class ServiceModel(Base):
    __tablename__ = "service_models"
    id = Column(Integer, primary_key=True)
    code = Column(String(8), nullable=False, unique=True)
    full_name = Column(String(100), nullable=False)
    column_label = Column(String(100), nullable=False)
    document_id = Column(ForeignKey("source_documents.id"), nullable=False)
    definitions = relationship("Definition", order_by="Definition.position")


class Definition(Base):
    """One sentence of a service model's defining paragraph, in source order."""

    __tablename__ = "definitions"
    id = Column(Integer, primary_key=True)
    model_id = Column(ForeignKey("service_models.id"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    topic = Column(String(40), nullable=False)  # meaning | ip | control | audience | customization


class Factor(Base):
    __tablename__ = "factors"
    id = Column(Integer, primary_key=True)
    key = Column(String(40), nullable=False, unique=True)
    row_label = Column(String(100), nullable=False)
    position = Column(Integer, nullable=False)
    document_id = Column(ForeignKey("source_documents.id"), nullable=False)
    synonyms = relationship("FactorSynonym")


class FactorSynonym(Base):
    __tablename__ = "factor_synonyms"
    id = Column(Integer, primary_key=True)
    factor_id = Column(ForeignKey("factors.id"), nullable=False, index=True)
    phrase = Column(String(100), nullable=False)
    comparative_level = Column(String(20))  # set for comparative words: "riskier" -> "higher"
    __table_args__ = (UniqueConstraint("factor_id", "phrase"),)


class ComparisonCell(Base):
    __tablename__ = "comparison_cells"
    id = Column(Integer, primary_key=True)
    factor_id = Column(ForeignKey("factors.id"), nullable=False, index=True)
    model_id = Column(ForeignKey("service_models.id"), nullable=False)
    text = Column(Text, nullable=False)
    level = Column(String(20))
    range_min = Column(Float)
    range_max = Column(Float)
    open_ended = Column(Boolean, nullable=False, default=False)
    unit = Column(String(20))
    ip_owner = Column(String(20))
    __table_args__ = (UniqueConstraint("factor_id", "model_id"),)


def database_url() -> str:
    """The knowledge database URL: `DATABASE_URL` from the environment, else the SQLite default."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


# ---------------------------------------------------------------- read side: immutable snapshot


@dataclass(frozen=True)
class Cell:
    model: str
    text: str
    level: str | None
    range_min: float | None
    range_max: float | None
    open_ended: bool
    unit: str | None
    ip_owner: str | None

    def range_text(self) -> str | None:
        """'50-500 units' / '500-5000+ units' / None when the cell has no range."""
        if self.range_min is None:
            return None
        plus = "+" if self.open_ended else ""
        return f"{_number(self.range_min)}-{_number(self.range_max)}{plus} {self.unit}"

    def weeks_range(self) -> tuple[float, float]:
        """A development-time range in weeks, whatever unit the cell uses."""
        factor = WEEKS_PER_MONTH if self.unit == "months" else 1.0
        return self.range_min * factor, self.range_max * factor

    def contains(self, value: float) -> bool:
        """Whether a value (in the cell's unit) lies in the cell's range."""
        return self.range_min <= value and (self.open_ended or value <= self.range_max)


@dataclass(frozen=True)
class FactorRow:
    key: str
    row_label: str
    cells: dict[str, Cell]
    synonyms: tuple[str, ...]
    comparatives: dict[str, str]


@dataclass(frozen=True)
class ModelInfo:
    code: str
    full_name: str
    definition: tuple[tuple[str, str], ...]  # (topic, sentence)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one snapshot per store version
class Snapshot:
    """The whole knowledge store as plain objects; what every answer is built from."""

    version: str
    checksum: str
    table_title: str
    path: str
    models: dict[str, ModelInfo]
    factors: dict[str, FactorRow] = field(default_factory=dict)

    def cell(self, factor_key: str, model: str) -> Cell:
        return self.factors[factor_key].cells[model]

    def citation(self, factor_key: str) -> str:
        """Where a fact came from: '(source: <table title>, "Development Time" row; doc v1a2b3c4d)'."""
        return f'(source: {self.table_title}, "{self.factors[factor_key].row_label}" row; doc v{self.version})'


def _number(value: float | None) -> str:
    return "" if value is None else (f"{value:g}" if value != int(value) else str(int(value)))


def load_snapshot(engine: Engine) -> Snapshot:
    """Read the current store into a Snapshot (raises LookupError when the store is empty)."""
    with Session(engine, future=True) as session:
        document = session.scalars(select(SourceDocument).order_by(SourceDocument.id.desc())).first()
        if document is None:
            raise LookupError("the knowledge store is empty: run `make knowledge`")
        models = {m.id: m for m in session.scalars(select(ServiceModel))}
        factors = session.scalars(select(Factor).order_by(Factor.position)).all()
        cells_by_factor: dict[int, dict[str, Cell]] = {}
        for c in session.scalars(select(ComparisonCell)):
            cells_by_factor.setdefault(c.factor_id, {})[models[c.model_id].code] = Cell(
                models[c.model_id].code,
                c.text,
                c.level,
                c.range_min,
                c.range_max,
                bool(c.open_ended),
                c.unit,
                c.ip_owner,
            )
        rows = {}
        for f in factors:
            synonyms = tuple(s.phrase for s in f.synonyms if not s.comparative_level)
            comparatives = {s.phrase: s.comparative_level for s in f.synonyms if s.comparative_level}
            rows[f.key] = FactorRow(f.key, f.row_label, cells_by_factor.get(f.id, {}), synonyms, comparatives)
        model_infos = {
            m.code: ModelInfo(m.code, m.full_name, tuple((d.topic, d.text) for d in m.definitions))
            for m in models.values()
        }
        return Snapshot(document.version, document.checksum, document.table_title, document.path, model_infos, rows)


def current_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(SourceDocument.version).order_by(SourceDocument.id.desc()).limit(1)).scalar()


class KnowledgeStore:
    """Process-wide cached access to the store; re-reads only after a re-ingest."""

    def __init__(self, url: str | None = None):
        self.engine = make_engine(url)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        version = current_version(self.engine)
        if version is None:
            raise LookupError("the knowledge store is empty: run `make knowledge`")
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = load_snapshot(self.engine)
            return self._snapshot


_default_store: KnowledgeStore | None = None


def default_store() -> KnowledgeStore:
    """The store named by `DATABASE_URL`, opened once per process."""
    global _default_store
    if _default_store is None:
        _default_store = KnowledgeStore()
    return _default_store
