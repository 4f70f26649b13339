"""Each partner's change feed: numbers from the ledger, one create-once NDJSON object per number."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from adapters.errors import PermanentError
from adapters.ledger import FeedEntry
from adapters.ledger_port import Ledger
from adapters.storage.writer import Created, ObjectWriter
from newsroom import contract
from newsroom.contract import Edition

FLUSH_WAIT = 5.0  # seconds a flush waits for another thread's flush of the same partner


class FeedWriter:
    """Announces a committed change under the partner's next number and writes every number not yet in the bucket.

    Writing the outstanding numbers in order, whoever allocated them, means a PUT that stalls or
    fails in one worker is written by the next one: a poller may wait for a number, never miss it.
    """

    def __init__(self, ledger: Ledger, clock: Callable[[], datetime]) -> None:
        self.ledger = ledger
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _flushing(self, partner_id: str) -> threading.Lock:
        """One flusher per partner in this process: threads racing over the same numbers only cost PUTs and HEADs."""
        with self._guard:
            return self._locks.setdefault(partner_id, threading.Lock())

    def announce(self, partner_id: str, prefix: str, story_id: str, edition: Edition, language: str, key: str,
                 pubstatus: str, *, checksum: str, signal: str | None, embargoed: datetime | None) -> FeedEntry:
        """The change's feed entry (allocated once: a retried change gets its first number back)."""

        def make(seq: int, at: datetime) -> tuple[str, str]:
            line = contract.feed_line(story_id, edition, language, key, pubstatus, seq=seq, at=at,
                                      checksum=checksum, signal=signal, embargoed=embargoed)
            return contract.feed_key(prefix, seq), line

        return self.ledger.announce(partner_id, story_id, language, edition.revision, edition.edition, make=make,
                                    at=self.clock())

    def flush(self, partner_id: str, writer: ObjectWriter, prefix: str) -> list[str]:
        """Write every allocated, unwritten feed object of this partner, lowest number first."""
        lock = self._flushing(partner_id)
        # Wait for this process's other flusher of the partner (it may write our number too); one that
        # stalls longer than FLUSH_WAIT is overtaken, as another worker would overtake it.
        held = lock.acquire(timeout=FLUSH_WAIT)
        try:
            return self._flush(partner_id, writer, prefix)
        finally:
            if held:
                lock.release()

    def _flush(self, partner_id: str, writer: ObjectWriter, prefix: str) -> list[str]:
        written: list[str] = []
        for _ in range(3):
            try:
                for entry in self.ledger.feed_entries(partner_id, unwritten=True):
                    self.write(entry, writer)
                    written.append(entry.key)
                return written
            except _NumberTaken:
                # The bucket has numbers this ledger never allocated (restored from an older backup):
                # continue after the bucket's highest number, so the feed stays gap-free and unique.
                present = [contract.seq_of_key(k) for k in writer.list(contract.feed_prefix(prefix))]
                self.ledger.renumber_after(partner_id, max([n for n in present if n] or [0]))
        raise PermanentError(f"{partner_id}: feed numbers keep colliding: is another ledger writing this bucket?")

    def write(self, entry: FeedEntry, writer: ObjectWriter) -> None:
        body = contract.feed_document([entry.line])
        meta = {"sha256": contract.sha256_hex(body), "kind": "feed", "seq": str(entry.seq), "lines": "1"}
        got = writer.create(entry.key, body, contract.FEED_CONTENT_TYPE, meta, contract.CACHE_IMMUTABLE)
        if got == Created.taken:
            raise _NumberTaken(entry.key)
        self.ledger.mark_feed_written(entry.partner, entry.seq)


class _NumberTaken(PermanentError):
    """A feed number's key holds another change: the ledger is behind the bucket."""
