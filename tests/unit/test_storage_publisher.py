"""Publisher behaviour against the in-memory bucket: order, editions, kills, the numbered feed, embargo, retries."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from adapters.db import make_engine
from adapters.errors import PermanentError, TransientError
from adapters.ledger import DeliveryKey, DeliveryLedger, DeliveryState
from adapters.ledger_memory import MemoryLedger
from adapters.storage.publisher import Publisher
from adapters.storage.store import MemoryPartnerStore
from flows.settings import PartnerConfig
from newsroom import contract
from tests.support.storage_pubs import PUBLISHED, pub

NOW = datetime(2023, 11, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture(params=["sqlite", "memory"])
def publisher(request, tmp_path) -> Publisher:
    """Every publisher test runs on the SQL ledger and on its memory fake (which must behave the same)."""
    ledger = (DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'l.db'}")) if request.param == "sqlite"
              else MemoryLedger())
    return Publisher(ledger, clock=Clock(), attempts=3, wait_initial=0, wait_max=0)


def partner(**kw) -> PartnerConfig:
    return PartnerConfig(id="tempo", bucket="b", prefix="kawat", languages=["id", "en"],
                         formats=["ninjs", "html"], **kw)


FEED_SCHEMA = Draft202012Validator(json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "schemas" / "feed-line.schema.json").read_text()))


def feed_lines(store: MemoryPartnerStore) -> list[dict]:
    """Every feed line in key order, each validated against the published JSON Schema."""
    keys = sorted(k for k in store.objects if "/feed/" in k)
    lines = [json.loads(line) for k in keys for line in store.objects[k].data.decode().splitlines()]
    for line in lines:
        FEED_SCHEMA.validate(line)
    return lines


def latest(store: MemoryPartnerStore, story: str = pub().story_id) -> dict:
    return json.loads(store.objects[contract.latest_key("kawat", "id", PUBLISHED, story)].data)


def key(story: str = pub().story_id, version: int = 1, lang: str = "id") -> DeliveryKey:
    return DeliveryKey("tempo", story, lang, version)


def assert_feed_verifies(store: MemoryPartnerStore) -> None:
    """Numbers run 1..n; every line names an object holding the bytes its sha256 says, unless a later
    kill line of the same story took the body away (tombstones themselves always stay)."""
    lines = feed_lines(store)
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    for i, line in enumerate(lines):
        if line["key"] not in store.objects:
            assert any(later.get("signal") == "kill" and later["story"] == line["story"] and later["lang"] == line["lang"]
                       for later in lines[i + 1:]), line
            continue
        assert contract.sha256_hex(store.objects[line["key"]].data) == line["sha256"], line


def test_write_order_pictures_then_version_then_latest_then_feed(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    out = publisher.deliver(partner(), store, pub(pictures=2), run_id="r1")
    assert out.state == "delivered" and out.edition == 1 and out.seq == 1
    kinds = ["feed" if "/feed/" in k else "latest" if k.endswith("latest.json") else
             "pic" if "/pictures/" in k else "version" for k in store.puts]
    assert kinds == ["pic", "pic", "version", "version", "latest", "feed"]
    assert store.puts[3].endswith("/v1.1.json")  # ninjs last: the html is there before the key partners read
    assert out.objects_written == 6
    assert out.key.endswith("/v1.1.json") and out.feed_key == "kawat/feed/000000000001.ndjson"
    assert store.objects[out.key].data == store.objects[contract.latest_key("kawat", "id", PUBLISHED,
                                                                           pub().story_id)].data
    meta = store.objects[out.key].metadata
    assert meta["version"] == "1" and meta["edition"] == "1" and meta["pubstatus"] == "usable"
    assert meta["sha256"] == contract.sha256_hex(store.objects[out.key].data)
    assert json.loads(store.objects[out.key].data)["version"] == "1.1"


def test_cache_control_and_charset_on_every_object(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(), run_id="r1")
    for k, obj in store.objects.items():
        if k.endswith("latest.json"):
            assert obj.cache_control == contract.CACHE_LATEST
        else:
            assert obj.cache_control == contract.CACHE_IMMUTABLE, k
        if "/pictures/" not in k:
            assert obj.content_type.endswith("; charset=utf-8"), (k, obj.content_type)


def test_second_identical_run_writes_nothing(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(), run_id="r1")
    n = len(store.puts)
    again = publisher.deliver(partner(), store, pub(), run_id="r2")
    assert again.state == "unchanged" and again.objects_written == 0 and len(store.puts) == n
    forced = publisher.deliver(partner(), store, pub(), run_id="r3", force=True)
    assert forced.state == "unchanged" and forced.edition == 1 and len(store.puts) == n
    assert len(feed_lines(store)) == 1


def test_fresh_ledger_still_writes_nothing_over_identical_bucket(publisher: Publisher, tmp_path) -> None:
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(), run_id="r1")
    n = len([k for k in store.puts if "/feed/" not in k])
    other = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'other.db'}")), clock=Clock())
    other.deliver(partner(), store, pub(), run_id="r2")
    assert len([k for k in store.puts if "/feed/" not in k]) == n  # no object rewritten


def test_changed_bytes_of_one_revision_are_a_new_edition_never_an_overwrite(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    first = publisher.deliver(p, store, pub(headline="satu"), run_id="r1")
    v11 = {k: o.data for k, o in store.objects.items() if "/v1.1." in k}
    corrected = publisher.deliver(p, store, pub(headline="satu, dikoreksi"), run_id="r2")
    assert corrected.state == "delivered" and corrected.edition == 2 and corrected.key.endswith("/v1.2.json")
    assert {k: store.objects[k].data for k in v11} == v11, "edition 1 was rewritten"
    assert latest(store)["headlines"][0]["value"] == "satu, dikoreksi" and latest(store)["version"] == "1.2"
    assert [(line["version"], line["edition"]) for line in feed_lines(store)] == [(1, 1), (1, 2)]
    assert first.key != corrected.key
    assert_feed_verifies(store)


def test_if_none_match_finding_other_bytes_moves_to_the_next_edition(publisher: Publisher, tmp_path) -> None:
    """A bucket whose v1.1 holds other bytes (another ledger, a lost one): never overwritten."""
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(headline="asli"), run_id="r1")
    v11 = contract.format_key("kawat", "id", PUBLISHED, pub().story_id, contract.Edition(1, 1), "ninjs")
    before = store.objects[v11].data
    other = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'lost.db'}")), clock=Clock())
    out = other.deliver(partner(), store, pub(headline="beda"), run_id="r2")
    assert out.state == "delivered" and out.edition == 2
    assert store.objects[v11].data == before
    assert other.ledger.get(key()).edition == 2


def test_update_moves_latest_adds_feed_line_and_supersedes(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    publisher.deliver(p, store, pub(version=1, headline="satu"), run_id="r1")
    out = publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    assert latest(store)["headlines"][0]["value"] == "dua"
    assert [(line["seq"], line["version"], line["pubstatus"]) for line in feed_lines(store)] == [
        (1, 1, "usable"), (2, 2, "usable")]
    assert out.key in store.objects and out.key.endswith("v2.1.json")
    states = {r.version: r.state for r in publisher.ledger.rows(partner="tempo")}
    assert states == {1: DeliveryState.superseded, 2: DeliveryState.delivered}


def test_late_older_revision_is_recorded_and_never_published(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    publisher.deliver(p, store, pub(version=3, headline="tiga"), run_id="r1")
    n = len(store.puts)
    out = publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    assert out.state == "superseded" and "revision 3" in (out.detail or "")
    assert len(store.puts) == n and latest(store)["headlines"][0]["value"] == "tiga"
    assert publisher.ledger.get(key(version=2)).state == DeliveryState.superseded


def test_kill_is_its_own_edition_and_later_revisions_are_blocked_until_reinstated(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    sid = pub().story_id
    publisher.deliver(p, store, pub(version=1), run_id="r1")
    publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    out = publisher.kill(p, store, sid, "id", 2, run_id="r3", reason="legal")
    assert out.state == "revoked" and out.objects_deleted >= 5 and out.edition == 2
    story_keys = sorted(k for k in store.objects if "/feed/" not in k)
    tomb_key = out.key
    assert tomb_key.endswith("/v2.2.json")  # Kawat's edition 2 of revision 2: no agency number made up
    assert story_keys == sorted([tomb_key, contract.latest_key("kawat", "id", PUBLISHED, sid)])
    tomb = json.loads(store.objects[tomb_key].data)
    assert tomb == latest(store)
    assert tomb["pubstatus"] == "canceled" and "bodies" not in tomb and tomb["version"] == "2.2"
    assert tomb["uri"] == contract.story_uri(sid, "id")
    kill_line = feed_lines(store)[-1]
    assert (kill_line["signal"], kill_line["pubstatus"], kill_line["key"]) == ("kill", "canceled", tomb_key)
    assert {r.state for r in publisher.ledger.rows(partner="tempo")} == {DeliveryState.revoked}
    # The agency's revision 3 (and 4) is recorded and refused; nothing reaches the bucket.
    n = len(store.puts)
    for version in (3, 4):
        blocked = publisher.deliver(p, store, pub(version=version, headline="kembali"), run_id="r4")
        assert blocked.state == "blocked" and "blocked by kill" in (blocked.detail or "")
        row = publisher.ledger.get(key(version=version))
        assert row.state == DeliveryState.blocked and "blocked by kill" in (row.last_error or "")
    assert len(store.puts) == n
    # Killing twice is idempotent: nothing rewritten, nothing announced.
    again = publisher.kill(p, store, sid, "id", 2, run_id="r5", reason="legal again")
    assert again.state == "revoked" and again.objects_written == 0 and again.key == tomb_key
    # ...also when the agency's own kill arrives later as a newer revision: the story is already withdrawn.
    agency = publisher.kill(p, store, sid, "id", 5, run_id="r5b", reason="AFP kill")
    assert agency.state == "revoked" and agency.objects_written == 0 and agency.key == tomb_key
    assert len(store.puts) == n and len(feed_lines(store)) == 3
    # An editor reinstates: the newest revision goes out as a new edition above the tombstone.
    publisher.reinstate(sid, "court lifted the injunction")
    back = publisher.deliver(p, store, pub(version=4, headline="kembali"), run_id="r6", force=True)
    assert back.state == "delivered" and back.key.endswith("/v4.1.json")
    assert latest(store)["pubstatus"] == "usable" and latest(store)["version"] == "4.1"
    assert tomb_key in store.objects  # the kill line still verifies
    assert [e.action for e in publisher.ledger.story_events(sid)] == ["kill", "reinstate"]
    assert_feed_verifies(store)
    # Killed again after the reinstatement: a new tombstone edition, the first one kept.
    second = publisher.kill(p, store, sid, "id", 4, run_id="r7", reason="again")
    assert second.key.endswith("/v4.2.json") and tomb_key in store.objects
    assert_feed_verifies(store)


def test_reinstate_of_a_story_not_killed_is_refused(publisher: Publisher) -> None:
    with pytest.raises(ValueError, match="not killed"):
        publisher.reinstate("afp.com-20231120-NOTKILLED", "why not")


def test_kill_of_the_same_revision_reinstated_takes_the_next_edition(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    sid = pub().story_id
    publisher.deliver(p, store, pub(version=1), run_id="r1")
    assert publisher.kill(p, store, sid, "id", 1, run_id="r2", reason="legal").key.endswith("/v1.2.json")
    publisher.reinstate(sid, "cleared")
    back = publisher.deliver(p, store, pub(version=1), run_id="r3", force=True)
    assert back.state == "delivered" and back.edition == 3 and latest(store)["version"] == "1.3"
    assert_feed_verifies(store)


def test_embargo_hold_writes_nothing_until_release(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    clock = publisher.clock
    release = NOW + timedelta(hours=1)
    held = publisher.deliver(partner(), store, pub(embargoed=release), run_id="r1")
    assert held.state == "held" and store.objects == {}
    assert publisher.ledger.rows(partner="tempo", state="held")
    clock.now = release + timedelta(seconds=1)
    out = publisher.deliver(partner(), store, pub(embargoed=release), run_id="r2")
    assert out.state == "delivered" and store.objects


def test_embargo_deliver_policy_sets_metadata_and_the_feed_line(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    release = NOW + timedelta(hours=1)
    out = publisher.deliver(partner(embargo_policy="deliver"), store, pub(embargoed=release), run_id="r1")
    assert out.state == "delivered"
    assert store.objects[out.key].metadata["embargoed"] == contract.iso(release)
    assert feed_lines(store)[0]["embargoed"] == contract.iso(release)


def test_transient_errors_are_retried_permanent_are_not(publisher: Publisher) -> None:
    store = MemoryPartnerStore(fail_next=[TransientError("503"), TransientError("timeout")])
    assert publisher.deliver(partner(), store, pub(), run_id="r1").state == "delivered"
    store2 = MemoryPartnerStore(fail_next=[PermanentError("403 AccessDenied"), TransientError("x")])
    out = publisher.deliver(partner(), store2, pub(story="s2"), run_id="r1")
    assert out.state == "failed" and "403" in (out.detail or "") and not out.retryable
    assert len(store2.fail_next) == 1  # not retried
    assert publisher.ledger.get(key("s2")).state == DeliveryState.failed
    store2.fail_next.clear()
    assert publisher.deliver(partner(), store2, pub(story="s2"), run_id="r2").state == "delivered"


def test_languages_not_wanted_are_skipped(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = PartnerConfig(id="x", bucket="b", languages=["en"])
    assert publisher.deliver(p, store, pub(lang="id"), run_id="r").state == "skipped"
    assert store.puts == []


def test_only_formats_the_partner_takes(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = PartnerConfig(id="x", bucket="b", languages=["id"], formats=["ninjs"])
    publisher.deliver(p, store, pub(html=True, pictures=0), run_id="r")
    assert not any(k.endswith(".html") for k in store.objects)


def test_reconcile_restores_deleted_and_tampered_objects_and_feed(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    out = publisher.deliver(p, store, pub(), run_id="r1")
    original = store.objects[out.key].data
    pic = next(k for k in store.objects if "/pictures/" in k)
    del store.objects[out.key]
    del store.objects[out.feed_key]
    store.objects[pic].data = b"tampered"
    report = publisher.reconcile(p, store)
    assert set(report.repaired) == {out.key, pic} and report.feed_written == [out.feed_key]
    assert store.objects[out.key].data == original
    assert store.objects[out.key].cache_control == contract.CACHE_IMMUTABLE
    assert publisher.reconcile(p, store).drift == 0
    assert_feed_verifies(store)


def test_resumed_delivery_does_not_announce_a_change_twice(tmp_path) -> None:
    """Crashed after its feed object landed but before the ledger said so: the retry re-puts the same number."""
    store = MemoryPartnerStore()
    ledger = DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'a.db'}"), lease=timedelta(0))
    pub1 = Publisher(ledger, wait_initial=0, wait_max=0)
    assert pub1.deliver(partner(), store, pub(), run_id="crashed").state == "delivered"
    feeds = list(store.keys("kawat/feed/"))
    # Rewind the ledger to "claimed, feed number allocated, never marked written or delivered".
    with ledger.engine.begin() as conn:
        from adapters.ledger import deliveries, feed
        conn.execute(feed.update().values(written=False))
        conn.execute(deliveries.update().values(state="pending"))
    resumed = Publisher(ledger, wait_initial=0, wait_max=0).deliver(partner(), store, pub(), run_id="rerun")
    assert resumed.state == "unchanged" and resumed.seq == 1
    assert list(store.keys("kawat/feed/")) == feeds, "the change was already announced"
    assert ledger.get(key()).state == DeliveryState.delivered


def test_resumed_delivery_announces_when_the_crash_came_before_the_feed(tmp_path) -> None:
    store = MemoryPartnerStore()

    class DiesAtTheFeed(MemoryPartnerStore):
        def put(self, key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
            if "/feed/" in key:
                raise PermanentError("process killed")
            return super().put(key, data, content_type, metadata, **kw)

    ledger = DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'a.db'}"), lease=timedelta(0))
    dying = DiesAtTheFeed()
    assert Publisher(ledger, attempts=1).deliver(partner(), dying, pub(), run_id="crashed").state == "failed"
    store.objects.update(dying.objects)
    out = Publisher(ledger, wait_initial=0, wait_max=0).deliver(partner(), store, pub(), run_id="rerun")
    assert out.state == "delivered" and out.seq == 1
    (only,) = list(store.keys("kawat/feed/"))
    assert json.loads(store.get(only).decode().splitlines()[0])["story"] == pub().story_id


def test_feed_put_whose_answer_is_lost_is_not_written_twice_on_retry(publisher) -> None:
    """The put lands but the client sees a connection reset: the retry must reuse the same feed object."""

    class LosesFeedAnswers(MemoryPartnerStore):
        lost = 0

        def put(self, key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
            etag = super().put(key, data, content_type, metadata, **kw)
            if "/feed/" in key and not self.lost:
                self.lost += 1
                raise TransientError("connection reset after the put landed")
            return etag

    store = LosesFeedAnswers()
    assert publisher.deliver(partner(), store, pub(), run_id="r").state == "delivered"
    assert len(list(store.keys("kawat/feed/"))) == 1


def test_a_stalled_feed_put_is_written_in_order_by_the_next_delivery(publisher: Publisher) -> None:
    """Delivery A's feed PUT never gets through; delivery B writes A's number before its own."""

    class FeedDown(MemoryPartnerStore):
        down = True

        def put(self, key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
            if "/feed/" in key and self.down:
                raise TransientError("stalled")
            return super().put(key, data, content_type, metadata, **kw)

    store = FeedDown()
    a = publisher.deliver(partner(), store, pub(story="story-a"), run_id="a")
    assert a.state == "failed" and a.retryable and not list(store.keys("kawat/feed/"))
    store.down = False
    written: list[str] = []
    original = store.put

    def spy(key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
        if "/feed/" in key:
            written.append(key)
        return original(key, data, content_type, metadata, **kw)

    store.put = spy  # type: ignore[method-assign]
    b = publisher.deliver(partner(), store, pub(story="story-b"), run_id="b")
    assert b.seq == 2 and written == [contract.feed_key("kawat", 1), contract.feed_key("kawat", 2)]
    assert [line["story"] for line in feed_lines(store)] == ["story-a", "story-b"]
    retried = publisher.deliver(partner(), store, pub(story="story-a"), run_id="a2")
    assert retried.seq == 1 and len(feed_lines(store)) == 2


def test_concurrent_deliveries_get_gap_free_unique_numbers(tmp_path) -> None:
    ledger = DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    publisher = Publisher(ledger, wait_initial=0, wait_max=0)
    store = MemoryPartnerStore()
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            assert publisher.deliver(partner(), store, pub(story=f"story-{i}"), run_id=f"r{i}").state == "delivered"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    lines = feed_lines(store)
    assert sorted(line["seq"] for line in lines) == list(range(1, 13))
    assert sorted(line["story"] for line in lines) == sorted(f"story-{i}" for i in range(12))


def test_a_delivery_that_runs_out_of_transient_retries_says_it_is_retryable(tmp_path: Path) -> None:
    quick = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'q.db'}")), attempts=3,
                      wait_initial=0, wait_max=0)
    store = MemoryPartnerStore(fail_next=[TransientError("reset")] * 3)
    out = quick.deliver(partner(), store, pub(), run_id="r1")
    assert out.state == "failed" and out.retryable and "reset" in (out.detail or "")
    assert store.fail_next == []
    assert quick.deliver(partner(), store, pub(), run_id="r2").state == "delivered"


class HeadCountingStore(MemoryPartnerStore):
    """Counts HEADs per key: a first delivery should not look before it writes."""

    def __init__(self) -> None:
        super().__init__()
        self.heads: list[str] = []

    def head(self, key: str) -> dict[str, str] | None:
        self.heads.append(key)
        return super().head(key)


def test_a_first_revision_creates_latest_without_looking_first(publisher: Publisher) -> None:
    store = HeadCountingStore()
    out = publisher.deliver(partner(), store, pub(version=1), run_id="r1")
    latest_key = contract.latest_key("kawat", "id", PUBLISHED, pub().story_id)
    assert out.state == "delivered" and latest_key in store.objects
    assert store.heads == []  # every object, latest included, went out as a create (If-None-Match)
    assert any(r.key == latest_key and r.kind == "latest" for r in publisher.ledger.objects("tempo"))


def test_a_latest_put_that_lands_after_a_newer_edition_never_moves_latest_back(publisher: Publisher) -> None:
    """Run A's latest.json PUT stalls; run B delivers a newer revision meanwhile; A's PUT then lands."""

    class StallsOneLatestPut(MemoryPartnerStore):
        meanwhile: list = []

        def put(self, key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
            if key.endswith("latest.json") and self.meanwhile:
                self.meanwhile.pop()()  # the other run finishes while this PUT is on the wire
            return super().put(key, data, content_type, metadata, **kw)

    store = StallsOneLatestPut()
    p = partner()
    publisher.deliver(p, store, pub(version=1, headline="satu"), run_id="r1")
    store.meanwhile.append(lambda: publisher.deliver(p, store, pub(version=3, headline="tiga"), run_id="b"))
    a = publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="a")
    assert latest(store)["headlines"][0]["value"] == "tiga" and latest(store)["version"] == "3.1"
    assert a.state == "superseded" and a.seq is None
    assert [(x["version"], x["edition"]) for x in feed_lines(store)] == [(1, 1), (3, 1)]
    assert_feed_verifies(store)
