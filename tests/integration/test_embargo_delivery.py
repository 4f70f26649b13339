"""Embargoes end to end: a 'hold' partner sees nothing before release, a 'deliver' partner gets flagged copy."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import services.deliver
import services.ingest
import services.localize
from adapters.sources.memory import MemorySource
from flows.bootstrap import set_container
from tests.support import kawat_env
from tests.support.s3 import client_for

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "wire" / "newsml12-embargoed.xml"


def _keys(seaweed, report, partner) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    s3 = client_for(seaweed, report.credentials[partner.id])
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=partner.bucket, Prefix=partner.prefix + "/")
    return {o["Key"]: s3.get_object(Bucket=partner.bucket, Key=o["Key"])["Body"].read()
            for page in pages for o in page.get("Contents", [])}


def test_hold_partner_waits_for_release_deliver_partner_gets_flagged_copy(tmp_path: Path, seaweed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    data = FIXTURE.read_bytes().replace(b"20240305T130000Z", release.strftime("%Y%m%dT%H%M%SZ").encode())
    hold, early = kawat_env.partner_configs(2, languages=[["id"]])
    early["embargo_policy"] = "deliver"
    settings = kawat_env.make_settings(tmp_path, seaweed, partners=[hold, early], engine="dry-run", samples=False)
    report = kawat_env.provision_partners(seaweed, settings)
    c = kawat_env.install(settings)
    try:
        source = MemorySource(name="m")
        source.add("embargoed.xml", data)
        ((story_id, version, kind),) = services.ingest.ingest_file(c, source, source.poll()[0]).stories
        assert kind == "held"
        assert c.stories.get(story_id).embargoed == release
        assert services.ingest.release_embargoes(c) == [], "never released early"

        (article,) = services.localize.localize(c, story_id)
        assert article.provenance.engine == "dry-run"  # confidential engines only before release
        states = {r.partner: r.state for r in services.deliver.deliver(c, story_id, run_id="early")}
        hold_cfg, early_cfg = c.settings.partners
        assert states == {hold_cfg.id: "held", early_cfg.id: "delivered"}
        assert _keys(seaweed, report, hold_cfg) == {}
        latest = next(v for k, v in _keys(seaweed, report, early_cfg).items() if k.endswith("latest.json"))
        assert json.loads(latest)["embargoed"].startswith(release.strftime("%Y-%m-%dT%H:%M"))

        later = release + timedelta(seconds=5)
        c.clock = c.publisher.clock = lambda: later  # the injected clock: two hours on
        assert services.ingest.release_embargoes(c) == [(story_id, version)]
        states = {r.partner: r.state for r in services.deliver.deliver(c, story_id, run_id="release")}
        assert states[hold_cfg.id] == "delivered"
        assert states[early_cfg.id] in ("unchanged", "delivered")
        assert any(k.endswith("latest.json") for k in _keys(seaweed, report, hold_cfg))
    finally:
        set_container(None)


def test_missing_partner_credentials_fail_visibly_and_resend_recovers(tmp_path: Path, seaweed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A delivery that fails before reaching S3 is still in the ledger, so resend-failed retries it."""
    settings = kawat_env.make_settings(tmp_path, seaweed, partners=kawat_env.partner_configs(1, languages=[["id"]]),
                                       engine="dry-run", samples=False)
    kawat_env.provision_partners(seaweed, settings)
    access = os.environ.pop("KAWAT_TEST_WRITER_ACCESS_KEY")
    c = kawat_env.install(settings)
    try:
        source = MemorySource(name="m")
        sample = kawat_env.SAMPLES / "afp-en-shipping-green-fleet.xml"
        source.add(sample.name, sample.read_bytes())
        ((story_id, _, _),) = services.ingest.ingest_file(c, source, source.poll()[0]).stories
        services.localize.localize(c, story_id)
        (rec,) = services.deliver.deliver(c, story_id, run_id="no-creds")
        assert rec.state == "failed" and "KAWAT_TEST_WRITER_ACCESS_KEY" in (rec.detail or "")
        (row,) = c.ledger.failed()
        assert row.story_id == story_id and "KAWAT_TEST_WRITER_ACCESS_KEY" in (row.last_error or "")

        monkeypatch.setenv("KAWAT_TEST_WRITER_ACCESS_KEY", access)
        (rec,) = services.deliver.deliver(c, story_id, run_id="resend")
        assert rec.state == "delivered" and not c.ledger.failed()
    finally:
        set_container(None)
