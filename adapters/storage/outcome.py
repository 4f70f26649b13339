"""What a delivery, kill or reconcile did, in one shape every caller (services, flows, CLI) reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.ledger import DeliveryState


@dataclass(frozen=True)
class DeliveryOutcome:
    """One partner x story x language: the state it ended in, the edition and feed number it used.

    The one delivery result type: the publisher returns it, services add the outcomes decided before
    the publisher runs (`not-localized`, a review state) and the run report shows it as it is.
    """

    story_id: str
    partner: str
    language: str
    version: int
    state: DeliveryState | str
    key: str | None = None
    detail: str | None = None  # why (an error, a refusal), shown in the run report
    objects_written: int = 0
    retryable: bool = False  # failed on a transient cause (5xx, reset, timeout): a later attempt may succeed
    edition: int | None = None
    seq: int | None = None
    objects_deleted: int = 0
    feed_key: str | None = None


@dataclass
class ReconcileReport:
    """Drift found between the ledger and a bucket, and what was done about it."""

    partner: str
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unrepairable: list[str] = field(default_factory=list)
    feed_written: list[str] = field(default_factory=list)

    @property
    def drift(self) -> int:
        return len(self.repaired) + len(self.removed) + len(self.unrepairable) + len(self.feed_written)
