"""The story ledger: every revision of every wire item, deduplicated by content hash, with embargo holds."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from adapters.errors import TransientError
from newsroom.model import Story

log = logging.getLogger(__name__)

metadata = MetaData()
stories_table = Table(
    "wire_stories",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("signal", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("embargo_ts", Float, nullable=True),  # epoch seconds UTC: portable ordering on SQLite and PostgreSQL
    Column("held", Boolean, nullable=False, default=False),
    Column("released", Boolean, nullable=False, default=False),
    Column("recorded_ts", Float, nullable=False),
    Column("body", Text, nullable=False),
)

files_table = Table(
    "wire_files",
    metadata,
    Column("digest", String(64), primary_key=True),  # sha256 of the file's bytes
    Column("stories", Text, nullable=False),  # space-separated story_id@version it yielded
    Column("seen_ts", Float, nullable=False),
)

OutcomeKind = Literal["new", "update", "duplicate", "stale"]


@dataclass(frozen=True)
class RecordOutcome:
    """What recording a revision meant: new story, newer revision, same bytes again, or out of order."""

    kind: OutcomeKind
    story_id: str
    version: int
    previous_version: int | None = None

    @property
    def is_fresh(self) -> bool:
        """True when the revision must flow on to translation and delivery."""
        return self.kind in ("new", "update")


def _ts(dt: datetime | None) -> float | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class StoryRepository(Protocol):
    """The port: every revision of every story, the files already ingested, and embargo holds."""

    def seen_file(self, digest: str) -> list[tuple[str, int]] | None: ...
    def remember_file(self, digest: str, stories: list[tuple[str, int]]) -> None: ...
    def record(self, story: Story) -> RecordOutcome: ...
    def get(self, story_id: str, version: int | None = None) -> Story | None: ...
    def versions(self, story_id: str) -> list[int]: ...
    def latest_versions(self) -> dict[str, int]: ...
    def mark_held(self, story_id: str, version: int) -> None: ...
    def mark_released(self, story_id: str, version: int) -> None: ...
    def held_embargoes(self, now: datetime) -> list[Story]: ...
    def list_ids(self, limit: int = 100) -> list[str]: ...


class StoryStore:
    """SQLAlchemy-backed ledger (SQLite or PostgreSQL); safe for concurrent writers."""

    def seen_file(self, digest: str) -> list[tuple[str, int]] | None:
        """The stories a byte-identical file already yielded, or None if it was never fully ingested."""
        with self.engine.connect() as conn:
            row = conn.execute(select(files_table.c.stories).where(files_table.c.digest == digest)).first()
        if row is None:
            return None
        out = []
        for part in row[0].split():
            sid, _, ver = part.rpartition("@")
            out.append((sid, int(ver)))
        return out

    def remember_file(self, digest: str, stories: list[tuple[str, int]]) -> None:
        """Called once a file is fully ingested, so a re-send is a no-op without parsing it again."""
        value = " ".join(f"{sid}@{ver}" for sid, ver in stories)
        try:
            with self.engine.begin() as conn:
                conn.execute(files_table.insert().values(digest=digest, stories=value, seen_ts=time.time()))
        except IntegrityError:
            pass  # a concurrent run remembered it first

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise TransientError(f"story store unavailable: {exc.__class__.__name__}") from exc

    def record(self, story: Story) -> RecordOutcome:
        """Store one revision; a lost insert race reads back as duplicate (or stale) instead of failing."""
        sid, version, digest = story.story_id, story.version, story.content_hash
        for attempt in range(5):
            try:
                return self._record_once(story, sid, version, digest)
            except OperationalError as exc:
                # SQLite WAL: a read transaction that must upgrade after another writer committed fails fast.
                if attempt == 4:
                    raise TransientError(f"story store busy: {exc.__class__.__name__}") from exc
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _record_once(self, story: Story, sid: str, version: int, digest: str) -> RecordOutcome:
        try:
            return self._record(story, sid, version, digest)
        except IntegrityError:
            # Another writer inserted the same (story, version) between our read and our insert.
            latest, stored = self._state(sid, version)
            if stored == digest or latest is None or version >= latest:
                return RecordOutcome("duplicate", sid, version, latest)
            return RecordOutcome("stale", sid, version, latest)

    def _state(self, sid: str, version: int) -> tuple[int | None, str | None]:
        with self.engine.connect() as conn:
            latest = conn.execute(select(func.max(stories_table.c.version)).where(stories_table.c.story_id == sid)).scalar()
            stored = conn.execute(select(stories_table.c.content_hash).where(
                and_(stories_table.c.story_id == sid, stories_table.c.version == version))).scalar()
        return latest, stored

    def _record(self, story: Story, sid: str, version: int, digest: str) -> RecordOutcome:
        with self.engine.begin() as conn:
            latest = conn.execute(select(func.max(stories_table.c.version)).where(stories_table.c.story_id == sid)).scalar()
            stored = conn.execute(select(stories_table.c.content_hash).where(
                and_(stories_table.c.story_id == sid, stories_table.c.version == version))).scalar()
            if stored == digest:
                return RecordOutcome("duplicate", sid, version, latest)
            if latest is not None and version < latest:
                log.warning("ignoring stale revision %s of %s: revision %s already recorded", version, sid, latest)
                return RecordOutcome("stale", sid, version, latest)
            row = {
                "content_hash": digest, "signal": story.signal.value, "status": story.status.value,
                "embargo_ts": _ts(story.embargoed), "recorded_ts": datetime.now(UTC).timestamp(),
                "body": story.model_dump_json(),
            }
            if stored is not None:
                # Same revision number, different content: the agency re-sent a changed copy; newest wins.
                log.warning("revision %s of %s re-sent with different content; replacing it", version, sid)
                conn.execute(update(stories_table).where(and_(
                    stories_table.c.story_id == sid, stories_table.c.version == version)).values(**row, released=False))
                return RecordOutcome("update", sid, version, latest)
            conn.execute(stories_table.insert().values(story_id=sid, version=version, held=False, released=False, **row))
            return RecordOutcome("new" if latest is None else "update", sid, version, latest)

    def get(self, story_id: str, version: int | None = None) -> Story | None:
        """The stored revision (latest by default), or None."""
        q = select(stories_table.c.body).where(stories_table.c.story_id == story_id)
        q = q.where(stories_table.c.version == version) if version is not None else q.order_by(
            stories_table.c.version.desc()).limit(1)
        with self.engine.connect() as conn:
            body = conn.execute(q).scalar()
        return Story.model_validate_json(body) if body else None

    def versions(self, story_id: str) -> list[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(stories_table.c.version).where(stories_table.c.story_id == story_id)
                                .order_by(stories_table.c.version)).scalars()
            return list(rows)

    def latest_versions(self) -> dict[str, int]:
        q = select(stories_table.c.story_id, func.max(stories_table.c.version)).group_by(stories_table.c.story_id)
        with self.engine.connect() as conn:
            return {sid: int(v) for sid, v in conn.execute(q)}

    def mark_held(self, story_id: str, version: int) -> None:
        self._flag(story_id, version, held=True, released=False)

    def mark_released(self, story_id: str, version: int) -> None:
        self._flag(story_id, version, released=True)

    def _flag(self, story_id: str, version: int, **values: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(stories_table).where(and_(
                stories_table.c.story_id == story_id, stories_table.c.version == version)).values(**values))

    def held_embargoes(self, now: datetime) -> list[Story]:
        """Held revisions whose embargo has passed and that no run has released yet (oldest embargo first)."""
        cutoff = _ts(now)
        q = (select(stories_table.c.body).where(and_(
            stories_table.c.held.is_(True), stories_table.c.released.is_(False),
            stories_table.c.embargo_ts.is_not(None), stories_table.c.embargo_ts <= cutoff))
            .order_by(stories_table.c.embargo_ts, stories_table.c.story_id, stories_table.c.version))
        with self.engine.connect() as conn:
            return [Story.model_validate_json(b) for b in conn.execute(q).scalars()]

    def list_ids(self, limit: int = 100) -> list[str]:
        """Story ids, most recently recorded first."""
        q = (select(stories_table.c.story_id, func.max(stories_table.c.recorded_ts).label("last"))
             .group_by(stories_table.c.story_id).order_by(func.max(stories_table.c.recorded_ts).desc(),
                                                          stories_table.c.story_id).limit(limit))
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(q)]


@dataclass
class _Held:
    story: Story
    held: bool = False
    released: bool = False
    recorded: int = 0


class MemoryStoryStore:
    """Fake for unit tests: the same outcomes as StoryStore (new, update, duplicate, stale), in a dict."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int], _Held] = {}
        self._files: dict[str, list[tuple[str, int]]] = {}
        self._tick = 0

    def seen_file(self, digest: str) -> list[tuple[str, int]] | None:
        found = self._files.get(digest)
        return list(found) if found is not None else None

    def remember_file(self, digest: str, stories: list[tuple[str, int]]) -> None:
        self._files.setdefault(digest, list(stories))

    def record(self, story: Story) -> RecordOutcome:
        sid, version = story.story_id, story.version
        known = self.versions(sid)
        latest = known[-1] if known else None
        held = self._rows.get((sid, version))
        if held is not None and held.story.content_hash == story.content_hash:
            return RecordOutcome("duplicate", sid, version, latest)
        if latest is not None and version < latest:
            return RecordOutcome("stale", sid, version, latest)
        self._tick += 1  # a changed copy of the same revision replaces it, keeping its hold (as StoryStore does)
        self._rows[(sid, version)] = _Held(story, held=held.held if held else False, recorded=self._tick)
        return RecordOutcome("new" if latest is None else "update", sid, version, latest)

    def get(self, story_id: str, version: int | None = None) -> Story | None:
        known = self.versions(story_id)
        if version is None:
            version = known[-1] if known else None
        row = self._rows.get((story_id, version)) if version is not None else None
        return row.story if row else None

    def versions(self, story_id: str) -> list[int]:
        return sorted(v for sid, v in self._rows if sid == story_id)

    def latest_versions(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for sid, v in self._rows:
            out[sid] = max(v, out.get(sid, v))
        return out

    def mark_held(self, story_id: str, version: int) -> None:
        if (row := self._rows.get((story_id, version))) is not None:
            row.held, row.released = True, False

    def mark_released(self, story_id: str, version: int) -> None:
        if (row := self._rows.get((story_id, version))) is not None:
            row.released = True

    def held_embargoes(self, now: datetime) -> list[Story]:
        cutoff = _ts(now) or 0.0
        due = [r.story for r in self._rows.values() if r.held and not r.released
               and (_ts(r.story.embargoed) or cutoff + 1) <= cutoff]
        return sorted(due, key=lambda s: (_ts(s.embargoed) or 0.0, s.story_id, s.version))

    def list_ids(self, limit: int = 100) -> list[str]:
        last: dict[str, int] = {}
        for (sid, _v), row in self._rows.items():
            last[sid] = max(row.recorded, last.get(sid, 0))
        return sorted(last, key=lambda sid: (-last[sid], sid))[:limit]
