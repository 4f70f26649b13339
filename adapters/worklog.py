"""Stories ingested but not yet processed: a crash between ingest and delivery loses nothing.

Each entry carries a lease: the run that ingested a story owns it until the lease runs out; after
that any later run (a rerun after SIGKILL, another worker) claims it atomically and finishes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from types import ModuleType
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from adapters.db import upsert_dialect

metadata = MetaData()
work = Table(
    "kawat_work",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("state", String(12), nullable=False),  # pending | done
    Column("lease_until", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# Built once with bound parameters: each story is queued and finished once (see adapters/ledger.py).
_DONE = update(work).where(work.c.story_id == bindparam("b_story"), work.c.version <= bindparam("b_version"))


@cache
def _enqueue_upsert(upsert: ModuleType) -> Any:
    """Insert, or take over the entry unless a newer revision is queued there (built once per dialect)."""
    stmt = upsert.insert(work)
    return stmt.on_conflict_do_update(
        index_elements=[work.c.story_id],
        set_={c: stmt.excluded[c] for c in ("version", "state", "lease_until", "updated_at")},
        where=work.c.version <= stmt.excluded.version)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class WorkLog(Protocol):
    def enqueue(self, story_id: str, version: int, lease_seconds: float) -> None: ...
    def ensure(self, story_id: str, version: int, lease_seconds: float) -> bool: ...
    def claim_due(self, lease_seconds: float, limit: int = 500) -> list[str]: ...
    def done(self, story_id: str, version: int) -> None: ...
    def pending(self) -> list[tuple[str, int]]: ...



class SqlWorkLog:
    """SQLite or PostgreSQL; claims are compare-and-set updates, so two runs never take one story."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def enqueue(self, story_id: str, version: int, lease_seconds: float) -> None:
        now = _now()
        values = {"version": version, "state": "pending", "lease_until": now + timedelta(seconds=lease_seconds),
                  "updated_at": now}
        upsert = upsert_dialect(self.engine)
        if upsert is not None:  # one statement
            with self.engine.begin() as conn:
                conn.execute(_enqueue_upsert(upsert), {"story_id": story_id, **values})
            return
        with self.engine.begin() as conn:
            done = conn.execute(update(work).where(work.c.story_id == story_id, work.c.version <= version)
                                .values(**values)).rowcount
            if not done:
                try:
                    with conn.begin_nested():
                        conn.execute(work.insert().values(story_id=story_id, **values))
                except IntegrityError:  # a newer version is already queued: it covers this one
                    pass

    def ensure(self, story_id: str, version: int, lease_seconds: float) -> bool:
        """Queue a revision the log has never seen (a crash between recording and queueing it)."""
        with self.engine.connect() as conn:
            known = conn.execute(select(work.c.version).where(work.c.story_id == story_id)).scalar()
        if known is not None and known >= version:
            return False
        self.enqueue(story_id, version, lease_seconds)
        return True

    def claim_due(self, lease_seconds: float, limit: int = 500) -> list[str]:
        now = _now()
        with self.engine.connect() as conn:
            due = [r[0] for r in conn.execute(
                select(work.c.story_id).where(work.c.state == "pending", work.c.lease_until < now)
                .order_by(work.c.updated_at).limit(limit))]
        claimed = []
        for story_id in due:
            with self.engine.begin() as conn:
                won = conn.execute(update(work).where(
                    and_(work.c.story_id == story_id, work.c.state == "pending", work.c.lease_until < now))
                    .values(lease_until=now + timedelta(seconds=lease_seconds), updated_at=now)).rowcount
            if won:
                claimed.append(story_id)
        return claimed

    def done(self, story_id: str, version: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(_DONE, {"b_story": story_id, "b_version": version, "state": "done", "updated_at": _now()})

    def pending(self) -> list[tuple[str, int]]:
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(
                select(work.c.story_id, work.c.version).where(work.c.state == "pending"))]


class MemoryWorkLog:
    """Fake for unit tests."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, str, datetime]] = {}

    def enqueue(self, story_id: str, version: int, lease_seconds: float) -> None:
        old = self.rows.get(story_id)
        if old is None or old[0] <= version:
            self.rows[story_id] = (version, "pending", _now() + timedelta(seconds=lease_seconds))

    def ensure(self, story_id: str, version: int, lease_seconds: float) -> bool:
        old = self.rows.get(story_id)
        if old is not None and old[0] >= version:
            return False
        self.enqueue(story_id, version, lease_seconds)
        return True

    def claim_due(self, lease_seconds: float, limit: int = 500) -> list[str]:
        now = _now()
        due = [s for s, (_, st, lease) in self.rows.items() if st == "pending" and _aware(lease) < now][:limit]
        for s in due:
            v, st, _ = self.rows[s]
            self.rows[s] = (v, st, now + timedelta(seconds=lease_seconds))
        return due

    def done(self, story_id: str, version: int) -> None:
        old = self.rows.get(story_id)
        if old and old[0] <= version:
            self.rows[story_id] = (old[0], "done", old[2])

    def pending(self) -> list[tuple[str, int]]:
        return [(s, v) for s, (v, st, _) in self.rows.items() if st == "pending"]
