"""The bench's world: one SeaweedFS for the run, and per scenario a fresh Kawat (inbox, db, bucket, engine)."""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_ENV = "KAWAT_BENCH_WRITER_ACCESS_KEY"
SECRET_ENV = "KAWAT_BENCH_WRITER_SECRET_KEY"


def prepare_process(root: Path) -> None:
    """Prefect reads its settings at import: point it at a throwaway home and the ephemeral API first."""
    env = {
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(root / "prefect-results"),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    for key, value in env.items():
        os.environ[key] = value
    os.environ.pop("PREFECT_API_URL", None)
    from flows.runtime import prepare_ephemeral_server

    prepare_ephemeral_server()  # the same lean ephemeral API `kawat run` gets


@dataclass
class Store:
    """The SeaweedFS endpoint and the writer identity Kawat uses (the bench's admin)."""

    endpoint_url: str
    access_key: str
    secret_key: str

    def client(self) -> Any:
        from adapters.storage.client import make_s3_client

        return make_s3_client(self.endpoint_url, "us-east-1", self.access_key, self.secret_key)

    def export(self) -> None:
        """Kawat resolves credentials from env var names, never literals."""
        os.environ[ACCESS_ENV] = self.access_key
        os.environ[SECRET_ENV] = self.secret_key


@contextmanager
def seaweed(root: Path) -> Iterator[Store]:
    """A local SeaweedFS S3 for the whole bench run, with one admin identity."""
    from infra.seaweed import S3Identity, SeaweedServer

    ident = S3Identity("kawat-bench", "BENCH" + secrets.token_hex(6).upper(), secrets.token_urlsafe(24), ("Admin",))
    server = SeaweedServer(root / "seaweed", [ident])
    with server:
        store = Store(server.endpoint_url, ident.access_key, ident.secret_key)
        store.export()
        yield store


@dataclass
class Scenario:
    """One fresh Kawat installation: its own inbox, SQLite state, partner bucket and container."""

    name: str
    root: Path
    store: Store
    bucket: str
    settings: Any

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    def snapshot(self) -> dict[str, tuple[str, str]]:
        """Every object in the partner bucket with its ETag and modification time (to count writes)."""
        client = self.store.client()
        out: dict[str, tuple[str, str]] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for o in page.get("Contents", []):
                out[o["Key"]] = (o["ETag"], o["LastModified"].isoformat())
        return out


def make_scenario(name: str, base: Path, store: Store, *, engine: str, engine_url: str | None = None,
                  engine_concurrency: int = 8, formats: tuple[str, ...] = ("ninjs", "html", "text")) -> Scenario:
    """Settings as a kawat.toml would give them, one `id` partner, bucket created, container installed."""
    from adapters.translate.limits import reset_limiters
    from flows.bootstrap import bootstrap, set_container
    from flows.settings import EngineConfig, PartnerConfig, Settings, SourceConfig, StorageConfig

    store.export()
    root = Path(tempfile.mkdtemp(prefix=f"{name.lower()}-", dir=base))
    (root / "inbox").mkdir()
    tag = secrets.token_hex(3)
    bucket = f"bench-{name.lower()}-{tag}"
    engines = {"dry-run": EngineConfig(kind="dry-run", confidential=True)}
    if engine_url:
        engines[engine] = EngineConfig(kind="libre", url=engine_url, confidential=True, timeout=30, max_attempts=3,
                                       rate_per_second=10_000, concurrency=engine_concurrency)
    settings = Settings(
        data_dir=root / "state", engine=engine, editor="Meja Bench", allow_dry_run=True,
        sources=[SourceConfig(name="bench-drop", kind="folder", path=str(root / "inbox"))],
        engines=engines,
        storage=StorageConfig(endpoint_url=store.endpoint_url, access_key_env=ACCESS_ENV, secret_key_env=SECRET_ENV),
        partners=[PartnerConfig(id=f"bench-{name.lower()}", languages=["id"], formats=list(formats),
                                bucket=bucket, prefix="kawat")],
    )
    store.client().create_bucket(Bucket=bucket)
    reset_limiters()
    set_container(bootstrap(settings))
    return Scenario(name, root, store, bucket, settings)


@dataclass
class FlowRun:
    """One pass of the `syndicate` flow: wall time and the report rows it returned."""

    seconds: float
    rows: list[dict]
    started_at: float = 0.0  # wall clock (time.time) at the call, to line up with the engine's stats
    cpu_seconds: float = 0.0  # CPU the flow's own process spent (all its threads): near `seconds` means CPU-bound

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.get("state") == state)

    @property
    def states(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[str(r.get("state"))] = out.get(str(r.get("state")), 0) + 1
        return out


def run_flow(workers: int) -> FlowRun:
    """The real `syndicate` flow (Prefect, ephemeral API) with `workers` task threads."""
    os.environ["KAWAT_WORKERS"] = str(workers)
    from flows.runtime import in_process_run
    from flows.syndicate import _runner, syndicate

    flow = syndicate.with_options(task_runner=_runner())  # the flow's own runner, sized by KAWAT_WORKERS just set
    from flows.outcome import result_of

    started_at, start, cpu = time.time(), time.perf_counter(), time.process_time()
    with in_process_run():  # as `kawat run` calls it (a run with failed rows ends Failed, rows attached)
        result = result_of(flow(return_state=True))
    return FlowRun(time.perf_counter() - start, list(result["rows"]), started_at, time.process_time() - cpu)


def warm_prefect() -> float:
    """Start the ephemeral API once (a flow with no work) so no scenario pays the server's start-up."""
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm() -> int:
        return 1

    start = time.perf_counter()
    warm()
    return time.perf_counter() - start
