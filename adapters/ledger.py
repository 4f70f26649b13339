"""Delivery ledger: one row per partner x story x language x version, so nothing is sent twice or lost."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from adapters.errors import TransientError


class DeliveryState(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"
    superseded = "superseded"
    revoked = "revoked"
    held = "held"


RECLAIMABLE = (DeliveryState.failed, DeliveryState.held)

metadata = MetaData()

deliveries = Table(
    "kawat_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner", String(100), nullable=False),
    Column("story_id", String(200), nullable=False),
    Column("language", String(20), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("state", String(20), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("key", String(1024)),
    Column("checksum", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("partner", "story_id", "language", "version", name="uq_kawat_delivery"),
)

# Every object Kawat wrote for a delivery (kind: version, picture, latest, tombstone): what reconcile expects.
delivery_objects = Table(
    "kawat_delivery_objects", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner", String(100), nullable=False),
    Column("story_id", String(200), nullable=False),
    Column("language", String(20), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("key", String(1024), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content_type", String(200), nullable=False),
    Column("meta", Text, nullable=False, default="{}"),
    UniqueConstraint("partner", "key", name="uq_kawat_delivery_object"),
)

# Content-addressed copies of delivered bytes, shared by every partner and version that uses them.
blobs = Table(
    "kawat_blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)


@dataclass(frozen=True)
class DeliveryRow:
    partner: str
    story_id: str
    language: str
    version: int
    state: DeliveryState
    attempts: int
    last_error: str | None
    key: str | None
    checksum: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ObjectRecord:
    """One object Kawat wrote into a partner bucket, with the digest and bytes to restore it."""

    partner: str
    story_id: str
    language: str
    version: int
    kind: str
    key: str
    sha256: str
    content_type: str
    meta: str = "{}"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class DeliveryLedger:
    """SQLAlchemy-backed ledger (SQLite by default, PostgreSQL for scale); safe for concurrent workers."""

    def __init__(self, engine: Engine, *, lease: timedelta = timedelta(minutes=15)) -> None:
        self.engine = engine
        self.lease = lease
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise TransientError(f"ledger database unavailable: {exc}") from exc

    # -- claims and state changes -------------------------------------------------------------
    def claim(self, partner: str, story_id: str, language: str, version: int, *, force: bool = False) -> bool:
        """Atomically take a delivery: exactly one concurrent caller gets True."""
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(deliveries).values(
                    partner=partner, story_id=story_id, language=language, version=version,
                    state=DeliveryState.pending, attempts=1, created_at=now, updated_at=now,
                ))
            return True
        except IntegrityError:
            pass
        # The row exists: take it over only from a reclaimable state (or a stale pending lease).
        states = [s.value for s in RECLAIMABLE]
        if force:
            states += [DeliveryState.delivered.value, DeliveryState.superseded.value]
        cond: ColumnElement[bool] = deliveries.c.state.in_(states)
        cond = cond | and_(deliveries.c.state == DeliveryState.pending, deliveries.c.updated_at < now - self.lease)
        with self.engine.begin() as conn:
            res = conn.execute(
                update(deliveries)
                .where(self._row(partner, story_id, language, version), cond)
                .values(state=DeliveryState.pending, attempts=deliveries.c.attempts + 1, updated_at=now)
            )
            return res.rowcount == 1

    def reclaim_changed(self, partner: str, story_id: str, language: str, version: int, checksum: str) -> bool:
        """Take a delivered row whose rendered bytes changed (same version re-rendered); one winner."""
        with self.engine.begin() as conn:
            res = conn.execute(
                update(deliveries)
                .where(self._row(partner, story_id, language, version),
                       deliveries.c.state == DeliveryState.delivered, deliveries.c.checksum != checksum)
                .values(state=DeliveryState.pending, attempts=deliveries.c.attempts + 1, updated_at=_now())
            )
            return res.rowcount == 1

    def mark_delivered(
        self, partner: str, story_id: str, language: str, version: int, *, key: str, checksum: str,
        state: DeliveryState = DeliveryState.delivered,
    ) -> None:
        """Record success; older delivered versions of the same story become superseded."""
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries).where(self._row(partner, story_id, language, version))
                .values(state=state, key=key, checksum=checksum, last_error=None, updated_at=now)
            )
            if state == DeliveryState.delivered:
                conn.execute(
                    update(deliveries)
                    .where(deliveries.c.partner == partner, deliveries.c.story_id == story_id,
                           deliveries.c.language == language, deliveries.c.version < version,
                           deliveries.c.state.in_([DeliveryState.delivered, DeliveryState.held,
                                                   DeliveryState.failed, DeliveryState.pending]))
                    .values(state=DeliveryState.superseded, updated_at=now)
                )

    def mark_failed(self, partner: str, story_id: str, language: str, version: int, error: str) -> None:
        """Also for deliveries that failed before any claim (bad credentials): resend-failed must see them."""
        self._ensure(partner, story_id, language, version, DeliveryState.failed)
        self._set(partner, story_id, language, version, DeliveryState.failed, last_error=error[:2000])

    def mark_held(self, partner: str, story_id: str, language: str, version: int, *, checksum: str) -> None:
        """Embargo hold: the row exists (visible in `kawat deliveries`) but nothing was written."""
        self._ensure(partner, story_id, language, version, DeliveryState.held)
        self._set(partner, story_id, language, version, DeliveryState.held, checksum=checksum,
                  only_from=(DeliveryState.held, DeliveryState.pending, DeliveryState.failed))

    def revoke(self, partner: str, story_id: str, language: str, version: int, *, key: str | None,
               checksum: str | None, reason: str) -> int:
        """A kill: every row of the story becomes revoked, plus a row for the kill version itself."""
        now = _now()
        self._ensure(partner, story_id, language, version, DeliveryState.revoked)
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries).where(self._row(partner, story_id, language, version))
                .values(key=key, checksum=checksum, last_error=reason[:2000], updated_at=now)
            )
            res = conn.execute(
                update(deliveries)
                .where(deliveries.c.partner == partner, deliveries.c.story_id == story_id,
                       deliveries.c.language == language)
                .values(state=DeliveryState.revoked, updated_at=now)
            )
            return res.rowcount

    # -- queries ------------------------------------------------------------------------------
    def get(self, partner: str, story_id: str, language: str, version: int) -> DeliveryRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(deliveries).where(self._row(partner, story_id, language, version))).first()
        return self._to_row(row) if row else None

    def rows(
        self, partner: str | None = None, state: str | DeliveryState | None = None, story_id: str | None = None,
        language: str | None = None,
    ) -> list[DeliveryRow]:
        q = select(deliveries)
        if partner is not None:
            q = q.where(deliveries.c.partner == partner)
        if state is not None:
            q = q.where(deliveries.c.state == DeliveryState(state).value)
        if story_id is not None:
            q = q.where(deliveries.c.story_id == story_id)
        if language is not None:
            q = q.where(deliveries.c.language == language)
        q = q.order_by(deliveries.c.partner, deliveries.c.story_id, deliveries.c.language, deliveries.c.version)
        with self.engine.connect() as conn:
            return [self._to_row(r) for r in conn.execute(q)]

    def failed(self, partner: str | None = None) -> list[DeliveryRow]:
        return self.rows(partner=partner, state=DeliveryState.failed)

    def latest_delivered(self, partner: str, story_id: str, language: str) -> DeliveryRow | None:
        """The highest version partners hold for this story (None if never delivered)."""
        rows = [r for r in self.rows(partner=partner, story_id=story_id, language=language)
                if r.state == DeliveryState.delivered]
        return rows[-1] if rows else None

    def lookup(self, partner: str, story_id: str, language: str, version: int) -> tuple[bool, DeliveryRow | None]:
        """`is_revoked` and `get` in one query: every delivery asks both before it starts."""
        with self.engine.connect() as conn:
            rows = [self._to_row(r) for r in conn.execute(select(deliveries).where(
                deliveries.c.partner == partner, deliveries.c.story_id == story_id,
                deliveries.c.language == language,
                or_(deliveries.c.version == version,
                    and_(deliveries.c.state == DeliveryState.revoked, deliveries.c.version >= version))))]
        revoked = any(r.state == DeliveryState.revoked and r.version >= version for r in rows)
        return revoked, next((r for r in rows if r.version == version), None)

    def is_revoked(self, partner: str, story_id: str, language: str, version: int) -> bool:
        """True when a kill at this version or later exists: a killed story never comes back."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(deliveries.c.id).where(
                    deliveries.c.partner == partner, deliveries.c.story_id == story_id,
                    deliveries.c.language == language, deliveries.c.state == DeliveryState.revoked,
                    deliveries.c.version >= version)
            ).first()
        return row is not None

    # -- objects and blobs (for reconcile) ----------------------------------------------------
    def record_objects(self, records: Iterable[ObjectRecord], contents: dict[str, bytes]) -> None:
        """Remember what was written (by key) and keep the bytes, content-addressed, for repairs."""
        records = list({(r.partner, r.key): r for r in records}.values())  # the last record of a key wins
        for sha, data in contents.items():
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError("blob digest mismatch")
        with self.engine.begin() as conn:
            if contents:
                have = {r[0] for r in conn.execute(select(blobs.c.sha256).where(blobs.c.sha256.in_(list(contents))))}
                missing = [{"sha256": sha, "data": data} for sha, data in contents.items() if sha not in have]
                if missing:
                    conn.execute(insert(blobs), missing)
            by_partner: dict[str, list[str]] = {}
            for rec in records:
                by_partner.setdefault(rec.partner, []).append(rec.key)
            for partner, keys in by_partner.items():
                conn.execute(delete(delivery_objects).where(
                    delivery_objects.c.partner == partner, delivery_objects.c.key.in_(keys)))
            if records:
                conn.execute(insert(delivery_objects), [rec.__dict__ for rec in records])

    def forget_objects(self, partner: str, keys: Iterable[str]) -> None:
        with self.engine.begin() as conn:
            for key in keys:
                conn.execute(delete(delivery_objects).where(
                    delivery_objects.c.partner == partner, delivery_objects.c.key == key))

    def objects(self, partner: str, story_id: str | None = None, language: str | None = None) -> list[ObjectRecord]:
        q = select(delivery_objects).where(delivery_objects.c.partner == partner)
        if story_id is not None:
            q = q.where(delivery_objects.c.story_id == story_id)
        if language is not None:
            q = q.where(delivery_objects.c.language == language)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(delivery_objects.c.key)).mappings().all()
        return [ObjectRecord(**{k: v for k, v in r.items() if k != "id"}) for r in rows]

    def blob(self, sha256: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(blobs.c.data).where(blobs.c.sha256 == sha256)).first()
        return bytes(row[0]) if row else None

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _row(partner: str, story_id: str, language: str, version: int) -> ColumnElement[bool]:
        return and_(deliveries.c.partner == partner, deliveries.c.story_id == story_id,
                    deliveries.c.language == language, deliveries.c.version == version)

    def _ensure(self, partner: str, story_id: str, language: str, version: int, state: DeliveryState) -> None:
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(deliveries).values(
                    partner=partner, story_id=story_id, language=language, version=version,
                    state=state, attempts=0, created_at=now, updated_at=now))
        except IntegrityError:
            pass

    def _set(self, partner: str, story_id: str, language: str, version: int, state: DeliveryState,
             only_from: tuple[DeliveryState, ...] | None = None, **values: object) -> None:
        q = update(deliveries).where(self._row(partner, story_id, language, version))
        if only_from:
            q = q.where(deliveries.c.state.in_([s.value for s in only_from]))
        with self.engine.begin() as conn:
            conn.execute(q.values(state=state, updated_at=_now(), **values))

    @staticmethod
    def _to_row(r: Row[Any]) -> DeliveryRow:
        m = r._mapping
        return DeliveryRow(
            partner=m["partner"], story_id=m["story_id"], language=m["language"], version=m["version"],
            state=DeliveryState(m["state"]), attempts=m["attempts"], last_error=m["last_error"], key=m["key"],
            checksum=m["checksum"], created_at=_aware(m["created_at"]), updated_at=_aware(m["updated_at"]),
        )
