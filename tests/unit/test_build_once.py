"""Per-process tables the first stories of a run all need are built once, not once per thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

import glossary.entries as entries
import newsroom.localize as localize
from glossary import load_glossary
from newsroom.localize import en_id
from newsroom.localize.rules import RuleBook


def _together(fn: Callable[[], object], threads: int = 8) -> None:
    """Call `fn` from `threads` threads released at the same instant."""
    gate = threading.Barrier(threads)

    def run() -> None:
        gate.wait()
        fn()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)


def test_convention_rules_are_built_once_however_many_stories_start_together(
        ) -> None:
    builds: list[int] = []

    def counting():  # type: ignore[no-untyped-def]
        builds.append(1)
        time.sleep(0.02)  # a build long enough for every other thread to come asking
        return en_id.rules()

    book = RuleBook({("en", "id"): counting})
    _together(lambda: book.rules("en", "id"))
    assert len(builds) == 1
    assert book.rules("en", "id") is book.rules("en", "id")
    assert localize.convention_spans("on Monday", "en", "id", None, rulebook=book)[0].replacement == "pada Senin"


def test_glossary_matchers_are_compiled_once_however_many_stories_start_together(
        monkeypatch: pytest.MonkeyPatch) -> None:
    house = load_glossary()
    builds: list[str] = []
    real = entries.Matcher

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, items, language):  # type: ignore[no-untyped-def]
            builds.append(language)
            time.sleep(0.02)  # a compile long enough for every other thread to come asking
            super().__init__(items, language)

    monkeypatch.setattr(entries, "Matcher", Counting)
    _together(lambda: house.matcher("en").count("The White House said so."))
    assert builds == ["en"]
