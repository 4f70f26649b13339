"""Changing the term base marks exactly the stories it touches for re-translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import services.ingest
import services.localize
from adapters.sources.memory import MemorySource
from flows.bootstrap import bootstrap
from flows.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "wire" / "afp-en-security-council-drought.xml"
TERMS = Path(__file__).resolve().parents[2] / "glossary" / "terms"


def _container(tmp: Path, terms: Path):  # type: ignore[no-untyped-def]
    return bootstrap(Settings(data_dir=tmp / "state", engine="dry-run", glossary_dir=terms, partners=[]))


def _edit(terms: Path, old: str, new: str) -> None:
    for f in terms.glob("*.csv"):
        text = f.read_text()
        if f",{old}," in text:
            f.write_text(text.replace(f",{old},", f",{new},", 1))
            return
    raise AssertionError(f"{old!r} not in the term base")


def test_glossary_change_marks_only_affected_stories(tmp_path: Path) -> None:
    terms = tmp_path / "terms"
    shutil.copytree(TERMS, terms)
    c = _container(tmp_path, terms)
    source = MemorySource(name="m")
    source.add(SAMPLE.name, SAMPLE.read_bytes())
    (item,) = source.poll()
    ((story_id, _, _),) = services.ingest.ingest_file(c, source, item).stories
    (article,) = services.localize.localize(c, story_id)
    assert article.provenance.glossary_version == c.glossary.version
    assert services.localize.glossary_stale(c) == []

    _edit(terms, "bursa saham", "bursa efek")  # "stock exchange": not in the story
    c2 = _container(tmp_path, terms)
    assert c2.glossary.version != c.glossary.version
    assert services.localize.glossary_stale(c2) == []
    assert c2.articles.get(story_id, "id").provenance.glossary_version == c2.glossary.version

    _edit(terms, "Dewan Keamanan", "DK PBB")  # a term the story uses ("Security Council")
    c3 = _container(tmp_path, terms)
    assert services.localize.glossary_stale(c3) == [story_id]
    (again,) = services.localize.localize(c3, story_id)
    assert again.provenance.glossary_version == c3.glossary.version
    assert "DK PBB" in " ".join(b.text for b in again.body) + again.headline
    assert services.localize.glossary_stale(c3) == []
