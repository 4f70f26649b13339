"""Reruns against the contract: the same inputs give the same bytes (no new edition), another engine gives a new one.

Real services, renderers, publisher and ledger; fakes for the stores and the bucket; a clock that moves
between runs, so a wall-clock field leaking into the bytes would show up as a new edition.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.articles import MemoryArticleStore
from adapters.config import PartnerConfig
from adapters.media import MemoryMediaStore
from adapters.sources.memory import MemorySource
from adapters.storage.store import MemoryPartnerStore
from adapters.stories import MemoryStoryStore
from adapters.tm import MemoryTranslationMemory
from adapters.translate.dryrun import DryRunEngine
from adapters.translate.service import TranslationService
from adapters.worklog import MemoryWorkLog
from bench.engine_server import pseudo_translate
from flows.bootstrap import Container, bootstrap
from flows.settings import Settings
from services import deliver, ingest, localize, process

WIRE = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


class OtherEngine(DryRunEngine):
    """A second engine whose output reads as the target language (as a real engine's would)."""

    kind = "scripted"

    def translate(self, texts, source, target, glossary=(), *, guard=None, share=None):  # type: ignore[no-untyped-def]
        return [pseudo_translate(t, target) if t.strip() else t for t in texts]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(tmp_path: Path) -> tuple[Container, MemoryPartnerStore, Clock, str]:
    partner = PartnerConfig(id="tempo", bucket="b", prefix="kawat", languages=["id"], formats=["ninjs", "html", "text"])
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", engine="dry-run", allow_dry_run=True,
                        partners=[partner], editor="Redaksi")
    store = MemoryPartnerStore(bucket="b")
    tm = MemoryTranslationMemory()
    clock = Clock()
    engines = {"dry-run": DryRunEngine("dry-run"), "other-engine": OtherEngine("other-engine")}
    c = bootstrap(settings, stories=MemoryStoryStore(), articles=MemoryArticleStore(), tm=tm,
                  media=MemoryMediaStore(), work=MemoryWorkLog(), translation=TranslationService(engines, tm=tm),
                  stores={"tempo": store}, clock=clock)
    source = MemorySource(name="m")
    source.add("rev1.xml", (WIRE / "newsml12-text-rev1.xml").read_bytes())
    ((sid, _v, _k),) = [s for item in source.poll() for s in ingest.ingest_file(c, source, item).stories]
    assert [r.state for r in process.process(c, sid).records] == ["delivered"]
    return c, store, clock, sid


def _feed(store: MemoryPartnerStore) -> list[dict]:
    return [json.loads(store.objects[k].data) for k in sorted(store.objects) if "/feed/" in k]


def test_rendering_twice_gives_the_same_bytes(world) -> None:  # type: ignore[no-untyped-def]
    c, _, clock, sid = world
    story = c.stories.get(sid)
    (article,) = localize.localize(c, sid)
    first = deliver.publication_for(c, article, c.settings.partners[0], story)
    clock.now += timedelta(hours=5)
    again = deliver.publication_for(c, article, c.settings.partners[0], story)
    assert dict(first.files) == dict(again.files) and first.checksum == again.checksum


def test_a_forced_rerun_with_the_same_engine_writes_and_announces_nothing(world) -> None:  # type: ignore[no-untyped-def]
    c, store, clock, sid = world
    (before,) = localize.localize(c, sid)
    puts = len(store.puts)
    clock.now += timedelta(hours=2)  # translated-at would differ if it were taken from the clock again
    (redone,) = localize.localize(c, sid, force=True)
    assert redone.provenance.translated_at == before.provenance.translated_at
    records = deliver.deliver(c, sid, force=True, run_id="rerun")
    assert [(r.state, r.edition) for r in records] == [("unchanged", 1)]
    assert len(store.puts) == puts and len(_feed(store)) == 1


def test_a_rerun_with_another_engine_is_a_new_edition_with_its_own_line(world) -> None:  # type: ignore[no-untyped-def]
    c, store, clock, sid = world
    v11 = {k: o.data for k, o in store.objects.items() if "/v1.1." in k}
    clock.now += timedelta(hours=2)
    (other,) = localize.localize(c, sid, engine="other-engine", force=True)
    assert other.provenance.engine == "other-engine"
    (rec,) = deliver.deliver(c, sid, run_id="rerun-other")
    assert (rec.state, rec.edition) == ("delivered", 2), rec.detail
    assert rec.key is not None and rec.key.endswith("/v1.2.json")
    assert {k: store.objects[k].data for k in v11} == v11, "edition 1 was rewritten"
    lines = _feed(store)
    assert [(x["seq"], x["version"], x["edition"], x["signal"]) for x in lines][-1] == (2, 1, 2, "correction")
    latest = next(o.data for k, o in store.objects.items() if k.endswith("latest.json"))
    assert latest == store.objects[rec.key].data and json.loads(latest)["version"] == "1.2"
