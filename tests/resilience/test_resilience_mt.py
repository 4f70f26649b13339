"""MT faults: 429 + Retry-After, 503 and hangs past the timeout; every story arrives exactly once or fails whole."""

from __future__ import annotations

import pytest

from adapters.storage.client import make_s3_client
from tests.resilience.audit import audit
from tests.resilience.conftest import record
from tests.resilience.runs import faulty_settings
from tests.resilience.wire import write_batch
from tests.support.faults import FaultyMTServer
from tests.support.kawat_env import fast_task_retries, install, use_language_like_translations
from tests.support.s3 import ADMIN

pytestmark = pytest.mark.slow

STORIES = 50
POISONED = {3, 21}
MARK = "POISONPILL"


def test_mt_faults_deliver_exactly_once_or_fail_whole(tmp_path, seaweed, prefect_harness, monkeypatch) -> None:
    use_language_like_translations(monkeypatch)
    fast_task_retries(monkeypatch)
    with FaultyMTServer(seed=11, retry_after="0", slow_seconds=2.0, max_consecutive=3, poison=(MARK,)) as mt:
        settings, _ = faulty_settings(tmp_path, seaweed, mt_url=mt.url, timeout=1.0, max_attempts=4)
        ids = write_batch(tmp_path / "inbox", "mt", STORIES, poisoned=POISONED, marker=MARK)
        c = install(settings)
        from flows.outcome import result_of
        from flows.syndicate import syndicate

        result = result_of(syndicate(return_state=True))  # a run with failures ends Failed, rows attached
        good = [sid for i, sid in enumerate(ids) if i not in POISONED]
        bad = [ids[i] for i in sorted(POISONED)]
        admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
        a = audit(settings, c.ledger, admin, good)
        record("MT faults (429/503/hang)", stories=STORIES, **{
            "faults injected": f"{mt.faults} of {mt.requests} MT calls ({dict(mt.injected)})",
            "retries": mt.faults - mt.injected["poisoned-503"], "delivered": len(a.delivered), "duplicates": a.duplicate_feed_lines + a.duplicate_latest,
            "lost": len(a.lost), "notes": f"{len(bad)} stories on an always-failing engine ended failed ({mt.injected['poisoned-503']} calls refused)"})

    # The faults really happened, in roughly the proportions asked for.
    assert mt.injected["429"] >= 8 and mt.injected["503"] >= 2 and mt.injected["slow"] >= 1, mt.injected
    # Every good story: exactly one latest, one ledger row and one feed line per partner and version.
    assert a.lost == [], a.lost[:5]
    assert not a.partial and not a.dangling
    assert all(n == 1 for n in a.latest.values()) and all(n == 1 for n in a.feed.values() if n)
    assert all(n == 1 for n in a.ledger_delivered.values())
    assert {v for vs in a.versions.values() for v in vs} == {1}
    # The translated copy partners got is the engine's answer, not the English original.
    for sid in good[:3]:
        art = c.articles.get(sid, "id", 1)
        assert art is not None and art.review.value == "ok" and art.provenance.engine == "libre"
    # A story whose engine keeps failing: failed with its reason, nothing of it anywhere downstream.
    rows = {r["story_id"]: r for r in result["rows"]}
    for sid in bad:
        assert rows[sid]["state"] == "failed" and "503" in str(rows[sid]["detail"]), rows[sid]
        assert c.articles.get(sid, "id", 1) is None, "a half-translated article was stored"
        for p in settings.partners:
            assert c.ledger.rows(partner=p.id, story_id=sid) == []
            keys = [k for page in admin.get_paginator("list_objects_v2").paginate(Bucket=p.bucket)
                    for k in [o["Key"] for o in page.get("Contents", []) or []] if sid in k]
            assert keys == [], keys
