"""Per-engine Prefect concurrency limits: how many flow runs may translate with one engine at once.

Inside a process an engine has `concurrency` seats (kawat.toml); across a work pool of many workers
the global concurrency limit `engine-{name}` caps the runs that use it, so N workers never multiply an
engine's load by N. `kawat serve` and `kawat deploy` create the limits; `infra/prefect/prefect.yaml`
lists them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Flow runs per engine at once, by engine kind (a configured engine name inherits its kind's figure).
ENGINE_RUN_LIMITS = {"google": 2, "deepl": 2, "microsoft": 2, "libre": 4, "mymemory": 1, "dry-run": 8}
DEFAULT_RUN_LIMIT = 2


def limit_name(engine: str) -> str:
    return f"engine-{engine}"


def engine_limits(settings: Any) -> dict[str, int]:
    """`engine-{name}` -> runs allowed, for every engine this configuration can use."""
    from flows.bootstrap import engine_config

    names = sorted(set(settings.engines) | {settings.engine, *settings.fallback_engines, "dry-run"})
    out = {}
    for name in names:
        kind = engine_config(settings, name).kind
        out[limit_name(name)] = ENGINE_RUN_LIMITS.get(name, ENGINE_RUN_LIMITS.get(kind, DEFAULT_RUN_LIMIT))
    return out


def ensure_limits(settings: Any, client: Any) -> dict[str, int]:
    """Create or update the global concurrency limits (idempotent: safe on every `serve`/`deploy`)."""
    limits = engine_limits(settings)
    for name, limit in limits.items():
        client.upsert_global_concurrency_limit_by_name(name, limit)
    return limits


@contextmanager
def engine_slot(engine: str) -> Iterator[None]:
    """Hold one slot of the engine's limit while this run translates (only against a real Prefect server).

    An in-process `kawat run` has an ephemeral API and no limits; it holds nothing.
    """
    if not os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.concurrency.sync import concurrency

    with concurrency(limit_name(engine), occupy=1, strict=False):
        yield
