"""Shared set-up for in-process faulty runs: settings against real SeaweedFS."""

from __future__ import annotations

from pathlib import Path

from adapters.translate.limits import reset_limiters
from flows.settings import EngineConfig, Settings
from infra.provision import ProvisionReport
from infra.seaweed import SeaweedServer
from tests.support import kawat_env


def faulty_settings(tmp: Path, seaweed: SeaweedServer, *, mt_url: str | None, storage_endpoint: str | None = None,
                    timeout: float = 1.0, max_attempts: int = 4) -> tuple[Settings, ProvisionReport]:
    """Two partners (id and en), the libre engine at `mt_url` (or dry-run), optional S3 endpoint override."""
    reset_limiters()
    partners = kawat_env.partner_configs(2)
    engine = "libre" if mt_url else "dry-run"
    settings = kawat_env.make_settings(tmp, seaweed, partners=partners, engine=engine, engine_url=mt_url,
                                       samples=False, allow_dry_run=True)
    if mt_url:
        settings.engines["libre"] = EngineConfig(kind="libre", url=mt_url, confidential=True, timeout=timeout,
                                                 max_attempts=max_attempts, rate_per_second=500, concurrency=8)
    report = kawat_env.provision_partners(seaweed, settings)
    if storage_endpoint:
        settings.storage.endpoint_url = storage_endpoint
    return settings, report
