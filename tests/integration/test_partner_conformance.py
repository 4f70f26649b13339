"""Partner-side conformance: Kawat drives a real newsroom day; each partner checks the contract as a partner would.

Kawat side: real wire files through ingest -> localize -> deliver (the code the flows call), writing into
real SeaweedFS through an S3 fault proxy. Partner side (`partner_side`): a plain boto3 client with the
partner's read-only keys, the contract document's schema and the IPTC ninjs schema; nothing of Kawat.
After every phase each partner's whole bucket is checked against every promise, and against the previous
phase for immutability.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import services.deliver
import services.ingest
import services.kill
import services.localize
import services.process
from adapters.errors import TransientError
from adapters.sources.memory import MemorySource
from flows.bootstrap import Container, set_container
from tests.integration import partner_side
from tests.support import kawat_env
from tests.support.faults import S3FaultProxy

SAMPLES = kawat_env.SAMPLES
EMBARGOED = Path(__file__).resolve().parents[1] / "fixtures" / "wire" / "newsml12-embargoed.xml"
PICTURES = ("9f2c1ab7-highdef.jpg", "9f2c1ab7-quicklook.jpg", "9f2c1ab7-thumbnail.jpg")


def revision(xml: bytes, n: int, headline: str) -> bytes:
    """The agency's revision `n` of a NewsML 1.2 item, with a new headline (as AFP sends an update)."""
    text = xml.decode()
    text = re.sub(r'<RevisionId PreviousRevision="\d+" Update="\w">\d+</RevisionId>',
                  f'<RevisionId PreviousRevision="{n - 1}" Update="U">{n}</RevisionId>', text)
    text = re.sub(r"(<PublicIdentifier>[^<]*:)\d+(</PublicIdentifier>)", rf"\g<1>{n}\g<2>", text)
    text = re.sub(r"<ThisRevisionCreated>(\d{8})T(\d\d)", lambda m: f"<ThisRevisionCreated>{m[1]}T{int(m[2]) + n:02d}",
                  text)
    text = re.sub(r"<HeadLine>[^<]*</HeadLine>", f"<HeadLine>{headline}</HeadLine>", text, count=1)
    return text.encode()


@dataclass
class Phase:
    name: str
    snaps: dict[str, partner_side.Snapshot]
    records: list[services.deliver.DeliveryRecord] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    c: Container
    proxy: S3FaultProxy
    readers: dict[str, Any]
    phases: list[Phase] = field(default_factory=list)

    def snap(self, name: str, records: list[services.deliver.DeliveryRecord] | None = None, **facts: Any) -> Phase:
        snaps = {p.id: partner_side.snapshot(self.readers[p.id], p.bucket, p.prefix) for p in self.c.settings.partners}
        phase = Phase(name, snaps, records or [], facts)
        self.phases.append(phase)
        return phase

    def ingest(self, *files: tuple[str, bytes], pictures: bool = False) -> list[str]:
        source = MemorySource(name="wire")
        for name, data in files:
            source.add(name, data)
        if pictures:
            for pic in PICTURES:
                source.add(pic, (SAMPLES / pic).read_bytes())
        ids = []
        for item in source.poll():
            result = services.ingest.ingest_file(self.c, source, item)
            assert result.error is None, result.error
            ids += [sid for sid, _v, _kind in result.stories]
        return ids

    def process(self, story_id: str) -> list[services.deliver.DeliveryRecord]:
        done = services.process.process(self.c, story_id, run_id="conformance")
        assert done.error is None, done.error
        return done.records


@pytest.fixture(scope="module")
def world(seaweed, tmp_path_factory) -> Any:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("conformance")
    a, b = kawat_env.partner_configs(2, languages=[["id"], ["en"]])
    a["embargo_policy"] = "deliver"
    settings = kawat_env.make_settings(tmp, seaweed, partners=[a, b], engine="dry-run", samples=False)
    report = kawat_env.provision_partners(seaweed, settings)
    with S3FaultProxy(seaweed.endpoint_url, rate=0.0, stall_seconds=4.0) as proxy:
        settings = settings.model_copy(update={"storage": settings.storage.model_copy(
            update={"endpoint_url": proxy.url})})
        c = kawat_env.install(settings)
        readers = {p.id: partner_side.partner_client(seaweed.endpoint_url, report.credentials[p.id].access_key,
                                                     report.credentials[p.id].secret_key)
                   for p in settings.partners}
        w = World(c, proxy, readers)
        try:
            _run_the_day(w)
            yield w
        finally:
            set_container(None)


def _run_the_day(w: World) -> None:
    c = w.c
    volcano_xml = (SAMPLES / "afp-en-volcano-mmd.xml").read_bytes()
    shipping_xml = (SAMPLES / "afp-en-shipping-green-fleet.xml").read_bytes()

    # 1. First delivery: a story with pictures and one without.
    (volcano,) = w.ingest(("volcano.xml", volcano_xml), pictures=True)
    (shipping,) = w.ingest(("shipping.xml", shipping_xml))
    w.snap("first delivery", w.process(volcano) + w.process(shipping), volcano=volcano, shipping=shipping)

    # 2. Update: the agency's revision 2.
    w.ingest(("volcano-2.xml", revision(volcano_xml, 2, "Lava flows reach the edge of Grindavik")),
             pictures=True)
    w.snap("update", w.process(volcano))

    # 3. Correction: an editor fixes the Indonesian headline; same agency revision, new edition.
    art = c.articles.get(volcano, "id")
    assert art is not None
    c.articles.save(art.model_copy(update={"headline": art.headline + " (ralat)"}))
    w.snap("correction", services.deliver.deliver(c, volcano, run_id="correction"))

    # 4. Embargoed copy: partner A (policy deliver) gets it early, flagged; partner B (hold) gets nothing.
    release = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    data = EMBARGOED.read_bytes().replace(b"20240305T130000Z", release.strftime("%Y%m%dT%H%M%SZ").encode())
    (embargoed,) = w.ingest(("embargoed.xml", data))
    services.localize.localize(c, embargoed)
    w.snap("embargo", services.deliver.deliver(c, embargoed, run_id="early"), embargoed=embargoed, release=release)

    # 5. Reruns: not forced (to one partner, then all), and forced (re-translated, re-delivered).
    recs = services.deliver.deliver(c, volcano, partners=[c.settings.partners[1].id], run_id="rerun-no-force")
    recs += services.deliver.deliver(c, volcano, run_id="rerun-no-force")
    w.snap("rerun, not forced", recs)
    services.localize.localize(c, shipping, force=True)
    w.snap("rerun, forced", services.deliver.deliver(c, shipping, force=True, run_id="rerun-force"))

    # 6. Kill, and an editor's repeated kill.
    w.snap("kill", services.kill.kill(c, volcano, "Legal: withdrawn by the agency"))
    w.snap("kill again", services.kill.kill(c, volcano, "Legal: withdrawn by the agency"))

    # 7. The agency's revision 3 after the kill: recorded, refused.
    w.ingest(("volcano-3.xml", revision(volcano_xml, 3, "Grindavik residents allowed home")), pictures=True)
    w.snap("revision after kill", w.process(volcano))

    # 8. An editor reinstates the story.
    w.snap("reinstate", services.kill.reinstate(c, volcano, "Legal cleared the story"))

    # 9. Concurrent runs through a proxy that stalls one feed PUT, with a partner polling all along.
    rail, nikel = w.ingest(("rail.json", (SAMPLES / "ninjs-en-rail-strike.json").read_bytes()),
                           ("nikel.json", (SAMPLES / "ninjs-id-tambang-nikel.json").read_bytes()))
    partner_a = c.settings.partners[0]
    poller = partner_side.FeedPoller(w.readers[partner_a.id], partner_a.bucket, partner_a.prefix)
    naive = partner_side.FeedPoller(w.readers[partner_a.id], partner_a.bucket, partner_a.prefix, naive=True)
    poller.drain(idle_rounds=1, pause=0)
    naive.drain(idle_rounds=1, pause=0)
    before = len(poller.processed)
    w.proxy.fail_next("PUT", f"/{partner_a.bucket}/{partner_a.prefix}/feed/", "stall")
    stop = threading.Event()
    records: list[services.deliver.DeliveryRecord] = []
    errors: list[BaseException] = []

    def poll_along() -> None:
        while not stop.is_set():
            poller.poll()
            naive.poll()
            stop.wait(0.05)

    def run(sid: str) -> None:
        try:
            records.extend(w.process(sid))
        except BaseException as exc:
            errors.append(exc)

    watcher = threading.Thread(target=poll_along)
    watcher.start()
    runs = [threading.Thread(target=run, args=(sid,)) for sid in (rail, nikel)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    stop.set()
    watcher.join()
    poller.drain()
    naive.drain()
    w.snap("concurrent runs, one PUT stalled", records, poller=poller, naive=naive, before=before, errors=errors,
           stalled=w.proxy.injected["stall"], rail=rail, nikel=nikel)

    # 10. A crash with retry: the feed PUT of one delivery keeps failing after it landed (the answer is
    # lost every time), so the delivery fails like a crashed run; the next run finishes it.
    (drought,) = w.ingest(("drought.xml", (SAMPLES / "afp-en-security-council-drought.xml").read_bytes()))
    tries = c.publisher.retry.attempts * c.store_for(partner_a).client.meta.config.retries["total_max_attempts"]
    for _ in range(tries):
        w.proxy.fail_next("PUT", f"/{partner_a.bucket}/{partner_a.prefix}/feed/", "reset-after")
    with pytest.raises(TransientError):
        services.process.process(c, drought, run_id="crashing")
    crashed = w.snap("crash: feed answer lost", drought=drought)
    retried = w.process(drought)
    w.snap("crash: retried", retried, drought=drought, crashed_lines=len(crashed.snaps[partner_a.id].feed()))


def _phase(world: World, name: str) -> tuple[Phase, Phase | None]:
    names = [p.name for p in world.phases]
    i = names.index(name)
    return world.phases[i], (world.phases[i - 1] if i else None)


PHASES = ["first delivery", "update", "correction", "embargo", "rerun, not forced", "rerun, forced", "kill",
          "kill again", "revision after kill", "reinstate", "concurrent runs, one PUT stalled",
          "crash: feed answer lost", "crash: retried"]


@pytest.mark.parametrize("name", PHASES)
def test_every_contract_promise_holds_after(world: World, name: str, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    phase, previous = _phase(world, name)
    for partner, snap in phase.snaps.items():
        assert snap.objects, f"{partner}: empty bucket"
        assert partner_side.check(snap, schema) == [], f"{name}: {partner}"
        if previous is not None:
            assert partner_side.immutability(previous.snaps[partner], snap) == [], f"{name}: {partner}"


def _lines(phase: Phase, partner: str, story: str) -> list[dict[str, Any]]:
    return [line for _, line in phase.snaps[partner].feed() if line["story"] == story]


def _latest(phase: Phase, partner: str, story: str) -> dict[str, Any]:
    (doc,) = [json.loads(o.body) for k, o in phase.snaps[partner].objects.items()
              if k.endswith(f"/{story}/latest.json")]
    return doc


def test_update_and_correction_are_new_editions_with_their_own_lines(world: World) -> None:
    first, _ = _phase(world, "first delivery")
    volcano = first.facts["volcano"]
    a, b = (p.id for p in world.c.settings.partners)
    correction, _ = _phase(world, "correction")
    assert [(x["version"], x["edition"]) for x in _lines(correction, a, volcano)] == [(1, 1), (2, 1), (2, 2)]
    assert _latest(correction, a, volcano)["headlines"][0]["value"].endswith("(ralat)")
    # The English partner's article did not change: no new edition for it.
    assert [(x["version"], x["edition"]) for x in _lines(correction, b, volcano)] == [(1, 1), (2, 1)]


def test_html_shows_the_best_rendition_and_text_editions_sit_beside_json(world: World) -> None:
    first, _ = _phase(world, "first delivery")
    a = world.c.settings.partners[0].id
    snap = first.snaps[a]
    html = [k for k in snap.objects if k.endswith(".html") and f"/{first.facts['volcano']}/" in k]
    assert html and all(k[:-4] + "txt" in snap.objects and k[:-4] + "json" in snap.objects for k in html)
    body = snap.objects[html[0]].body.decode()
    assert "<img" in body and "highdef" in body and "quicklook" not in body and "thumbnail" not in body


def test_embargoed_copy_is_flagged_for_deliver_and_absent_for_hold(world: World) -> None:
    phase, _ = _phase(world, "embargo")
    a, b = (p.id for p in world.c.settings.partners)
    sid, release = phase.facts["embargoed"], phase.facts["release"]
    (line,) = _lines(phase, a, sid)
    assert line["embargoed"] == release.strftime("%Y-%m-%dT%H:%M:%SZ")
    txt = next(o.body.decode() for k, o in phase.snaps[a].objects.items() if k.endswith(".txt") and f"/{sid}/" in k)
    assert line["embargoed"] in txt.splitlines()[0]
    assert _lines(phase, b, sid) == [] and not [k for k in phase.snaps[b].objects if f"/{sid}/" in k]
    assert {r.partner: r.state for r in phase.records} == {a: "delivered", b: "held"}


@pytest.mark.parametrize("name", ["rerun, not forced", "rerun, forced", "kill again", "revision after kill"])
def test_phases_that_change_nothing_write_nothing(world: World, name: str) -> None:
    phase, previous = _phase(world, name)
    assert previous is not None
    for partner, snap in phase.snaps.items():
        before = previous.snaps[partner].objects
        assert {k: o.body for k, o in snap.objects.items()} == {k: o.body for k, o in before.items()}, partner


def test_a_kill_is_its_own_edition_and_stays_until_reinstated(world: World) -> None:
    kill, _ = _phase(world, "kill")
    volcano = _phase(world, "first delivery")[0].facts["volcano"]
    for partner in kill.snaps:
        doc = _latest(kill, partner, volcano)
        last = _lines(kill, partner, volcano)[-1]
        assert doc["pubstatus"] == "canceled" and last["signal"] == "kill"
        assert doc["version"] == f"{last['version']}.{last['edition']}" and last["edition"] > 1
    blocked, _ = _phase(world, "revision after kill")
    assert {r.state for r in blocked.records} == {"blocked"}
    assert all("blocked by kill" in (r.detail or "") for r in blocked.records)
    rows = [r for r in world.c.ledger.rows(story_id=volcano) if r.version == 3]
    assert rows and {r.state for r in rows} <= {"blocked", "delivered"}  # delivered once reinstated
    back, _ = _phase(world, "reinstate")
    for partner in back.snaps:
        doc = _latest(back, partner, volcano)
        assert doc["pubstatus"] == "usable" and doc["version"] == "3.1"
        assert _lines(back, partner, volcano)[-1]["version"] == 3
    assert [e.action for e in world.c.ledger.story_events(volcano)] == ["kill", "reinstate"]


def test_a_stalled_put_delays_but_never_reorders_what_a_poller_sees(world: World) -> None:
    phase, _ = _phase(world, "concurrent runs, one PUT stalled")
    poller: partner_side.FeedPoller = phase.facts["poller"]
    assert phase.facts["errors"] == [] and phase.facts["stalled"] == 1
    a = world.c.settings.partners[0].id
    all_lines = [line for _, line in phase.snaps[a].feed()]
    assert [x["seq"] for x in poller.processed] == [x["seq"] for x in all_lines]  # every number, in order
    # Lower numbers become visible before higher ones: even a poller that never waits misses nothing.
    assert [x["seq"] for x in phase.facts["naive"].processed] == [x["seq"] for x in all_lines]
    assert poller.gaps_seen == 0
    # Lines read while they were announced pointed at their bytes (older ones may be killed bodies since).
    first_new = poller.processed[phase.facts["before"]]["seq"]
    assert [m for m in poller.missing_targets if m[0] >= first_new] == []
    assert {x["story"] for x in poller.processed[phase.facts["before"]:]} == {phase.facts["rail"],
                                                                              phase.facts["nikel"]}


def test_a_crash_with_retry_announces_the_change_exactly_once(world: World) -> None:
    done, _ = _phase(world, "crash: retried")
    a = world.c.settings.partners[0].id
    drought = done.facts["drought"]
    assert len(_lines(done, a, drought)) == 1
    assert done.facts["crashed_lines"] == len(done.snaps[a].feed())  # the lost answer's object had landed
    assert {r.state for r in done.records if r.partner == a} <= {"delivered", "unchanged"}
