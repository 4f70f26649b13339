"""B6 and B7: Kawat as operators run it — a served ingest deployment (soak) and a process work pool (scale-out).

Both drive Prefect through its REST API and real processes (`prefect server`, `kawat serve`, `prefect worker`),
never through in-process calls, so they measure what an operator's deployment pays.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import env, stories
from bench.cpu_use import CpuSeconds, CpuUse, summary
from bench.report import Result, calibrate
from infra.prefect_local import BIN, REPO, Api, PrefectServer, Proc, kawat_toml, port_open, prefect_env

PG = "postgres@127.0.0.1:5432"
POOL = "kawat"  # the work pool infra/prefect/prefect.yaml names (and `kawat deploy` creates)


def rss_kb(pid: int) -> int:
    """Resident set size of one live process, from /proc (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _ts(value: str | None) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() if value else 0.0


@dataclass
class Install:
    """One Kawat installation as an operator configures it: kawat.toml, inbox, partner bucket, writer env."""

    root: Path
    config: Path
    inbox: Path
    bucket: str
    env: dict[str, str]


def install(name: str, base: Path, store: env.Store, database_url: str | None = None) -> Install:
    """A kawat.toml with a folder inbox, the dry-run engine, SeaweedFS storage and one Indonesian partner."""
    root = base / name.lower()
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    bucket = f"bench-{name.lower()}-{secrets.token_hex(3)}"
    store.client().create_bucket(Bucket=bucket)
    partner = {"id": f"bench-{name.lower()}", "languages": ["id"], "formats": ["ninjs", "text"], "bucket": bucket,
               "prefix": "kawat"}
    config = root / "kawat.toml"
    config.write_text(kawat_toml(data_dir=root / "state", inbox=inbox, endpoint=store.endpoint_url, partners=[partner],
                                 access_env=env.ACCESS_ENV, secret_env=env.SECRET_ENV, database_url=database_url))
    kenv = {"KAWAT_CONFIG": str(config), "KAWAT_HOME": str(REPO), env.ACCESS_ENV: store.access_key,
            env.SECRET_ENV: store.secret_key}
    return Install(root, config, inbox, bucket, kenv)


def _deployment(api: Api, flow: str, timeout: float, alive: Proc | None = None) -> dict[str, Any]:
    """The first deployment of `flow` once `serve`/`deploy` has registered it (names may change; flows do not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = api._json("POST", "deployments/filter", json={"flows": {"name": {"any_": [flow]}}, "limit": 5})
        if rows:
            return dict(rows[0])
        if alive is not None and not alive.alive():
            raise RuntimeError(f"{alive.name} exited before registering {flow}:\n{alive.output()}")
        time.sleep(0.5)
    raise TimeoutError(f"no deployment of flow {flow!r} after {timeout:.0f} s")


def _latest_objects(store: env.Store, bucket: str) -> int:
    client = store.client()
    return sum(1 for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
               for o in page.get("Contents", []) if o["Key"].endswith("/latest.json"))


@contextmanager
def _procs() -> Iterator[list[Proc | PrefectServer]]:
    started: list[Proc | PrefectServer] = []
    try:
        yield started
    finally:
        for p in reversed(started):
            p.stop()


def b6_soak(store: env.Store, base: Path, o: Any) -> Result:
    """One `kawat serve` process runs `o.b6_runs` ingest runs of `o.b6_stories` stories each, one after another."""
    runs, per_run = o.b6_runs, o.b6_stories
    r = Result("B6", f"soak: {runs} ingest runs × {per_run} stories through one served deployment")
    inst = install("B6", base, store)
    with _procs() as procs:
        server = PrefectServer(base / "b6-prefect-home")
        procs.append(server)
        server.start()
        penv = prefect_env(base / "b6-serve-home", server.api_url, PREFECT_RUNNER_POLL_FREQUENCY="1",
                           PREFECT_LOGGING_LEVEL="WARNING", **inst.env)
        serve = Proc("kawat-serve", [str(BIN / "kawat"), "serve"], penv, base / "b6-serve.log")
        procs.append(serve)
        serve.start()
        api = server.client()
        dep = _deployment(api, "ingest", timeout=120, alive=serve)
        seconds: list[float] = []
        serve_rss: list[int] = []
        server_rss: list[int] = []
        probes: list[float] = []
        failed = 0
        wall = time.perf_counter()
        for i in range(runs):
            stories.write_batch(inst.inbox, per_run, prefix=f"SK{i:03d}")
            created = api.run_deployment(dep["id"])
            run = api.wait_flow_run(created["id"], timeout=300, watch=[server.proc, serve] if server.proc else [serve])
            failed += run["state_type"] != "COMPLETED"
            seconds.append(_ts(run.get("end_time")) - _ts(created.get("created")))
            serve_rss.append(rss_kb(serve.popen.pid) if serve.popen else 0)
            server_rss.append(rss_kb(server.proc.popen.pid) if server.proc and server.proc.popen else 0)
            probes.append(calibrate(PROBE_STEPS, rounds=2))  # between runs: the serve process is idle
        wall = time.perf_counter() - wall
        api.close()
    delivered = _latest_objects(store, inst.bucket)
    window = max(1, min(20, runs // 4))
    first, last = statistics.mean(seconds[:window]), statistics.mean(seconds[-window:])
    at = min(window, runs) - 1  # "run 20" at full size
    growth = serve_rss[-1] / serve_rss[at] - 1 if serve_rss[at] else float("inf")
    server_growth = server_rss[-1] / server_rss[at] - 1 if server_rss[at] else float("inf")
    r.add("runs completed", f"{runs - failed}/{runs}", f"{runs}", failed == 0)
    r.add("stories delivered", f"{delivered}/{runs * per_run}", f"{runs * per_run}", delivered == runs * per_run)
    r.add("soak wall time", f"{wall:.0f} s ({wall / runs:.2f} s per run, created → finished)")
    r.add(f"serve process RSS, run {at + 1} → run {runs}", f"{serve_rss[at] / 1024:.0f} MB → {serve_rss[-1] / 1024:.0f} MB "
          f"({growth:+.1%})", "≤ +10%", growth <= 0.10)
    r.add(f"last {window} runs / first {window} runs", f"{last / first:.2f}× ({first:.2f} s → {last:.2f} s per run)",
          "≤ 1.1×", last / first <= 1.1)
    r.add("mean seconds per run, by tenth of the soak", ", ".join(f"{t:.2f}" for t in tenths(seconds)))
    drift = host_drift(probes, window)
    r.add(f"host probe ({PROBE_STEPS // 1_000_000}M-step loop), first {window} runs → last {window}",
          f"{statistics.mean(probes[:window]):.3f} s → {statistics.mean(probes[-window:]):.3f} s ({drift:.2f}×; "
          f"by tenth {', '.join(f'{t:.3f}' for t in tenths(probes))})")
    r.add(f"last {window} / first {window}, the host's drift taken out", f"{last / first / drift:.2f}× "
          f"({last / first:.2f}× ÷ {drift:.2f}×)")
    r.add(f"Prefect server RSS, run {at + 1} → run {runs}",
          f"{server_rss[at] / 1024:.0f} MB → {server_rss[-1] / 1024:.0f} MB ({server_growth:+.1%})")
    r.notes.append("each run is created through the REST API as a SCHEDULED run of the served ingest deployment "
                   "(what its schedule does), after the previous one finished; Prefect runs each in a fresh subprocess")
    r.notes.append("the host probe times a fixed Python loop after each run: on a shared host whose speed drifts "
                   "over a long soak it tells a slower host from a slower Kawat (the verdict stays on the raw ratio)")
    r.facts.update(growth=growth, slowdown=last / first, delivered=delivered, failed=failed, seconds=seconds,
                   probes=probes, drift=drift)
    return r


PROBE_STEPS = 1_000_000  # 0.03–0.05 s a loop here, best of two: 200 probes add 15 to 20 s to a soak


def tenths(values: list[float]) -> list[float]:
    """Means of each tenth of a series, in order (fewer than ten values give one mean per value)."""
    n = len(values)
    return [statistics.mean(part) for k in range(10) if (part := values[k * n // 10:(k + 1) * n // 10])]


def host_drift(probes: list[float], window: int) -> float:
    """How much slower the host ran a fixed loop over the last `window` runs than over the first (1.0: steady)."""
    if not probes:
        return 1.0
    first = statistics.mean(probes[:window])
    return statistics.mean(probes[-window:]) / first if first > 0 else 1.0


def _workers(n: int) -> str:
    return "1 worker" if n == 1 else f"{n} workers"


def _pg_databases(tag: str) -> tuple[str, str] | None:
    """A Prefect database (pg_trgm) and a Kawat database on the local PostgreSQL, or None when there is none."""
    if not port_open("127.0.0.1", 5432):
        return None
    import psycopg

    names = (f"prefect_bench_{tag}", f"kawat_bench_{tag}")
    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True, connect_timeout=5) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(f"postgresql://{PG}/{names[0]}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    return names


def _drop(names: tuple[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True, connect_timeout=5) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(cmd: list[str], penv: dict[str, str], timeout: float = 240) -> None:
    out = subprocess.run(cmd, env=penv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


@dataclass
class PoolRun:
    """One batch through the work pool: throughput, deliveries per worker, and the double-delivery check."""

    seconds: float
    delivered: int
    by_worker: dict[str, int]
    twice: int
    failed_runs: int
    cpu: CpuSeconds  # CPU seconds per kind of process while the batch ran (empty where /proc is missing)
    runs_by_worker: dict[str, int] = field(default_factory=dict)  # every worker, 0 for one that ran nothing
    tail: float | None = 0.0  # seconds between the workers' last runs ending; None: a worker ran nothing


def _pool_batch(name: str, base: Path, store: env.Store, n_stories: int, n_workers: int, per_run: int) -> PoolRun:
    tag = uuid.uuid4().hex[:8]
    dbs = _pg_databases(tag)
    if dbs is None:
        raise RuntimeError("PostgreSQL is not reachable on 127.0.0.1:5432")
    try:
        kawat_url = f"postgresql://{PG}/{dbs[1]}"
        inst = install(name, base, store, database_url=kawat_url)
        stories.write_batch(inst.inbox, n_stories, prefix=f"SO{n_workers}")
        with _procs() as procs:
            server = PrefectServer(base / f"{name.lower()}-prefect-home",
                                   database_url=f"postgresql+asyncpg://{PG}/{dbs[0]}")
            procs.append(server)
            server.start()
            cli_env = prefect_env(base / f"{name.lower()}-cli-home", server.api_url, KAWAT_WORKERS="8", **inst.env)
            # `kawat deploy`: the work pool, every deployment of infra/prefect/prefect.yaml, limits,
            # automations — and Kawat's schema, created once before any worker starts.
            _run([str(BIN / "kawat"), "deploy"], cli_env)
            workers = []
            for w in range(n_workers):
                wenv = prefect_env(base / f"{name.lower()}-w{w}-home", server.api_url,
                                   PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="0",
                                   KAWAT_WORKERS="8", **inst.env)
                proc = Proc(f"worker-{w}", [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--name",
                                            f"worker-{w}", "--limit", "1"], wenv, base / f"{name.lower()}-w{w}.log")
                procs.append(proc)
                workers.append(proc.start())
            api = server.client()
            dep = _deployment(api, "syndicate", timeout=60)
            time.sleep(2.0)  # workers register with the pool before the first run is offered
            with CpuUse() as use:
                start = time.perf_counter()
                runs = [api.run_deployment(dep["id"], {"limit": per_run}) for _ in range(-(-n_stories // per_run))]
                done = [api.wait_flow_run(x["id"], timeout=900, watch=[*workers]) for x in runs]
                seconds = time.perf_counter() - start
            by_worker: Counter[str] = Counter()
            runs_by_worker: Counter[str] = Counter({w.name: 0 for w in workers})
            last_end: dict[str, datetime] = {}
            delivered_ids: Counter[str] = Counter()
            for run in done:
                arts = api.artifacts(run["id"], key="syndicate-report")
                rows = (arts[0]["data"] if arts and isinstance(arts[0]["data"], list)
                        else json.loads(arts[0]["data"]) if arts else [])
                mine = {x["story_id"] for x in rows if x.get("state") == "delivered"}
                delivered_ids.update(mine)
                worker = _worker_of(run, workers)
                by_worker[worker] += len(mine)
                runs_by_worker[worker] += 1
                if run.get("end_time"):
                    end = datetime.fromisoformat(run["end_time"])
                    last_end[worker] = max(end, last_end.get(worker, end))
            api.close()
        tail = idle_tail(last_end, [w.name for w in workers])
        return PoolRun(seconds, len(delivered_ids), dict(by_worker),
                       sum(1 for c in delivered_ids.values() if c > 1),
                       sum(1 for run in done if run["state_type"] != "COMPLETED"), use.seconds(),
                       dict(runs_by_worker), tail)
    finally:
        _drop(dbs)


def idle_tail(last_end: dict[str, datetime], workers: list[str]) -> float | None:
    """How long one worker sat idle while another finished its last run: the tail scale-out cannot help.

    0 with a single worker; None when a worker ran nothing, so that the whole batch ran on one.
    """
    if len(workers) < 2:
        return 0.0
    if any(w not in last_end for w in workers):
        return None
    ends = sorted(last_end[w] for w in workers)
    return (ends[-1] - ends[0]).total_seconds()


def _worker_of(run: dict[str, Any], workers: list[Proc]) -> str:
    """Which worker submitted a run, from the workers' own logs."""
    for w in workers:
        if f"submitting flow run '{run['id']}'" in w.output(tail=10**7):
            return w.name
    return "?"


def b7_scale_out(store: env.Store, base: Path, o: Any) -> Result:
    """The same batch through a process pool on PostgreSQL with one worker, then two (then two, then one).

    The host's speed drifts over minutes (shared machines): passes run in A-B-B-A order and the rates pool
    both passes of each set-up, so a steady drift cancels out of the ratio instead of landing on one side.
    """
    n, per_run, rounds = o.b7_stories, o.b7_per_run, max(1, o.b7_rounds)
    r = Result("B7", f"scale-out: {n} stories through a process work pool on PostgreSQL, 1 worker then 2")
    order = [1, 2, 2, 1] * (rounds // 2) + ([1, 2] if rounds % 2 else [])
    passes: dict[int, list[PoolRun]] = {1: [], 2: []}
    try:
        for i, workers in enumerate(order):
            passes[workers].append(_pool_batch(f"B7p{i}w{workers}", base, store, n, workers, per_run))
    except RuntimeError as exc:
        r.add("scale-out", f"not measured: {str(exc).splitlines()[0]}", "runs", False)
        return r
    seconds = {workers: sum(p.seconds for p in done) for workers, done in passes.items()}
    rates = {}
    for workers, done in passes.items():
        delivered = sum(p.delivered for p in done)
        rates[workers] = delivered / seconds[workers]
        each = ", ".join(f"{p.seconds:.1f} s" for p in done)
        ok = all(p.delivered == n and not p.failed_runs for p in done)
        label = _workers(workers)
        r.add(f"delivered with {label}", f"{delivered}/{n * len(done)} in {len(done)} passes ({each}; "
                                         f"{rates[workers]:.1f}/s)", f"{n} per pass", ok)
    ratio = rates[2] / rates[1]
    r.add("2 workers / 1 worker throughput", f"{ratio:.2f}×", "≥ 1.6×", ratio >= 1.6)
    twice = sum(p.twice for done in passes.values() for p in done)
    r.add("stories delivered twice", f"{twice}", "0", twice == 0)
    shares: Counter[str] = Counter()
    for p in passes[2]:
        shares.update(p.by_worker)
    r.add("each worker's share (2 workers, all passes)", ", ".join(f"{k}: {v}" for k, v in sorted(shares.items())))
    # Whether an uneven split of the runs left one worker finishing alone, pass by pass.
    r.add("2-worker passes: runs per worker, then one worker idle at the end",
          "; ".join(f"{p.seconds:.1f} s: " + "/".join(str(v) for _, v in sorted(p.runs_by_worker.items())) + " runs, "
                    + ("a worker ran none" if p.tail is None else f"{p.tail:.1f} s") for p in passes[2]))
    ceiling = None
    for workers, done in passes.items():
        use = CpuSeconds()
        for p in done:
            use.add(p.cpu)
        if not use:
            continue
        r.add(f"CPU with {_workers(workers)}", summary(use, seconds[workers]))
        if workers == 1:
            ceiling = (os.cpu_count() or 1) * seconds[workers] / sum(use.values())
    if ceiling is not None:
        r.add("ratio the CPU allows", f"≤ {min(2.0, ceiling):.2f}× (the 1-worker passes' CPU spread over every core)")
    r.notes.append(f"{-(-n // per_run)} syndicate runs of up to {per_run} files each per pass, created at once; each "
                   "worker holds one run at a time (--limit 1); Prefect and Kawat share one PostgreSQL; passes "
                   f"ran in the order {'-'.join(str(w) for w in order)} workers, each on fresh databases")
    r.facts.update(rate1=rates[1], rate2=rates[2], twice=twice, ceiling=ceiling or 0.0)
    return r


__all__ = ["b6_soak", "b7_scale_out", "host_drift", "idle_tail", "rss_kb", "tenths"]
