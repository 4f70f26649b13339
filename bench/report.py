"""Figures with targets, PASS/FAIL verdicts and the markdown written to bench/results/latest.md."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured number; `passed` is None for context figures that have no target."""

    name: str
    value: str
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return "-" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Result:
    """One benchmark's figures plus free-text notes (where the time went, what was scaled)."""

    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # numbers, and lists of them, that tests read back

    def add(self, name: str, value: str, target: str = "", passed: bool | None = None) -> None:
        self.figures.append(Figure(name, value, target, passed))


def print_result(r: Result) -> None:
    print(f"\n== {r.key} {r.title}")
    for f in r.figures:
        target = f"  (target {f.target})" if f.target else ""
        print(f"  {f.verdict:4} {f.name}: {f.value}{target}")
    for n in r.notes:
        print(f"       note: {n}")


def calibrate(steps: int = 5_000_000, rounds: int = 3) -> float:
    """Seconds for a fixed pure-Python loop (best of `rounds`): absolute figures from two machines compare only with it."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        total = 0
        for i in range(steps):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def markdown(results: list[Result], argv: list[str], seconds: float, calibration: float | None = None) -> str:
    """The commit-worthy summary: environment, one table per benchmark, notes."""
    lines = [
        "# Kawat benchmark results", "",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- host: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs",
        f"- command: `python -m bench.run {' '.join(argv)}`".replace("run ` ", "run`"),
        f"- total bench time: {seconds:.0f} s",
        *([f"- CPU calibration: a 5M-step Python loop takes {calibration:.2f} s here (B1's ideal and B3's rate are "
           "absolute: compare runs on other machines through this figure)"] if calibration else []), "",
        "Timing figures are informative: no test fails on them.", "",
    ]
    for r in results:
        lines += [f"## {r.key} — {r.title}", "", "| figure | value | target | verdict |", "|---|---|---|---|"]
        lines += [f"| {f.name} | {f.value} | {f.target or '-'} | {f.verdict} |" for f in r.figures]
        if r.notes:
            lines += [""] + [f"- {n}" for n in r.notes]
        lines.append("")
    return "\n".join(lines)
