"""The delivery ledger on SQLite and PostgreSQL: atomic claims, state moves, queries."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from adapters.db import make_engine
from adapters.ledger import DeliveryLedger, DeliveryState, ObjectRecord

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_available() -> bool:
    try:
        eng = make_engine(PG_URL)
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request, tmp_path) -> Iterator[DeliveryLedger]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    else:
        if not _pg_available():
            pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
        eng = make_engine(PG_URL)
    yield DeliveryLedger(eng)
    eng.dispose()


def _story() -> str:
    return f"afp.com-20231120-{uuid.uuid4().hex[:8]}"


def test_claim_is_exclusive_across_threads(ledger: DeliveryLedger) -> None:
    story = _story()
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        results.append(ledger.claim("p", story, "id", 1))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1


def test_failed_rows_are_reclaimable_delivered_rows_are_not(ledger: DeliveryLedger) -> None:
    s = _story()
    assert ledger.claim("p", s, "id", 1)
    ledger.mark_failed("p", s, "id", 1, "503 slow down")
    row = ledger.get("p", s, "id", 1)
    assert row and row.state == DeliveryState.failed and row.last_error == "503 slow down"
    assert [r.story_id for r in ledger.failed("p")].count(s) == 1
    assert ledger.claim("p", s, "id", 1)
    assert ledger.get("p", s, "id", 1).attempts == 2
    ledger.mark_delivered("p", s, "id", 1, key="k1", checksum="c1")
    assert not ledger.claim("p", s, "id", 1)
    assert ledger.claim("p", s, "id", 1, force=True)


def test_new_version_supersedes_older(ledger: DeliveryLedger) -> None:
    s = _story()
    for v in (1, 2):
        assert ledger.claim("p", s, "id", v)
        ledger.mark_delivered("p", s, "id", v, key=f"k{v}", checksum=f"c{v}")
    states = {r.version: r.state for r in ledger.rows(partner="p", story_id=s)}
    assert states == {1: DeliveryState.superseded, 2: DeliveryState.delivered}
    assert ledger.latest_delivered("p", s, "id").version == 2
    assert ledger.latest_delivered("other", s, "id") is None


def test_stale_pending_claim_can_be_taken_over(ledger: DeliveryLedger) -> None:
    s = _story()
    assert ledger.claim("p", s, "id", 1)
    assert not ledger.claim("p", s, "id", 1)
    ledger.lease = timedelta(seconds=-1)  # every pending row is now stale (its worker died)
    assert ledger.claim("p", s, "id", 1)


def test_revoke_marks_every_version_and_blocks_redelivery(ledger: DeliveryLedger) -> None:
    s = _story()
    assert ledger.claim("p", s, "id", 1)
    ledger.mark_delivered("p", s, "id", 1, key="k", checksum="c")
    ledger.mark_held("p", s, "en", 1, checksum="x")
    ledger.revoke("p", s, "id", 2, key="latest", checksum="t", reason="legal")
    assert {r.state for r in ledger.rows(partner="p", story_id=s, language="id")} == {DeliveryState.revoked}
    assert ledger.is_revoked("p", s, "id", 1) and not ledger.is_revoked("p", s, "en", 1)
    assert ledger.rows(partner="p", state="held", story_id=s)[0].language == "en"


def test_lookup_answers_is_revoked_and_get_in_one(ledger: DeliveryLedger) -> None:
    s = _story()
    assert ledger.lookup("p", s, "id", 1) == (False, None)
    assert ledger.claim("p", s, "id", 1)
    ledger.mark_delivered("p", s, "id", 1, key="k1", checksum="c1")
    assert ledger.claim("p", s, "id", 2)
    revoked, row = ledger.lookup("p", s, "id", 1)
    assert not revoked and row == ledger.get("p", s, "id", 1) and row.checksum == "c1"
    ledger.revoke("p", s, "id", 3, key="latest", checksum="t", reason="legal")
    for v in (1, 2, 3):
        assert ledger.lookup("p", s, "id", v) == (ledger.is_revoked("p", s, "id", v), ledger.get("p", s, "id", v))
        assert ledger.lookup("p", s, "id", v)[0]
    assert ledger.lookup("p", s, "id", 4) == (False, None)  # a later revision is not covered by the kill
    assert ledger.lookup("p", s, "en", 1) == (False, None)


def test_objects_and_blobs_roundtrip(ledger: DeliveryLedger) -> None:
    import hashlib

    s = _story()
    data = b"hello"
    sha = hashlib.sha256(data).hexdigest()
    rec = ObjectRecord("p", s, "id", 1, "version", f"{s}/v1.json", sha, "application/json")
    ledger.record_objects([rec, rec], {sha: data})
    assert ledger.objects("p", s) == [rec]
    assert ledger.blob(sha) == data
    ledger.forget_objects("p", [rec.key])
    assert ledger.objects("p", s) == []
    with pytest.raises(ValueError):
        ledger.record_objects([], {sha: b"other"})
