"""The one object writer every delivery, kill and repair goes through: create-once, replace, delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from adapters.errors import TransientError
from adapters.storage.store import PartnerStore, PreconditionFailed

T = TypeVar("T")
UNKNOWN = object()  # "not looked at yet", as opposed to a HEAD that found nothing (None)


class Created(StrEnum):
    """What a create-once put found: the key was free, held these bytes already, or held others."""

    written = "written"
    present = "present"
    taken = "taken"


@dataclass
class Tally:
    """Requests that changed the bucket, for the run report."""

    written: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    """Transient S3 errors are retried with backoff; permanent ones (4xx) are not."""

    attempts: int = 4
    wait_initial: float = 0.5
    wait_max: float = 20.0

    def run(self, fn: Callable[[], T]) -> T:
        try:
            return fn()  # almost every request succeeds first time: no retry machinery built for it
        except TransientError:
            if self.attempts <= 1:
                raise
        time.sleep(min(self.wait_initial, self.wait_max))  # then the same schedule: 1x, 2x, 4x wait_initial
        for attempt in Retrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(self.attempts - 1),
            wait=wait_exponential(multiplier=self.wait_initial * 2, max=self.wait_max),
            reraise=True,
        ):
            with attempt:
                return fn()
        raise AssertionError("unreachable")  # pragma: no cover


class ObjectWriter:
    """Writes into one partner bucket; immutable keys are created with If-None-Match and never overwritten."""

    def __init__(self, store: PartnerStore, retry: RetryPolicy, tally: Tally | None = None) -> None:
        self.store = store
        self.retry = retry
        self.tally = tally if tally is not None else Tally()

    def create(self, key: str, data: bytes, content_type: str, meta: dict[str, str], cache_control: str) -> Created:
        """Put only if the key is free. A put whose answer was lost and is retried finds its own bytes."""

        def attempt() -> Created:
            try:
                self.store.put(key, data, content_type, meta, if_none_match=True, cache_control=cache_control)
            except PreconditionFailed:
                found = self.store.head(key)
                if found is not None and found.get("sha256") == meta["sha256"]:
                    return Created.present
                if found is None:  # deleted between the put and the look: try again
                    raise TransientError(f"{key}: vanished during a conditional put") from None
                return Created.taken
            self.tally.written += 1
            return Created.written

        return self.retry.run(attempt)

    def head(self, key: str) -> dict[str, str] | None:
        return self.retry.run(lambda: self.store.head(key))

    def get(self, key: str) -> bytes | None:
        return self.retry.run(lambda: self.store.get(key))

    def list(self, prefix: str) -> list[str]:
        return self.retry.run(lambda: list(self.store.keys(prefix)))

    def advance(self, key: str, data: bytes, content_type: str, meta: dict[str, str], cache_control: str, *,
                rank: tuple[int, int], rank_of: Callable[[dict[str, str] | None], tuple[int, int]],
                current: dict[str, str] | None | object = UNKNOWN) -> bool:
        """Move a mutable pointer (latest.json) to `data` unless it already holds something ranked higher.

        Every write is conditional on what was read (If-None-Match when absent, If-Match on its etag), so a
        PUT that stalls and lands late can never move the pointer backwards over a newer write.
        True when the pointer holds `data` afterwards.
        """
        for _ in range(20):
            found = self.head(key) if current is UNKNOWN else current
            if found is None:
                got = self.create(key, data, content_type, meta, cache_control)
                if got != Created.taken:
                    return True
                current = UNKNOWN
                continue
            assert isinstance(found, dict)
            if found.get("sha256") == meta["sha256"]:
                return True
            if rank_of(found) > rank:
                return False  # a newer edition is there: leave it
            etag = found.get("etag") or None
            try:
                self.retry.run(partial(self.store.put, key, data, content_type, meta, cache_control=cache_control,
                                       if_match=etag))
            except PreconditionFailed:
                current = UNKNOWN  # changed since we looked (or our own lost answer): look again
                continue
            self.tally.written += 1
            return True
        raise TransientError(f"{key}: kept changing while being replaced")

    def restore(self, key: str, data: bytes, content_type: str, meta: dict[str, str], cache_control: str) -> None:
        """Reconcile's repair of a missing or tampered object with the bytes the ledger recorded."""
        self.retry.run(lambda: self.store.put(key, data, content_type, meta, cache_control=cache_control))
        self.tally.written += 1

    def delete(self, key: str) -> None:
        self.retry.run(lambda: self.store.delete(key))
        self.tally.deleted += 1
