"""All configuration in one place: `KAWAT_*` environment variables plus `kawat.toml`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_Section):
    """Where to find an access key pair: env var names or a Prefect Secret block, never literals."""

    access_key_env: str | None = None
    secret_key_env: str | None = None
    secret_block: str | None = None


class SourceConfig(Credentials):
    name: str
    kind: Literal["folder", "s3"] = "folder"
    path: str | None = None
    bucket: str | None = None
    prefix: str = "inbox/"
    endpoint_url: str | None = None
    region: str = "us-east-1"


class EngineConfig(_Section):
    """One translation engine; `confidential` engines alone may see embargoed copy."""

    kind: Literal["google", "mymemory", "libre", "microsoft", "deepl", "dry-run"]
    url: str | None = None
    api_key_env: str | None = None
    region: str | None = None
    confidential: bool = False
    timeout: float = 30.0
    max_attempts: int = 4
    rate_per_second: float = 5.0
    concurrency: int = 4
    max_chars: int | None = None


class StorageConfig(Credentials):
    """Kawat's own write identity for partner buckets (a partner entry may override it)."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    # One delivery's tries before the story's task gives it another go; pauses double up to the max.
    retry_attempts: int = Field(4, ge=1)
    retry_wait: float = Field(0.5, ge=0)
    retry_wait_max: float = Field(20.0, ge=0)


class PartnerFilters(_Section):
    subjects: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    max_urgency: int | None = None


Format = Literal["ninjs", "html", "text"]


def _ninjs_only() -> list[Format]:
    return ["ninjs"]


class PartnerConfig(Credentials):
    id: str
    languages: list[str] = Field(default_factory=lambda: ["id"])
    formats: list[Format] = Field(default_factory=_ninjs_only)
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    credit_template: str = "standard"
    mt_disclosure: bool = True
    embargo_policy: Literal["hold", "deliver"] = "hold"
    filters: PartnerFilters = Field(default_factory=PartnerFilters)

    @field_validator("formats")
    @classmethod
    def _ninjs_always(cls, v: list[str]) -> list[str]:
        return v if "ninjs" in v else ["ninjs", *v]


class Settings(BaseSettings):
    """Process settings; `KAWAT_CONFIG` points at the toml file (default ./kawat.toml)."""

    model_config = SettingsConfigDict(env_prefix="KAWAT_", extra="ignore")

    config: Path = Path("kawat.toml")
    data_dir: Path = Path(".kawat")
    database_url: str | None = None
    engine: str = "google"
    fallback_engines: list[str] = Field(default_factory=list)
    workers: int = 4
    glossary_dir: Path | None = None
    glossary_gate: bool = True
    editor: str | None = None
    translator: str | None = None
    outlet: str = "Kawat"
    max_file_bytes: int = 5 * 1024 * 1024
    # Bounds on one wire file, so memory stays proportional to real content (each refusal names its cap).
    max_paragraphs: int = Field(2000, ge=1)  # body blocks per story
    max_stories_per_file: int = Field(100, ge=1)
    max_field_chars: int = Field(20_000, ge=100)  # characters in any one text field (headline, paragraph…)
    max_markup_nodes: int = Field(100_000, ge=100)  # XML elements / JSON values in one file, checked before parsing
    max_embargo_days: float = Field(30.0, gt=0)  # an embargo further ahead is refused with its reason
    allow_dry_run: bool = False
    claim_stale_after: float = 300.0  # seconds before a crashed run's claimed files/stories are retaken

    sources: list[SourceConfig] = Field(default_factory=list)
    engines: dict[str, EngineConfig] = Field(default_factory=dict)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    partners: list[PartnerConfig] = Field(default_factory=list)

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
    for key in ("sources", "engines", "storage", "partners"):
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
