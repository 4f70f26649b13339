"""Every use case in services/ against fakes: memory stores, a memory ledger, a memory bucket, a fixed clock,
no Prefect. The memory ledger runs the SQL ledger's own tests (test_ledger_states, test_storage_publisher), so
the rules the publisher relies on (claims, leases, editions, feed numbers, kills) are the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.articles import MemoryArticleStore
from adapters.config import PartnerConfig, PartnerFilters
from adapters.errors import PermanentError
from adapters.ledger_memory import MemoryLedger
from adapters.media import MemoryMediaStore
from adapters.sources.memory import MemorySource
from adapters.storage.store import MemoryPartnerStore
from adapters.stories import MemoryStoryStore
from adapters.tm import MemoryTranslationMemory
from adapters.translate.dryrun import DryRunEngine
from adapters.translate.service import TranslationService
from adapters.worklog import MemoryWorkLog
from flows.bootstrap import Container, bootstrap
from flows.settings import Settings
from newsroom.model import ReviewState
from services import deliver, ingest, kill, localize, process, review

WIRE = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
# The embargoed fixture's StatusWillChange says 2024-03-05 13:00 UTC; the other fixtures are not embargoed.
EMBARGO = datetime(2024, 3, 5, 13, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class CountingEngine(DryRunEngine):
    """The dry-run engine, counting the texts it is asked for (to prove work is skipped)."""

    def __init__(self) -> None:
        super().__init__("dry-run")
        self.calls: list[int] = []

    def translate(self, texts: Sequence[str], source: str, target: str, *args: object,
                  **kwargs: object) -> list[str]:
        self.calls.append(len(texts))
        return super().translate(texts, source, target, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Container, dict[str, MemoryPartnerStore], Clock, CountingEngine]:
    partners = [
        PartnerConfig(id="tempo", bucket="b-tempo", languages=["id"], formats=["ninjs", "text"]),
        PartnerConfig(id="sport-only", bucket="b-sport", languages=["id"],
                      filters=PartnerFilters(subjects=["15000000"])),
    ]
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", engine="dry-run", allow_dry_run=True,
                        partners=partners, editor="Redaksi")
    engine = CountingEngine()
    stores = {p.id: MemoryPartnerStore(bucket=p.bucket) for p in partners}
    clock = Clock(datetime(2024, 3, 5, 9, 0, tzinfo=UTC))
    tm = MemoryTranslationMemory()
    c = bootstrap(
        settings, stories=MemoryStoryStore(), articles=MemoryArticleStore(), tm=tm, media=MemoryMediaStore(),
        work=MemoryWorkLog(), ledger=MemoryLedger(clock=clock),
        translation=TranslationService({"dry-run": engine}, tm=tm), stores=stores, clock=clock,
    )
    return c, stores, clock, engine


def _ingest(c: Container, *names: str) -> tuple[MemorySource, list[ingest.IngestResult]]:
    source = MemorySource(name="m")
    for name in names:
        source.add(name, (WIRE / name).read_bytes())
    return source, [ingest.ingest_file(c, source, item) for item in source.poll()]


def test_ingest_records_new_and_revised_stories_and_queues_them(world) -> None:  # type: ignore[no-untyped-def]
    c, _, _, _ = world
    source, (r1,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, v1, kind),) = r1.stories
    assert (v1, kind) == (1, "new") and source.processed and not source.quarantined
    assert c.work.pending() == [(sid, 1)]
    _, (r2,) = _ingest(c, "newsml12-text-rev2.xml")
    assert r2.stories == [(sid, 2, "update")]
    assert c.stories.versions(sid) == [1, 2]


def test_a_byte_identical_resend_is_settled_without_parsing(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c, _, _, _ = world
    _, (first,) = _ingest(c, "ninjs1.json")
    monkeypatch.setattr(ingest, "parse_wire", lambda *a, **k: pytest.fail("a re-send must not be parsed"))
    source = MemorySource(name="m")
    source.add("again.json", (WIRE / "ninjs1.json").read_bytes())
    (item,) = source.poll()
    settled = ingest.settle_resend(c, source, item)
    assert settled is not None and [k for _s, _v, k in settled.stories] == ["duplicate"]
    assert "again.json" in source.processed


def test_a_bad_file_is_quarantined_with_its_reason_and_the_run_goes_on(world) -> None:  # type: ignore[no-untyped-def]
    c, _, _, _ = world
    source = MemorySource(name="m")
    source.add("broken.xml", b"<NewsML><NewsItem>")
    source.add("good.xml", (WIRE / "newsml12-text-rev1.xml").read_bytes())
    results = {r.file: r for r in (ingest.ingest_file(c, source, item) for item in source.poll())}
    assert results["m/broken.xml"].error and results["m/broken.xml"].stories == []
    assert "broken.xml" in source.quarantined and source.quarantined["broken.xml"][1]
    assert [k for _s, _v, k in results["m/good.xml"].stories] == ["new"]


def test_embargo_holds_until_the_injected_clock_passes_it(world) -> None:  # type: ignore[no-untyped-def]
    c, _, clock, _ = world
    _, (r,) = _ingest(c, "newsml12-embargoed.xml")
    ((sid, version, kind),) = r.stories
    assert kind == "held" and c.work.pending() == []
    assert ingest.release_embargoes(c) == []
    clock.now = EMBARGO + timedelta(seconds=1)
    assert ingest.release_embargoes(c) == [(sid, version)]
    assert ingest.release_embargoes(c) == [], "released once"


def test_localize_translates_each_wanted_language_once(world) -> None:  # type: ignore[no-untyped-def]
    c, _, _, engine = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, _v, _k),) = r.stories
    (article,) = localize.localize(c, sid)
    assert article.language == "id" and article.provenance.engine == "dry-run"
    assert c.articles.get(sid, "id") == article
    asked = len(engine.calls)
    assert localize.localize(c, sid) == [article] and len(engine.calls) == asked, "done work is reused"
    localize.localize(c, sid, force=True)
    assert len(engine.calls) > asked
    with pytest.raises(PermanentError, match="unknown story"):
        localize.localize(c, "no-such-story")


def test_deliver_writes_only_to_partners_whose_filters_take_the_story(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, _v, _k),) = r.stories
    story = c.stories.get(sid)
    assert story is not None and "15000000" not in {s.code for s in story.subjects}
    localize.localize(c, sid)
    (rec,) = deliver.deliver(c, sid, run_id="t1")
    assert (rec.partner, rec.state) == ("tempo", "delivered")
    assert any(k.endswith(".txt") for k in stores["tempo"].objects) and not stores["sport-only"].objects
    assert [x.state for x in deliver.deliver(c, sid, run_id="t2")] == ["unchanged"]


def test_an_article_held_for_review_is_not_delivered(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, _v, _k),) = r.stories
    (article,) = localize.localize(c, sid)
    c.articles.save(article.model_copy(update={"review": ReviewState.needs_review}))
    (rec,) = deliver.deliver(c, sid, run_id="t")
    assert rec.state == ReviewState.needs_review.value and stores["tempo"].objects == {}


def test_process_localizes_delivers_and_closes_the_work_entry(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, version, _k),) = r.stories
    assert c.work.pending() == [(sid, version)]
    done = process.process(c, sid, run_id="t")
    assert done.error is None and [a.language for a in done.articles] == ["id"]
    assert [x.state for x in done.records] == ["delivered"] and c.work.pending() == []
    failed = process.process(c, "no-such-story")
    assert failed.error and "unknown story" in failed.error


def test_kill_registers_once_tombstones_every_partner_and_blocks_later_revisions(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, version, _k),) = r.stories
    process.process(c, sid, run_id="t")
    records = kill.kill(c, sid, "legal: wrong name", run_id="k")
    story = c.stories.get(sid)
    assert story is not None and story.version == version, "a kill makes up no agency revision"
    assert c.ledger.active_kill(sid) is not None and c.ledger.active_kill(sid).reason == "legal: wrong name"
    assert {(x.partner, x.state) for x in records} >= {("tempo", "revoked")}
    assert all(x.edition == 2 for x in records if x.state == "revoked")  # Kawat's edition 2 of the revision
    bodies = [k for k in stores["tempo"].objects if k.endswith(".txt")]
    assert bodies == [], "no body stays readable"
    puts = len(stores["tempo"].puts)
    again = kill.kill(c, sid, "legal: wrong name", run_id="k2")
    assert all(x.state == "revoked" and x.detail == "already killed" for x in again if x.partner == "tempo")
    assert len(stores["tempo"].puts) == puts, "killing twice writes nothing"
    _, (r2,) = _ingest(c, "newsml12-text-rev2.xml")
    done = process.process(c, sid, run_id="t2")
    assert done.records and {x.state for x in done.records} == {"blocked"}
    assert all("blocked by kill" in (x.detail or "") for x in done.records)
    back = kill.reinstate(c, sid, "cleared by legal", run_id="r")
    assert {x.state for x in back if x.partner == "tempo"} == {"delivered"}
    assert [e.action for e in c.ledger.story_events(sid)] == ["kill", "reinstate"]


def test_review_approval_with_a_correction_teaches_the_tm_and_delivers(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, _v, _k),) = r.stories
    (article,) = localize.localize(c, sid)
    c.articles.save(article.model_copy(update={"review": ReviewState.needs_review}))
    done = review.decide(c, sid, "id", approve=True, headline="Judul yang dikoreksi redaktur")
    assert done.state == "approved" and [x.state for x in done.records] == ["delivered"] and not done.requeued
    story = c.stories.get(sid)
    assert story is not None
    assert c.tm.lookup([story.headline], story.language, "id", "any", None) == {
        story.headline: "Judul yang dikoreksi redaktur"}
    latest = next(v for k, v in stores["tempo"].objects.items() if k.endswith("latest.json"))
    assert json.loads(latest.data)["headlines"][0]["value"] == "Judul yang dikoreksi redaktur"


def test_review_rejection_stores_the_decision_and_delivers_nothing(world) -> None:  # type: ignore[no-untyped-def]
    c, stores, _, _ = world
    _, (r,) = _ingest(c, "newsml12-text-rev1.xml")
    ((sid, _v, _k),) = r.stories
    (article,) = localize.localize(c, sid)
    c.articles.save(article.model_copy(update={"review": ReviewState.needs_review}))
    done = review.decide(c, sid, "id", approve=False)
    assert done.state == "rejected" and done.records == [] and stores["tempo"].objects == {}
    saved = c.articles.get(sid, "id")
    assert saved is not None and saved.review != ReviewState.needs_review
