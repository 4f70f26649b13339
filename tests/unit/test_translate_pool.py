"""Concurrent stories share engine requests: fewer requests, same answers, one owner's failure stays its own."""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

import pytest

from adapters.errors import PermanentError, TransientError
from adapters.translate.batching import BatchingTranslator
from adapters.translate.limits import EngineLimits, reset_limiters
from adapters.translate.segment import JOIN, pack, pieces_for
from adapters.translate.service import TranslationService


class Upper(BatchingTranslator):
    """Joined-paragraph engine (like LibreTranslate): upper-cases, records requests, can be held or poisoned."""

    kind: ClassVar[str] = "upper"
    hard_limit: ClassVar[int] = 120
    default_limit: ClassVar[int] = 120

    def __init__(self, name: str = "u", **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.requests: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()
        self.fail_transient = False

    def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
        with self.lock:
            self.requests.append(text)
        self.gate.wait(5)
        if "poison" in text:
            raise PermanentError("400: the engine refuses this text")
        if "choke" in text:
            raise TransientError("503: the engine chokes on this text, every time")
        if self.fail_transient:
            raise TransientError("503: engine down")
        return text.upper()


def _limits(seats: int) -> dict[str, EngineLimits]:
    return {"u": EngineLimits(rate_per_second=100_000, concurrency=seats, max_attempts=2, backoff_initial=0.001,
                              backoff_max=0.002)}


@pytest.fixture(autouse=True)
def _fresh_limiters() -> None:
    reset_limiters()


def _story(i: int) -> list[str]:
    """Three paragraphs of 50 characters: alone a story needs two 120-character requests."""
    return [f"story {i:02d} paragraph {p} " + "x" * (50 - len(f"story {i:02d} paragraph {p} ")) for p in range(3)]


def _run_concurrently(svc: TranslationService, texts: list[list[str]], *, in_order: bool = False) -> list[object]:
    """Every story from its own thread; returns each story's result or the exception it raised.

    `in_order` starts a story only once the one before has queued all its paragraphs.
    """
    out: list[object] = [None] * len(texts)

    def one(i: int) -> None:
        try:
            out[i] = svc.translate(texts[i], "en", "id", chain=["u"])
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(texts))]
    queued = 0
    for t, story in zip(threads, texts, strict=True):
        t.start()
        queued += sum(1 for p in story if p.strip())
        deadline = time.monotonic() + 5
        while in_order and time.monotonic() < deadline:
            pool = svc._pools.get("u")
            if pool is not None and pool._seq >= queued:
                break
            time.sleep(0.002)
    for t in threads:
        t.join(10)
    return out


def _hold_first_request(eng: Upper, svc: TranslationService, stories: list[list[str]]) -> list[object]:
    """Hold the engine until every story has queued its paragraphs (in story order), so they share requests."""
    eng.gate.clear()
    results: list[object] = []
    runner = threading.Thread(target=lambda: results.extend(_run_concurrently(svc, stories, in_order=True)))
    runner.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        pool = svc._pools.get("u")
        if pool is not None and pool._seq >= sum(len(s) for s in stories):
            break
        time.sleep(0.005)
    eng.gate.set()
    runner.join(10)
    return results


def test_concurrent_stories_share_requests_and_each_gets_its_own_text_back() -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(1))
    stories = [_story(i) for i in range(6)]
    alone = len(pack(pieces_for(stories[0], eng.max_chars), eng.max_chars, eng.max_items))
    results = _hold_first_request(eng, svc, stories)
    for story, res in zip(stories, results, strict=True):
        assert not isinstance(res, Exception), res
        assert res.texts == [t.upper() for t in story]  # type: ignore[union-attr]
    assert alone == 2
    assert len(eng.requests) < alone * len(stories)  # 12 requests one story at a time
    assert all(len(r) <= eng.max_chars for r in eng.requests)
    # Every paragraph was sent exactly once.
    sent = [p for r in eng.requests for p in r.split(JOIN)]
    assert sorted(sent) == sorted(p for s in stories for p in s)


def test_each_story_is_charged_its_own_characters() -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(1))
    stories = [_story(i) for i in range(4)]
    results = _hold_first_request(eng, svc, stories)
    charged = sum(r.characters_sent for r in results)  # type: ignore[union-attr]
    assert abs(charged - sum(len(r) for r in eng.requests)) <= len(stories)  # rounding per story
    assert all(r.requests >= 1 for r in results)  # type: ignore[union-attr]


@pytest.mark.parametrize(("word", "error"), [("poison", PermanentError), ("choke", TransientError)],
                         ids=["refused-every-time", "503-every-time"])
def test_a_text_the_engine_fails_on_fails_only_its_own_story(word: str, error: type[Exception]) -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(1))
    stories = [_story(i) for i in range(5)]
    stories[2][2] = f"this {word} paragraph makes the engine fail"  # shares a request with story 3
    results = _hold_first_request(eng, svc, stories)
    assert any(word in r and "story 03" in r for r in eng.requests)  # the shared request failed
    assert isinstance(results[2], error)
    for i in (0, 1, 3, 4):
        assert not isinstance(results[i], Exception), results[i]
        assert results[i].texts == [t.upper() for t in stories[i]]  # type: ignore[union-attr]


def test_an_engine_outage_fails_every_waiting_story_and_nobody_hangs() -> None:
    eng = Upper()
    eng.fail_transient = True
    svc = TranslationService({"u": eng}, None, _limits(2))
    started = time.monotonic()
    results = _run_concurrently(svc, [_story(i) for i in range(5)])
    assert all(isinstance(r, TransientError) for r in results)
    assert time.monotonic() - started < 5


def test_a_paragraph_holding_a_blank_line_travels_alone() -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(1))
    stories = [_story(i) for i in range(3)]
    stories[1][0] = "first line\n\nsecond line"
    results = _hold_first_request(eng, svc, stories)
    assert results[1].texts[0] == "FIRST LINE\n\nSECOND LINE"  # type: ignore[union-attr]
    assert "first line\n\nsecond line" in eng.requests


def test_one_story_alone_packs_as_before() -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(4))
    story = _story(0)
    res = svc.translate(story, "en", "id", chain=["u"])
    assert res.texts == [t.upper() for t in story]
    assert len(eng.requests) == len(pack(pieces_for(story, eng.max_chars), eng.max_chars, eng.max_items))


def test_a_broken_engine_hook_fails_its_stories_instead_of_hanging_them() -> None:
    class Broken(Upper):
        def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
            raise ValueError("bug in the engine adapter")

    svc = TranslationService({"u": Broken()}, None, _limits(2))
    started = time.monotonic()
    results = _run_concurrently(svc, [_story(i) for i in range(4)])
    assert all(isinstance(r, PermanentError) and "ValueError" in str(r) for r in results)
    assert time.monotonic() - started < 5


def test_idle_senders_end_and_new_work_brings_them_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.translate.pooling import RequestPool

    monkeypatch.setattr(RequestPool, "IDLE_EXIT", 0.05)
    eng = Upper("idle")
    svc = TranslationService({"idle": eng}, None, {"idle": _limits(3)["u"]})
    assert svc.translate(_story(1), "en", "id", chain=["idle"]).texts == [t.upper() for t in _story(1)]

    def seats() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "kawat-idle-seat"]

    deadline = time.monotonic() + 5
    while seats() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not seats()  # no thread lingers once the work is done
    assert svc.translate(_story(2), "en", "id", chain=["idle"]).texts == [t.upper() for t in _story(2)]


def _texts_of(lengths: list[int], tag: str) -> list[str]:
    """Distinct paragraphs of exactly these lengths."""
    return [(f"{tag}{i} " + "y" * n)[:n] for i, n in enumerate(lengths)]


def test_a_request_takes_the_pieces_that_fill_it_best_not_just_the_next_ones() -> None:
    eng = Upper()
    svc = TranslationService({"u": eng}, None, _limits(1))
    # In order, 40+40+30 fill the first request, and 38+38 and 44 then need two more. Chosen, 40+38+38
    # and 40+30+44 fill two requests of at most 120 characters (joins included).
    story = _texts_of([40, 40, 30, 38, 38, 44], "p")
    assert len(pack(pieces_for(story, eng.max_chars), eng.max_chars, eng.max_items)) == 3
    results = _hold_first_request(eng, svc, [story])
    assert not isinstance(results[0], Exception), results[0]
    assert results[0].texts == [t.upper() for t in story]  # type: ignore[union-attr]
    assert len(eng.requests) == 2
    assert all(len(r) <= eng.max_chars for r in eng.requests)
    assert sorted(p for r in eng.requests for p in r.split(JOIN)) == sorted(story)


def test_best_fill_matches_an_exhaustive_search() -> None:
    import itertools
    import random

    from adapters.translate.pooling import best_fill

    rng = random.Random(19)
    for _ in range(300):
        sizes = [rng.randint(1, 60) for _ in range(rng.randint(0, 9))]
        room = rng.randint(0, 150)
        picked = best_fill(sizes, room)
        assert picked == sorted(set(picked))
        assert sum(sizes[i] for i in picked) <= room
        best = max((sum(c) for k in range(len(sizes) + 1) for c in itertools.combinations(sizes, k)
                    if sum(c) <= room), default=0)
        assert sum(sizes[i] for i in picked) == best, (sizes, room, picked)


def test_best_fill_keeps_the_older_pieces_on_a_tie() -> None:
    from adapters.translate.pooling import best_fill

    assert best_fill([40, 40, 40], 80) == [0, 1]
    assert best_fill([42, 32, 40, 40, 46], 80) == [2, 3]
    assert best_fill([10, 20], 0) == []
    assert best_fill([], 50) == []


def test_a_shared_request_never_carries_more_items_than_the_engine_takes() -> None:
    class Pairs(Upper):
        max_items: ClassVar[int] = 2

    eng = Pairs()
    svc = TranslationService({"u": eng}, None, _limits(1))
    stories = [_texts_of([20, 20, 20, 20, 20], f"s{i}") for i in range(3)]  # room for five a request
    results = _hold_first_request(eng, svc, stories)
    for story, res in zip(stories, results, strict=True):
        assert not isinstance(res, Exception), res
        assert res.texts == [t.upper() for t in story]  # type: ignore[union-attr]
    assert max(len(r.split(JOIN)) for r in eng.requests) == 2
    assert len(eng.requests) == 8  # 15 paragraphs, two at a time
