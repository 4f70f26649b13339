"""B7's CPU accounting: CPU spent inside the window, per kind of process, whether the process was born inside or not."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cpu_use import CpuSeconds, CpuUse, summary

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
KINDS = (("probe", "kawat-cpu-probe"),)
BURN = ("import sys, time\nend = time.process_time() + float(sys.argv[1])\nwhile time.process_time() < end: pass\n"
        "print('burnt', flush=True)\n")


def _burn(seconds: float, then_sleep: float = 0.0) -> list[str]:
    code = BURN + f"time.sleep({then_sleep})\n# kawat-cpu-probe\n"
    return [sys.executable, "-c", code, str(seconds)]


def test_a_child_born_inside_the_window_is_charged_its_cpu_under_its_kind() -> None:
    with CpuUse(KINDS) as use:
        subprocess.run(_burn(0.6, then_sleep=0.4), check=True, capture_output=True)  # the sleep lets a sample see the burnt CPU
    got = use.seconds()
    assert 0.45 <= got["probe"] <= 0.75
    assert "probe" in summary(got, 1.0) and "cores busy" in summary(got, 1.0)


def test_cpu_spent_before_the_window_opened_is_not_charged() -> None:
    proc = subprocess.Popen(_burn(0.5, then_sleep=1.5), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "burnt"
        with CpuUse(KINDS) as use:
            time.sleep(0.4)
        assert use.seconds()["probe"] <= 0.2
    finally:
        proc.wait()


def test_a_process_without_a_command_line_is_looked_at_a_few_times_then_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.cpu_use as cpu_use

    reads: list[int] = []
    real = cpu_use._kind
    quiet = os.getppid()  # a live process standing in for a kernel thread (an empty command line)

    def counting(pid: int, kinds: tuple[tuple[str, str], ...]) -> str | None:
        reads.append(pid)
        return None if pid == quiet else real(pid, kinds)

    monkeypatch.setattr(cpu_use, "_kind", counting)
    use = CpuUse(KINDS)
    for _ in range(CpuUse.LOOKS * 3):
        use._sample(born_inside=True)
    assert reads.count(quiet) == CpuUse.LOOKS and quiet not in use._kinds


def test_cpu_seconds_pool_passes_as_floats_and_read_zero_for_a_kind_never_seen() -> None:
    use = CpuSeconds()
    use.add({"flow runs": 1.25, "Prefect server": 0.5})
    use.add({"flow runs": 0.25})
    assert use == {"flow runs": 1.5, "Prefect server": 0.5} and use["SeaweedFS"] == 0.0
    row = summary(use, 2.0, digits=1)
    assert row.index("flow runs") < row.index("Prefect server") and "= 2.0 core-s" in row
