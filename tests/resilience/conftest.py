"""Fixtures for the fault-injection suite and the hook that writes bench/results/resilience.md."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "bench" / "results" / "resilience.md"
COLUMNS = ("scenario", "stories", "faults injected", "retries", "delivered", "duplicates", "lost", "notes")

# scenario name -> row (filled by the tests, written once at the end of the session)
RESULTS: dict[str, dict[str, object]] = {}


def record(scenario: str, **row: object) -> None:
    """Remember one scenario's counts for the report (later calls for the same scenario win)."""
    RESULTS[scenario] = {"scenario": scenario, **row}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the counts table only when resilience tests actually ran."""
    if not RESULTS:
        return
    lines = [
        "# Kawat resilience (fault-injection) results",
        "",
        f"Written by `tests/resilience/` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        "Delivered/duplicates/lost count partner × story × language; retries are failed calls the "
        "pipeline had to repeat.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    rows = _previous_rows()  # a partial run (one scenario) keeps the other scenarios' last figures
    for name, row in RESULTS.items():
        rows[name] = "| " + " | ".join(str(row.get(c, "")).replace("|", "/") for c in COLUMNS) + " |"
    lines += [rows[name] for name in sorted(rows)]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")


def _previous_rows() -> dict[str, str]:
    """Scenario name → its table row from the report on disk."""
    if not REPORT.exists():
        return {}
    rows = {}
    for line in REPORT.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells and cells[0] not in ("scenario", "") and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = line
    return rows


class _Collect(logging.Handler):
    """Keeps every formatted record (messages and tracebacks) for the secret scan."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is still worth scanning raw
            text = f"{record.msg} {record.args}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)


@pytest.fixture
def all_logs() -> Iterator[_Collect]:
    """Every log record of Kawat, Prefect and the libraries, including DEBUG from our own loggers."""
    handler = _Collect()
    names = ["", "prefect", "kawat", "adapters", "flows", "newsroom", "botocore", "boto3", "urllib3", "httpx"]
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
    for n in ("kawat", "adapters", "flows", "newsroom"):
        logging.getLogger(n).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for lg, level in saved:
            lg.removeHandler(handler)
            lg.setLevel(level)
