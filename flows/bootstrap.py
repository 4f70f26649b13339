"""The composition root: every adapter is built here from Settings, and nowhere else.

`bootstrap(settings, stories=…, clock=…)` takes keyword overrides, so tests swap in fakes without patching.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from adapters.articles import ArticleRepository, SqlArticleStore
from adapters.db import make_engine
from adapters.errors import ConfigError
from adapters.ledger import DeliveryLedger
from adapters.ledger_port import Ledger
from adapters.media import FileMediaStore, MediaStore
from adapters.sources.base import WireSource
from adapters.storage.client import SecretLookup, make_s3_client, resolve_credentials
from adapters.storage.publisher import Publisher
from adapters.storage.store import PartnerStore, S3PartnerStore
from adapters.stories import StoryRepository, StoryStore
from adapters.tm import SqlTranslationMemory, TranslationMemory
from adapters.translate import build_translator
from adapters.translate.service import TranslationService
from adapters.worklog import SqlWorkLog, WorkLog
from flows.settings import EngineConfig, PartnerConfig, Settings, SourceConfig, load_settings
from glossary import Glossary, load_glossary
from services.ports import Clock, Translation, utc_now

KNOWN_ENGINES = ("google", "mymemory", "libre", "microsoft", "deepl", "dry-run")


def engine_config(settings: Settings, name: str) -> EngineConfig:
    """A configured engine, or the built-in defaults for a known engine kind."""
    if name in settings.engines:
        return settings.engines[name]
    if name in KNOWN_ENGINES:
        return EngineConfig(kind=name, confidential=name == "dry-run")
    raise ConfigError(f"unknown engine {name!r}; configure [engines.{name}] in {settings.config}")


def prefect_secret(name: str) -> object:
    """A Prefect Secret block's value: Prefect stays in flows/, adapters only see a lookup function."""
    from prefect.blocks.system import Secret

    block: Any = Secret.load(name)  # sync_compatible: the block itself when called from sync code
    return block.get()


def build_source(cfg: SourceConfig, settings: Settings, secrets: SecretLookup = prefect_secret) -> WireSource:
    if cfg.kind == "folder":
        from adapters.sources.folder import FolderSource

        if not cfg.path:
            raise ConfigError(f"source {cfg.name!r}: a folder source needs `path`")
        root = Path(cfg.path)
        root.mkdir(parents=True, exist_ok=True)
        return FolderSource(root, name=cfg.name, stale_after=settings.claim_stale_after,
                            max_bytes=settings.max_file_bytes)
    from adapters.sources.s3 import S3InboxSource

    if not cfg.bucket:
        raise ConfigError(f"source {cfg.name!r}: an s3 source needs `bucket`")
    access, secret = resolve_credentials(cfg, what=f"source {cfg.name}", secrets=secrets)
    client = make_s3_client(cfg.endpoint_url or settings.storage.endpoint_url, cfg.region, access, secret)
    return S3InboxSource(client, cfg.bucket, cfg.prefix, name=cfg.name, stale_after=settings.claim_stale_after,
                         max_bytes=settings.max_file_bytes)


@dataclass
class Container:
    """Everything a flow needs, built once per process and shared by its task threads."""

    settings: Settings
    db: Engine
    stories: StoryRepository
    articles: ArticleRepository
    tm: TranslationMemory
    ledger: Ledger
    media: MediaStore
    work: WorkLog
    glossary: Glossary
    translation: Translation
    publisher: Publisher
    secrets: SecretLookup = prefect_secret
    clock: Clock = utc_now
    on_progress: Callable[[str, str], None] | None = None  # a terminal's progress line, when one watches
    _stores: dict[str, PartnerStore] = field(default_factory=dict)
    _sources: dict[str, WireSource] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _story_locks: dict[str, threading.Lock] = field(default_factory=dict)

    def story_lock(self, story_id: str) -> threading.Lock:
        """One lock per story: two files of one story in a batch are processed one after the other."""
        with self._lock:
            return self._story_locks.setdefault(story_id, threading.Lock())

    def source(self, name: str) -> WireSource:
        with self._lock:
            if name not in self._sources:
                cfg = next((s for s in self.settings.sources if s.name == name), None)
                if cfg is None:
                    raise ConfigError(f"unknown source {name!r}; configured: {[s.name for s in self.settings.sources]}")
                self._sources[name] = build_source(cfg, self.settings, self.secrets)
            return self._sources[name]

    def store_for(self, partner: PartnerConfig) -> PartnerStore:
        """The partner's bucket, written with Kawat's writer identity (or the partner's override)."""
        with self._lock:
            if partner.id not in self._stores:
                storage = self.settings.storage
                creds = partner if (partner.access_key_env or partner.secret_block) else storage
                access, secret = resolve_credentials(creds, what=f"partner {partner.id}", secrets=self.secrets)
                client = make_s3_client(
                    partner.endpoint_url or storage.endpoint_url, partner.region or storage.region, access, secret,
                )
                self._stores[partner.id] = S3PartnerStore(client, partner.bucket)
            return self._stores[partner.id]

    def chain(self, engine: str | None = None) -> list[str]:
        first = engine or self.settings.engine
        rest = [e for e in self.settings.fallback_engines if e != first] if engine is None else []
        return [first, *rest]


def bootstrap(
    settings: Settings | None = None,
    *,
    stories: StoryRepository | None = None,
    articles: ArticleRepository | None = None,
    tm: TranslationMemory | None = None,
    ledger: Ledger | None = None,
    media: MediaStore | None = None,
    work: WorkLog | None = None,
    glossary: Glossary | None = None,
    translation: Translation | None = None,
    stores: Mapping[str, PartnerStore] | None = None,
    secrets: SecretLookup = prefect_secret,
    clock: Clock = utc_now,
    http: httpx.Client | None = None,
) -> Container:
    """Build the whole object graph from settings (env + kawat.toml); any keyword replaces one piece."""
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = make_engine(settings.db_url)
    if tm is None:
        tm = SqlTranslationMemory(db)
    if translation is None:
        names = set(settings.engines) | {settings.engine, *settings.fallback_engines, "dry-run"}
        configs = {name: engine_config(settings, name) for name in names}
        engines = {name: build_translator(name, cfg, http=http) for name, cfg in configs.items()}
        translation = TranslationService(engines, tm=tm, limits=configs)
    if ledger is None:
        # A crashed run's pending deliveries are retaken as soon as its claims are considered stale.
        ledger = DeliveryLedger(db, lease=timedelta(seconds=settings.claim_stale_after))
    if glossary is None:
        glossary = load_glossary(settings.glossary_dir)
        snapshot_glossary(glossary, settings.data_dir / "glossary")
    return Container(
        settings=settings,
        db=db,
        stories=stories if stories is not None else StoryStore(db),
        articles=articles if articles is not None else SqlArticleStore(db),
        tm=tm,
        ledger=ledger,
        media=media if media is not None else FileMediaStore(settings.data_dir / "media"),
        work=work if work is not None else SqlWorkLog(db),
        glossary=glossary,
        translation=translation,
        publisher=Publisher(ledger, clock=clock, attempts=settings.storage.retry_attempts,
                            wait_initial=settings.storage.retry_wait, wait_max=settings.storage.retry_wait_max),
        secrets=secrets,
        clock=clock,
        _stores=dict(stores or {}),
    )


def snapshot_glossary(glossary: Glossary, directory: Path) -> Path:
    """Keep each term-base version we translated with, so a later change can be diffed against it."""
    from glossary import write_csv

    path = directory / f"{glossary.version}.csv"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        write_csv(glossary, tmp)
        tmp.replace(path)
    return path


_current: Container | None = None
_current_lock = threading.Lock()


def get_container() -> Container:
    """The process-wide container; flows call this instead of constructing clients."""
    global _current
    with _current_lock:
        if _current is None:
            _current = bootstrap()
        return _current


def current_container() -> Container | None:
    """The installed container, without building one (progress reports must not bootstrap a process)."""
    with _current_lock:
        return _current


def set_container(container: Container | None) -> None:
    """Install a container (tests, the demo, the CLI after parsing its options)."""
    global _current
    with _current_lock:
        _current = container
