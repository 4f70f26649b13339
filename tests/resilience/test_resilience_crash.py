"""Crash: SIGKILL `kawat run` mid-batch, rerun it: ledger and buckets agree, nothing twice, nothing lost."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.db import make_engine
from adapters.ledger import DeliveryLedger, DeliveryState
from adapters.storage.client import make_s3_client
from flows.settings import Settings
from tests.resilience.audit import Audit, audit
from tests.resilience.conftest import record
from tests.resilience.wire import item_id, write_batch
from tests.support.kawat_env import make_settings, partner_configs, provision_partners
from tests.support.prefect_server import BIN, Proc, kawat_toml, prefect_env
from tests.support.s3 import ADMIN

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

STORIES = 200
# (seed, phase): "deliver" kills while deliveries are in flight, "ingest" while the inbox is half acknowledged.
CASES = ((101, "deliver"), (303, "ingest"))  # a third seed adds ~50 s of CI time for little
STALE = 1.0  # claim_stale_after: seconds before a crashed run's claims are retaken
ACCESS_ENV, SECRET_ENV = "KAWAT_TEST_WRITER_ACCESS_KEY", "KAWAT_TEST_WRITER_SECRET_KEY"


@dataclass
class SeedResult:
    """What one kill + rerun did, for the report row."""

    seed: int
    phase: str
    target: int
    delivered_at_kill: int
    pending_at_kill: int
    reoffered: int
    reclaimed: int
    audit: Audit
    stuck: int = 0  # deliveries left pending after the rerun (the ledger-lease bug)


RESULTS: dict[int, SeedResult] = {}



class StuckDelivery(AssertionError):
    """Raised only for deliveries left pending by the crashed run and never retaken (the known bug)."""


def _count(db: Path, state: str) -> int:
    """Ledger rows in `state`, read straight from the SQLite file while the run writes it."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0) as conn:
            return int(conn.execute("SELECT count(*) FROM kawat_deliveries WHERE state = ?", (state,)).fetchone()[0])
    except sqlite3.Error:  # table not created yet, or the writer holds the lock for a moment
        return -1


def _write_config(path: Path, settings: Settings, partners: list[dict]) -> None:
    """kawat_toml as an operator writes it, with the short crash-recovery lease this test needs."""
    text = kawat_toml(data_dir=settings.data_dir, inbox=Path(settings.sources[0].path or ""),
                      endpoint=settings.storage.endpoint_url or "", partners=partners,
                      access_env=ACCESS_ENV, secret_env=SECRET_ENV)
    head, sep, rest = text.partition("[kawat]\n")
    assert sep, "kawat_toml no longer starts with a [kawat] table"
    path.write_text(f"{head}[kawat]\nclaim_stale_after = {STALE}\n{rest}")


def _kawat(args: list[str], env: dict[str, str], log: Path, timeout: float) -> tuple[int, str]:
    """Run a kawat command to completion in its own process group; exit code and its output."""
    proc = Proc(args[0], [str(BIN / "kawat"), *args], env, log).start()
    assert proc.popen is not None
    try:
        code = proc.popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.stop(grace=2.0)
        raise AssertionError(f"kawat {' '.join(args)} still running after {timeout}s:\n{proc.output()}") from None
    finally:
        proc.stop(grace=0.5)
    return code, log.read_text(errors="replace")


def _inbox_files(inbox: Path) -> dict[str, list[str]]:
    """Where each wire file sits now: still new, claimed in flight, processed, quarantined."""
    where = {"new": sorted(p.name for p in inbox.glob("*.xml")),
             "claimed": sorted(p.name for p in (inbox / ".claimed").iterdir()) if (inbox / ".claimed").exists() else [],
             "processed": sorted(p.name for p in (inbox / "processed").iterdir()),
             "quarantine": sorted(p.name for p in (inbox / "quarantine").iterdir())}
    return where


def _record_all() -> None:
    """One report row summing every seed that ran so far."""
    rs = [RESULTS[s] for s in sorted(RESULTS)]
    expected = sum(len(r.audit.expected) for r in rs)
    lost = sum(len(r.audit.lost) for r in rs)
    dups = sum(r.audit.duplicate_feed_lines + r.audit.duplicate_latest
               + sum(n - 1 for n in r.audit.ledger_delivered.values() if n > 1) for r in rs)
    record("Crash (SIGKILL)", stories=f"{STORIES} × {len(rs)} seeds", **{
        "faults injected": f"{len(rs)} SIGKILLs of the run's process group "
                           f"({', '.join(f'{r.phase} at {r.delivered_at_kill}/{STORIES} delivered' for r in rs)})",
        "retries": f"{sum(r.reoffered for r in rs)} files re-offered, "
                   f"{sum(r.reclaimed for r in rs)} deliveries re-claimed",
        "delivered": f"{expected - lost}/{expected}", "duplicates": dups, "lost": lost,
        "notes": f"seeds {', '.join(str(r.seed) for r in rs)}; pending at kill "
                 f"{sum(r.pending_at_kill for r in rs)}; missing feed lines "
                 f"{sum(len(r.audit.missing_feed_lines) for r in rs)}; partial "
                 f"{sum(len(r.audit.partial) for r in rs)}; dangling latest {sum(len(r.audit.dangling) for r in rs)}; "
                 f"final `kawat reconcile` clean; deliveries still pending after the rerun: "
                 f"{sum(r.stuck for r in rs)}"})


def _processed(inbox: Path) -> int:
    try:
        return sum(1 for _ in os.scandir(inbox / "processed"))
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize(("seed", "phase"), [
    pytest.param(seed, phase, id=f"{phase}-{seed}") for seed, phase in CASES])
def test_sigkill_mid_batch_then_rerun_delivers_everything_once(tmp_path: Path, seaweed, prefect_harness,  # type: ignore[no-untyped-def]
                                                               seed: int, phase: str) -> None:
    rng = random.Random(seed)
    partners = partner_configs(1, languages=[("id",)], formats=("ninjs", "html"))
    settings = make_settings(tmp_path, seaweed, partners=partners, engine="dry-run", samples=False,
                             allow_dry_run=True)
    provisioned = provision_partners(seaweed, settings)
    assert provisioned.writer is not None
    inbox = Path(settings.sources[0].path or "")
    tag = f"crash{seed}"
    ids = write_batch(inbox, tag, STORIES, seed=seed)
    config = tmp_path / "kawat.toml"
    _write_config(config, settings, partners)
    # The runs report to the session's Prefect API, as production runs report to a server: a kill
    # takes down the run's process group, never the orchestrator (and no run pays a server start-up).
    from prefect.settings import PREFECT_API_URL

    env = prefect_env(tmp_path / "prefect-home", PREFECT_API_URL.value(), KAWAT_WORKERS="4", KAWAT_CONFIG=str(config),
                      **{ACCESS_ENV: provisioned.writer.access_key, SECRET_ENV: provisioned.writer.secret_key})
    db = settings.data_dir / "kawat.db"

    # 1. Run, and SIGKILL the whole process group once a seed-chosen share of the batch was delivered.
    target = int(STORIES * rng.uniform(0.10, 0.80))
    run = Proc("kawat-run", [str(BIN / "kawat"), "run", "--config", str(config)], env,
               tmp_path / "run-killed.log").start()
    assert run.popen is not None
    try:
        deadline = time.monotonic() + 180
        # "deliver": the first poll past the seed's target where a delivery is in flight (the hardest case);
        # "ingest": once that many wire files were acknowledged (the rest are claimed, not yet recorded).
        def before_kill_point() -> bool:
            if phase == "ingest":
                return _processed(inbox) < target
            return _count(db, DeliveryState.delivered) < target or _count(db, DeliveryState.pending) < 1

        while before_kill_point():
            assert run.alive(), f"the run ended before the kill point ({phase} {target}):\n{run.output()}"
            assert time.monotonic() < deadline, f"never reached {phase} {target}:\n{run.output()}"
            time.sleep(rng.uniform(0.005, 0.02) if phase == "ingest" else rng.uniform(0.02, 0.15))
        os.killpg(run.popen.pid, signal.SIGKILL)
        run.popen.wait(timeout=10)
    finally:
        run.stop(grace=0.5)
    time.sleep(0.5)  # let the kernel reap the rest of the group before reading its files
    delivered_at_kill = _count(db, DeliveryState.delivered)
    pending_at_kill = _count(db, DeliveryState.pending)
    assert run.popen.returncode == -signal.SIGKILL
    assert delivered_at_kill < len(ids), "the kill came too late to test anything"
    before = _inbox_files(inbox)
    if phase == "ingest":
        assert before["claimed"] and len(before["processed"]) < len(ids), "the kill missed the ingest"

    # 2. Wait out the claim lease, rerun to completion.
    time.sleep(STALE + 0.5)
    code, output = _kawat(["run", "--config", str(config)], env, tmp_path / "run-again.log", timeout=200)
    assert code == 0, output[-4000:]
    reoffered = len(before["claimed"])  # files the killed run had claimed but not acknowledged

    # 3. The final reconcile finds nothing to repair and nothing it cannot repair.
    code, rec = _kawat(["reconcile", "--config", str(config)], env, tmp_path / "reconcile.log", timeout=120)
    assert code == 0, rec[-4000:]
    reports = re.findall(r"repaired=\[(.*?)\],\s*removed=\[(.*?)\],\s*unrepairable=\[(.*?)\]", rec, re.S)
    assert len(reports) == len(partners), rec[-2000:]
    assert all(tuple(x.strip() for x in r) == ("", "", "") for r in reports), rec[-4000:]

    # 4. Audit the bucket and the ledger.
    ledger = DeliveryLedger(make_engine(settings.db_url))
    admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
    a = audit(settings, ledger, admin, ids)
    rows = [r for p in settings.partners for r in ledger.rows(partner=p.id)]
    pending = {(r.partner, r.story_id, r.language) for r in rows if r.state == DeliveryState.pending}
    RESULTS[seed] = SeedResult(seed, phase, target, delivered_at_kill, pending_at_kill, reoffered,
                               sum(1 for r in rows if r.attempts > 1), a, len(pending))
    _record_all()

    other = [(r.story_id, r.state.value, r.last_error) for r in rows
             if r.state not in (DeliveryState.delivered, DeliveryState.pending)]
    assert other == [], f"{len(other)} ledger rows neither delivered nor pending: {other[:5]}"
    lost = [k for k in a.lost if k not in pending]
    assert lost == [], f"{len(lost)} lost: {lost[:5]}; unstored {a.unstored[:5]}; " \
                       f"missing feed lines {a.missing_feed_lines[:5]}"
    assert all(n == 1 for n in a.ledger_delivered.values()), "a delivery is in the ledger twice"
    assert a.duplicate_latest == 0 and all(n == 1 for n in a.latest.values())
    assert {k: v for k, v in a.versions.items() if v != {1}} == {}, "a story has a version other than v1"
    assert a.duplicate_feed_lines == 0, a.duplicated()
    assert [k for k in a.missing_feed_lines if k[:3] not in pending] == [], a.missing_feed_lines[:5]
    assert not a.partial, a.partial[:5]
    assert not a.dangling, a.dangling[:5]

    # 5. The inbox: every file processed exactly once, none left new or in flight, none lost.
    after = _inbox_files(inbox)
    assert after["new"] == [] and after["claimed"] == [], (after["new"][:5], after["claimed"][:5])
    assert after["quarantine"] == [], after["quarantine"][:5]
    wanted = sorted(f"{item_id(tag, i)}.xml" for i in range(STORIES))
    assert after["processed"] == wanted, sorted(set(after["processed"]) ^ set(wanted))[:5]

    # 6. Last, so every other invariant was checked first: no delivery may stay pending after the rerun.
    if pending:
        busy = output.count("busy")
        raise StuckDelivery(f"{len(pending)} deliveries still pending after the rerun ({busy} reported busy), "
                            f"lost to partners: {sorted(pending)[:5]}; half-written objects of them in the "
                            f"bucket: {sum(1 for k in pending if a.versions.get(k) or a.latest[k])}")
