"""B7's report from its passes: rates pooled per set-up, the ratio, double deliveries and the CPU ceiling."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

import bench.served as served
from bench.cpu_use import CpuSeconds
from bench.served import PoolRun


def _report(monkeypatch: pytest.MonkeyPatch, runs: dict[int, list[PoolRun]]) -> dict[str, Any]:
    order: list[int] = []
    left = {w: list(r) for w, r in runs.items()}

    def fake(name: str, base: Any, store: Any, n: int, workers: int, per_run: int) -> PoolRun:
        order.append(workers)
        return left[workers].pop(0)

    monkeypatch.setattr(served, "_pool_batch", fake)
    r = served.b7_scale_out(None, None, SimpleNamespace(b7_stories=100, b7_per_run=50, b7_rounds=2))  # type: ignore[arg-type]
    return {"order": order, "rows": {f.name: f for f in r.figures}, "facts": r.facts}


def test_passes_run_one_two_two_one_and_rates_pool_both_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    one = [PoolRun(10.0, 100, {"w0": 100}, 0, 0, CpuSeconds({"flow runs": 8.0, "Prefect server": 4.0})),
           PoolRun(30.0, 100, {"w0": 100}, 0, 0, CpuSeconds({"flow runs": 8.0, "Prefect server": 4.0}))]
    two = [PoolRun(10.0, 100, {"w0": 60, "w1": 40}, 0, 0, CpuSeconds({"flow runs": 9.0}), {"w0": 3, "w1": 2}, 2.5),
           PoolRun(15.0, 100, {"w0": 50, "w1": 50}, 1, 0, CpuSeconds({"flow runs": 9.0}), {"w1": 0, "w0": 4}, None)]
    got = _report(monkeypatch, {1: one, 2: two})
    assert got["order"] == [1, 2, 2, 1]
    assert got["facts"]["rate1"] == pytest.approx(200 / 40) and got["facts"]["rate2"] == pytest.approx(200 / 25)
    assert got["facts"]["twice"] == 1
    assert got["facts"]["ceiling"] == pytest.approx((os.cpu_count() or 1) * 40 / 24)
    rows = got["rows"]
    assert rows["each worker's share (2 workers, all passes)"].value == "w0: 110, w1: 90"
    assert rows["2-worker passes: runs per worker, then one worker idle at the end"].value == \
        "10.0 s: 3/2 runs, 2.5 s; 15.0 s: 4/0 runs, a worker ran none"
    assert rows["2 workers / 1 worker throughput"].value == "1.60×" and rows["2 workers / 1 worker throughput"].passed
    assert rows["stories delivered twice"].passed is False
    assert rows["CPU with 1 worker"].value.startswith("flow runs 16 s, Prefect server 8 s = 24 core-s")


def test_idle_tail_is_the_stretch_after_the_first_worker_stopped() -> None:
    t = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
    ends = {"w0": t + timedelta(seconds=90), "w1": t + timedelta(seconds=72.5)}
    assert served.idle_tail(ends, ["w0", "w1"]) == pytest.approx(17.5)
    assert served.idle_tail({"w0": t, "?": t}, ["w0", "w1"]) is None  # w1 ran nothing (an unattributed run is no help)
    assert served.idle_tail({"w0": t}, ["w0"]) == 0.0
