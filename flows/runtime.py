"""How Kawat runs Prefect inside its own process (`kawat run`, `kawat demo`, the bench).

Without PREFECT_API_URL, Prefect starts an ephemeral API server that lives only as long as this
process. Its defaults are tuned for a long-lived server: it records every task-run event with its own
database write (≈45 ms of server CPU per task, so a batch leaves a backlog the next flow waits behind)
and runs services nobody can read after the process exits. Production servers (`prefect server start`)
are configured by their operators: see infra/prefect/README.md.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

EPHEMERAL_SERVER_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # Task runs are recorded in batches (the UI lags by at most the flush interval, in seconds; keep ≥ 1).
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    # The event feed, automations and event streaming of a server that dies with this process.
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
}


def prepare_ephemeral_server() -> None:
    """Before the first flow: lean defaults for the in-process API (explicit settings always win)."""
    if os.environ.get("PREFECT_API_URL"):
        return
    for key, value in EPHEMERAL_SERVER_DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextmanager
def in_process_run() -> Iterator[None]:
    """A flow called in this process: no heartbeat thread (only workers' crashed-run detection reads it).

    Prefect joins that thread at the end of every flow, in one-second steps: pure latency here.
    The current settings are copied with that one field changed, not rebuilt: `temporary_settings`
    re-reads every settings source for each of Prefect's ~50 settings models (≈27 ms of CPU a flow).
    """
    from prefect.context import SettingsContext, get_settings_context

    ctx = get_settings_context()
    base = ctx.settings
    lean = base.model_copy(update={"flows": base.flows.model_copy(update={"heartbeat_frequency": None})})
    with SettingsContext(profile=ctx.profile, settings=lean):
        yield


_frozen = threading.Event()


def freeze_startup_heap() -> None:
    """Once per process, before the first batch: what imports and bootstrap built leaves the collector's walk.

    Prefect, botocore's service models and SQLAlchemy leave some 360,000 long-lived objects; each full
    collection walked them all, a 0.23 s pause holding the GIL in which no engine seat could send (one
    or two per 100-story run). Reference counting still frees frozen objects, but the cycle collector
    never looks at them again, so this runs once, before any story's objects exist.
    """
    if not _frozen.is_set():
        _frozen.set()
        gc.freeze()
