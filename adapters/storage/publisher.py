"""The storage use cases over one object writer: deliver an edition, revoke a story, reconcile a bucket."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from adapters.config import PartnerConfig
from adapters.ledger import StoryEvent
from adapters.ledger_port import Ledger
from adapters.storage.deliver import Deliverer
from adapters.storage.feed import FeedWriter
from adapters.storage.outcome import DeliveryOutcome, ReconcileReport
from adapters.storage.reconcile import Reconciler
from adapters.storage.revoke import Revoker
from adapters.storage.store import PartnerStore
from adapters.storage.writer import RetryPolicy
from newsroom.contract import Publication

__all__ = ["DeliveryOutcome", "Publisher", "ReconcileReport"]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Publisher:
    """One entry point for the composition root; each use case lives in its own module."""

    def __init__(
        self, ledger: Ledger, *, clock: Callable[[], datetime] = _utcnow, attempts: int = 4,
        wait_initial: float = 0.5, wait_max: float = 20.0,
    ) -> None:
        self.ledger = ledger
        self.clock = clock
        self.retry = retry = RetryPolicy(attempts=attempts, wait_initial=wait_initial, wait_max=wait_max)
        now = lambda: self.clock()  # noqa: E731 - late-bound: tests and the demo swap the clock on the facade
        feed = FeedWriter(ledger, now)
        self._deliverer = Deliverer(ledger, feed, retry, now)
        self._revoker = Revoker(ledger, feed, retry, now)
        self._reconciler = Reconciler(ledger, feed, retry)

    def deliver(self, partner: PartnerConfig, store: PartnerStore, pub: Publication, *, run_id: str = "manual",
                force: bool = False) -> DeliveryOutcome:
        """Deliver one revision (`run_id` is kept for the callers' logs; feed numbers come from the ledger)."""
        return self._deliverer.deliver(partner, store, pub, force=force)

    def kill(self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str, version: int, *,
             run_id: str = "manual", reason: str) -> DeliveryOutcome:
        return self._revoker.kill(partner, store, story_id, language, version, reason=reason)

    def reinstate(self, story_id: str, reason: str) -> StoryEvent:
        """An editor lifts a kill (recorded with the reason); the caller then delivers the story again."""
        event, _ = self.ledger.reinstate(story_id, reason, at=self.clock())
        return event

    def reconcile(self, partner: PartnerConfig, store: PartnerStore) -> ReconcileReport:
        return self._reconciler.reconcile(partner, store)
