"""An in-memory delivery ledger with the SQL ledger's rules (claims, leases, editions, feed numbers, the kill
register), so use-case tests run in milliseconds; tests/unit/test_ledger_states.py runs on both."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from adapters.ledger import (
    RECLAIMABLE,
    DeliveryKey,
    DeliveryRow,
    DeliveryState,
    FeedEntry,
    KillRegister,
    ObjectRecord,
    StoryEvent,
    already_so,
    check_reason,
)

Clock = Callable[[], datetime]


def _wall() -> datetime:
    return datetime.now(UTC)


class MemoryLedger(KillRegister):
    """The `Ledger` port in a dict; one lock makes every call atomic, as a transaction would."""

    def __init__(self, *, lease: timedelta = timedelta(minutes=15), clock: Clock = _wall) -> None:
        self.lease = lease
        self.clock = clock
        self._rows: dict[DeliveryKey, DeliveryRow] = {}
        self._events: list[StoryEvent] = []
        self._feed: list[FeedEntry] = []
        self._objects: dict[tuple[str, str], ObjectRecord] = {}
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.RLock()

    # -- claims and state changes -------------------------------------------------------------
    def claim(self, key: DeliveryKey, *, force: bool = False, checksum: str | None = None,
              from_states: Iterable[DeliveryState] = (), edition: int | None = None) -> bool:
        """Exactly one caller gets True: a new row, a failed/held one, a stale lease, or `from_states`."""
        now = self.clock()
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                self._rows[key] = replace(self._new(key, DeliveryState.pending, now, attempts=1, checksum=checksum),
                                          edition=edition)
                return True
            states = set(RECLAIMABLE) | {DeliveryState(s) for s in from_states}
            if force:
                states |= {DeliveryState.delivered, DeliveryState.superseded}
            stale = row.state == DeliveryState.pending and row.updated_at < now - self.lease
            if row.state not in states and not stale:
                return False
            row = replace(row, state=DeliveryState.pending, attempts=row.attempts + 1, updated_at=now)
            self._rows[key] = row if edition is None else replace(row, edition=edition, checksum=checksum)
            return True

    def mark_delivered(self, key: DeliveryKey, *, edition: int, obj_key: str, checksum: str,
                       state: DeliveryState = DeliveryState.delivered) -> None:
        """Record success; older revisions still in play for the same story become superseded."""
        now = self.clock()
        with self._lock:
            row = self._rows.get(key)
            if row is not None:
                self._rows[key] = replace(row, state=state, key=obj_key, checksum=checksum, edition=edition,
                                          last_error=None, updated_at=now)
            if state != DeliveryState.delivered:
                return
            older = (DeliveryState.delivered, DeliveryState.held, DeliveryState.failed, DeliveryState.pending,
                     DeliveryState.blocked)
            for other, r in list(self._rows.items()):
                if (other.partner, other.story_id, other.language) == (key.partner, key.story_id, key.language) \
                        and other.version < key.version and r.state in older:
                    self._rows[other] = replace(r, state=DeliveryState.superseded, updated_at=now)

    def mark_failed(self, key: DeliveryKey, error: str) -> None:
        self._ensure(key, DeliveryState.failed)
        self._set(key, DeliveryState.failed, None, last_error=error[:2000])

    def mark_held(self, key: DeliveryKey, *, checksum: str) -> None:
        self._ensure(key, DeliveryState.held)
        self._set(key, DeliveryState.held, (DeliveryState.held, DeliveryState.pending, DeliveryState.failed),
                  checksum=checksum)

    def mark_blocked(self, key: DeliveryKey, *, reason: str) -> None:
        self._ensure(key, DeliveryState.blocked)
        self._set(key, DeliveryState.blocked,
                  (DeliveryState.blocked, DeliveryState.pending, DeliveryState.failed, DeliveryState.held,
                   DeliveryState.superseded), last_error=reason[:2000])

    def mark_superseded(self, key: DeliveryKey, *, reason: str) -> None:
        self._ensure(key, DeliveryState.superseded)
        self._set(key, DeliveryState.superseded,
                  (DeliveryState.superseded, DeliveryState.pending, DeliveryState.failed, DeliveryState.held,
                   DeliveryState.blocked), last_error=reason[:2000])

    def set_edition(self, key: DeliveryKey, edition: int, checksum: str) -> None:
        with self._lock:
            row = self._rows.get(key)
            if row is not None:
                self._rows[key] = replace(row, edition=edition, checksum=checksum, updated_at=self.clock())

    def revoke(self, key: DeliveryKey, *, edition: int | None, obj_key: str | None, checksum: str | None,
               reason: str) -> int:
        """A kill: every revision of the story becomes revoked; the killed revision's row holds the tombstone."""
        now = self.clock()
        with self._lock:
            self._ensure(key, DeliveryState.revoked)
            row = self._rows[key]
            self._rows[key] = replace(row, key=obj_key, checksum=checksum, last_error=reason[:2000], updated_at=now,
                                      edition=row.edition if edition is None else edition)
            story = [k for k in self._rows
                     if (k.partner, k.story_id, k.language) == (key.partner, key.story_id, key.language)]
            for k in story:
                self._rows[k] = replace(self._rows[k], state=DeliveryState.revoked, updated_at=now)
            return len(story)

    # -- the kill register --------------------------------------------------------------------
    def story_events(self, story_id: str) -> list[StoryEvent]:
        with self._lock:
            return [e for e in self._events if e.story_id == story_id]

    def _event(self, story_id: str, action: str, reason: str, at: datetime | None) -> tuple[StoryEvent, bool]:
        check_reason(action, reason)
        with self._lock:
            events = self.story_events(story_id)
            last = events[-1] if events else None
            if already_so(story_id, action, last):
                assert last is not None
                return last, False
            event = StoryEvent(story_id, action, reason[:2000], at or self.clock())
            self._events.append(event)
            return event, True

    # -- the feed -----------------------------------------------------------------------------
    def announce(self, partner: str, story_id: str, language: str, version: int, edition: int, *,
                 make: Callable[[int, datetime], tuple[str, str]], at: datetime | None = None) -> FeedEntry:
        """The change's entry if it has one, else the partner's next number (gap-free, never shared)."""
        with self._lock:
            for e in self._feed:
                if (e.partner, e.story_id, e.language, e.version, e.edition) == (
                        partner, story_id, language, version, edition):
                    return e
            seq = max((e.seq for e in self._feed if e.partner == partner), default=0) + 1
            now = at or self.clock()
            obj_key, line = make(seq, now)
            entry = FeedEntry(partner=partner, seq=seq, story_id=story_id, language=language, version=version,
                              edition=edition, key=obj_key, line=line, written=False, created_at=now)
            self._feed.append(entry)
            return entry

    def feed_entries(self, partner: str, *, unwritten: bool = False, upto: int | None = None) -> list[FeedEntry]:
        with self._lock:
            found = [e for e in self._feed if e.partner == partner and not (unwritten and e.written)
                     and (upto is None or e.seq <= upto)]
        return sorted(found, key=lambda e: e.seq)

    def renumber_after(self, partner: str, floor: int) -> int:
        """Move unwritten entries numbered up to `floor` past the numbers the bucket already holds, in order."""
        with self._lock:
            top = max((e.seq for e in self._feed if e.partner == partner), default=0)
            nxt = max(top, floor) + 1
            moved = 0
            for e in sorted((e for e in self._feed if e.partner == partner and not e.written and e.seq <= floor),
                            key=lambda e: e.seq):
                line = json.loads(e.line)
                line["seq"] = nxt
                folder, name = e.key.rsplit("/", 1)
                width = len(name.split(".")[0])
                moved_entry = replace(e, seq=nxt, key=f"{folder}/{nxt:0{width}d}.ndjson",
                                      line=json.dumps(line, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
                self._feed[self._feed.index(e)] = moved_entry
                nxt += 1
                moved += 1
            return moved

    def mark_feed_written(self, partner: str, seq: int) -> None:
        with self._lock:
            self._feed = [replace(e, written=True) if (e.partner, e.seq) == (partner, seq) else e for e in self._feed]

    # -- queries ------------------------------------------------------------------------------
    def get(self, key: DeliveryKey) -> DeliveryRow | None:
        with self._lock:
            return self._rows.get(key)

    def rows(self, partner: str | None = None, state: str | DeliveryState | None = None,
             story_id: str | None = None, language: str | None = None) -> list[DeliveryRow]:
        wanted = None if state is None else DeliveryState(state)
        with self._lock:
            found = [r for r in self._rows.values()
                     if (partner is None or r.partner == partner) and (wanted is None or r.state == wanted)
                     and (story_id is None or r.story_id == story_id) and (language is None or r.language == language)]
        return sorted(found, key=lambda r: r.ident)

    def failed(self, partner: str | None = None) -> list[DeliveryRow]:
        return self.rows(partner=partner, state=DeliveryState.failed)

    def latest_delivered(self, partner: str, story_id: str, language: str) -> DeliveryRow | None:
        rows = [r for r in self.story_rows(partner, story_id, language) if r.state == DeliveryState.delivered]
        return rows[-1] if rows else None

    def story_rows(self, partner: str, story_id: str, language: str) -> list[DeliveryRow]:
        return self.rows(partner=partner, story_id=story_id, language=language)

    # -- objects and blobs --------------------------------------------------------------------
    def record_objects(self, records: Iterable[ObjectRecord], contents: dict[str, bytes]) -> None:
        """Remember what was written (the last record of a key wins) and keep the bytes by digest."""
        records = list(records)
        for sha, data in contents.items():
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError("blob digest mismatch")
        with self._lock:
            for sha, data in contents.items():
                self._blobs.setdefault(sha, data)
            for rec in records:
                self._objects[(rec.partner, rec.key)] = rec

    def forget_objects(self, partner: str, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._objects.pop((partner, key), None)

    def objects(self, partner: str, story_id: str | None = None, language: str | None = None) -> list[ObjectRecord]:
        with self._lock:
            found = [r for r in self._objects.values() if r.partner == partner
                     and (story_id is None or r.story_id == story_id) and (language is None or r.language == language)]
        return sorted(found, key=lambda r: r.key)

    def blob(self, sha256: str) -> bytes | None:
        with self._lock:
            return self._blobs.get(sha256)

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def _new(key: DeliveryKey, state: DeliveryState, now: datetime, *, attempts: int = 0,
             checksum: str | None = None) -> DeliveryRow:
        return DeliveryRow(partner=key.partner, story_id=key.story_id, language=key.language, version=key.version,
                           state=state, attempts=attempts, last_error=None, key=None, checksum=checksum,
                           created_at=now, updated_at=now)

    def _ensure(self, key: DeliveryKey, state: DeliveryState) -> None:
        with self._lock:
            if key not in self._rows:
                self._rows[key] = self._new(key, state, self.clock())

    def _set(self, key: DeliveryKey, state: DeliveryState, only_from: tuple[DeliveryState, ...] | None,
             *, last_error: str | None = None, checksum: str | None = None) -> None:
        with self._lock:
            row = self._rows.get(key)
            if row is None or (only_from and row.state not in only_from):
                return
            row = replace(row, state=state, updated_at=self.clock())
            if last_error is not None:
                row = replace(row, last_error=last_error)
            if checksum is not None:
                row = replace(row, checksum=checksum)
            self._rows[key] = row


if TYPE_CHECKING:  # mypy proves both ledgers fit the port
    from adapters.ledger import DeliveryLedger
    from adapters.ledger_port import Ledger

    def _fits(sql: DeliveryLedger, memory: MemoryLedger) -> tuple[Ledger, Ledger]:
        return sql, memory
