"""Kill a story for one partner: a tombstone edition, latest -> tombstone, bodies removed, one kill line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from adapters.config import PartnerConfig
from adapters.errors import KawatError, PermanentError, TransientError
from adapters.ledger import DeliveryKey, DeliveryRow, DeliveryState, ObjectRecord
from adapters.ledger_port import Ledger
from adapters.storage.deliver import held_edition
from adapters.storage.feed import FeedWriter
from adapters.storage.outcome import DeliveryOutcome
from adapters.storage.store import PartnerStore
from adapters.storage.writer import Created, ObjectWriter, RetryPolicy, Tally
from newsroom import contract
from newsroom.contract import FORMATS, Edition, sha256_hex
from newsroom.model import safe_id

MAX_EDITIONS = 50


class Revoker:
    """Kills are final: the ledger registers the kill once, and every later revision is refused until reinstated."""

    def __init__(self, ledger: Ledger, feed: FeedWriter, retry: RetryPolicy,
                 clock: Callable[[], datetime]) -> None:
        self.ledger = ledger
        self.feed = feed
        self.retry = retry
        self.clock = clock

    def kill(self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str, version: int, *,
             reason: str) -> DeliveryOutcome:
        """Idempotent: a second kill of a killed story rewrites nothing and announces nothing."""
        event, new = self.ledger.record_kill(story_id, reason, at=self.clock())
        rows = self.ledger.story_rows(partner.id, story_id, language)
        revision = max([version, *(r.version for r in rows if r.state != DeliveryState.blocked)])
        current = None if new else self._tombstone_row(partner.id, story_id, language, rows)
        if current is not None:  # the kill in force already has its tombstone here: re-verify, announce nothing new
            revision = current.version
        base: dict[str, Any] = dict(partner=partner.id, story_id=story_id, language=language, version=revision)
        tally = Tally()
        writer = ObjectWriter(store, self.retry, tally)
        try:
            dirs = self._story_dirs(partner, writer, story_id, language)
            if not dirs:  # never reached this partner: nothing to take back
                return DeliveryOutcome(**base, state=DeliveryState.skipped, detail="never delivered to this partner")
            key = DeliveryKey(partner.id, story_id, language, revision)
            row = current or self.ledger.get(key)
            if current is not None and current.edition:
                first = current.edition
            else:
                first = (row.edition or 0) + 1 if row is not None else 1
            edition, tomb_key, tomb = self._tombstone(partner, writer, story_id, language, revision, first,
                                                      event.at, event.reason, sorted(dirs)[0])
            self.ledger.revoke(key, edition=edition.edition, obj_key=tomb_key, checksum=sha256_hex(tomb),
                               reason=event.reason)
            removed = self._remove_bodies(partner, writer, dirs, keep={tomb_key})
            entry = self.feed.announce(partner.id, partner.prefix, story_id, edition, language, tomb_key, "canceled",
                                       checksum=sha256_hex(tomb), signal="kill", embargoed=None)
            self.feed.flush(partner.id, writer, partner.prefix)
        except KawatError as exc:
            self.ledger.mark_failed(DeliveryKey(partner.id, story_id, language, revision), f"kill: {exc}")
            return DeliveryOutcome(**base, state=DeliveryState.failed, objects_written=tally.written,
                                   objects_deleted=tally.deleted, detail=str(exc),
                                   retryable=isinstance(exc, TransientError))
        return DeliveryOutcome(**base, state=DeliveryState.revoked, edition=edition.edition, key=tomb_key,
                               objects_written=tally.written, objects_deleted=len(removed), feed_key=entry.key,
                               seq=entry.seq, detail=None if tally.written or removed else "already killed")

    def _tombstone_row(self, partner_id: str, story_id: str, language: str,
                       rows: list[DeliveryRow]) -> DeliveryRow | None:
        """The revoked row holding the newest tombstone of this story for this partner, if any."""
        tombstones = {r.key for r in self.ledger.objects(partner_id, story_id, language) if r.kind == "tombstone"}
        held = [r for r in rows if r.state == DeliveryState.revoked and r.key in tombstones and r.edition]
        return max(held, key=lambda r: (r.version, r.edition or 0)) if held else None

    def _tombstone(self, partner: PartnerConfig, writer: ObjectWriter, story_id: str, language: str, revision: int,
                   first: int, at: datetime, reason: str, story_dir: str) -> tuple[Edition, str, bytes]:
        """Create the tombstone edition (create-once) and point latest.json at it."""
        ctype = FORMATS["ninjs"][1]
        for number in range(first, first + MAX_EDITIONS):
            edition = Edition(revision, number)
            tomb = contract.tombstone(story_id, edition, language, at=at, reason=reason)
            sha = sha256_hex(tomb)
            tomb_key = f"{story_dir}v{edition.label}.json"
            meta = contract.object_metadata(story_id, edition, language, "canceled", sha, kind="tombstone")
            if writer.create(tomb_key, tomb, ctype, meta, contract.CACHE_IMMUTABLE) == Created.taken:
                continue
            latest = story_dir + contract.LATEST
            writer.advance(latest, tomb, ctype, {**meta, "kind": "latest"}, contract.CACHE_LATEST,
                           rank=(edition.revision, edition.edition), rank_of=held_edition)
            records = [ObjectRecord(partner.id, story_id, language, revision, kind, k, sha, ctype,
                                    json.dumps({**meta, "kind": kind,
                                                "cache-control": contract.CACHE_LATEST if kind == "latest"
                                                else contract.CACHE_IMMUTABLE}, sort_keys=True))
                       for kind, k in (("tombstone", tomb_key), ("latest", latest))]
            self.ledger.record_objects(records, {sha: tomb})
            return edition, tomb_key, tomb
        raise PermanentError(f"{story_id}: no free tombstone edition")

    def _remove_bodies(self, partner: PartnerConfig, writer: ObjectWriter, dirs: set[str], keep: set[str]) -> list[str]:
        """Delete every version body and picture of the story; tombstones (earlier kills too) stay."""
        tombstones = {r.key for r in self.ledger.objects(partner.id) if r.kind == "tombstone"} | keep
        removed: list[str] = []
        for d in sorted(dirs):
            for k in writer.list(d):
                if not contract.is_body_key(k) or k in tombstones:
                    continue
                if k.endswith(".json") and contract.edition_of_key(k):
                    head = writer.head(k)
                    if head is not None and head.get("kind") == "tombstone":
                        continue
                writer.delete(k)
                removed.append(k)
        self.ledger.forget_objects(partner.id, removed)
        return removed

    def _story_dirs(self, partner: PartnerConfig, writer: ObjectWriter, story_id: str, language: str) -> set[str]:
        """The story's folder(s) in this bucket, from the ledger, else from the bucket itself."""
        dirs: set[str] = set()
        for rec in self.ledger.objects(partner.id, story_id, language):
            k = rec.key
            if f"/{contract.PICTURES_DIR}/" in k:
                k = k.split(f"/{contract.PICTURES_DIR}/")[0] + "/x"
            dirs.add(k.rsplit("/", 1)[0] + "/")
        for row in self.ledger.story_rows(partner.id, story_id, language):
            if row.key:
                dirs.add(row.key.rsplit("/", 1)[0] + "/")
        if not dirs:  # ledger lost or never written: find the story in the bucket itself
            root = contract.story_dir(partner.prefix, language, datetime(2000, 1, 1), story_id)
            lang_root = root.split("/2000/")[0] + "/"
            marker = f"/{safe_id(story_id)}/"
            for k in writer.list(lang_root):
                if marker in k:
                    dirs.add(k.split(marker)[0] + marker)
        return dirs
