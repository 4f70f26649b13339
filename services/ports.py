"""What the use cases need from the outside world, as Protocols: the adapters and their fakes fit them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from adapters.articles import ArticleRepository
from adapters.config import PartnerConfig
from adapters.ledger import DeliveryKey, StoryEvent
from adapters.media import MediaStore
from adapters.storage.outcome import ReconcileReport
from adapters.storage.publisher import DeliveryOutcome
from adapters.storage.store import PartnerStore
from adapters.stories import StoryRepository
from adapters.tm import TranslationMemory
from adapters.translate.base import GlossaryPairs
from adapters.translate.service import TranslationResult
from adapters.wire.limits import WireLimits
from adapters.worklog import WorkLog
from glossary import Glossary
from newsroom.contract import Publication

Clock = Callable[[], datetime]
"""Now, timezone-aware: injected so embargo and review decisions are testable without patching."""


def utc_now() -> datetime:
    """The production clock."""
    return datetime.now(UTC)


class ServiceSettings(Protocol):
    """The settings the use cases read (flows.settings.Settings has them all)."""

    @property
    def partners(self) -> list[PartnerConfig]: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def claim_stale_after(self) -> float: ...
    @property
    def max_file_bytes(self) -> int: ...
    @property
    def editor(self) -> str | dict[str, str] | None: ...
    @property
    def translator(self) -> str | None: ...
    @property
    def glossary_gate(self) -> bool: ...
    @property
    def outlet(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def max_embargo_days(self) -> float: ...

    def partner(self, partner_id: str) -> PartnerConfig: ...
    def wire_limits(self) -> WireLimits: ...


class Translation(Protocol):
    """The engine chain behind one call: memory first, then engines in order, all or nothing."""

    def translate(
        self, texts: Sequence[str], source: str, target: str, *, chain: Sequence[str],
        confidential_only: bool = False, glossary_version: str | None = None, glossary_pairs: GlossaryPairs = (),
    ) -> TranslationResult: ...

    def uses_native_glossary(self, engine: str) -> bool: ...


class Publishing(Protocol):
    """Writes one article version (or its tombstone) into one partner bucket, recording it in the ledger."""

    def deliver(self, partner: PartnerConfig, store: PartnerStore, pub: Publication, *, run_id: str,
                force: bool = False) -> DeliveryOutcome: ...

    def kill(self, partner: PartnerConfig, store: PartnerStore, story_id: str, language: str, version: int, *,
             run_id: str, reason: str) -> DeliveryOutcome: ...

    def reinstate(self, story_id: str, reason: str) -> StoryEvent: ...


class PartnerPublisher(Publishing, Protocol):
    """Publishing plus the bucket repair `kawat reconcile` runs (no use case needs it): what the Container holds."""

    def reconcile(self, partner: PartnerConfig, store: PartnerStore) -> ReconcileReport: ...


class FailureLog(Protocol):
    """The one ledger write a use case makes itself: a delivery that failed before the publisher ran."""

    def mark_failed(self, key: DeliveryKey, error: str) -> None: ...


class Context(Protocol):
    """Everything a use case may touch; read-only, so any object with these members fits."""

    @property
    def settings(self) -> ServiceSettings: ...
    @property
    def stories(self) -> StoryRepository: ...
    @property
    def articles(self) -> ArticleRepository: ...
    @property
    def tm(self) -> TranslationMemory: ...
    @property
    def ledger(self) -> FailureLog: ...
    @property
    def media(self) -> MediaStore: ...
    @property
    def work(self) -> WorkLog: ...
    @property
    def glossary(self) -> Glossary: ...
    @property
    def translation(self) -> Translation: ...
    @property
    def publisher(self) -> Publishing: ...
    @property
    def clock(self) -> Clock: ...

    def store_for(self, partner: PartnerConfig) -> PartnerStore: ...
    def chain(self, engine: str | None = None) -> list[str]: ...
    def story_lock(self, story_id: str) -> AbstractContextManager[object]: ...
