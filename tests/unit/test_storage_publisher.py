"""Publisher behaviour against the in-memory bucket: order, idempotency, updates, kills, embargo, retries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.db import make_engine
from adapters.errors import PermanentError, TransientError
from adapters.ledger import DeliveryLedger, DeliveryState
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


@pytest.fixture
def publisher(tmp_path) -> Publisher:
    return Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'l.db'}")), clock=Clock(),
                     attempts=3, wait_initial=0, wait_max=0)


def partner(**kw) -> PartnerConfig:
    return PartnerConfig(id="tempo", bucket="b", prefix="kawat", languages=["id", "en"],
                         formats=["ninjs", "html"], **kw)


def feed_lines(store: MemoryPartnerStore) -> list[dict]:
    keys = sorted(k for k in store.objects if "/feed/" in k)
    return [json.loads(line) for k in keys for line in store.objects[k].data.decode().splitlines()]


def test_write_order_pictures_then_version_then_latest_then_feed(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    out = publisher.deliver(partner(), store, pub(pictures=2), run_id="r1")
    assert out.state == "delivered"
    kinds = ["feed" if "/feed/" in k else "latest" if k.endswith("latest.json") else
             "pic" if "/pictures/" in k else "version" for k in store.puts]
    assert kinds == ["pic", "pic", "version", "version", "latest", "feed"]
    assert out.objects_written == 6
    assert store.objects[out.key].data == store.objects[contract.latest_key("kawat", "id", PUBLISHED,
                                                                           pub().story_id)].data
    meta = store.objects[out.key].metadata
    assert meta["version"] == "1" and meta["pubstatus"] == "usable"
    assert meta["sha256"] == contract.sha256_hex(store.objects[out.key].data)


def test_second_identical_run_writes_nothing(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(), run_id="r1")
    n = len(store.puts)
    again = publisher.deliver(partner(), store, pub(), run_id="r2")
    assert again.state == "unchanged" and again.objects_written == 0 and len(store.puts) == n


def test_fresh_ledger_still_writes_nothing_over_identical_bucket(publisher: Publisher, tmp_path) -> None:
    store = MemoryPartnerStore()
    publisher.deliver(partner(), store, pub(), run_id="r1")
    n = len(store.puts)
    other = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'other.db'}")), clock=Clock())
    out = other.deliver(partner(), store, pub(), run_id="r2")
    assert out.state == "delivered" and out.objects_written == 0 and len(store.puts) == n
    forced = other.deliver(partner(), store, pub(), run_id="r3", force=True)
    assert forced.objects_written > 0


def test_update_moves_latest_adds_feed_line_and_supersedes(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    publisher.deliver(p, store, pub(version=1, headline="satu"), run_id="r1")
    out = publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    latest = json.loads(store.objects[contract.latest_key("kawat", "id", PUBLISHED, pub().story_id)].data)
    assert latest["headlines"][0]["value"] == "dua"
    assert [(line["version"], line["pubstatus"]) for line in feed_lines(store)] == [(1, "usable"), (2, "usable")]
    assert out.key in store.objects and out.key.endswith("v2.json")
    states = {r.version: r.state for r in publisher.ledger.rows(partner="tempo")}
    assert states == {1: DeliveryState.superseded, 2: DeliveryState.delivered}


def test_late_older_version_never_moves_latest_back(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    publisher.deliver(p, store, pub(version=3, headline="tiga"), run_id="r1")
    out = publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    latest = json.loads(store.objects[contract.latest_key("kawat", "id", PUBLISHED, pub().story_id)].data)
    assert latest["headlines"][0]["value"] == "tiga"
    assert out.key in store.objects
    assert publisher.ledger.get("tempo", pub().story_id, "id", 2).state == DeliveryState.superseded


def test_kill_leaves_tombstone_no_bodies_and_a_kill_line(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    publisher.deliver(p, store, pub(version=1), run_id="r1")
    publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r2")
    out = publisher.kill(p, store, pub().story_id, "id", 3, run_id="r3", reason="legal")
    assert out.state == "revoked" and out.objects_deleted >= 5
    story_keys = [k for k in store.objects if "/feed/" not in k]
    assert story_keys == [out.key]
    tomb = json.loads(store.objects[out.key].data)
    assert tomb["pubstatus"] == "canceled" and "bodies" not in tomb and tomb["uri"] == "urn:test:" + pub().story_id + ":id"
    assert feed_lines(store)[-1]["pubstatus"] == "canceled"
    assert {r.state for r in publisher.ledger.rows(partner="tempo")} == {DeliveryState.revoked}
    # A killed story is not delivered again, and a second kill changes nothing.
    n = len(store.puts)
    assert publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r4").state == "skipped"
    assert publisher.kill(p, store, pub().story_id, "id", 3, run_id="r5", reason="legal").objects_written == 0
    assert len(store.puts) == n


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


def test_embargo_deliver_policy_sets_metadata(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    release = NOW + timedelta(hours=1)
    out = publisher.deliver(partner(embargo_policy="deliver"), store, pub(embargoed=release), run_id="r1")
    assert out.state == "delivered"
    assert store.objects[out.key].metadata["embargoed"] == contract.iso(release)


def test_transient_errors_are_retried_permanent_are_not(publisher: Publisher) -> None:
    store = MemoryPartnerStore(fail_next=[TransientError("503"), TransientError("timeout")])
    assert publisher.deliver(partner(), store, pub(), run_id="r1").state == "delivered"
    store2 = MemoryPartnerStore(fail_next=[PermanentError("403 AccessDenied"), TransientError("x")])
    out = publisher.deliver(partner(), store2, pub(story="s2"), run_id="r1")
    assert out.state == "failed" and "403" in (out.error or "") and not out.retryable
    assert len(store2.fail_next) == 1  # not retried
    row = publisher.ledger.get("tempo", "s2", "id", 1)
    assert row.state == DeliveryState.failed
    # The failed delivery is retried on the next run and succeeds.
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


def test_reconcile_restores_deleted_and_tampered_objects(publisher: Publisher) -> None:
    store = MemoryPartnerStore()
    p = partner()
    out = publisher.deliver(p, store, pub(), run_id="r1")
    original = store.objects[out.key].data
    pic = next(k for k in store.objects if "/pictures/" in k)
    del store.objects[out.key]
    store.objects[pic].data = b"tampered"
    report = publisher.reconcile(p, store)
    assert set(report.repaired) == {out.key, pic}
    assert store.objects[out.key].data == original
    assert publisher.reconcile(p, store).drift == 0


def test_resumed_delivery_does_not_announce_a_change_twice(tmp_path) -> None:
    """Killed after its feed line landed but before the ledger said so: the resume finds the line."""
    store = MemoryPartnerStore()
    first = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'a.db'}")), wait_initial=0, wait_max=0)
    assert first.deliver(partner(), store, pub(), run_id="crashed").state == "delivered"
    feeds = [k for k in store.keys("kawat/feed/")]
    assert len(feeds) == 1

    # The crashed run's ledger: the row is still `pending` (claimed, never marked delivered).
    ledger = DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'b.db'}"), lease=timedelta(0))
    p = pub()
    assert ledger.claim("tempo", p.story_id, p.language, p.version)
    resumed = Publisher(ledger, wait_initial=0, wait_max=0).deliver(partner(), store, p, run_id="rerun")
    assert resumed.state == "delivered" and resumed.objects_written == 0
    assert [k for k in store.keys("kawat/feed/")] == feeds, "the change was already announced"
    assert ledger.get("tempo", p.story_id, p.language, p.version).state == DeliveryState.delivered


def test_resumed_delivery_announces_when_the_crash_came_before_the_feed(tmp_path) -> None:
    store = MemoryPartnerStore()
    first = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'a.db'}")), wait_initial=0, wait_max=0)
    first.deliver(partner(), store, pub(), run_id="crashed")
    for key in list(store.keys("kawat/feed/")):
        store.delete(key)  # the objects landed, the feed put never happened

    ledger = DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'b.db'}"), lease=timedelta(0))
    p = pub()
    assert ledger.claim("tempo", p.story_id, p.language, p.version)
    Publisher(ledger, wait_initial=0, wait_max=0).deliver(partner(), store, p, run_id="rerun")
    (feed,) = list(store.keys("kawat/feed/"))
    assert json.loads(store.get(feed).decode().splitlines()[0])["story"] == p.story_id


def test_feed_put_whose_answer_is_lost_is_not_written_twice_on_retry(publisher) -> None:
    """The put lands but the client sees a connection reset: the retry must reuse the same feed object."""

    class LosesFeedAnswers(MemoryPartnerStore):
        lost = 0

        def put(self, key, data, content_type, metadata, *, if_none_match=False):  # type: ignore[no-untyped-def]
            etag = super().put(key, data, content_type, metadata, if_none_match=if_none_match)
            if "/feed/" in key and not self.lost:
                self.lost += 1
                raise TransientError("connection reset after the put landed")
            return etag

    store = LosesFeedAnswers()
    assert publisher.deliver(partner(), store, pub(), run_id="r").state == "delivered"
    assert len(list(store.keys("kawat/feed/"))) == 1


def test_a_delivery_that_runs_out_of_transient_retries_says_it_is_retryable(tmp_path: Path) -> None:
    quick = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'q.db'}")), attempts=3,
                      wait_initial=0, wait_max=0)
    store = MemoryPartnerStore(fail_next=[TransientError("reset")] * 3)
    out = quick.deliver(partner(), store, pub(), run_id="r1")
    assert out.state == "failed" and out.retryable and "reset" in (out.error or "")
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
    latest = contract.latest_key("kawat", "id", PUBLISHED, pub().story_id)
    assert out.state == "delivered" and latest in store.objects
    assert store.heads == []  # every object, latest included, went out as a create (If-None-Match)
    assert any(r.key == latest and r.kind == "latest" for r in publisher.ledger.objects("tempo"))


def test_a_late_first_revision_finds_latest_taken_and_leaves_it(publisher: Publisher) -> None:
    store = HeadCountingStore()
    p = partner()
    publisher.deliver(p, store, pub(version=2, headline="dua"), run_id="r1")
    out = publisher.deliver(p, store, pub(version=1, headline="satu"), run_id="r2")
    latest = contract.latest_key("kawat", "id", PUBLISHED, pub().story_id)
    assert json.loads(store.objects[latest].data)["headlines"][0]["value"] == "dua"
    assert latest in store.heads  # the create was refused, so it looked, and kept the newer revision
    assert out.key.endswith("v1.json") and out.key in store.objects
    assert publisher.ledger.get("tempo", pub().story_id, "id", 1).state == DeliveryState.superseded
