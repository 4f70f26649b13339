"""All configuration in one place: `KAWAT_*` environment variables plus `kawat.toml`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.config import (
    Credentials,
    EngineConfig,
    Format,
    PartnerConfig,
    PartnerFilters,
    SourceConfig,
    StorageConfig,
)
from adapters.errors import ConfigError
from adapters.wire.limits import WireLimits

# The sections are re-exported: `flows.settings` stays the one place a flow or a test takes config from.
__all__ = [
    "AlertsConfig", "Credentials", "EngineConfig", "Format", "PartnerConfig", "PartnerFilters", "Settings", "SourceConfig",
    "StorageConfig", "load_settings",
]


class AlertsConfig(BaseModel):
    """Where Prefect automations send alerts: a notification block the operator made (UI → Blocks).

    `notify` is `<block-type-slug>/<block-name>`, e.g. `slack-webhook/newsroom-desk`,
    `custom-webhook/kawat-alerts` or `email/desk` (prefect-email): the block holds the secret URL or
    password, never kawat.toml. Only flows use it (automations are Prefect's), so it lives here.
    """

    model_config = ConfigDict(extra="forbid")

    notify: str | None = None
    review_paused_minutes: float = Field(60, ge=0.25)  # Prefect's shortest proactive window is 10 s
    enabled: bool = True


class Settings(BaseSettings):
    """Process settings; `KAWAT_CONFIG` points at the toml file (default ./kawat.toml)."""

    model_config = SettingsConfigDict(env_prefix="KAWAT_", extra="ignore")

    config: Path = Path("kawat.toml")
    data_dir: Path = Path(".kawat")
    database_url: str | None = None
    engine: str = "google"
    fallback_engines: list[str] = Field(default_factory=list)
    glossary_dir: Path | None = None
    glossary_gate: bool = True
    editor: str | dict[str, str] | None = None  # one name, or one per article language {id = …, en = …}
    timezone: str = "Asia/Jakarta"  # the desk's clock for stories whose dateline names no known city
    translator: str | None = None
    outlet: str = "Kawat"
    max_file_bytes: int = 5 * 1024 * 1024
    # Bounds on one wire file, so memory stays proportional to real content (each refusal names its cap).
    max_paragraphs: int = Field(2000, ge=1)  # body blocks per story
    max_stories_per_file: int = Field(100, ge=1)
    max_field_chars: int = Field(20_000, ge=100)  # characters in any one text field (headline, paragraph…)
    max_markup_nodes: int = Field(50_000, ge=100)  # XML elements / JSON values in one file, checked before parsing
    max_embargo_days: float = Field(30.0, gt=0)  # an embargo further ahead is refused with its reason
    allow_dry_run: bool = False
    claim_stale_after: float = 300.0  # seconds before a crashed run's claimed files/stories are retaken

    sources: list[SourceConfig] = Field(default_factory=list)
    engines: dict[str, EngineConfig] = Field(default_factory=dict)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    partners: list[PartnerConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)

    def wire_limits(self) -> WireLimits:
        """The per-file caps every parse of an inbox file applies."""
        return WireLimits(max_bytes=self.max_file_bytes, max_paragraphs=self.max_paragraphs,
                          max_stories=self.max_stories_per_file, max_field_chars=self.max_field_chars,
                          max_nodes=self.max_markup_nodes)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'kawat.db').resolve()}"

    def partner(self, partner_id: str) -> PartnerConfig:
        for p in self.partners:
            if p.id == partner_id:
                return p
        raise ConfigError(f"unknown partner {partner_id!r}; configured: {[p.id for p in self.partners]}")


def load_settings(config: Path | None = None, **overrides: object) -> Settings:
    """Env first (KAWAT_*), then kawat.toml fills sources/engines/partners and unset scalars."""
    env = Settings(config=config) if config else Settings()
    path = env.config
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    merged: dict[str, Any] = dict(data.get("kawat", {}))
    for key in ("sources", "engines", "storage", "partners", "alerts"):
        if key in data:
            merged[key] = data[key]
    # Explicit KAWAT_* environment variables win over the file.
    for name in Settings.model_fields:
        if f"KAWAT_{name.upper()}" in os.environ:
            merged[name] = getattr(env, name)
    merged["config"] = path
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(merged)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
