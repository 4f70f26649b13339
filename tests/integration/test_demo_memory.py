"""The demo's translation memory: every sample story has a human translation, recalled without an engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.tm import MemoryTranslationMemory
from adapters.tmx import import_tmx
from adapters.translate.dryrun import DryRunEngine
from adapters.wire import parse_wire
from glossary import load_glossary
from newsroom.model import ReviewState, Story
from services.pipeline import localize_story

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "samples" / "wire").iterdir() if p.suffix in (".xml", ".json"))


class _Result:
    def __init__(self, texts: list[str]) -> None:
        self.texts, self.engine, self.characters_sent = texts, "dry-run", 0


def _dry(texts, source, target):  # type: ignore[no-untyped-def]
    return _Result(DryRunEngine().translate(list(texts), source, target))


@pytest.fixture(scope="module")
def memory() -> MemoryTranslationMemory:
    tm = MemoryTranslationMemory()
    assert import_tmx(tm, ROOT / "samples" / "tm" / "samples.tmx") > 30
    return tm


def _localize(story: Story, tm: MemoryTranslationMemory):  # type: ignore[no-untyped-def]
    target = "id" if story.language == "en" else "en"
    return localize_story(story, source=story.language, target=target, glossary=load_glossary(), translate=_dry,
                          check_language=None, now=datetime(2023, 11, 24, tzinfo=UTC),
                          recall=lambda texts, s, t: tm.lookup(texts, s, t, "human", None))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_each_sample_story_is_recalled_whole_from_memory(path: Path, memory: MemoryTranslationMemory) -> None:
    for story in parse_wire(path.read_bytes(), str(path)):
        article = _localize(story, memory)
        texts = [article.headline, *(b.text for b in article.body)]
        assert not any(t.startswith("[") for t in texts), texts  # nothing left to the dry-run engine
        assert article.provenance.dry_run is False and article.provenance.engine == "human"
        assert article.ednote and "translation memory" in article.ednote and "DRY RUN" not in article.ednote
        assert article.review == ReviewState.ok
        assert not any("mesin penerjemah" in line for line in (c.name for c in article.credits))


def test_text_outside_the_memory_is_still_marked_dry_run(memory: MemoryTranslationMemory) -> None:
    path = ROOT / "samples" / "wire" / "ninjs-en-rail-strike.json"
    story = parse_wire(path.read_bytes(), str(path))[0]
    changed = story.model_copy(update={"body": (*story.body[:-1], story.body[-1].model_copy(
        update={"text": "The strike ended early on Friday."}))})
    article = _localize(changed, memory)
    assert article.body[0].text.startswith("Mogok kerja masinis")
    assert article.body[-1].text.startswith("[id] ")
    assert article.provenance.dry_run is True
    assert article.ednote is not None and "translation memory" in article.ednote and "DRY RUN" in article.ednote
