"""Compare what the ledger says a bucket holds with the bucket, and repair the drift."""

from __future__ import annotations

import json

from adapters.config import PartnerConfig
from adapters.ledger_port import Ledger
from adapters.storage.feed import FeedWriter
from adapters.storage.outcome import ReconcileReport
from adapters.storage.store import PartnerStore
from adapters.storage.writer import ObjectWriter, RetryPolicy
from newsroom import contract

_KIND_ORDER = {"picture": 0, "version": 1, "tombstone": 1, "latest": 2}


class Reconciler:
    """Restores missing or tampered objects from recorded bytes, drops killed bodies, writes unwritten feed numbers."""

    def __init__(self, ledger: Ledger, feed: FeedWriter, retry: RetryPolicy) -> None:
        self.ledger = ledger
        self.feed = feed
        self.retry = retry

    def reconcile(self, partner: PartnerConfig, store: PartnerStore) -> ReconcileReport:
        report = ReconcileReport(partner=partner.id)
        writer = ObjectWriter(store, self.retry)
        root = contract.feed_prefix(partner.prefix).removesuffix(contract.FEED_DIR + "/")
        present = set(writer.list(root))
        records = sorted(self.ledger.objects(partner.id), key=lambda r: (_KIND_ORDER.get(r.kind, 9), r.key))
        killed_dirs: set[str] = set()
        tombstones: set[str] = set()
        for rec in records:
            report.checked += 1
            if rec.kind == "tombstone":
                tombstones.add(rec.key)
            if rec.kind == "latest" and self._is_tombstone(rec.meta):
                killed_dirs.add(rec.key.rsplit("/", 1)[0] + "/")
            head = writer.head(rec.key) if rec.key in present else None
            if head is not None and head.get("content-sha256", head.get("sha256")) == rec.sha256 \
                    and head.get("sha256") == rec.sha256:
                continue
            data = self.ledger.blob(rec.sha256)
            if data is None:
                report.unrepairable.append(rec.key)
                continue
            meta = json.loads(rec.meta or "{}")
            cache = meta.pop("cache-control", None) or (
                contract.CACHE_LATEST if rec.kind == "latest" else contract.CACHE_IMMUTABLE)
            writer.restore(rec.key, data, rec.content_type, meta, cache)
            report.repaired.append(rec.key)
        for key in sorted(present):
            if contract.is_body_key(key) and key not in tombstones and any(key.startswith(d) for d in killed_dirs):
                writer.delete(key)
                report.removed.append(key)
        for entry in self.ledger.feed_entries(partner.id, unwritten=False):
            if entry.written and entry.key not in present:
                self.feed.write(entry, writer)
                report.feed_written.append(entry.key)
        report.feed_written += self.feed.flush(partner.id, writer, partner.prefix)
        return report

    @staticmethod
    def _is_tombstone(meta: str) -> bool:
        try:
            return json.loads(meta or "{}").get("pubstatus") == "canceled"
        except ValueError:
            return False
