"""Engines against local servers speaking each provider's protocol: structure, retries, fall-over."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from adapters.errors import PermanentError, TransientError
from adapters.translate import build_translator
from adapters.translate.limits import EngineLimits, reset_limiters
from adapters.translate.service import TranslationService
from flows.settings import EngineConfig
from tests.support.mt_servers import MTServer, fake_translate

FAST = EngineLimits(rate_per_second=1000, concurrency=4, max_attempts=3, backoff_initial=0.01, backoff_max=0.05)

STORY = [
    "Hundreds of OpenAI staff threatened to quit on Monday and join Microsoft, deepening the crisis.",
    "- Board under pressure -",
    "",
    "Altman, who was fired by the board on Friday, will lead a new team at ZQX7QZ, the company said.",
    "\"We want to partner with OpenAI,\" Microsoft chief Satya Nadella told KWT0042 in an interview.",
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MTServer]:
    monkeypatch.setenv("MT_TEST_KEY", "test-key")
    reset_limiters()
    with MTServer() as srv:
        yield srv
    reset_limiters()


def _cfg(kind: str, server: MTServer, **kw: object) -> EngineConfig:
    url = {
        "google": f"{server.url}/m",
        "mymemory": f"{server.url}/get",
        "libre": f"{server.url}/",
        "microsoft": server.url,
        "deepl": server.url,
    }[kind]
    key = "MT_TEST_KEY" if kind in ("microsoft", "deepl") else None
    return EngineConfig(kind=kind, url=url, api_key_env=key, timeout=kw.pop("timeout", 5.0), **kw)  # type: ignore[arg-type]


def _service(server: MTServer, *kinds: str, limits: EngineLimits = FAST, **kw: object) -> TranslationService:
    engines = {k: build_translator(k, _cfg(k, server, **kw)) for k in kinds}
    return TranslationService(engines, None, {k: limits for k in kinds})


@pytest.mark.parametrize("kind", ["google", "mymemory", "libre", "microsoft", "deepl"])
def test_story_keeps_structure_and_placeholders(server: MTServer, kind: str) -> None:
    result = _service(server, kind).translate(STORY, "en", "id", chain=[kind])
    assert len(result.texts) == len(STORY)
    assert result.texts[2] == ""  # blank block untouched
    for src, out in zip(STORY, result.texts, strict=True):
        if src:
            assert out == fake_translate(src, "id")
    assert "ZQX7QZ" in result.texts[3] and "KWT0042" in result.texts[4]
    assert result.engine == kind
    assert result.requests == len(server.translate_calls(kind))


def test_google_sends_whole_story_in_one_request(server: MTServer) -> None:
    result = _service(server, "google").translate(STORY, "en", "id", chain=["google"])
    assert result.requests == 1
    assert len(server.translate_calls("google")) == 1
    assert result.characters_sent == sum(len(s) for s in STORY if s) + 2 * 3


def test_mymemory_splits_under_500_chars(server: MTServer) -> None:
    long_para = " ".join(f"Sentence number {i} tells the reader about the events of the week." for i in range(30))
    result = _service(server, "mymemory").translate([long_para, "Short one here."], "en", "id", chain=["mymemory"])
    calls = server.translate_calls("mymemory")
    assert all(len(c.texts[0]) < 500 for c in calls)
    assert len(calls) >= len(long_para) // 500 + 1
    assert calls[0].params["langpair"] == "en-GB|id-ID"
    assert result.texts[0] == fake_translate(long_para, "id")


def test_engine_merging_paragraphs_falls_back_to_one_by_one(server: MTServer) -> None:
    server.push("merge")
    texts = [t for t in STORY if t]
    result = _service(server, "google").translate(texts, "en", "id", chain=["google"])
    assert result.texts == [fake_translate(t, "id") for t in texts]
    assert len(server.translate_calls("google")) == 1 + len(texts)


def test_429_honours_retry_after(server: MTServer) -> None:
    server.push("429")
    start = time.monotonic()
    result = _service(server, "libre").translate(["A paragraph about the news today."], "en", "id", chain=["libre"])
    assert time.monotonic() - start >= 0.9
    assert result.requests == 2
    assert result.texts == [fake_translate("A paragraph about the news today.", "id")]


@pytest.mark.parametrize("failure", ["500", "empty", "echo"])
def test_transient_failures_are_retried(server: MTServer, failure: str) -> None:
    server.push(failure, failure)
    text = "The minister said the new law would take effect next month."
    result = _service(server, "google").translate([text], "en", "id", chain=["google"])
    assert result.texts == [fake_translate(text, "id")]
    assert len(server.translate_calls()) == 3


def test_exhausted_retries_raise_transient(server: MTServer) -> None:
    server.push("500", "500", "500", "500")
    with pytest.raises(TransientError):
        _service(server, "microsoft").translate(["Some words to translate here."], "en", "id", chain=["microsoft"])
    assert len(server.translate_calls()) == FAST.max_attempts


def test_slow_response_times_out_and_falls_over(server: MTServer) -> None:
    server.slow_seconds = 1.5
    server.push("slow", "slow")
    limits = EngineLimits(rate_per_second=1000, concurrency=2, max_attempts=2, backoff_initial=0.01, backoff_max=0.02)
    svc = _service(server, "libre", "google", limits=limits, timeout=0.3)
    start = time.monotonic()
    result = svc.translate(["A story paragraph that takes too long."], "en", "id", chain=["libre", "google"])
    assert time.monotonic() - start < 1.4  # neither attempt waited for the slow server
    assert result.engine == "google"
    assert [c.provider for c in server.translate_calls()] == ["libre", "libre", "google"]


def test_permanent_error_not_retried_and_falls_over(server: MTServer) -> None:
    server.push("456")  # DeepL: quota exceeded
    result = _service(server, "deepl", "microsoft").translate(["Quota story text here."], "en", "id", chain=["deepl", "microsoft"])
    assert result.engine == "microsoft"
    assert [c.provider for c in server.translate_calls()] == ["deepl", "microsoft"]


def test_chain_exhausted_is_all_or_nothing(server: MTServer) -> None:
    server.push("403", "403")
    with pytest.raises(PermanentError):
        _service(server, "google", "libre").translate(STORY, "en", "id", chain=["google", "libre"])


def test_bad_key_is_permanent(server: MTServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MT_TEST_KEY", "wrong")
    with pytest.raises(PermanentError):
        _service(server, "microsoft").translate(["Some words to translate."], "en", "id", chain=["microsoft"])
    assert len(server.translate_calls()) == 1


def test_deepl_glossary_created_once_and_applied(server: MTServer) -> None:
    pairs = [("board", "dewan direksi"), ("Monday", "Senin")]
    svc = _service(server, "deepl")
    text = "The board met on Monday & agreed <quietly>."
    first = svc.translate([text], "en", "id", chain=["deepl"], glossary_pairs=pairs)
    second = svc.translate(["The board met again."], "en", "id", chain=["deepl"], glossary_pairs=pairs)
    assert server.glossary_posts == 1
    assert "dewan direksi" in first.texts[0] and "Senin" in first.texts[0]
    assert "&" in first.texts[0] and "<" in first.texts[0]  # escaped on the wire, plain text back
    assert "dewan direksi" in second.texts[0]
    sent = server.translate_calls("deepl")[0].body
    assert isinstance(sent, dict)
    assert sent["glossary_id"] and sent["tag_handling"] == "xml" and "kw" in sent["ignore_tags"]
    # A fresh engine (another process) finds the glossary by name instead of creating a new one.
    _service(server, "deepl").translate([text], "en", "id", chain=["deepl"], glossary_pairs=pairs)
    assert server.glossary_posts == 1


def test_deepl_protects_placeholders_and_kw_spans(server: MTServer) -> None:
    text = "Talks with ZQX7QZ ended; <kw>Keep Me</kw> stays."
    result = _service(server, "deepl").translate([text], "en", "id", chain=["deepl"])
    assert "ZQX7QZ" in result.texts[0] and "Keep Me" in result.texts[0]
    assert "<kw" not in result.texts[0]


def test_confidential_only_skips_public_engines(server: MTServer) -> None:
    svc = _service(server, "google", "libre", confidential=True)
    assert not svc.engines["google"].confidential  # a free public endpoint is never confidential
    result = svc.translate(["Embargoed story text for partners."], "en", "id", chain=["google", "libre"], confidential_only=True)
    assert result.engine == "libre"
    assert [c.provider for c in server.translate_calls()] == ["libre"]
    with pytest.raises(PermanentError):
        svc.translate(["Embargoed story text."], "en", "id", chain=["google"], confidential_only=True)
    assert len(server.translate_calls()) == 1
