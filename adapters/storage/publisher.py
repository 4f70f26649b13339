"""Deliver rendered articles into partner buckets in a safe order, idempotently, with a ledger behind it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from adapters.config import PartnerConfig
from adapters.errors import KawatError, PermanentError, TransientError
from adapters.ledger import DeliveryLedger, DeliveryState, ObjectRecord
from adapters.storage.store import PartnerStore, PreconditionFailed
from newsroom import contract
from newsroom.contract import FORMATS, Publication, sha256_hex
from newsroom.model import safe_id

log = logging.getLogger(__name__)
_T = TypeVar("_T")

_KIND_ORDER = {"picture": 0, "version": 1, "latest": 2, "tombstone": 2}


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one deliver/kill did: state is delivered, unchanged, held, skipped, busy, failed or revoked."""

    partner: str
    story_id: str
    language: str
    version: int
    state: str
    key: str | None = None
    objects_written: int = 0
    objects_deleted: int = 0
    feed_key: str | None = None
    error: str | None = None
    retryable: bool = False  # failed on a transient cause (5xx, reset, timeout): a later attempt may succeed


@dataclass
class ReconcileReport:
    """Drift found between the ledger and a bucket, and what was done about it."""

    partner: str
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unrepairable: list[str] = field(default_factory=list)

    @property
    def drift(self) -> int:
        return len(self.repaired) + len(self.removed) + len(self.unrepairable)


_UNKNOWN = object()  # "not looked at yet", as opposed to a HEAD that found nothing (None)


@dataclass
class _Tally:
    written: int = 0
    deleted: int = 0
    feed: str | None = None  # the feed object this delivery already announced itself in
    feed_attempt: tuple[str, bytes] | None = None  # key and body of a feed put whose outcome is unknown


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Publisher:
    """Writes pictures -> version -> latest -> feed, so a partner never sees a pointer to a missing object."""

    def __init__(
        self, ledger: DeliveryLedger, *, clock: Callable[[], datetime] = _utcnow, attempts: int = 4,
        wait_initial: float = 0.5, wait_max: float = 20.0,
    ) -> None:
        self.ledger = ledger
        self.clock = clock
        self.attempts = attempts
        self.wait_initial = wait_initial
        self.wait_max = wait_max

    # -- public API ---------------------------------------------------------------------------
    def deliver(
        self, partner: PartnerConfig, store: PartnerStore, pub: Publication, *, run_id: str, force: bool = False
    ) -> DeliveryOutcome:
        """Deliver one article version; unchanged re-deliveries write nothing, 4xx are not retried."""
        base: dict[str, Any] = dict(partner=partner.id, story_id=pub.story_id, language=pub.language, version=pub.version)
        if partner.languages and pub.language not in partner.languages:
            return DeliveryOutcome(**base, state="skipped", error=f"partner does not take {pub.language!r}")
        revoked, row = self.ledger.lookup(partner.id, pub.story_id, pub.language, pub.version)
        if revoked:
            return DeliveryOutcome(**base, state="skipped", error="story was killed")
        checksum = pub.checksum
        now = self.clock()
        if partner.embargo_policy == "hold" and pub.embargoed is not None and pub.embargoed > now:
            self.ledger.mark_held(partner.id, pub.story_id, pub.language, pub.version, checksum=checksum)
            return DeliveryOutcome(**base, state="held", error=f"embargoed until {contract.iso(pub.embargoed)}")
        if row is not None and not force:
            if row.state == DeliveryState.delivered and row.checksum == checksum:
                return DeliveryOutcome(**base, state="unchanged", key=row.key)
            if row.state == DeliveryState.superseded:
                return DeliveryOutcome(**base, state="skipped", key=row.key, error="a newer version was delivered")
        claimed = self.ledger.claim(partner.id, pub.story_id, pub.language, pub.version, force=force)
        if not claimed and row is not None and row.state == DeliveryState.delivered:
            claimed = self.ledger.reclaim_changed(partner.id, pub.story_id, pub.language, pub.version, checksum)
        if not claimed:
            return DeliveryOutcome(**base, state="busy", error="another worker holds this delivery")
        tally = _Tally()
        # A delivery that was started before (crash, failure) may have written every object but not
        # the feed line: it must still be announced even though nothing changes now.
        resume = row is not None and row.state in (DeliveryState.pending, DeliveryState.failed)
        since = row.created_at if resume and row is not None else None
        try:
            key, feed, is_current = self._retrying(
                lambda: self._write(partner, store, pub, run_id, force, tally, announce=resume, since=since))
        except KawatError as exc:
            self.ledger.mark_failed(partner.id, pub.story_id, pub.language, pub.version, str(exc))
            log.warning("delivery %s/%s v%s to %s failed: %s", pub.story_id, pub.language, pub.version,
                        partner.id, exc)
            return DeliveryOutcome(**base, state="failed", objects_written=tally.written, error=str(exc),
                                   retryable=isinstance(exc, TransientError))
        state = DeliveryState.delivered if is_current else DeliveryState.superseded
        self.ledger.mark_delivered(partner.id, pub.story_id, pub.language, pub.version, key=key, checksum=checksum,
                                   state=state)
        return DeliveryOutcome(**base, state="delivered", key=key, objects_written=tally.written, feed_key=feed)

    def kill(
        self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str, version: int, *,
        run_id: str, reason: str,
    ) -> DeliveryOutcome:
        """Tombstone over latest, remove every body and picture of the story, append a kill feed line."""
        base: dict[str, Any] = dict(partner=partner.id, story_id=story_id, language=language, version=version)
        tally = _Tally()
        try:
            latest, feed, tomb_sha = self._retrying(
                lambda: self._kill(partner, store, story_id, language, version, run_id, reason, tally))
        except KawatError as exc:
            self.ledger.mark_failed(partner.id, story_id, language, version, f"kill: {exc}")
            return DeliveryOutcome(**base, state="failed", objects_written=tally.written,
                                   objects_deleted=tally.deleted, error=str(exc),
                                   retryable=isinstance(exc, TransientError))
        self.ledger.revoke(partner.id, story_id, language, version, key=latest, checksum=tomb_sha, reason=reason)
        return DeliveryOutcome(**base, state="revoked", key=latest, objects_written=tally.written,
                               objects_deleted=tally.deleted, feed_key=feed)

    def reconcile(self, partner: PartnerConfig, store: PartnerStore) -> ReconcileReport:
        """Compare the ledger's objects with the bucket listing; rewrite missing/changed ones, drop killed bodies."""
        report = ReconcileReport(partner=partner.id)
        root = contract.feed_prefix(partner.prefix).removesuffix(contract.FEED_DIR + "/")
        present = set(self._retrying(lambda: list(store.keys(root))))
        records = sorted(self.ledger.objects(partner.id), key=lambda r: (_KIND_ORDER.get(r.kind, 9), r.key))
        killed_dirs: set[str] = set()
        for rec in records:
            report.checked += 1
            if rec.kind == "tombstone":
                killed_dirs.add(rec.key.rsplit("/", 1)[0] + "/")
            head = self._retrying(partial(store.head, rec.key)) if rec.key in present else None
            if head is not None and head.get("content-sha256", head.get("sha256")) == rec.sha256 \
                    and head.get("sha256") == rec.sha256:
                continue
            data = self.ledger.blob(rec.sha256)
            if data is None:
                report.unrepairable.append(rec.key)
                continue
            meta = json.loads(rec.meta or "{}")
            self._retrying(partial(store.put, rec.key, data, rec.content_type, meta))
            report.repaired.append(rec.key)
        for key in sorted(present):
            if contract.is_body_key(key) and any(key.startswith(d) for d in killed_dirs):
                self._retrying(partial(store.delete, key))
                report.removed.append(key)
        return report

    # -- internals ----------------------------------------------------------------------------
    def _retrying(self, fn: Callable[[], _T]) -> _T:
        for attempt in Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.wait_initial, max=self.wait_max),
            reraise=True,
        ):
            with attempt:
                return fn()
        raise AssertionError("unreachable")  # pragma: no cover

    def _put(self, store: PartnerStore, key: str, data: bytes, content_type: str, meta: dict[str, str], *,
             conditional: bool, force: bool, tally: _Tally, head: dict | None | object = _UNKNOWN) -> bool:
        """Write unless the bucket already holds these exact bytes; conditional where runs may race.

        Immutable objects are created with If-None-Match first and looked at only when the key is
        taken, so a first delivery costs one request per object instead of two.
        """
        if conditional and not force and head is _UNKNOWN:
            created = self._create(store, key, data, content_type, meta, tally)
            if created is not None:
                return created
        else:
            found = store.head(key) if head is _UNKNOWN else head
            if isinstance(found, dict) and found.get("sha256") == meta["sha256"] and not force:
                return False
            if found is None and conditional:
                created = self._create(store, key, data, content_type, meta, tally)
                if created is not None:
                    return created
        store.put(key, data, content_type, meta)
        tally.written += 1
        return True

    def _create(self, store: PartnerStore, key: str, data: bytes, content_type: str, meta: dict[str, str],
                tally: _Tally) -> bool | None:
        """If-None-Match put: True written, False these bytes are already there, None other bytes are."""
        try:
            store.put(key, data, content_type, meta, if_none_match=True)
        except PreconditionFailed:
            found = store.head(key)
            return False if found is not None and found.get("sha256") == meta["sha256"] else None
        tally.written += 1
        return True

    def _write(self, partner: PartnerConfig, store: PartnerStore, pub: Publication, run_id: str, force: bool,
               tally: _Tally, *, announce: bool = False, since: datetime | None = None) -> tuple[str, str | None, bool]:
        p, lang, when, sid, ver = partner.prefix, pub.language, pub.published, pub.story_id, pub.version

        def meta(data: bytes, kind: str) -> dict[str, str]:
            return contract.object_metadata(sid, ver, lang, pub.pubstatus, sha256_hex(data), kind=kind,
                                            embargoed=pub.embargoed)

        records: list[ObjectRecord] = []
        blobs: dict[str, bytes] = {}
        changed = False

        def record(kind: str, key: str, data: bytes, ctype: str, m: dict[str, str]) -> None:
            records.append(ObjectRecord(partner.id, sid, lang, ver, kind, key, m["sha256"], ctype,
                                        json.dumps(m, sort_keys=True)))
            blobs[m["sha256"]] = data

        def write(kind: str, key: str, data: bytes, ctype: str, conditional: bool, head: object = _UNKNOWN) -> None:
            nonlocal changed
            m = meta(data, kind)
            changed |= self._put(store, key, data, ctype, m, conditional=conditional, force=force, tally=tally,
                                 head=head)
            record(kind, key, data, ctype, m)

        # 1. pictures, 2. the immutable version objects (ninjs first), 3. latest, 4. the feed line.
        for pic in pub.pictures:
            write("picture", contract.picture_key(p, lang, when, sid, pic.name), pic.data, pic.content_type, True)
        formats = ["ninjs", *[f for f in partner.formats if f != "ninjs"]]
        for fmt in formats:
            if fmt in pub.files:
                key = contract.format_key(p, lang, when, sid, ver, fmt)
                write("version", key, pub.files[fmt], FORMATS[fmt][1], True)
        version_key = contract.format_key(p, lang, when, sid, ver, "ninjs")
        latest = contract.latest_key(p, lang, when, sid)
        is_current = True
        created: bool | None = None
        if ver <= 1 and not force:
            # A first revision's latest is almost never there yet: create it outright (If-None-Match) and
            # look at what holds the key only when it is taken, saving a HEAD per new story.
            m = meta(pub.files["ninjs"], "latest")
            created = self._create(store, latest, pub.files["ninjs"], FORMATS["ninjs"][1], m, tally)
            if created is not None:  # written now, or these very bytes were already there
                changed |= created
                record("latest", latest, pub.files["ninjs"], FORMATS["ninjs"][1], m)
        if created is None:
            current = store.head(latest)
            if current is not None:
                held = _int(current.get("version"))
                if held > ver or (current.get("pubstatus") == "canceled" and held >= ver):
                    is_current = False  # an older revision arrived late: keep it, never move latest backwards
            if is_current:
                write("latest", latest, pub.files["ninjs"], FORMATS["ninjs"][1], False, head=current)
        feed = tally.feed
        # `tally` outlives retries: objects written by an earlier attempt still need their feed line,
        # and a line already written by an earlier attempt is never written twice.
        if feed is None and announce and not changed and tally.written == 0 and since is not None:
            # Resuming a crashed delivery whose objects are all there: it may have announced itself too.
            feed = tally.feed = self._announced(store, partner, pub, since)
        if feed is None and (changed or announce or tally.written > 0):
            line = contract.feed_line(sid, ver, lang, version_key, pub.pubstatus, at=self.clock(),
                                      checksum=sha256_hex(pub.files["ninjs"]), signal=pub.signal)
            feed = tally.feed = self._append_feed(store, partner, [line], run_id, tally)
        self.ledger.record_objects(records, blobs)
        return version_key, feed, is_current

    def _announced(self, store: PartnerStore, partner: PartnerConfig, pub: Publication, since: datetime) -> str | None:
        """The feed object (written since the delivery was claimed) that already carries this change."""
        digest = sha256_hex(pub.files["ninjs"])
        first = since - timedelta(minutes=1)
        probe = contract.feed_key(partner.prefix, first, "probe")
        feed_root, stamp = probe.rsplit("/", 4)[0], probe.rsplit("/", 1)[1].split("-", 1)[0]
        day = first.date()
        while day <= self.clock().date():
            for key in store.keys(f"{feed_root}/{day:%Y}/{day:%m}/{day:%d}/"):
                if key.rsplit("/", 1)[1][: len(stamp)] < stamp:
                    continue
                for line in (store.get(key) or b"").decode("utf-8", "replace").splitlines():
                    try:
                        item = json.loads(line)
                    except ValueError:
                        continue
                    if (item.get("story"), item.get("version"), item.get("lang"), item.get("sha256")) == (
                            pub.story_id, pub.version, pub.language, digest):
                        return key
            day += timedelta(days=1)
        return None

    def _append_feed(self, store: PartnerStore, partner: PartnerConfig, lines: list[str], run_id: str,
                     tally: _Tally) -> str:
        """A new small NDJSON object per change set; never overwrite one (IfNoneMatch), bump the time on a clash.

        The key and body of an attempt are kept in `tally`: when a put's answer is lost (reset,
        timeout) the retry re-puts the same object, so the change is announced once.
        """
        if tally.feed_attempt is None:
            body = contract.feed_document(lines)
            tally.feed_attempt = (contract.feed_key(partner.prefix, self.clock(), run_id), body)
        key, body = tally.feed_attempt
        meta = {"sha256": sha256_hex(body), "kind": "feed", "lines": str(len(lines))}
        for _ in range(20):
            try:
                store.put(key, body, "application/x-ndjson", meta, if_none_match=True)
                tally.written += 1
                return key
            except PreconditionFailed:
                head = store.head(key)
                if head is not None and head.get("sha256") == meta["sha256"]:
                    return key  # our own put landed but its answer was lost: already announced
                key = contract.feed_key(partner.prefix, self.clock() + timedelta(microseconds=1), run_id)
                tally.feed_attempt = (key, body)
        raise PermanentError(f"could not find a free feed key for run {run_id!r}")

    def _story_dirs(self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str) -> set[str]:
        dirs: set[str] = set()
        for rec in self.ledger.objects(partner.id, story_id, language):
            key = rec.key
            if f"/{contract.PICTURES_DIR}/" in key:
                key = key.split(f"/{contract.PICTURES_DIR}/")[0] + "/x"
            dirs.add(key.rsplit("/", 1)[0] + "/")
        for row in self.ledger.rows(partner=partner.id, story_id=story_id, language=language):
            if row.key:
                dirs.add(row.key.rsplit("/", 1)[0] + "/")
        if not dirs:  # ledger lost or never written: find the story in the bucket itself
            root = contract.story_dir(partner.prefix, language, datetime(2000, 1, 1), story_id)
            lang_root = root.split("/2000/")[0] + "/"
            marker = f"/{safe_id(story_id)}/"
            for key in store.keys(lang_root):
                if marker in key:
                    dirs.add(key.split(marker)[0] + marker)
        return dirs

    def _kill(self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str, version: int,
              run_id: str, reason: str, tally: _Tally) -> tuple[str | None, str | None, str | None]:
        dirs = self._story_dirs(partner, store, story_id, language)
        if not dirs:
            return None, None, None  # never reached this partner: nothing to take back
        now = self.clock()
        changed = False
        tomb_sha = None
        latest_keys: list[str] = []
        for d in sorted(dirs):
            latest = d + contract.LATEST
            latest_keys.append(latest)
            current = store.head(latest)
            if current is not None and current.get("pubstatus") == "canceled" and _int(current.get("version")) >= version:
                tomb_sha = current.get("sha256")
                continue
            uri = contract.story_uri(story_id, language)
            if current is not None:
                try:
                    uri = str(json.loads(store.get(latest) or b"{}").get("uri") or uri)
                except ValueError:
                    pass
            tomb = contract.tombstone(uri, version, language, at=now, reason=reason)
            tomb_sha = sha256_hex(tomb)
            meta = contract.object_metadata(story_id, version, language, "canceled", tomb_sha, kind="tombstone")
            store.put(latest, tomb, FORMATS["ninjs"][1], meta)
            tally.written += 1
            changed = True
            self.ledger.record_objects(
                [ObjectRecord(partner.id, story_id, language, version, "tombstone", latest, tomb_sha,
                              FORMATS["ninjs"][1], json.dumps(meta, sort_keys=True))], {tomb_sha: tomb})
        removed: list[str] = []
        for d in sorted(dirs):
            for key in list(store.keys(d)):
                if contract.is_body_key(key):
                    store.delete(key)
                    tally.deleted += 1
                    removed.append(key)
        self.ledger.forget_objects(partner.id, removed)
        feed = None
        if changed or removed:
            line = contract.feed_line(story_id, version, language, latest_keys[0], "canceled", at=now,
                                      checksum=tomb_sha, signal="kill")
            feed = self._append_feed(store, partner, [line], run_id, tally)
        return latest_keys[0], feed, tomb_sha


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
