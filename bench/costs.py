"""B8: what this round's safety and correctness work costs — B3 on today's code against B3 on a baseline commit.

Both B3 runs happen in this bench invocation, interleaved (baseline, current, baseline, current) so that a
busy machine slows both alike; the baseline tree is a `git worktree` of `--baseline-ref` run with this venv.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import env
from bench.report import Result

REPO = Path(__file__).resolve().parents[1]
RATE = re.compile(r"stories per second: ([0-9.]+)/s")
PLAIN = re.compile(r"same steps without Prefect: [0-9.]+ s \(([0-9.]+)/s\)")
MEMORY = re.compile(r"above the fixed base is ([0-9.]+)x its size")


def _b3_rate(tree: Path, stories: int, workers: int) -> tuple[float, float]:
    """One B3 in a child process of `tree` (its own Prefect home and SeaweedFS): stories per second through the
    flow, and through the same steps in a plain thread pool (the steps' own cost, without orchestration)."""
    with tempfile.TemporaryDirectory(prefix="kawat-b8-") as tmp:
        out = subprocess.run(
            [sys.executable, "-m", "bench.run", "--only", "B3", "--stories", str(stories), "--workers", str(workers),
             "--out", str(Path(tmp) / "b3.md")],
            cwd=tree, env={**_clean_env(), "PYTHONPATH": str(tree)}, capture_output=True, text=True, timeout=900)
    m, plain = RATE.search(out.stdout), PLAIN.search(out.stdout)
    if out.returncode or not m or not plain:
        raise RuntimeError(f"B3 in {tree} failed ({out.returncode}): {(out.stdout + out.stderr)[-600:]}")
    return float(m.group(1)), float(plain.group(1))


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KAWAT_"))}


def _worktree(ref: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kawat-baseline-"))
    subprocess.run(["git", "worktree", "add", "--detach", "-f", str(path), ref], cwd=REPO, check=True,
                   capture_output=True, text=True)
    return path


def _remove_worktree(path: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=REPO, capture_output=True, check=False)
    shutil.rmtree(path, ignore_errors=True)


def _memory_figure(r: Result, o: Any) -> None:
    """Peak RSS of `kawat inspect` and `kawat run` on the hostile 250,000-paragraph file (bench.inbox_memory)."""
    out = subprocess.run([sys.executable, "-m", "bench.inbox_memory", "--paragraphs", str(o.b8_paragraphs)],
                         cwd=REPO, env=_clean_env(), capture_output=True, text=True, timeout=900)
    m = MEMORY.search(out.stdout)
    if out.returncode or not m:
        r.add("250k-paragraph file", f"not measured: {(out.stdout + out.stderr)[-300:]}", "measured", False)
        return
    ratio = float(m.group(1))
    r.add(f"peak RSS above the fixed base, {o.b8_paragraphs:,}-paragraph file", f"{ratio:.2f}× its size",
          "< 10×", ratio < 10)
    r.notes += ["bench.inbox_memory: " + line.strip() for line in out.stdout.splitlines()
                if line.startswith(("flood.xml ", "long.xml "))]


def b8_costs(store: env.Store, base: Path, o: Any) -> Result:
    n = o.b3_stories
    r = Result("B8", f"this round's costs: B3 ({n} stories) today vs {o.baseline_ref}, interleaved, same machine")
    _memory_figure(r, o)
    try:
        tree = _worktree(o.baseline_ref)
    except subprocess.CalledProcessError as exc:
        r.add("baseline tree", f"not measured: {exc.stderr.strip()[:200]}", "git worktree", False)
        return r
    try:
        old, new = [], []
        for _ in range(o.b8_rounds):
            old.append(_b3_rate(tree, n, o.workers))
            new.append(_b3_rate(REPO, n, o.workers))
    except RuntimeError as exc:
        r.add("B3 pair", f"not measured: {str(exc)[:300]}", "both run", False)
        return r
    finally:
        _remove_worktree(tree)
    before, after = statistics.median(x for x, _ in old), statistics.median(x for x, _ in new)
    cost = 1 - after / before
    steps_before, steps_after = statistics.median(p for _, p in old), statistics.median(p for _, p in new)
    steps_cost = 1 - steps_after / steps_before
    r.add(f"B3 at {o.baseline_ref}", f"{before:.1f} stories/s (runs: {', '.join(f'{x:.1f}' for x, _ in old)})")
    r.add("B3 today", f"{after:.1f} stories/s (runs: {', '.join(f'{x:.1f}' for x, _ in new)})")
    r.add("throughput lost to this round's work", f"{cost:+.1%}", "≤ 5%", cost <= 0.05)
    r.add("the same steps without Prefect, then → today",
          f"{steps_before:.1f} → {steps_after:.1f} stories/s ({steps_cost:+.1%})")
    r.notes.append("today's code adds the hostile-inbox opener, feed sequence allocation, deterministic rendering "
                   "and the new QA rules (and everything else since the baseline): the loss is an upper bound")
    r.notes.append("the steps-only row is B3's own plain thread-pool pass in each tree: what the new work costs the "
                   "steps themselves; the flow figure also counts orchestration, which got cheaper (a backlog now "
                   "goes a few files per task run)")
    r.facts.update(before=before, after=after, cost=cost, steps_before=steps_before, steps_after=steps_after)
    return r


__all__ = ["b8_costs"]
