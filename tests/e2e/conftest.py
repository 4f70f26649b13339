"""Fixtures for the e2e suite: per-test PREFECT_HOME directories and guaranteed process cleanup."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.prefect_server import PrefectServer, Proc


class Procs:
    """Everything a test started; stopped in reverse order even when the test fails."""

    def __init__(self) -> None:
        self.items: list[Proc | PrefectServer] = []

    def add(self, item):  # type: ignore[no-untyped-def]
        self.items.append(item)
        return item

    def stop_all(self) -> None:
        for item in reversed(self.items):
            try:
                item.stop()
            except Exception:
                pass


@pytest.fixture
def procs() -> Iterator[Procs]:
    p = Procs()
    try:
        yield p
    finally:
        p.stop_all()
