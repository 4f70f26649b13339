"""S3 faults: a proxy in front of SeaweedFS fails 20% of requests (500, reset before/after, slow)."""

from __future__ import annotations

import pytest

from adapters.storage.client import make_s3_client
from tests.resilience.audit import audit
from tests.resilience.conftest import record
from tests.resilience.runs import faulty_settings
from tests.resilience.wire import write_batch
from tests.support.faults import S3FaultProxy
from tests.support.kawat_env import fast_task_retries, install
from tests.support.s3 import ADMIN

pytestmark = pytest.mark.slow

STORIES = 30


def test_s3_faults_everything_delivered_once_nothing_partial(tmp_path, seaweed, prefect_harness, monkeypatch) -> None:
    fast_task_retries(monkeypatch)
    with S3FaultProxy(seaweed.endpoint_url, rate=0.20, seed=5, slow_seconds=0.3) as proxy:
        settings, _ = faulty_settings(tmp_path, seaweed, mt_url=None, storage_endpoint=proxy.url)
        ids = write_batch(tmp_path / "inbox", "s3", STORIES)
        c = install(settings)
        from flows.outcome import result_of
        from flows.syndicate import syndicate

        result = result_of(syndicate(return_state=True))  # a run with failures ends Failed, rows attached
        proxy.enabled = False
        admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
        a = audit(settings, c.ledger, admin, ids)
        drift = [c.publisher.reconcile(p, c.store_for(p)) for p in settings.partners]
        failed = [r for r in result["rows"] if r.get("state") == "failed"]
        record("S3 faults (20%: 500/reset/slow)", stories=STORIES, **{
            "faults injected": f"{proxy.faults} of {proxy.requests} S3 requests ({dict(proxy.injected)})",
            "retries": proxy.faults, "delivered": len(a.delivered),
            "duplicates": a.duplicate_feed_lines + a.duplicate_latest, "lost": len(a.lost),
            "notes": f"{len(failed)} failed rows; missing feed lines {len(a.missing_feed_lines)}; "
                     f"partial {len(a.partial)}; dangling latest {len(a.dangling)}; "
                     f"reconcile drift {sum(r.drift for r in drift)}"})

    assert proxy.injected["500"] and proxy.injected["reset-before"] and proxy.injected["reset-after"], proxy.injected
    assert not a.partial, a.partial[:5]
    assert not a.dangling, a.dangling[:5]
    assert a.duplicate_latest == 0
    assert failed == [], failed[:3]
    assert a.unstored == [], a.unstored[:5]
    assert a.duplicate_feed_lines == 0, a.duplicated()
    assert a.missing_feed_lines == [], a.missing_feed_lines[:5]
    assert all(n == 1 for n in a.ledger_delivered.values())
    assert sum(r.drift for r in drift) == 0, [r for r in drift if r.drift]


def _one_story(tmp_path, seaweed, tag: str, arm):  # type: ignore[no-untyped-def]
    """One story through the flow behind a fault-free proxy that `arm(proxy, settings, container)` primes."""
    with S3FaultProxy(seaweed.endpoint_url, rate=0.0) as proxy:
        settings, _ = faulty_settings(tmp_path, seaweed, mt_url=None, storage_endpoint=proxy.url)
        ids = write_batch(tmp_path / "inbox", tag, 1)
        c = install(settings)
        arm(proxy, settings, c)
        from flows.outcome import result_of
        from flows.syndicate import syndicate

        result = result_of(syndicate(return_state=True))  # a run with failures ends Failed, rows attached
        admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
        return proxy, c, result, audit(settings, c.ledger, admin, ids)


def _target_partner(c) -> str:  # type: ignore[no-untyped-def]
    """The partner the exhaust test aims its faults at (the first one)."""
    return c.settings.partners[0].id


def _fail_feed_puts(action: str, times: int):  # type: ignore[no-untyped-def]
    def arm(proxy, settings, _c) -> None:  # type: ignore[no-untyped-def]
        for p in settings.partners:
            for _ in range(times):
                proxy.fail_next("PUT", f"/{p.bucket}/{p.prefix}/feed/", action)
    return arm


def test_s3_failed_feed_put_still_announces_the_story(tmp_path, seaweed, prefect_harness, monkeypatch) -> None:
    fast_task_retries(monkeypatch)
    proxy, _, _, a = _one_story(tmp_path, seaweed, "feedlost", _fail_feed_puts("500", 2))
    assert proxy.injected["500"] == 4
    assert a.unstored == []
    assert a.missing_feed_lines == [], a.missing_feed_lines


def test_s3_reset_after_feed_put_does_not_duplicate_the_feed_line(tmp_path, seaweed, prefect_harness,
                                                                  monkeypatch) -> None:
    fast_task_retries(monkeypatch)
    proxy, _, _, a = _one_story(tmp_path, seaweed, "feed", _fail_feed_puts("reset-after", 1))
    assert proxy.injected["reset-after"] == 2
    assert a.lost == [] and a.missing_feed_lines == []
    assert a.duplicate_feed_lines == 0, a.duplicated()


def test_s3_delivery_that_exhausts_its_retries_is_finished_by_the_task_retry(tmp_path, seaweed, prefect_harness,
                                                                              monkeypatch) -> None:
    fast_task_retries(monkeypatch)
    budget: list[int] = []

    def arm(proxy, settings, c) -> None:  # type: ignore[no-untyped-def]
        # Every try one delivery makes: tenacity's attempts x (the put + botocore's one retry).
        tries = c.publisher.retry.attempts * c.store_for(settings.partners[0]).client.meta.config.retries[
            "total_max_attempts"]
        budget.append(tries)
        for _ in range(tries):
            proxy.fail_next("PUT", "/latest.", "500")

    proxy, c, result, a = _one_story(tmp_path, seaweed, "exhaust", arm)
    assert proxy.injected["500"] == budget[0]
    assert [r for r in result["rows"] if r.get("state") == "failed"] == []
    # The partner whose latest failed is delivered by the retry; the other was delivered by the first try.
    states = {r["partner"]: r["state"] for r in result["rows"] if r["partner"] != "-"}
    assert states[_target_partner(c)] == "delivered" and set(states.values()) <= {"delivered", "unchanged"}
    assert a.lost == [] and a.missing_feed_lines == [] and a.duplicate_feed_lines == 0
    assert c.work.pending() == []
