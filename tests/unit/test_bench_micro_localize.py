"""The localize micro-benchmark runs end to end at a tiny size (structure only, never timing)."""

from __future__ import annotations

import pytest

from bench import micro_localize
from glossary import load_glossary


def test_micro_bench_prints_a_line_per_direction(capsys: pytest.CaptureFixture[str]) -> None:
    assert micro_localize.main(["--stories", "2", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "en->id (AFP)" in out and "ms/story" in out


def test_fake_engines_keep_or_mangle_tokens_deterministically() -> None:
    story = micro_localize.en_stories(1)[0]
    article = micro_localize.run(story, "id", load_glossary())
    assert article.body[0].text and "ZX" not in article.body[0].text
    mangled = micro_localize.mangling(["a ZX001Q b ZX002Q c ZX003Q"], "en", "id").texts[0]
    assert mangled == micro_localize.mangling(["a ZX001Q b ZX002Q c ZX003Q"], "en", "id").texts[0]
    assert "zx003q" in mangled


def test_parallel_stories_match_sequential_ones() -> None:
    """Shared caches (rule tables, matcher memos, recent matches) give every thread the same answers."""
    from concurrent.futures import ThreadPoolExecutor

    from glossary import Glossary

    stories = micro_localize.en_stories(8, rich=True)
    fresh = Glossary(load_glossary().entries)  # cold caches, filled concurrently below
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda s: micro_localize.run(s, "id", fresh, micro_localize.mangling), stories * 3))
    sequential = [micro_localize.run(s, "id", load_glossary(), micro_localize.mangling) for s in stories * 3]
    assert [a.model_dump_json() for a in parallel] == [a.model_dump_json() for a in sequential]
