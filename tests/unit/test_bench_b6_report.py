"""B6's series helpers: per-tenth means and the host's drift over a soak, measured by a fixed loop."""

from __future__ import annotations

import pytest

from bench.served import host_drift, tenths


def test_tenths_average_each_tenth_in_order() -> None:
    values = [float(i // 20) for i in range(200)]  # ten steps of twenty equal values
    assert tenths(values) == [float(k) for k in range(10)]
    assert tenths([3.0, 5.0]) == [3.0, 5.0]  # fewer than ten: one mean per value
    assert tenths([]) == []


def test_drift_compares_the_last_window_of_probes_with_the_first() -> None:
    probes = [0.10] * 20 + [0.50] * 160 + [0.12] * 20
    assert host_drift(probes, 20) == pytest.approx(1.2)
    assert host_drift([0.2] * 50, 20) == pytest.approx(1.0)
    assert host_drift([], 20) == 1.0  # no probes: nothing to correct for

