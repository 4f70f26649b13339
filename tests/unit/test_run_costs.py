"""The cheaper paths of #19 give the same answers as the long ways they replace."""

from __future__ import annotations

import json

import pytest

from adapters.errors import PermanentError, TransientError
from adapters.sources.base import WireFile
from adapters.storage.writer import RetryPolicy
from flows.syndicate import MAX_FILES_PER_TASK, SINGLE_UP_TO, batches
from newsroom.contract import Edition, ninjs_bytes, stamp_edition


def _files(n: int, source: str = "afp") -> list[tuple[str, WireFile]]:
    return [(source, WireFile(source=source, name=f"f{i:04d}.xml", data=b"", handle=f"f{i:04d}")) for i in range(n)]


@pytest.mark.parametrize("n,threads", [(1, 4), (16, 4), (17, 4), (100, 8), (500, 8), (1000, 2), (81, 1)])
def test_batches_keep_every_file_in_order_and_cut_a_backlog_evenly(n: int, threads: int) -> None:
    groups = batches(_files(n), threads)
    flat = [f.name for _s, g in groups for f in g]
    assert flat == [f.name for _s, f in _files(n)]
    sizes = [len(g) for _s, g in groups]
    if n <= SINGLE_UP_TO * threads:
        assert set(sizes) == {1}  # an ordinary poll: one task per file, named after its story
    else:
        assert len(groups) % threads == 0 and max(sizes) <= MAX_FILES_PER_TASK
        assert max(sizes) - min(sizes) <= 1  # no thread is left with a long tail


def test_batches_never_mix_sources() -> None:
    groups = batches([*_files(30, "afp"), *_files(3, "reuters")], threads=2)
    assert all({f.source for f in g} == {src} for src, g in groups)
    assert [s for s, g in groups if s == "reuters"] == ["reuters"] * 3
    assert sum(len(g) for s, g in groups if s == "afp") == 30


@pytest.mark.parametrize("doc", [
    {"version": "1", "headline": "A", "body_text": 'line\n  "version": 3,\nx', "nested": {"version": "9"}},
    {"uri": "urn:x", "version": "2.1", "z": [1, {"version": 2}]},
    {"version": None, "headline": "é \u201cquoted\u201d"},
    {"version": {"x": 1}, "y": 2},  # not a scalar: the long way
    {"headline": "no version yet"},
    {},
])
def test_stamping_an_edition_in_place_gives_the_bytes_of_the_edited_document(doc: dict) -> None:
    for edition in (Edition(1, 1), Edition(3, 12), Edition(2**40, 2)):
        expected = ninjs_bytes({**doc, "version": edition.label})
        assert stamp_edition(ninjs_bytes(doc), edition) == expected
        assert json.loads(expected)["version"] == edition.label


@pytest.mark.parametrize("failures,error,attempts,calls,succeeds", [
    (2, TransientError, 4, 3, True),  # two transient failures, then the third try answers
    (9, TransientError, 3, 3, False),  # still down after every attempt: the last error is raised
    (9, PermanentError, 3, 1, False),  # a refusal is never retried
])
def test_retry_policy_tries_once_directly_then_backs_off_within_its_attempts(
        failures: int, error: type[Exception], attempts: int, calls: int, succeeds: bool) -> None:
    made: list[int] = []

    def call() -> str:
        made.append(1)
        if len(made) <= failures:
            raise error("503")
        return "ok"

    policy = RetryPolicy(attempts=attempts, wait_initial=0, wait_max=0)
    if succeeds:
        assert policy.run(call) == "ok"
    else:
        with pytest.raises(error):
            policy.run(call)
    assert len(made) == calls


def test_a_thread_count_that_is_not_a_number_says_which_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.errors import ConfigError
    from flows.syndicate import _threads

    monkeypatch.setenv("KAWAT_WORKERS", "eight")
    with pytest.raises(ConfigError, match="KAWAT_WORKERS .*'eight'"):
        _threads()
    monkeypatch.setenv("KAWAT_WORKERS", "0")
    assert _threads() == 1
