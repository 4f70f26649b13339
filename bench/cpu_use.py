"""Where a benchmark's CPU went, per kind of process, read from /proc: the reason behind a scale-out ratio."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

# (label, a cmdline fragment); first match wins. Everything else on the machine is "other processes".
KINDS = (
    ("flow runs", "prefect.engine"),
    ("flow runs", "prefect.runner._workspace_supervisor"),  # how Prefect 3.9's process worker starts a run
    ("Prefect server", "server start"),
    ("workers", "worker start"),
    ("PostgreSQL", "postgres"),
    ("SeaweedFS", "weed"),
)
PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # /proc counts CPU in clock ticks


def _kind(pid: int, kinds: tuple[tuple[str, str], ...]) -> str | None:
    try:
        cmd = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if not cmd.strip():
        return None  # a kernel thread
    return next((label for label, part in kinds if part in cmd), "other processes")


def _cpu(pid: int) -> float | None:
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


class CpuUse:
    """Samples every process's CPU time while open; `seconds` gives CPU spent inside the window, per kind.

    A process that lives less than one sampling interval, or the last interval of one that ends, is
    missed: the totals are a slight undercount. Linux only: elsewhere `available` is False and totals empty.
    """

    INTERVAL = 0.25
    LOOKS = 8  # samples over which a new process's command line is read again

    def __init__(self, kinds: tuple[tuple[str, str], ...] = KINDS) -> None:
        self.kinds = kinds
        self.available = PROC.joinpath("self", "stat").exists()
        self._first: dict[int, float] = {}  # CPU already spent when first seen (0 for a process born inside)
        self._last: dict[int, float] = {}
        self._kinds: dict[int, str] = {}
        self._looks: dict[int, int] = {}
        self._me = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-cpu-use", daemon=True)

    def __enter__(self) -> CpuUse:
        if self.available:
            self._sample(born_inside=False)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self._sample(born_inside=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._sample(born_inside=True)

    def _sample(self, born_inside: bool) -> None:
        for entry in PROC.iterdir():
            if not entry.name.isdigit() or int(entry.name) == self._me:
                continue
            pid = int(entry.name)
            seen = self._looks.get(pid, 0)
            if seen >= self.LOOKS and pid not in self._kinds:
                continue  # a kernel thread (no command line): looked at enough, never charged
            cpu = _cpu(pid)
            if cpu is None:
                continue
            if seen < self.LOOKS:  # a child is first seen as a copy of its parent, before it execs its own program
                self._looks[pid] = seen + 1
                kind = _kind(pid, self.kinds)
                if kind is None:
                    continue
                if pid not in self._kinds:
                    self._first[pid] = 0.0 if born_inside else cpu
                self._kinds[pid] = kind
            self._last[pid] = cpu

    def seconds(self) -> CpuSeconds:
        """CPU seconds per kind of process inside the window."""
        out = CpuSeconds()
        for pid, kind in self._kinds.items():
            out[kind] += self._last[pid] - self._first[pid]
        return out


class CpuSeconds(dict[str, float]):
    """CPU seconds per kind of process: a Counter of floats (typeshed's Counter holds ints), 0 for a kind not seen."""

    def __missing__(self, kind: str) -> float:
        return 0.0

    def add(self, other: Mapping[str, float]) -> None:
        """Pool another window's seconds into this one (passes of the same set-up)."""
        for kind, seconds in other.items():
            self[kind] += seconds


def summary(use: Mapping[str, float], wall: float, digits: int = 0) -> str:
    """'flow runs 95 s, Prefect server 35 s, … = 160 core-s, 1.4 of 2 cores busy' for a report row."""
    largest = sorted(use.items(), key=lambda kv: -kv[1])
    parts = ", ".join(f"{k} {v:.{digits}f} s" for k, v in largest if v >= 0.5 / 10**digits)
    total = sum(use.values())
    return f"{parts} = {total:.{digits}f} core-s, {total / wall:.2f} of {os.cpu_count()} cores busy"


__all__ = ["CpuSeconds", "CpuUse", "summary"]
