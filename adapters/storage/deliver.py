"""Deliver one rendered revision as a new (or the same) edition: pictures -> version -> latest -> feed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.config import PartnerConfig
from adapters.errors import KawatError, PermanentError, TransientError
from adapters.ledger import BLOCKED_BY_KILL, DeliveryKey, DeliveryRow, DeliveryState, ObjectRecord
from adapters.ledger_port import Ledger
from adapters.storage.feed import FeedWriter
from adapters.storage.outcome import DeliveryOutcome
from adapters.storage.store import PartnerStore
from adapters.storage.writer import UNKNOWN, Created, ObjectWriter, RetryPolicy, Tally
from newsroom import contract
from newsroom.contract import FORMATS, Edition, Publication, sha256_hex

log = logging.getLogger(__name__)

MAX_EDITIONS = 50  # editions tried when keys are taken by other bytes, before giving up loudly


class _Taken(Exception):
    """An edition's key already holds other bytes: this change needs the next edition."""


def held_edition(meta: dict[str, str] | None) -> tuple[int, int]:
    """(revision, edition) an object's metadata names; objects from before editions count as edition 0."""
    if not meta:
        return (0, 0)
    try:
        return int(meta.get("version") or 0), int(meta.get("edition") or 0)
    except ValueError:
        return (0, 0)


@dataclass(frozen=True)
class _Written:
    edition: Edition
    version_key: str
    is_current: bool
    ninjs: bytes  # the edition's ninjs as written (its digest goes in the feed line)


class Deliverer:
    """Publishes one Publication for one partner; a change of bytes is a new edition, never an overwrite."""

    def __init__(self, ledger: Ledger, feed: FeedWriter, retry: RetryPolicy,
                 clock: Callable[[], datetime]) -> None:
        self.ledger = ledger
        self.feed = feed
        self.retry = retry
        self.clock = clock

    def deliver(self, partner: PartnerConfig, store: PartnerStore, pub: Publication, *, force: bool = False
                ) -> DeliveryOutcome:
        """Deliver one revision; unchanged re-deliveries write nothing, a killed story is refused."""
        key = DeliveryKey(partner.id, pub.story_id, pub.language, pub.version)
        base: dict[str, Any] = dict(partner=partner.id, story_id=pub.story_id, language=pub.language, version=pub.version)
        if partner.languages and pub.language not in partner.languages:
            return DeliveryOutcome(**base, state=DeliveryState.skipped,
                                   detail=f"partner does not take {pub.language!r}")
        kill = self.ledger.active_kill(pub.story_id)
        if kill is not None:
            why = f"{BLOCKED_BY_KILL} ({kill.reason})"
            self.ledger.mark_blocked(key, reason=why)
            return DeliveryOutcome(**base, state=DeliveryState.blocked, detail=why)
        rows = self.ledger.story_rows(partner.id, pub.story_id, pub.language)
        row = next((r for r in rows if r.version == pub.version), None)
        newer = [r.version for r in rows if r.version > pub.version
                 and r.state in (DeliveryState.delivered, DeliveryState.revoked, DeliveryState.pending)]
        if newer and (row is None or row.state != DeliveryState.delivered):
            # A late older revision: partners already hold a newer one. Recorded, never published.
            why = f"older than revision {max(newer)}, which partners already hold"
            self.ledger.mark_superseded(key, reason=why)
            return DeliveryOutcome(**base, state=DeliveryState.superseded, detail=why)
        checksum = pub.checksum
        now = self.clock()
        if partner.embargo_policy == "hold" and pub.embargoed is not None and pub.embargoed > now:
            self.ledger.mark_held(key, checksum=checksum)
            return DeliveryOutcome(**base, state=DeliveryState.held,
                                   detail=f"embargoed until {contract.iso(pub.embargoed)}")
        if row is not None and not force and row.state == DeliveryState.delivered and row.checksum == checksum:
            return DeliveryOutcome(**base, state=DeliveryState.unchanged, edition=row.edition, key=row.key)
        from_states: list[DeliveryState] = [DeliveryState.revoked, DeliveryState.blocked]  # no kill in force now
        if row is not None and row.state == DeliveryState.delivered and row.checksum != checksum:
            from_states.append(DeliveryState.delivered)
        edition = _first_edition(row, checksum)
        # The claim records the edition it will write, so a retry resumes that very edition.
        if not self.ledger.claim(key, force=force, checksum=checksum, from_states=from_states, edition=edition):
            return DeliveryOutcome(**base, state=DeliveryState.busy, detail="another worker holds this delivery")
        tally = Tally()
        writer = ObjectWriter(store, self.retry, tally)
        try:
            done = self._write(partner, writer, pub, key, edition, checksum,
                               first_time=not force and all(r.version == pub.version for r in rows))
            # Overtaken by a newer edition while writing (another run): partners hold the newer one, and
            # announcing this one after it would move the story backwards in the feed.
            entry = self.feed.announce(partner.id, partner.prefix, pub.story_id, done.edition, pub.language,
                                       done.version_key, pub.pubstatus,
                                       checksum=sha256_hex(done.ninjs),
                                       signal=pub.signal if done.edition.edition == 1 else "correction",
                                       embargoed=pub.embargoed) if done.is_current else None
            self.feed.flush(partner.id, writer, partner.prefix)
        except KawatError as exc:
            self.ledger.mark_failed(key, str(exc))
            log.warning("delivery %s/%s v%s to %s failed: %s", pub.story_id, pub.language, pub.version,
                        partner.id, exc)
            return DeliveryOutcome(**base, state=DeliveryState.failed, edition=edition,
                                   objects_written=tally.written, detail=str(exc),
                                   retryable=isinstance(exc, TransientError))
        state = DeliveryState.delivered if done.is_current else DeliveryState.superseded
        self.ledger.mark_delivered(key, edition=done.edition.edition, obj_key=done.version_key, checksum=checksum,
                                   state=state)
        written = tally.written
        if not done.is_current:
            outcome_state = DeliveryState.superseded
        else:
            outcome_state = DeliveryState.delivered if written else DeliveryState.unchanged
        return DeliveryOutcome(**base, state=outcome_state,
                               edition=done.edition.edition, key=done.version_key, objects_written=written,
                               feed_key=entry.key if entry else None, seq=entry.seq if entry else None,
                               detail=None if done.is_current else "overtaken by a newer edition")

    @staticmethod
    def _ninjs(pub: Publication, edition: Edition) -> bytes:
        return contract.stamp_edition(pub.files["ninjs"], edition)

    def _write(self, partner: PartnerConfig, writer: ObjectWriter, pub: Publication, key: DeliveryKey,
               first: int, checksum: str, first_time: bool) -> _Written:
        """Write the edition's objects; when another edition's bytes hold a key, move to the next edition."""
        for number in range(first, first + MAX_EDITIONS):
            edition = Edition(pub.version, number)
            try:
                written = self._write_edition(partner, writer, pub, edition, first_time)
            except _Taken as taken:
                log.warning("%s: %s holds other bytes; publishing as edition %s", partner.id, taken,
                            Edition(pub.version, number + 1).label)
                continue
            if number != first:
                self.ledger.set_edition(key, number, checksum)
            return written
        raise PermanentError(f"{pub.story_id} v{pub.version}: {MAX_EDITIONS} editions taken by other bytes")

    def _write_edition(self, partner: PartnerConfig, writer: ObjectWriter, pub: Publication,
                       edition: Edition, first_time: bool = False) -> _Written:
        p, lang, when, sid = partner.prefix, pub.language, pub.published, pub.story_id
        records: list[ObjectRecord] = []
        blobs: dict[str, bytes] = {}

        def meta(data: bytes, kind: str) -> dict[str, str]:
            return contract.object_metadata(sid, edition, lang, pub.pubstatus, sha256_hex(data), kind=kind,
                                            embargoed=pub.embargoed)

        def record(kind: str, obj_key: str, data: bytes, ctype: str, m: dict[str, str]) -> None:
            records.append(ObjectRecord(partner.id, sid, lang, pub.version, kind, obj_key, m["sha256"], ctype,
                                        json.dumps({**m, "cache-control": _cache(kind)}, sort_keys=True)))
            blobs[m["sha256"]] = data

        # 1. pictures (content-addressed names), 2. the edition's objects, ninjs last, 3. latest, 4. the feed.
        for pic in pub.pictures:
            k = contract.picture_key(p, lang, when, sid, pic.name)
            m = meta(pic.data, "picture")
            if writer.create(k, pic.data, pic.content_type, m, contract.CACHE_IMMUTABLE) == Created.taken:
                raise PermanentError(f"picture {k} already holds other bytes (picture names must be content-addressed)")
            record("picture", k, pic.data, pic.content_type, m)
        ninjs = self._ninjs(pub, edition)
        formats = [f for f in partner.formats if f != "ninjs" and f in pub.files] + ["ninjs"]
        version_key = contract.format_key(p, lang, when, sid, edition, "ninjs")
        for fmt in formats:
            data = ninjs if fmt == "ninjs" else pub.files[fmt]
            k = contract.format_key(p, lang, when, sid, edition, fmt)
            m = meta(data, "version")
            if writer.create(k, data, FORMATS[fmt][1], m, contract.CACHE_IMMUTABLE) == Created.taken:
                raise _Taken(k)
            record("version", k, data, FORMATS[fmt][1], m)
        latest = contract.latest_key(p, lang, when, sid)
        m = meta(ninjs, "latest")
        # A story's first delivery almost never finds latest.json there: create it outright and look
        # only when the key is taken (one request instead of two per new story).
        is_current = writer.advance(latest, ninjs, FORMATS["ninjs"][1], m, contract.CACHE_LATEST,
                                    rank=(edition.revision, edition.edition), rank_of=held_edition,
                                    current=None if first_time else UNKNOWN)
        if is_current:
            record("latest", latest, ninjs, FORMATS["ninjs"][1], m)
        self.ledger.record_objects(records, blobs)
        return _Written(edition, version_key, is_current, ninjs)


def _cache(kind: str) -> str:
    return contract.CACHE_LATEST if kind in ("latest",) else contract.CACHE_IMMUTABLE


def _first_edition(row: DeliveryRow | None, checksum: str) -> int:
    """Resume the edition a row was writing with these bytes; a change (or a reinstatement) takes the next."""
    if row is None or not row.edition:
        return 1
    if row.checksum == checksum and row.state not in (DeliveryState.revoked, DeliveryState.blocked):
        return row.edition
    if row.state in (DeliveryState.pending, DeliveryState.failed):
        return row.edition  # never announced: try it again, the collision rule moves on if its keys are taken
    return row.edition + 1
