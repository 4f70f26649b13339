"""The story ledger: every revision of every wire item, deduplicated by content hash, with embargo holds."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import ModuleType
from typing import Any, Literal, Protocol

from sqlalchemy import (
    BigInteger,
    BindParameter,
    Boolean,
    Column,
    Engine,
    Float,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from adapters.db import upsert_dialect
from adapters.errors import TransientError
from newsroom.model import STORED, Story

log = logging.getLogger(__name__)

metadata = MetaData()
stories_table = Table(
    "wire_stories",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("version", BigInteger, primary_key=True),
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

# The date folder of every revision of a story, fixed when its first revision is recorded.
folders_table = Table(
    "wire_story_folders",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("folder_ts", Float, nullable=False),  # epoch seconds UTC of the day the story's keys use
    Column("first_version", BigInteger, nullable=False),
)

# Same identity and revision as a stored story, different content: kept for operators, never applied.
conflicts_table = Table(
    "wire_conflicts",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("version", BigInteger, primary_key=True),
    Column("offered_hash", String(64), primary_key=True),
    Column("stored_hash", String(64), nullable=False),
    Column("source", Text, nullable=True),
    Column("seen_ts", Float, nullable=False),
)

# The statements each ingested story runs, built once with bound parameters (building and hashing a
# statement per call cost more CPU than running it; see adapters/ledger.py).
_SID: BindParameter[Any] = bindparam("b_story")
_VER: BindParameter[Any] = bindparam("b_version")
_FILE_STORIES = select(files_table.c.stories).where(files_table.c.digest == bindparam("b_digest"))
_INSERT_FILE = insert(files_table)
_LATEST_VERSION = select(func.max(stories_table.c.version)).where(stories_table.c.story_id == _SID)
_HASH_OF = select(stories_table.c.content_hash).where(stories_table.c.story_id == _SID,
                                                      stories_table.c.version == _VER)
_BODY_OF = select(stories_table.c.body).where(stories_table.c.story_id == _SID, stories_table.c.version == _VER)
_LATEST_BODY = (select(stories_table.c.body).where(stories_table.c.story_id == _SID)
                .order_by(stories_table.c.version.desc()).limit(1))
_INSERT_STORY = insert(stories_table)
_UPDATE_STORY = update(stories_table).where(stories_table.c.story_id == _SID, stories_table.c.version == _VER)
_FOLDER_OF = select(folders_table.c.folder_ts).where(folders_table.c.story_id == _SID)
_INSERT_FOLDER = insert(folders_table)


@cache
def _insert_folder_unless_there(dialect: ModuleType) -> Any:
    """A folder row unless one exists (the first writer of a story fixes its date), built once per dialect."""
    return dialect.insert(folders_table).on_conflict_do_nothing()


OutcomeKind = Literal["new", "update", "duplicate", "stale", "conflict"]


@dataclass(frozen=True)
class RecordOutcome:
    """What recording a revision meant: new story, newer revision, same bytes again, out of order, or a clash."""

    kind: OutcomeKind
    story_id: str
    version: int
    previous_version: int | None = None
    stored_hash: str | None = None  # for a conflict: the content already recorded under this revision
    offered_hash: str | None = None  # ... and the content this file carries

    @property
    def conflict_reason(self) -> str:
        """One line for the quarantine reason and the run report."""
        return (f"conflict: {self.story_id} v{self.version} is already recorded with different content "
                f"(stored sha256 {self.stored_hash}, this file's sha256 {self.offered_hash})")

    @property
    def is_fresh(self) -> bool:
        """True when the revision must flow on to translation and delivery."""
        return self.kind in ("new", "update")


@dataclass(frozen=True)
class Conflict:
    """A refused re-send: same story and revision as a stored one, other content."""

    story_id: str
    version: int
    stored_hash: str
    offered_hash: str
    source: str | None
    seen_at: datetime


@dataclass(frozen=True)
class Held:
    """A revision waiting for its embargo to pass."""

    story_id: str
    version: int
    embargo: datetime | None
    recorded_at: datetime


def story_date(story: Story) -> datetime | None:
    """The day a story's keys use, from its own metadata: first publication, revision time, else its date id."""
    when = story.first_created or story.version_created
    if when is None:
        try:
            when = datetime.strptime(story.date_id[:8], "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _pictures_only(stored: Story, offered: Story) -> bool:
    """True when two copies differ only in pictures the offered one adds (a re-send with its files fixed)."""
    if stored.model_copy(update={"pictures": ()}).content_hash != offered.model_copy(update={"pictures": ()}).content_hash:
        return False
    have = {(p.id, r.href) for p in stored.pictures for r in p.renditions}
    return have < {(p.id, r.href) for p in offered.pictures for r in p.renditions}


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
    def record(self, story: Story, *, source: str | None = None) -> RecordOutcome: ...
    def conflicts(self, limit: int = 200) -> list[Conflict]: ...
    def folder_date(self, story_id: str) -> datetime | None: ...
    def held(self) -> list[Held]: ...
    def get(self, story_id: str, version: int | None = None) -> Story | None: ...
    def versions(self, story_id: str) -> list[int]: ...
    def latest_versions(self) -> dict[str, int]: ...
    def mark_held(self, story_id: str, version: int) -> None: ...
    def mark_released(self, story_id: str, version: int) -> None: ...
    def held_embargoes(self, now: datetime) -> list[Story]: ...
    def list_ids(self, limit: int = 100) -> list[str]: ...


FOLDER_CACHE = 50_000  # story ids whose date folder a process remembers (a few MB)


class StoryStore:
    """SQLAlchemy-backed ledger (SQLite or PostgreSQL); safe for concurrent writers."""

    def seen_file(self, digest: str) -> list[tuple[str, int]] | None:
        """The stories a byte-identical file already yielded, or None if it was never fully ingested."""
        with self.engine.connect() as conn:
            row = conn.execute(_FILE_STORIES, {"b_digest": digest}).first()
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
                conn.execute(_INSERT_FILE, {"digest": digest, "stories": value, "seen_ts": time.time()})
        except IntegrityError:
            pass  # a concurrent run remembered it first

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._folders: dict[str, datetime] = {}  # written once per story, never changed: read once per process
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise TransientError(f"story store unavailable: {exc.__class__.__name__}") from exc

    def record(self, story: Story, *, source: str | None = None) -> RecordOutcome:
        """Store one revision; a lost insert race reads back as duplicate (or stale) instead of failing."""
        sid, version, digest = story.story_id, story.version, story.content_hash
        for attempt in range(5):
            try:
                outcome = self._record_once(story, sid, version, digest)
                if outcome.kind == "conflict":
                    self._remember_conflict(outcome, source)
                return outcome
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
            if stored is not None and stored != digest:
                return RecordOutcome("conflict", sid, version, latest, stored_hash=stored, offered_hash=digest)
            if stored == digest or latest is None or version >= latest:
                return RecordOutcome("duplicate", sid, version, latest)
            return RecordOutcome("stale", sid, version, latest)

    def _state(self, sid: str, version: int) -> tuple[int | None, str | None]:
        key = {"b_story": sid, "b_version": version}
        with self.engine.connect() as conn:
            latest = conn.execute(_LATEST_VERSION, key).scalar()
            stored = conn.execute(_HASH_OF, key).scalar()
        return latest, stored

    def _record(self, story: Story, sid: str, version: int, digest: str) -> RecordOutcome:
        key = {"b_story": sid, "b_version": version}
        with self.engine.begin() as conn:
            latest = conn.execute(_LATEST_VERSION, key).scalar()
            stored = conn.execute(_HASH_OF, key).scalar()
            if stored == digest:
                return RecordOutcome("duplicate", sid, version, latest)
            row = {
                "content_hash": digest, "signal": story.signal.value, "status": story.status.value,
                "embargo_ts": _ts(story.embargoed), "recorded_ts": datetime.now(UTC).timestamp(),
                "body": story.model_dump_json(),
            }
            if stored is not None:
                held_body = conn.execute(_BODY_OF, key).scalar()
                held_story = Story.model_validate_json(held_body, context=STORED) if held_body is not None else None
                if held_story is not None and _pictures_only(held_story, story):
                    # The same copy with pictures that were missing or refused before: complete it in place.
                    conn.execute(_UPDATE_STORY, {**key, **row})
                    return RecordOutcome("update", sid, version, latest)
                log.warning("conflict: revision %s of %s re-sent with different content; kept the stored one",
                            version, sid)
                return RecordOutcome("conflict", sid, version, latest, stored_hash=stored, offered_hash=digest)
            if latest is None:
                when = story_date(story) or datetime.now(UTC)
                conn.execute(_insert_folder_unless_there(upsert_dialect(self.engine) or sqlite),
                             {"story_id": sid, "folder_ts": when.timestamp(), "first_version": version})
            conn.execute(_INSERT_STORY, {"story_id": sid, "version": version, "held": False, "released": False, **row})
            if latest is not None and version < latest:
                # Kept as history (nothing is lost) but never delivered: a newer revision is already out.
                log.warning("stale revision %s of %s recorded as history: revision %s already recorded",
                            version, sid, latest)
                return RecordOutcome("stale", sid, version, latest)
            return RecordOutcome("new" if latest is None else "update", sid, version, latest)

    def _remember_conflict(self, outcome: RecordOutcome, source: str | None) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(conflicts_table.insert().values(
                    story_id=outcome.story_id, version=outcome.version, offered_hash=outcome.offered_hash,
                    stored_hash=outcome.stored_hash, source=source, seen_ts=time.time()))
        except IntegrityError:
            pass  # the same conflicting copy offered again: one row is enough

    def conflicts(self, limit: int = 200) -> list[Conflict]:
        """Refused conflicting re-sends, newest first."""
        q = select(conflicts_table).order_by(conflicts_table.c.seen_ts.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [Conflict(r.story_id, r.version, r.stored_hash, r.offered_hash, r.source,
                             datetime.fromtimestamp(r.seen_ts, UTC)) for r in conn.execute(q)]

    def folder_date(self, story_id: str) -> datetime | None:
        """The date folder every revision of the story uses: fixed by the first revision recorded."""
        if (known := self._folders.get(story_id)) is not None:
            return known
        with self.engine.connect() as conn:
            ts = conn.execute(_FOLDER_OF, {"b_story": story_id}).scalar()
        if ts is not None:
            if len(self._folders) >= FOLDER_CACHE:
                self._folders.clear()
            self._folders[story_id] = found = datetime.fromtimestamp(ts, UTC)
            return found
        first = self._first_revision(story_id)  # recorded before folders were stored: adopt the oldest
        if first is None:
            return None
        when = story_date(first)
        if when is None:
            return None
        try:
            with self.engine.begin() as conn:
                conn.execute(_INSERT_FOLDER, {"story_id": story_id, "folder_ts": when.timestamp(),
                                              "first_version": first.version})
        except IntegrityError:
            return self.folder_date(story_id)
        return when

    def _first_revision(self, story_id: str) -> Story | None:
        q = (select(stories_table.c.body).where(stories_table.c.story_id == story_id)
             .order_by(stories_table.c.recorded_ts, stories_table.c.version).limit(1))
        with self.engine.connect() as conn:
            body = conn.execute(q).scalar()
        return Story.model_validate_json(body, context=STORED) if body else None

    def held(self) -> list[Held]:
        """Revisions held for their embargo and not yet released (soonest embargo first)."""
        q = (select(stories_table.c.story_id, stories_table.c.version, stories_table.c.embargo_ts,
                    stories_table.c.recorded_ts)
             .where(and_(stories_table.c.held.is_(True), stories_table.c.released.is_(False)))
             .order_by(stories_table.c.embargo_ts, stories_table.c.story_id, stories_table.c.version))
        with self.engine.connect() as conn:
            return [Held(r.story_id, r.version,
                         datetime.fromtimestamp(r.embargo_ts, UTC) if r.embargo_ts is not None else None,
                         datetime.fromtimestamp(r.recorded_ts, UTC)) for r in conn.execute(q)]

    def get(self, story_id: str, version: int | None = None) -> Story | None:
        """The stored revision (latest by default), or None."""
        q = _BODY_OF if version is not None else _LATEST_BODY
        with self.engine.connect() as conn:
            body = conn.execute(q, {"b_story": story_id, "b_version": version}).scalar()
        return Story.model_validate_json(body, context=STORED) if body else None

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
            conn.execute(_UPDATE_STORY, {"b_story": story_id, "b_version": version, **values})

    def held_embargoes(self, now: datetime) -> list[Story]:
        """Held revisions whose embargo has passed and that no run has released yet (oldest embargo first)."""
        cutoff = _ts(now)
        q = (select(stories_table.c.body).where(and_(
            stories_table.c.held.is_(True), stories_table.c.released.is_(False),
            stories_table.c.embargo_ts.is_not(None), stories_table.c.embargo_ts <= cutoff))
            .order_by(stories_table.c.embargo_ts, stories_table.c.story_id, stories_table.c.version))
        with self.engine.connect() as conn:
            return [Story.model_validate_json(b, context=STORED) for b in conn.execute(q).scalars()]

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
    """Fake for unit tests: StoryStore's outcomes (new, update, duplicate, stale, conflict) over dicts."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, int], _Held] = {}
        self._files: dict[str, list[tuple[str, int]]] = {}
        self._folders: dict[str, datetime] = {}
        self._conflicts: list[Conflict] = []
        self._tick = 0

    def seen_file(self, digest: str) -> list[tuple[str, int]] | None:
        found = self._files.get(digest)
        return list(found) if found is not None else None

    def remember_file(self, digest: str, stories: list[tuple[str, int]]) -> None:
        self._files.setdefault(digest, list(stories))

    def record(self, story: Story, *, source: str | None = None) -> RecordOutcome:
        sid, version, digest = story.story_id, story.version, story.content_hash
        known = self.versions(sid)
        latest = known[-1] if known else None
        stored = self._rows.get((sid, version))
        self._tick += 1
        if stored is not None:
            if stored.story.content_hash == digest:
                return RecordOutcome("duplicate", sid, version, latest)
            if _pictures_only(stored.story, story):  # the same copy, now with its pictures: completed in place
                stored.story, stored.recorded = story, self._tick
                return RecordOutcome("update", sid, version, latest)
            outcome = RecordOutcome("conflict", sid, version, latest, stored_hash=stored.story.content_hash,
                                    offered_hash=digest)
            if not any(c.story_id == sid and c.version == version and c.offered_hash == digest
                       for c in self._conflicts):
                self._conflicts.append(Conflict(sid, version, stored.story.content_hash, digest, source,
                                                datetime.now(UTC)))
            return outcome
        if latest is None:
            self._folders.setdefault(sid, story_date(story) or datetime.now(UTC))
        self._rows[(sid, version)] = _Held(story, recorded=self._tick)
        if latest is not None and version < latest:
            return RecordOutcome("stale", sid, version, latest)  # kept as history, never delivered
        return RecordOutcome("new" if latest is None else "update", sid, version, latest)

    def conflicts(self, limit: int = 200) -> list[Conflict]:
        return list(reversed(self._conflicts))[:limit]

    def folder_date(self, story_id: str) -> datetime | None:
        return self._folders.get(story_id)

    def held(self) -> list[Held]:
        rows = [(k, r) for k, r in self._rows.items() if r.held and not r.released]
        rows.sort(key=lambda kr: (_ts(kr[1].story.embargoed) or 0.0, kr[0]))
        return [Held(sid, v, r.story.embargoed, datetime.now(UTC)) for (sid, v), r in rows]

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
