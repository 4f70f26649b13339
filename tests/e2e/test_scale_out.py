"""Scale-out on one machine: PostgreSQL for Prefect and Kawat, a process pool, two workers, no double delivery."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsroom import contract
from tests.support.kawat_env import make_settings, partner_configs, provision_partners
from tests.support.prefect_server import (
    BIN,
    REPO,
    PrefectServer,
    Proc,
    describe_failure,
    kawat_toml,
    port_open,
    prefect_env,
)
from tests.support.s3 import client_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(420)]

PG = "postgres@127.0.0.1:5432"
POOL = "kawat"  # the pool infra/prefect/prefect.yaml names
SUBMITTED = re.compile(r"Worker '[^']+' submitting flow run '([0-9a-f-]{36})'")
# Two workers may both pick up one scheduled run; Prefect's orchestration aborts the second.
ABORTED = re.compile(r"Aborted submission of flow run '([0-9a-f-]{36})'")


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two fresh databases (Prefect's with pg_trgm, Kawat's ledger/TM), dropped afterwards."""
    if not port_open("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL refuses connections: {exc}")
    tag = uuid.uuid4().hex[:10]
    names = (f"prefect_e2e_{tag}", f"kawat_e2e_{tag}")
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(f"postgresql://{PG}/{names[0]}", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        yield names
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_two_workers_split_a_batch_and_never_deliver_twice(tmp_path: Path, seaweed, databases, procs) -> None:  # type: ignore[no-untyped-def]
    prefect_db, kawat_db = databases
    kawat_url = f"postgresql://{PG}/{kawat_db}"
    partner = partner_configs(1, languages=[("id",)])[0]
    settings = make_settings(tmp_path, seaweed, partners=[partner], engine="dry-run", database_url=kawat_url)
    creds = provision_partners(seaweed, settings).credentials[partner["id"]]
    config = tmp_path / "kawat.toml"
    config.write_text(kawat_toml(
        data_dir=settings.data_dir, inbox=Path(settings.sources[0].path or ""), endpoint=seaweed.endpoint_url,
        partners=[partner], access_env="KAWAT_TEST_WRITER_ACCESS_KEY", secret_env="KAWAT_TEST_WRITER_SECRET_KEY",
        database_url=kawat_url,
    ))
    wire_files = sorted(p.name for p in (tmp_path / "inbox").iterdir() if p.suffix in (".xml", ".json"))
    assert len(wire_files) >= 3, "the batch needs several wire files to split"

    # Schema first, as an operator's migration step: workers then only read and write rows.
    from flows.bootstrap import bootstrap

    bootstrap(settings).db.dispose()

    server = procs.add(PrefectServer(tmp_path / "prefect-home",
                                     database_url=f"postgresql+asyncpg://{PG}/{prefect_db}")).start()
    kawat_env = {"KAWAT_CONFIG": str(config), "KAWAT_HOME": str(REPO), "KAWAT_WORKERS": "2",
                 "KAWAT_TEST_WRITER_ACCESS_KEY": seaweed.identities[0].access_key,
                 "KAWAT_TEST_WRITER_SECRET_KEY": seaweed.identities[0].secret_key}
    cli_env = prefect_env(tmp_path / "cli-home", server.api_url, **kawat_env)
    # `kawat deploy`: the pool, `prefect deploy` of infra/prefect/prefect.yaml, configured choices, limits.
    r = subprocess.run([str(BIN / "kawat"), "deploy"], env=cli_env, cwd=REPO, capture_output=True, text=True,
                       timeout=240)
    assert r.returncode == 0, f"kawat deploy failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    api = server.client()
    dep = api.wait_deployment("syndicate", "syndicate-now", timeout=10)
    assert dep["work_pool_name"] == POOL
    pool = api._json("GET", f"work_pools/{POOL}")
    assert pool["type"] == "process" and pool["concurrency_limit"] >= 2
    rerun = api.wait_deployment("rerun", "rerun-story", timeout=10)
    assert {"type": "string", "enum": [partner["id"]]} in \
        rerun["parameter_openapi_schema"]["properties"]["partner"]["anyOf"], "partners are a drop-down"
    limits = {c["name"] for c in api._json("POST", "v2/concurrency_limits/filter", json={})}
    assert "engine-dry-run" in limits

    workers = []
    for name in ("worker-a", "worker-b"):
        env = prefect_env(tmp_path / f"{name}-home", server.api_url, PREFECT_WORKER_QUERY_SECONDS="1",
                          PREFECT_WORKER_PREFETCH_SECONDS="0", **kawat_env)
        # --limit 1: a worker holds one run at a time, so a batch must spread over both.
        workers.append(procs.add(Proc(name, [str(BIN / "prefect"), "worker", "start", "--pool", POOL,
                                             "--name", name, "--limit", "1"], env, tmp_path / f"{name}.log")).start())

    # Three syndicate runs over the one shared inbox, each claiming at most two files.
    limit = 2
    n_runs = -(-len(wire_files) // limit)
    runs = [api.run_deployment(dep["id"], {"limit": limit}) for _ in range(n_runs)]
    done = [api.wait_flow_run(r["id"], timeout=300, watch=[server.proc, *workers]) for r in runs]
    for run in done:
        assert run["state_type"] == "COMPLETED", describe_failure(api, run)

    # The batch split across both workers: each run submitted by exactly one of them, both busy.
    by_worker: dict[str, set[str]] = defaultdict(set)
    for w in workers:
        log = w.output(tail=10**7)
        by_worker[w.name] = set(SUBMITTED.findall(log)) - set(ABORTED.findall(log))
    ids = {r["id"] for r in done}
    assert all(by_worker[w.name] for w in workers), f"runs per worker: {dict(by_worker)}"
    assert by_worker["worker-a"].isdisjoint(by_worker["worker-b"]), "a run was executed by both workers"
    assert by_worker["worker-a"] | by_worker["worker-b"] == ids
    assert len({r["infrastructure_pid"] for r in done}) == len(done), "runs shared a process"

    # Each run reports its own stories; no story shows up as delivered by two runs.
    delivered_by_run: dict[str, set[str]] = {}
    for run in done:
        arts = api.artifacts(run["id"], key="syndicate-report")
        assert arts, f"run {run['name']} published no report"
        rows = arts[0]["data"] if isinstance(arts[0]["data"], list) else json.loads(arts[0]["data"])
        delivered_by_run[run["id"]] = {r["story_id"] for r in rows if r.get("state") == "delivered"}
    counts = Counter(s for stories in delivered_by_run.values() for s in stories)
    assert counts and max(counts.values()) == 1, f"a story was delivered by several runs: {counts}"
    for w in ("worker-a", "worker-b"):
        assert any(delivered_by_run[i] for i in by_worker[w]), f"{w} ran but delivered nothing"

    # The shared ledger: one delivered row per partner x story x language x version, claimed once.
    from adapters.db import make_engine
    from adapters.ledger import DeliveryLedger, DeliveryState

    engine = make_engine(kawat_url)
    try:
        rows = DeliveryLedger(engine).rows(partner=partner["id"])
    finally:
        engine.dispose()
    delivered = [r for r in rows if r.state == DeliveryState.delivered]
    assert {r.story_id for r in delivered} == set(counts), "ledger and run reports disagree"
    assert all(r.attempts == 1 for r in delivered), [(r.story_id, r.attempts) for r in delivered]
    assert not [r for r in rows if r.state in (DeliveryState.failed, DeliveryState.pending)], rows

    # The bucket, read as the partner: one ninjs version object and one feed line per delivery.
    reader = client_for(seaweed, creds)
    prefix = partner["prefix"].strip("/") + "/"
    keys = [o["Key"] for page in reader.get_paginator("list_objects_v2").paginate(
        Bucket=partner["bucket"], Prefix=prefix) for o in page.get("Contents", [])]
    ninjs_versions = Counter(k.rsplit("/", 1)[0] for k in keys
                             if contract.version_of_key(k) is not None and k.endswith(".json"))
    assert len(ninjs_versions) == len(delivered) and set(ninjs_versions.values()) == {1}, ninjs_versions
    assert {r.key for r in delivered} <= set(keys)
    feed_lines = [json.loads(line) for k in keys if k.startswith(contract.feed_prefix(partner["prefix"]))
                  for line in reader.get_object(Bucket=partner["bucket"], Key=k)["Body"].read().decode().splitlines()]
    per_delivery = Counter((f["story"], f["lang"], f["version"]) for f in feed_lines)
    assert set(per_delivery) == {(r.story_id, r.language, r.version) for r in delivered}
    assert set(per_delivery.values()) == {1}, f"a delivery was announced twice: {per_delivery}"
    processed = {p.name for p in (tmp_path / "inbox" / "processed").iterdir()}
    assert set(wire_files) <= processed
    api.close()
