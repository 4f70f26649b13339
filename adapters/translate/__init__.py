"""Translation engines behind one `Translator` port, built from `kawat.toml` engine entries."""

from __future__ import annotations

import os
from typing import Any

import httpx

from adapters.config import EngineConfig
from adapters.errors import ConfigError
from adapters.translate.base import Translator
from adapters.translate.deepl import DeepLEngine
from adapters.translate.dryrun import DryRunEngine
from adapters.translate.google import GoogleEngine
from adapters.translate.libre import LibreEngine
from adapters.translate.microsoft import MicrosoftEngine
from adapters.translate.mymemory import MyMemoryEngine

__all__ = ["Translator", "build_translator"]


def _secret(name: str, cfg: EngineConfig, required: bool) -> str | None:
    """The engine's key from the env var named in config (the value is never logged)."""
    if not cfg.api_key_env:
        if required:
            raise ConfigError(f"engines.{name}.api_key_env is required for kind {cfg.kind!r}")
        return None
    value = os.environ.get(cfg.api_key_env)
    if required and not value:
        raise ConfigError(f"engines.{name}: environment variable {cfg.api_key_env} is not set")
    return value or None


def build_translator(name: str, cfg: EngineConfig, *, http: httpx.Client | None = None) -> Translator:
    """The engine described by `cfg`; `cfg.url` overrides the provider's endpoint (self-hosting, tests).

    `http` is handed to the engines that speak HTTP through httpx (DeepL, Microsoft); the others go
    through deep-translator, which brings its own `requests` calls.
    """
    common: dict[str, Any] = {"timeout": cfg.timeout, "max_chars": cfg.max_chars, "confidential": cfg.confidential}
    if cfg.kind == "dry-run":
        return DryRunEngine(name, max_chars=cfg.max_chars)
    if cfg.kind == "google":
        return GoogleEngine(name, url=cfg.url, **common)
    if cfg.kind == "mymemory":
        return MyMemoryEngine(name, url=cfg.url, **common)
    if cfg.kind == "libre":
        return LibreEngine(name, url=cfg.url, api_key=_secret(name, cfg, False), **common)
    if cfg.kind == "microsoft":
        return MicrosoftEngine(name, api_key=_secret(name, cfg, True), region=cfg.region, url=cfg.url, http=http, **common)
    if cfg.kind == "deepl":
        return DeepLEngine(name, api_key=_secret(name, cfg, True), url=cfg.url, http=http, **common)
    raise ConfigError(f"engines.{name}.kind: unknown engine kind {cfg.kind!r}")
