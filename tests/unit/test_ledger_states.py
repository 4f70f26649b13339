"""The delivery ledger on SQLite, PostgreSQL and in memory: atomic claims, state moves, the kill register, feed
numbers. The memory fake runs the same tests as the SQL ledger, so it cannot drift from it."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.db import make_engine
from adapters.ledger import DeliveryKey, DeliveryLedger, DeliveryState, ObjectRecord
from adapters.ledger_memory import MemoryLedger
from adapters.ledger_port import Ledger
from tests.support.pg import pg_schema_engine


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def ledger(request, tmp_path) -> Iterator[Ledger]:
    if request.param == "memory":
        yield MemoryLedger()
    elif request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
        yield DeliveryLedger(eng)
        eng.dispose()
    else:
        with pg_schema_engine("ledger") as eng:
            yield DeliveryLedger(eng)


def _story() -> str:
    return f"afp.com-20231120-{uuid.uuid4().hex[:8]}"


def k(story: str, version: int = 1, lang: str = "id", partner: str = "p") -> DeliveryKey:
    return DeliveryKey(partner, story, lang, version)


def test_claim_is_exclusive_across_threads(ledger: Ledger) -> None:
    story = _story()
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        results.append(ledger.claim(k(story)))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


def test_failed_rows_are_reclaimable_delivered_rows_are_not(ledger: Ledger) -> None:
    s = _story()
    assert ledger.claim(k(s))
    ledger.mark_failed(k(s), "503 slow down")
    row = ledger.get(k(s))
    assert row and row.state == DeliveryState.failed and row.last_error == "503 slow down"
    assert [r.story_id for r in ledger.failed("p")].count(s) == 1
    assert ledger.claim(k(s))
    assert ledger.get(k(s)).attempts == 2
    ledger.mark_delivered(k(s), edition=1, obj_key="k1", checksum="c1")
    assert not ledger.claim(k(s))
    assert ledger.claim(k(s), force=True)
    ledger.mark_delivered(k(s), edition=1, obj_key="k1", checksum="c1")
    assert ledger.claim(k(s), from_states=[DeliveryState.delivered])  # a changed rendering takes it back
    ledger.set_edition(k(s), 2, "c2")
    assert (ledger.get(k(s)).edition, ledger.get(k(s)).checksum) == (2, "c2")


def test_new_version_supersedes_older(ledger: Ledger) -> None:
    s = _story()
    for v in (1, 2):
        assert ledger.claim(k(s, v))
        ledger.mark_delivered(k(s, v), edition=1, obj_key=f"k{v}", checksum=f"c{v}")
    states = {r.version: r.state for r in ledger.rows(partner="p", story_id=s)}
    assert states == {1: DeliveryState.superseded, 2: DeliveryState.delivered}
    assert ledger.latest_delivered("p", s, "id").version == 2
    assert ledger.latest_delivered("other", s, "id") is None


def test_stale_pending_claim_can_be_taken_over(ledger: Ledger) -> None:
    s = _story()
    assert ledger.claim(k(s))
    assert not ledger.claim(k(s))
    ledger.lease = timedelta(seconds=-1)  # every pending row is now stale (its worker died)
    assert ledger.claim(k(s))


def test_revoke_marks_every_version_and_blocked_rows_say_why(ledger: Ledger) -> None:
    s = _story()
    assert ledger.claim(k(s))
    ledger.mark_delivered(k(s), edition=1, obj_key="k", checksum="c")
    ledger.mark_held(k(s, lang="en"), checksum="x")
    ledger.revoke(k(s), edition=2, obj_key="v1.2.json", checksum="t", reason="legal")
    assert {r.state for r in ledger.rows(partner="p", story_id=s, language="id")} == {DeliveryState.revoked}
    assert ledger.get(k(s)).edition == 2
    assert ledger.rows(partner="p", state="held", story_id=s)[0].language == "en"
    ledger.mark_blocked(k(s, 2), reason="blocked by kill (legal)")
    row = ledger.get(k(s, 2))
    assert row.state == DeliveryState.blocked and row.last_error == "blocked by kill (legal)"
    assert [r.version for r in ledger.rows(state="blocked", story_id=s)] == [2]


def test_holds_blocks_and_late_revisions_never_overwrite_a_delivered_row_but_a_failure_does(ledger: Ledger) -> None:
    s = _story()
    assert ledger.claim(k(s), checksum="c0")
    ledger.mark_delivered(k(s), edition=1, obj_key="k", checksum="c")
    ledger.mark_held(k(s), checksum="x")
    ledger.mark_blocked(k(s), reason="blocked by kill")
    ledger.mark_superseded(k(s), reason="late")
    row = ledger.get(k(s))
    assert (row.state, row.checksum, row.last_error, row.key, row.edition) == (
        DeliveryState.delivered, "c", None, "k", 1)
    ledger.mark_superseded(k(s, 0), reason="older than what partners hold")  # a row made by the mark itself
    late = ledger.get(k(s, 0))
    assert (late.state, late.attempts) == (DeliveryState.superseded, 0)
    assert late.last_error == "older than what partners hold"
    ledger.mark_held(k(s, 0), checksum="h")  # a superseded revision is not held back into play
    assert ledger.get(k(s, 0)).state == DeliveryState.superseded
    ledger.mark_failed(k(s), "x" * 3000)  # a failure is always recorded, cut to a readable length
    assert ledger.get(k(s)).state == DeliveryState.failed and len(ledger.get(k(s)).last_error or "") == 2000
    assert [(r.language, r.version) for r in ledger.rows(partner="p", story_id=s)] == [("id", 0), ("id", 1)]


def test_revoke_counts_the_rows_it_revoked_and_a_tombstone_edition_is_kept(ledger: Ledger) -> None:
    s = _story()
    for v in (1, 2):
        assert ledger.claim(k(s, v))
        ledger.mark_delivered(k(s, v), edition=1, obj_key=f"v{v}", checksum=f"c{v}")
    ledger.mark_held(k(s, lang="en"), checksum="x")
    assert ledger.revoke(k(s, 2), edition=None, obj_key="tomb", checksum="t", reason="legal") == 2
    row = ledger.get(k(s, 2))
    assert (row.state, row.key, row.edition, row.last_error) == (DeliveryState.revoked, "tomb", 1, "legal")
    assert ledger.get(k(s, lang="en")).state == DeliveryState.held  # another language is another story row set
    assert ledger.claim(k(s, 2)) is False  # revoked is not reclaimable without a reinstatement's from_states
    assert ledger.claim(k(s, 2), from_states=[DeliveryState.revoked])


def test_kill_register_is_idempotent_and_reinstatement_is_recorded(ledger: Ledger) -> None:
    s = _story()
    assert ledger.active_kill(s) is None
    with pytest.raises(ValueError):
        ledger.reinstate(s, "nothing to lift")
    first, new = ledger.record_kill(s, "legal")
    assert new and ledger.active_kill(s) == first
    again, new = ledger.record_kill(s, "another reason")
    assert not new and again == first  # the first kill (its time, its reason) stands
    with pytest.raises(ValueError):
        ledger.record_kill(s, "  ")
    ledger.reinstate(s, "cleared by legal")
    assert ledger.active_kill(s) is None
    ledger.record_kill(s, "again")
    assert [(e.action, e.reason) for e in ledger.story_events(s)] == [
        ("kill", "legal"), ("reinstate", "cleared by legal"), ("kill", "again")]


def _announce(ledger: Ledger, partner: str, story: str, edition: int = 1):  # type: ignore[no-untyped-def]
    return ledger.announce(partner, story, "id", 1, edition,
                           make=lambda seq, at: (f"feed/{seq:012d}.ndjson", json.dumps({"seq": seq, "story": story})))


def test_feed_numbers_are_per_partner_gap_free_and_allocated_once_per_change(ledger: Ledger) -> None:
    a, b = f"pa-{uuid.uuid4().hex[:6]}", f"pb-{uuid.uuid4().hex[:6]}"
    s = _story()
    first = _announce(ledger, a, s)
    assert first.seq == 1 and _announce(ledger, a, s) == first  # a retry gets its number back
    assert _announce(ledger, a, s, edition=2).seq == 2
    assert _announce(ledger, b, s).seq == 1  # each partner has a feed of its own
    assert [e.seq for e in ledger.feed_entries(a, unwritten=True)] == [1, 2]
    ledger.mark_feed_written(a, 1)
    assert [e.seq for e in ledger.feed_entries(a, unwritten=True)] == [2]


def test_feed_numbers_stay_unique_and_gap_free_under_concurrent_workers(ledger: Ledger) -> None:
    partner = f"pc-{uuid.uuid4().hex[:6]}"
    # Separate ledgers on one database, as separate worker processes would be (the fake: threads on one).
    others = [DeliveryLedger(make_engine(str(ledger.engine.url.render_as_string(hide_password=False))))
              for _ in range(3)] if isinstance(ledger, DeliveryLedger) else []
    workers = [ledger, *others]
    got: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def run(i: int) -> None:
        try:
            barrier.wait()
            for j in range(5):
                got.append(_announce(workers[i % len(workers)], partner, f"s{i}-{j}").seq)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for other in others:
        other.engine.dispose()
    assert not errors, errors
    assert sorted(got) == list(range(1, 41))
    assert [e.seq for e in ledger.feed_entries(partner)] == list(range(1, 41))


def test_renumbering_moves_unwritten_entries_past_numbers_the_bucket_already_has(ledger: Ledger) -> None:
    partner = f"pr-{uuid.uuid4().hex[:6]}"
    _announce(ledger, partner, "s1")
    _announce(ledger, partner, "s2")
    assert ledger.renumber_after(partner, 5) == 2
    entries = ledger.feed_entries(partner)
    assert [(e.seq, e.story_id, e.key) for e in entries] == [
        (6, "s1", "feed/000000000006.ndjson"), (7, "s2", "feed/000000000007.ndjson")]
    assert [json.loads(e.line)["seq"] for e in entries] == [6, 7]


def test_objects_and_blobs_roundtrip(ledger: Ledger) -> None:
    import hashlib

    s = _story()
    data = b"hello"
    sha = hashlib.sha256(data).hexdigest()
    rec = ObjectRecord("p", s, "id", 1, "version", f"{s}/v1.1.json", sha, "application/json")
    ledger.record_objects([rec, rec], {sha: data})
    assert ledger.objects("p", s) == [rec]
    assert ledger.blob(sha) == data
    ledger.forget_objects("p", [rec.key])
    assert ledger.objects("p", s) == []
    with pytest.raises(ValueError):
        ledger.record_objects([], {sha: b"other"})


def test_recording_a_key_again_keeps_one_row_with_the_last_bytes(ledger: Ledger) -> None:
    import hashlib

    s = _story()
    first, second = b"v1 body", b"v1 body, corrected"
    sha1, sha2 = hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest()
    key = f"{s}/latest.json"
    ledger.record_objects([ObjectRecord("p", s, "id", 1, "latest", key, sha1, "application/json")], {sha1: first})
    ledger.record_objects([ObjectRecord("p", s, "id", 2, "latest", key, sha2, "application/json")],
                          {sha2: second, sha1: first})  # a blob already held is not a conflict
    (row,) = ledger.objects("p", s)
    assert (row.key, row.version, row.sha256) == (key, 2, sha2)
    assert ledger.blob(sha1) == first and ledger.blob(sha2) == second


def test_a_ledger_from_before_editions_gains_the_column(tmp_path) -> None:
    from sqlalchemy import text

    eng = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE kawat_deliveries (id INTEGER PRIMARY KEY, partner VARCHAR(100) NOT NULL, "
                          "story_id VARCHAR(200) NOT NULL, language VARCHAR(20) NOT NULL, version INTEGER NOT NULL, "
                          "state VARCHAR(20) NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, key VARCHAR(1024), "
                          "checksum VARCHAR(64), created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL)"))
    ledger = DeliveryLedger(eng)
    assert ledger.claim(k("s"))
    ledger.mark_delivered(k("s"), edition=1, obj_key="x", checksum="c")
    assert ledger.get(k("s")).edition == 1
