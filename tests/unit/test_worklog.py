"""The work log: what one run ingested is finished by a later run once the lease runs out."""

from __future__ import annotations

import time

import pytest

from adapters.db import make_engine
from adapters.worklog import MemoryWorkLog, SqlWorkLog
from tests.support.pg import pg_schema_engine


@pytest.fixture(params=["sql", "sql-without-upsert", "postgres", "memory"])
def log(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    if request.param == "memory":
        yield MemoryWorkLog()
    elif request.param == "postgres":
        with pg_schema_engine("worklog") as eng:
            yield SqlWorkLog(eng)
    else:
        if request.param == "sql-without-upsert":  # the portable path other databases take
            monkeypatch.setattr("adapters.worklog.upsert_dialect", lambda engine: None)
        yield SqlWorkLog(make_engine(f"sqlite:///{tmp_path}/w.db"))


def test_leased_work_is_not_claimed_until_the_lease_runs_out(log) -> None:  # type: ignore[no-untyped-def]
    log.enqueue("s1", 1, lease_seconds=0.3)
    assert log.claim_due(lease_seconds=60) == []
    time.sleep(0.35)
    assert log.claim_due(lease_seconds=60) == ["s1"]
    assert log.claim_due(lease_seconds=60) == [], "a claim renews the lease: nobody else takes it"
    assert log.pending() == [("s1", 1)]


def test_done_clears_only_the_version_that_was_processed(log) -> None:  # type: ignore[no-untyped-def]
    log.enqueue("s1", 1, lease_seconds=0)
    log.enqueue("s1", 2, lease_seconds=0)
    log.done("s1", 1)
    assert log.pending() == [("s1", 2)], "a newer revision queued meanwhile stays pending"
    log.done("s1", 2)
    assert log.pending() == []


def test_older_revision_never_replaces_a_newer_queued_one(log) -> None:  # type: ignore[no-untyped-def]
    log.enqueue("s1", 3, lease_seconds=0)
    log.enqueue("s1", 2, lease_seconds=0)
    assert log.pending() == [("s1", 3)]


def test_ensure_queues_only_revisions_the_log_never_saw(log) -> None:  # type: ignore[no-untyped-def]
    assert log.ensure("s1", 1, lease_seconds=0) is True  # recorded by a run that died before queueing
    assert log.pending() == [("s1", 1)]
    log.done("s1", 1)
    assert log.ensure("s1", 1, lease_seconds=0) is False  # a plain re-send of finished work
    assert log.pending() == []
