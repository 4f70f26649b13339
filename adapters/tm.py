"""Translation memory: segments already translated are never paid for twice; human edits win.

The port and its two stores; exchanging the memory as TMX 1.4 is `adapters/tmx.py`.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.db import upsert_dialect

HUMAN = "human"
MACHINE = "machine"


def normalize(text: str) -> str:
    """The memory's view of a segment: NFC, whitespace collapsed, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def segment_key(text: str) -> str:
    """Fixed-size index key for a segment of any length."""
    return hashlib.sha256(normalize(text).encode()).hexdigest()


class Entry(NamedTuple):
    """One stored pair as exchanged with other tools."""

    source_lang: str
    target_lang: str
    source_text: str
    target_text: str
    engine: str
    origin: str


class TranslationMemory(Protocol):
    """Segment store keyed by (normalized source, source lang, target lang, engine, glossary version)."""

    def lookup(
        self, segments: Sequence[str], source: str, target: str, engine: str, glossary_version: str | None
    ) -> dict[str, str]:
        """Known translations by the segment as given; human entries win and ignore engine/glossary."""
        ...

    def store(
        self,
        pairs: Sequence[tuple[str, str]],
        source: str,
        target: str,
        engine: str,
        glossary_version: str | None,
        origin: str = MACHINE,
    ) -> None:
        ...

    def entries(self, source: str | None = None, target: str | None = None) -> list[Entry]:
        """Every stored pair (optionally one direction), oldest first: what a TMX export writes."""
        ...


_IDENTITY = ("key", "source_lang", "target_lang", "engine", "glossary_version", "origin")


class SqlTranslationMemory:
    """SQLite by default, any SQLAlchemy URL (PostgreSQL) for scale; tables created on construction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.meta = MetaData()
        self.table = Table(
            "tm_segments",
            self.meta,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("key", String(64), nullable=False),
            Column("source_lang", String(16), nullable=False),
            Column("target_lang", String(16), nullable=False),
            Column("engine", String(64), nullable=False),
            Column("glossary_version", String(128), nullable=False),
            Column("origin", String(16), nullable=False),
            Column("source_text", Text, nullable=False),
            Column("target_text", Text, nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
            UniqueConstraint(*_IDENTITY, name="uq_tm_segment"),
        )
        self.meta.create_all(engine)
        t = self.table
        # Built once with bound parameters: SQLAlchemy compiles it once instead of per story.
        self._lookup_stmt = select(t.c.key, t.c.origin, t.c.updated_at, t.c.target_text).where(
            t.c.key.in_(bindparam("keys", expanding=True)),
            t.c.source_lang == bindparam("source"),
            t.c.target_lang == bindparam("target"),
            or_(
                t.c.origin == bindparam("human"),
                and_(t.c.engine == bindparam("engine"), t.c.glossary_version == bindparam("glossary_version")),
            ),
        )
        upsert = upsert_dialect(engine)
        self._upsert_stmt: Any = None  # built once too; None where the database has no ON CONFLICT
        if upsert is not None:
            stmt = upsert.insert(t)
            self._upsert_stmt = stmt.on_conflict_do_update(
                index_elements=[t.c[name] for name in _IDENTITY],
                set_={"target_text": stmt.excluded.target_text, "updated_at": stmt.excluded.updated_at},
            )

    def lookup(
        self, segments: Sequence[str], source: str, target: str, engine: str, glossary_version: str | None
    ) -> dict[str, str]:
        by_key: dict[str, list[str]] = {}
        for s in segments:
            if s.strip():
                by_key.setdefault(segment_key(s), []).append(s)
        if not by_key:
            return {}
        found: dict[str, tuple[bool, datetime, str]] = {}
        keys = list(by_key)
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 500):
                params = {"keys": keys[i : i + 500], "source": source, "target": target, "engine": engine,
                          "glossary_version": glossary_version or "", "human": HUMAN}
                for key, origin, updated, text in conn.execute(self._lookup_stmt, params):
                    rank = (origin == HUMAN, _aware(updated), text)
                    if key not in found or rank[:2] > found[key][:2]:
                        found[key] = rank
        return {s: found[k][2] for k, segs in by_key.items() if k in found for s in segs}

    def store(
        self,
        pairs: Sequence[tuple[str, str]],
        source: str,
        target: str,
        engine: str,
        glossary_version: str | None,
        origin: str = MACHINE,
    ) -> None:
        now = datetime.now(UTC)
        engine_col = HUMAN if origin == HUMAN else engine
        gv = "" if origin == HUMAN else (glossary_version or "")
        rows = {
            segment_key(src): {
                "key": segment_key(src),
                "source_lang": source,
                "target_lang": target,
                "engine": engine_col,
                "glossary_version": gv,
                "origin": origin,
                "source_text": normalize(src),
                "target_text": tgt,
                "updated_at": now,
            }
            for src, tgt in pairs
            if src.strip() and tgt.strip()
        }
        if rows:
            self._upsert(list(rows.values()))

    def _upsert(self, rows: list[dict]) -> None:
        """One statement per story on SQLite/PostgreSQL (native upsert); row by row elsewhere."""
        t = self.table
        if self._upsert_stmt is not None:
            with self.engine.begin() as conn:
                conn.execute(self._upsert_stmt, rows)
            return
        for row in rows:
            ident = and_(*(t.c[name] == row[name] for name in _IDENTITY))
            for _ in range(3):  # another writer may insert the same row between our two statements
                try:
                    with self.engine.begin() as conn:
                        done = conn.execute(update(t).where(ident).values(
                            target_text=row["target_text"], updated_at=row["updated_at"])).rowcount
                        if not done:
                            conn.execute(t.insert().values(**row))
                    break
                except IntegrityError:
                    continue

    def entries(self, source: str | None = None, target: str | None = None) -> list[Entry]:
        t = self.table
        stmt = select(t.c.source_lang, t.c.target_lang, t.c.source_text, t.c.target_text, t.c.engine, t.c.origin)
        if source:
            stmt = stmt.where(t.c.source_lang == source)
        if target:
            stmt = stmt.where(t.c.target_lang == target)
        with self.engine.connect() as conn:
            return [Entry(*r) for r in conn.execute(stmt.order_by(t.c.id))]


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; compare everything in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class MemoryTranslationMemory:
    """In-process fake with the same rules as the SQL store (tests, dry runs)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str, str, str, str, str], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def lookup(
        self, segments: Sequence[str], source: str, target: str, engine: str, glossary_version: str | None
    ) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._lock:
            for s in segments:
                k = segment_key(s)
                human = self._rows.get((k, source, target, HUMAN, "", HUMAN))
                machine = self._rows.get((k, source, target, engine, glossary_version or "", MACHINE))
                hit = human or machine
                if hit and s.strip():
                    out[s] = hit[1]
        return out

    def store(
        self,
        pairs: Sequence[tuple[str, str]],
        source: str,
        target: str,
        engine: str,
        glossary_version: str | None,
        origin: str = MACHINE,
    ) -> None:
        with self._lock:
            for src, tgt in pairs:
                if not (src.strip() and tgt.strip()):
                    continue
                if origin == HUMAN:
                    key = (segment_key(src), source, target, HUMAN, "", HUMAN)
                else:
                    key = (segment_key(src), source, target, engine, glossary_version or "", origin)
                self._rows[key] = (normalize(src), tgt)

    def entries(self, source: str | None = None, target: str | None = None) -> list[Entry]:
        with self._lock:
            return [
                Entry(sl, tl, src, tgt, eng, origin)
                for (_, sl, tl, eng, _, origin), (src, tgt) in self._rows.items()
                if (source is None or sl == source) and (target is None or tl == target)
            ]
