"""A real `prefect server` + `kawat serve`: runs triggered through the UI's REST API reach partner buckets."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from adapters.db import make_engine
from adapters.ledger import DeliveryLedger, DeliveryState
from tests.support.kawat_env import make_settings, partner_configs, provision_partners
from tests.support.prefect_server import BIN, PrefectServer, Proc, describe_failure, kawat_toml, prefect_env
from tests.support.s3 import client_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(360)]


def _keys(reader, bucket: str, prefix: str) -> set[str]:  # type: ignore[no-untyped-def]
    """A partner may list only its own prefix."""
    pages = reader.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix.strip("/") + "/")
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def test_served_deployments_run_from_the_api(tmp_path: Path, seaweed, procs) -> None:  # type: ignore[no-untyped-def]
    partner = partner_configs(1, languages=[("id",)])[0]
    settings = make_settings(tmp_path, seaweed, partners=[partner], engine="dry-run")
    creds = provision_partners(seaweed, settings).credentials[partner["id"]]
    config = tmp_path / "kawat.toml"
    config.write_text(kawat_toml(
        data_dir=settings.data_dir, inbox=Path(settings.sources[0].path or ""), endpoint=seaweed.endpoint_url,
        partners=[partner], access_env="KAWAT_TEST_WRITER_ACCESS_KEY", secret_env="KAWAT_TEST_WRITER_SECRET_KEY",
    ))
    wire_files = sorted(p.name for p in (tmp_path / "inbox").iterdir() if p.suffix in (".xml", ".json"))
    assert wire_files, "samples/wire is empty"

    server = procs.add(PrefectServer(tmp_path / "prefect-home")).start()
    env = prefect_env(tmp_path / "serve-home", server.api_url, KAWAT_CONFIG=str(config), KAWAT_WORKERS="2",
                      PREFECT_RUNNER_POLL_FREQUENCY="1",  # pick a UI-triggered run up within a second, not ten
                      KAWAT_TEST_WRITER_ACCESS_KEY=seaweed.identities[0].access_key,
                      KAWAT_TEST_WRITER_SECRET_KEY=seaweed.identities[0].secret_key)
    serve = procs.add(Proc("kawat-serve", [str(BIN / "kawat"), "serve"], env, tmp_path / "serve.log")).start()
    api = server.client()

    # 1. The UI's "Run" on syndicate/syndicate-now: the whole inbox ends up in the partner's bucket.
    dep = api.wait_deployment("syndicate", "syndicate-now", timeout=120, alive=serve)
    run = api.run_deployment(dep["id"])
    run = api.wait_flow_run(run["id"], timeout=180, watch=[server.proc, serve])
    assert run["state_type"] == "COMPLETED", describe_failure(api, run)
    assert run["deployment_id"] == dep["id"]

    ledger = DeliveryLedger(make_engine(settings.db_url))
    rows = ledger.rows(partner=partner["id"])
    delivered = [r for r in rows if r.state == DeliveryState.delivered]
    assert delivered, f"nothing delivered: {rows}\n{serve.output()}"
    assert {r.language for r in delivered} == {"id"}
    reader = client_for(seaweed, creds)
    keys = _keys(reader, partner["bucket"], partner["prefix"])
    for r in delivered:
        assert r.key in keys, f"ledger says {r.key} was delivered but the bucket lacks it"
        doc = json.loads(reader.get_object(Bucket=partner["bucket"], Key=r.key)["Body"].read())
        assert doc.get("language", "id").startswith("id")
    processed = {p.name for p in (tmp_path / "inbox" / "processed").iterdir()}
    assert set(wire_files) <= processed, "the served run did not consume the inbox"
    report = api.artifacts(run["id"], key="syndicate-report")
    assert report, "the run report artifact is missing"

    # 2. An editor's rerun of one story to this partner, forced: a second attempt, object rewritten.
    target = delivered[0]
    before = reader.head_object(Bucket=partner["bucket"], Key=target.key)["LastModified"]
    rerun = api.wait_deployment("rerun", "rerun-story", timeout=30)
    run2 = api.run_deployment(rerun["id"], {"story_id": target.story_id, "partner": partner["id"], "force": True})
    run2 = api.wait_flow_run(run2["id"], timeout=180, watch=[server.proc, serve])
    assert run2["state_type"] == "COMPLETED", describe_failure(api, run2)
    assert run2["parameters"]["story_id"] == target.story_id
    after = ledger.get(target.ident)
    assert after is not None and after.state == DeliveryState.delivered
    assert after.attempts == target.attempts + 1, "a forced rerun must claim the delivery again"
    assert reader.head_object(Bucket=partner["bucket"], Key=target.key)["LastModified"] >= before
    others = [ledger.get(r.ident) for r in delivered[1:]]
    assert [o.attempts for o in others if o] == [r.attempts for r in delivered[1:]], "rerun touched other stories"

    # 3. A rerun of a story Kawat never saw fails fast instead of completing empty.
    run3 = api.run_deployment(rerun["id"], {"story_id": f"afp.com-20990101-{uuid.uuid4().hex[:8]}"})
    run3 = api.wait_flow_run(run3["id"], timeout=120, watch=[server.proc, serve])
    assert run3["state_type"] == "FAILED"
    api.close()
