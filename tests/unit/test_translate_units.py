"""Splitting, packing, limits and the service's chain/memory rules, with in-memory engines."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.errors import PermanentError, TransientError
from adapters.tm import MemoryTranslationMemory
from adapters.translate import build_translator
from adapters.translate.base import GlossaryPairs, Guard, Pooling, Share, unguarded
from adapters.translate.limits import EngineLimits, reset_limiters
from adapters.translate.segment import pack, pieces_for, reassemble, split_text
from adapters.translate.service import TranslationService
from flows.settings import EngineConfig

FAST = EngineLimits(rate_per_second=10000, concurrency=8, max_attempts=3, backoff_initial=0.001, backoff_max=0.01)


class FakeEngine:
    """Upper-cases text in one guarded request; fails with the scripted errors first; records every call."""

    native_glossary = False
    memorable = True
    pooling: Pooling | None = None

    def __init__(self, name: str, *, confidential: bool = True, errors: Sequence[Exception] = ()) -> None:
        self.name, self.max_chars, self.confidential = name, 5000, confidential
        self.errors = list(errors)
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    def translate(self, texts: Sequence[str], source: str, target: str, glossary: GlossaryPairs = (), *,
                  guard: Guard[Any] | None = None, share: Share | None = None) -> list[str]:
        return (guard or unguarded)(lambda: self.answer(list(texts)), sum(len(t) for t in texts))

    def answer(self, texts: list[str]) -> list[str]:
        """One request's answer (what a subclass scripts)."""
        with self.lock:
            self.calls.append(list(texts))
            if self.errors:
                raise self.errors.pop(0)
        return [t.upper() for t in texts]


@pytest.fixture(autouse=True)
def _fresh_limiters() -> None:
    reset_limiters()


def _words(rng: random.Random, n: int) -> str:
    vocab = ["alpha", "beta", "gamma.", "delta!", "eps?", "zeta", "x" * 30, "ZQX7QZ"]
    return " ".join(rng.choice(vocab) for _ in range(n))


@pytest.mark.parametrize("seed", range(20))
def test_split_is_lossless_and_under_limit(seed: int) -> None:
    rng = random.Random(seed)
    text = _words(rng, rng.randint(1, 400))
    limit = rng.randint(35, 600)
    parts = split_text(text, limit)
    assert "".join(p + s for p, s in parts) == text
    assert all(len(p) <= limit for p, _ in parts)


@pytest.mark.parametrize("seed", range(10))
def test_pack_respects_limit_and_reassembly_restores_texts(seed: int) -> None:
    rng = random.Random(seed)
    texts = [_words(rng, rng.randint(0, 120)) if rng.random() > 0.2 else "  " for _ in range(rng.randint(1, 15))]
    limit = rng.randint(60, 900)
    pieces = pieces_for(texts, limit)
    groups = pack(pieces, limit, max_items=1000)
    for g in groups:
        assert sum(len(p.text) for p in g) + 2 * (len(g) - 1) <= limit or len(g) == 1
    flat = [p for g in groups for p in g]
    assert flat == pieces
    rebuilt = reassemble(texts, pieces, [p.text for p in pieces])
    for t, r in zip(texts, rebuilt, strict=True):
        assert r.split() == t.split()


def test_chain_falls_over_on_permanent_and_exhausted_errors() -> None:
    bad = FakeEngine("a", errors=[PermanentError("quota")])
    flaky = FakeEngine("b", errors=[TransientError("x")] * 5)
    good = FakeEngine("c")
    svc = TranslationService({"a": bad, "b": flaky, "c": good}, None, {n: FAST for n in "abc"})
    result = svc.translate(["one two", "", "three"], "en", "id", chain=["a", "b", "c"])
    assert result.texts == ["ONE TWO", "", "THREE"]
    assert result.engine == "c"
    assert len(bad.calls) == 1 and len(flaky.calls) == FAST.max_attempts


def test_all_engines_failing_raises_never_partial() -> None:
    svc = TranslationService({"a": FakeEngine("a", errors=[TransientError("x")] * 9)}, None, {"a": FAST})
    with pytest.raises(TransientError):
        svc.translate(["one", "two"], "en", "id", chain=["a"])


def test_short_answer_is_rejected() -> None:
    class Short(FakeEngine):
        def answer(self, texts: list[str]) -> list[str]:
            return super().answer(texts)[:-1]

    svc = TranslationService({"s": Short("s")}, None, {"s": FAST})
    with pytest.raises(TransientError):
        svc.translate(["one", "two"], "en", "id", chain=["s"])


def test_an_engine_that_breaks_its_promise_is_a_permanent_failure_and_the_chain_goes_on() -> None:
    class Buggy(FakeEngine):
        def answer(self, texts: list[str]) -> list[str]:
            super().answer(texts)
            raise KeyError("translations")

    buggy = Buggy("a")
    svc = TranslationService({"a": buggy, "b": FakeEngine("b")}, None, {"a": FAST, "b": FAST})
    assert svc.translate(["one"], "en", "id", chain=["a", "b"]).texts == ["ONE"]
    assert len(buggy.calls) == 1  # a bug is not retried
    with pytest.raises(PermanentError, match="KeyError"):
        svc.translate(["one"], "en", "id", chain=["a"])


def test_an_engine_that_declares_its_output_unmemorable_is_never_kept() -> None:
    class Marks(FakeEngine):
        memorable = False

    tm = MemoryTranslationMemory()
    eng = Marks("m")
    svc = TranslationService({"m": eng}, tm, {"m": FAST})
    svc.translate(["Hello."], "en", "id", chain=["m"])
    svc.translate(["Hello."], "en", "id", chain=["m"])
    assert len(eng.calls) == 2 and tm.lookup(["Hello."], "en", "id", "m", None) == {}


def test_blank_texts_need_no_request() -> None:
    eng = FakeEngine("a")
    result = TranslationService({"a": eng}).translate(["", "  ", "\n"], "en", "id", chain=["a"])
    assert result.texts == ["", "  ", "\n"] and result.requests == 0 and not eng.calls


def test_revision_sends_only_changed_segments() -> None:
    eng = FakeEngine("a")
    tm = MemoryTranslationMemory()
    svc = TranslationService({"a": eng}, tm, {"a": FAST})
    v1 = ["First paragraph.", "Second paragraph.", "Third paragraph."]
    svc.translate(v1, "en", "id", chain=["a"], glossary_version="g1")
    v2 = ["First paragraph.", "Second paragraph, corrected.", "Third paragraph."]
    result = svc.translate(v2, "en", "id", chain=["a"], glossary_version="g1")
    assert eng.calls[-1] == ["Second paragraph, corrected."]
    assert result.from_memory == 2 and result.texts[1] == "SECOND PARAGRAPH, CORRECTED."
    again = svc.translate(v2, "en", "id", chain=["a"], glossary_version="g1")
    assert again.engine == "tm" and again.requests == 0 and len(eng.calls) == 2
    # A new glossary version invalidates machine output.
    svc.translate(v2, "en", "id", chain=["a"], glossary_version="g2")
    assert len(eng.calls[-1]) == 3


def test_human_post_edit_wins_over_machine() -> None:
    eng = FakeEngine("a")
    tm = MemoryTranslationMemory()
    svc = TranslationService({"a": eng}, tm, {"a": FAST})
    svc.translate(["Hello there."], "en", "id", chain=["a"])
    tm.store([("Hello  there.", "Halo, apa kabar.")], "en", "id", "editor", None, origin="human")
    assert svc.translate(["Hello there."], "en", "id", chain=["a"]).texts == ["Halo, apa kabar."]


def test_dry_run_marks_text_keeps_tokens_and_skips_memory() -> None:
    tm = MemoryTranslationMemory()
    dry = build_translator("dry-run", EngineConfig(kind="dry-run"))
    svc = TranslationService({"dry-run": dry}, tm)
    result = svc.translate(["Talks with ZQX7QZ.", ""], "en", "id", chain=["dry-run"])
    assert result.texts == ["[id] Talks with ZQX7QZ.", ""]
    assert dry.name == "dry-run" and result.engine == "dry-run"
    assert tm.lookup(["Talks with ZQX7QZ."], "en", "id", "dry-run", None) == {}


def test_concurrency_cap_is_shared_across_services_and_threads() -> None:
    inflight, peak, lock = 0, 0, threading.Lock()

    class Slow(FakeEngine):
        def answer(self, texts: list[str]) -> list[str]:
            nonlocal inflight, peak
            with lock:
                inflight += 1
                peak = max(peak, inflight)
            time.sleep(0.05)
            with lock:
                inflight -= 1
            return [t.upper() for t in texts]

    limits = {"s": EngineLimits(rate_per_second=10000, concurrency=2, max_attempts=1)}
    services = [TranslationService({"s": Slow("s")}, None, limits) for _ in range(3)]
    threads = [
        threading.Thread(target=services[i % 3].translate, args=([f"text {i}"], "en", "id"), kwargs={"chain": ["s"]})
        for i in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_rate_limit_spaces_requests() -> None:
    eng = FakeEngine("r")
    svc = TranslationService({"r": eng}, None, {"r": EngineLimits(rate_per_second=20, concurrency=4)})
    start = time.monotonic()
    for i in range(6):
        svc.translate([f"text {i}"], "en", "id", chain=["r"])
    assert time.monotonic() - start >= 5 / 20 - 0.01


def test_unknown_engine_in_chain_is_config_error() -> None:
    with pytest.raises(PermanentError):
        TranslationService({"a": FakeEngine("a")}).translate(["x"], "en", "id", chain=["nope"])


def test_engine_config_is_accepted_as_limits() -> None:
    eng = FakeEngine("c", errors=[TransientError("x")])
    cfg = EngineConfig(kind="libre", url="http://127.0.0.1:9/", max_attempts=2, rate_per_second=1000)
    result = TranslationService({"c": eng}, None, {"c": cfg}).translate(["hello"], "en", "id", chain=["c"])
    assert result.texts == ["HELLO"] and result.requests == 2
