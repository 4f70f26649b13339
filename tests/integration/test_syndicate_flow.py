"""The foundation slice for real: wire folder → Prefect flow → LibreTranslate protocol → SeaweedFS partners."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from jsonschema import Draft202012Validator

from flows.bootstrap import set_container
from tests.support import kawat_env
from tests.support.mt_servers import MTServer
from tests.support.s3 import client_for

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def mt(monkeypatch: pytest.MonkeyPatch) -> Iterator[MTServer]:
    kawat_env.use_language_like_translations(monkeypatch)
    with MTServer() as server:
        yield server


@pytest.fixture
def world(tmp_path: Path, seaweed, mt: MTServer):  # type: ignore[no-untyped-def]
    """Two provisioned partners (id and en), the sample wire plus two bad files in the inbox."""
    partners = kawat_env.partner_configs(2)
    settings = kawat_env.make_settings(tmp_path, seaweed, partners=partners, engine="libre", engine_url=f"{mt.url}/")
    inbox = Path(settings.sources[0].path or "")
    (inbox / "broken.xml").write_bytes(b"<?xml version='1.0'?><NewsML><NewsItem><Identification>")
    (inbox / "memo.bin").write_bytes(b"\x00\x01\x02 not a wire format \xff")
    report = kawat_env.provision_partners(seaweed, settings)
    c = kawat_env.install(settings)
    yield c, report, inbox
    set_container(None)


def _partner_keys(seaweed, report, partner) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    s3 = client_for(seaweed, report.credentials[partner.id])
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=partner.bucket, Prefix=partner.prefix + "/"):
        for o in page.get("Contents", []):
            out[o["Key"]] = s3.get_object(Bucket=partner.bucket, Key=o["Key"])["Body"].read()
    return out


def test_syndicate_delivers_every_good_story_and_quarantines_bad_files(world, seaweed, shared_dir, mt,  # type: ignore[no-untyped-def]
                                                                       monkeypatch) -> None:
    import gc
    import threading

    from flows import runtime
    from flows.syndicate import syndicate

    c, report, inbox = world
    frozen: list[bool] = []
    monkeypatch.setattr(runtime, "_frozen", threading.Event())
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))  # the pytest process stays as it was
    result = syndicate()
    assert frozen == [True]  # the run froze the start-up heap before its batch, once
    rows = result["rows"]
    delivered = {(r["story_id"], r["partner"]) for r in rows if r["state"] == "delivered"}
    story_ids = set(c.stories.list_ids())
    assert len(story_ids) == 5
    # Every story reaches every partner except the Indonesian story for the Indonesian partner? No:
    # each partner gets its language — originals in their own language, translations otherwise.
    assert delivered == {(s, p.id) for s in story_ids for p in c.settings.partners}
    assert mt.translate_calls("libre"), "the engine was really called over HTTP"

    quarantined = sorted(p.name for p in (inbox / "quarantine").iterdir())
    assert "broken.xml" in quarantined and "memo.bin" in quarantined
    reason = (inbox / "quarantine" / "broken.xml.reason.txt").read_text()
    assert "xml" in reason.lower()
    assert not any("broken" in r.get("story_id", "") for r in rows)

    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    validator = Draft202012Validator(schema)
    for partner in c.settings.partners:
        objects = _partner_keys(seaweed, report, partner)
        latest = [k for k in objects if k.endswith("latest.json")]
        assert len(latest) == 5
        for key in latest:
            doc = json.loads(objects[key])
            errors = [e.message for e in validator.iter_errors(doc)]
            assert not errors, (key, errors)
            assert doc["language"] == partner.languages[0]
            html = next(b["value"] for b in doc["bodies"] if b["contenttype"] == "text/html")
            assert "AFP" in html or "Penulis" in html or "Writer" in html
        texts = [objects[k].decode() for k in objects if k.endswith(".txt")]
        assert texts and all(("Penulis:" in t) == (partner.languages[0] == "id") for t in texts)


def test_second_run_writes_nothing_and_force_rerun_touches_one_partner(world, seaweed) -> None:  # type: ignore[no-untyped-def]
    from flows.editorial import rerun
    from flows.syndicate import syndicate

    c, report, inbox = world
    syndicate()
    before = {p.id: _partner_keys(seaweed, report, p) for p in c.settings.partners}
    again = syndicate()
    assert again["files"] == 0 and not [r for r in again["rows"] if r["state"] == "delivered"]
    assert {p.id: _partner_keys(seaweed, report, p) for p in c.settings.partners} == before

    story = sorted(c.stories.list_ids())[0]
    a, b = c.settings.partners
    rows = rerun(story_id=story, partner=a.id, force=True)
    assert {r["partner"] for r in rows} == {a.id}
    assert all(r["state"] == "delivered" and r["objects_written"] > 0 for r in rows)
    after_b = _partner_keys(seaweed, report, b)
    assert after_b == before[b.id]


def test_kill_leaves_a_tombstone_and_no_body(world, seaweed) -> None:  # type: ignore[no-untyped-def]
    from flows.editorial import kill
    from flows.syndicate import syndicate

    c, report, _ = world
    syndicate()
    story = sorted(c.stories.list_ids())[1]
    rows = kill(story_id=story, reason="Legal: withdrawn by the agency", confirm=story)
    assert rows and all(r["state"] == "revoked" for r in rows)
    killed_version = c.stories.get(story).version
    again = kill(story_id=story, reason="Legal: withdrawn by the agency", confirm=story)  # an editor's retry
    assert c.stories.get(story).version == killed_version
    assert {r["version"] for r in again} == {killed_version}
    assert all(r["state"] == "revoked" and r["detail"] == "already killed" for r in again)
    for partner in c.settings.partners:
        objects = {k: v for k, v in _partner_keys(seaweed, report, partner).items() if f"/{story}/" in k}
        # latest.json and the tombstone edition (v{revision}.2.json, the same bytes) are all that is left.
        assert sorted(k.rsplit("/", 1)[1] for k in objects) == ["latest.json", f"v{killed_version}.2.json"]
        assert len(set(objects.values())) == 1
        doc = json.loads(next(iter(objects.values())))
        assert doc["pubstatus"] == "canceled" and "bodies" not in doc and doc["version"] == f"{killed_version}.2"

    # An editor reinstates it through the `reinstate` flow: a new edition above the tombstone, recorded.
    from flows.editorial import reinstate

    back = reinstate(story_id=story, reason="Legal cleared the story")
    assert back and all(r["state"] == "delivered" and r["edition"] == 3 for r in back)
    assert [(e.action, e.reason) for e in c.ledger.story_events(story)] == [
        ("kill", "Legal: withdrawn by the agency"), ("reinstate", "Legal cleared the story")]
    for partner in c.settings.partners:
        objects = _partner_keys(seaweed, report, partner)
        latest = next(v for k, v in objects.items() if k.endswith(f"/{story}/latest.json"))
        assert json.loads(latest)["pubstatus"] == "usable" and json.loads(latest)["version"] == f"{killed_version}.3"
        assert any(k.endswith(f"/{story}/v{killed_version}.2.json") for k in objects), "the tombstone stays"


def test_flow_parameters_are_typed_and_bad_story_fails_fast(world) -> None:  # type: ignore[no-untyped-def]
    from prefect.exceptions import ParameterTypeError

    from adapters.errors import PermanentError
    from flows.editorial import deliver, localize

    with pytest.raises(ParameterTypeError):
        localize(story_id="x", target_lang="fr")  # type: ignore[arg-type]
    with pytest.raises(PermanentError, match="unknown story 'no-such-story'"):
        deliver(story_id="no-such-story")


def test_resend_failed_recovers_after_s3_outage(world, seaweed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from flows.editorial import resend_failed
    from flows.outcome import result_of
    from flows.syndicate import syndicate

    kawat_env.fast_task_retries(monkeypatch)

    c, report, _ = world
    seaweed.stop()
    try:
        state = syndicate(return_state=True)
    finally:
        seaweed.start()
    assert state.is_failed(), "a run whose deliveries failed must not end Completed"
    first = result_of(state)
    failed = c.ledger.failed()
    assert f"{len([r for r in first['rows'] if r['state'] == 'failed'])} failed" in state.message
    assert failed and all(r["state"] != "delivered" for r in first["rows"] if r["partner"] != "-")
    result = resend_failed()
    assert result["retried"] >= 5
    assert not c.ledger.failed()
    for partner in c.settings.partners:
        assert len([k for k in _partner_keys(seaweed, report, partner) if k.endswith("latest.json")]) == 5


def test_run_report_artifact_lists_stories_and_partners(world) -> None:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.syndicate import syndicate

    c, _, _ = world
    state = syndicate(return_state=True)
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["syndicate-report"]), flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
    assert arts
    table = json.loads(arts[0].data) if isinstance(arts[0].data, str) else arts[0].data
    ids = {row["story_id"] for row in table}
    assert set(c.stories.list_ids()) <= ids
    assert any(row["state"] == "quarantined" for row in table)


def test_partner_cannot_read_the_other_partners_bucket(world, seaweed) -> None:  # type: ignore[no-untyped-def]
    from flows.syndicate import syndicate

    c, report, _ = world
    syndicate()
    a, b = c.settings.partners
    s3 = client_for(seaweed, report.credentials[a.id])
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=b.bucket, Prefix=b.prefix + "/")


def test_task_runs_say_which_story_engine_and_partner(world) -> None:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.editorial import rerun
    from flows.syndicate import syndicate

    c, _, _ = world
    run_id = syndicate(return_state=True).state_details.flow_run_id
    story = sorted(c.stories.list_ids())[0]
    partner = c.settings.partners[0].id
    rerun_id = rerun(story_id=story, partner=partner, return_state=True).state_details.flow_run_id
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
        again = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[rerun_id])))
    story_runs = [r for r in runs if r.name.startswith("story-")]
    assert {r.name for r in story_runs} == {f"story-{s}" for s in c.stories.list_ids()}
    assert all("engine:libre" in r.tags and f"partner:{partner}" in r.tags for r in story_runs)
    names = {r.name for r in again}
    assert f"localize-{story}-all" in names and f"deliver-{story}-{partner}" in names
    assert any(f"partner:{partner}" in r.tags for r in again if r.name.startswith("deliver-"))


def test_a_story_that_raises_inside_its_file_task_is_retried_in_its_own_task(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import flows.syndicate as fs
    import services.process

    c, _, _ = world
    kawat_env.fast_task_retries(monkeypatch)
    real, raised = services.process.process, []

    def flaky(c_, story_id, **kw):  # type: ignore[no-untyped-def]
        if not raised:
            raised.append(story_id)
            raise RuntimeError("connection pool exhausted")
        return real(c_, story_id, **kw)

    monkeypatch.setattr(services.process, "process", flaky)
    rows = fs.syndicate()["rows"]
    assert raised, "no story reached processing"
    states = {r["state"] for r in rows if r["story_id"] == raised[0]}
    assert "delivered" in states and "failed" not in states
    assert c.work.pending() == []  # nothing left for a later run to pick up


def test_a_backlog_goes_a_few_files_per_task_and_a_file_that_raises_gets_its_own(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The sample inbox (seven wire files) on one thread is a backlog: the oldest file starts alone while the
    rest are claimed, then one task run for those, labelled with their stories; one raising file is taken
    out of it and retried alone; the outcome is the same."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    import flows.syndicate as fs
    import services.ingest

    c, _, inbox = world
    kawat_env.fast_task_retries(monkeypatch)
    monkeypatch.setattr(fs, "handle_files", fs.handle_files.with_options(retry_delay_seconds=0))
    monkeypatch.setenv("KAWAT_WORKERS", "1")  # more than SINGLE_UP_TO files per thread
    real, raised, seen = services.ingest.ingest_file, [], []

    def flaky(c_, source, item):  # type: ignore[no-untyped-def]
        seen.append(item.name)
        if not raised and len(seen) > 1 and item.name.endswith(".xml") and item.name != "broken.xml":
            raised.append(item.name)  # a file of the batch (the first file ingested ran alone)
            raise RuntimeError("database is locked")
        return real(c_, source, item)

    monkeypatch.setattr(services.ingest, "ingest_file", flaky)
    state = fs.syndicate(return_state=True)
    rows = state.result()["rows"]
    assert raised, "no file of the batch reached ingest"
    stories = set(c.stories.list_ids())
    delivered = {r["story_id"] for r in rows if r["state"] == "delivered"}
    assert stories and delivered == stories, (stories - delivered, rows)
    quarantined = {r["detail"].split(":")[0] for r in rows if r["state"] == "quarantined"}
    assert {q.rsplit("/", 1)[-1] for q in quarantined} == {"broken.xml", "memo.bin"}
    def read() -> tuple[list, list, list]:  # type: ignore[type-arg]
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[
                state.state_details.flow_run_id])))
        batch = [r for r in runs if r.task_key.startswith("handle_files")]
        alone = [r for r in runs if r.task_key.startswith("handle_file-") or r.name.startswith("file-")]
        return runs, batch, alone

    # The API records task runs (their final names, tags and states) in batches, up to a second behind the
    # flow's return: read again until the retried file's run shows Completed, then assert on what is there.
    deadline = time.monotonic() + 15
    runs, batch, alone = read()
    while time.monotonic() < deadline and not (alone and all(r.state_name == "Completed" for r in [*batch, *alone])):
        time.sleep(0.3)
        runs, batch, alone = read()
    assert len(batch) == 1, [r.name for r in runs]
    assert all(r.name.startswith("stories-") for r in batch), [r.name for r in batch]
    # Alone: the oldest file (its task started before the rest were claimed) and the batch's raising file.
    assert len(alone) == 2 and all(r.state_name == "Completed" for r in alone), [(r.name, r.state_name) for r in runs]
    assert min(r.start_time for r in alone) < batch[0].start_time
    tagged = {t.removeprefix("story:") for r in [*batch, *alone] for t in r.tags if t.startswith("story:")}
    assert tagged == stories


def _age_in_name_order(inbox: Path, start: float = 1_700_000_000.0) -> list[Path]:
    """Give the inbox's files distinct arrival times in name order, so 'oldest first' is a known order."""
    import os

    files = sorted(p for p in inbox.iterdir() if p.is_file())
    for i, p in enumerate(files):
        os.utime(p, (start + i, start + i))
    return [p for p in files if not p.name.endswith(".jpg")]  # pictures travel with their story


def test_a_backlog_is_claimed_oldest_first_in_two_polls_that_keep_to_the_limit(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first poll takes as many files as there are task threads; the second, the rest up to `limit`."""
    import flows.syndicate as fs
    from adapters.sources.folder import FolderSource

    _c, _, inbox = world
    monkeypatch.setenv("KAWAT_WORKERS", "2")
    wires = _age_in_name_order(inbox)
    assert len(wires) == 7
    polls: list[int | None] = []
    real_poll = FolderSource.poll

    def spy(self, limit=None):  # type: ignore[no-untyped-def]
        polls.append(limit)
        return real_poll(self, limit)

    monkeypatch.setattr(FolderSource, "poll", spy)
    assert fs.syndicate(limit=3)["files"] == 3
    assert polls == [2, 1]
    left = sorted(p.name for p in inbox.iterdir() if p.is_file() and not p.name.endswith(".jpg"))
    assert left == sorted(p.name for p in wires[3:])  # the three oldest went, the four newest wait
    polls.clear()
    assert fs.syndicate()["files"] == 4
    assert polls == [2, None]
    assert not [p for p in inbox.iterdir() if p.is_file() and not p.name.endswith(".jpg")]
    assert not list((inbox / ".claimed").iterdir())  # nothing left claimed for a stale-claim retake


def test_a_first_poll_of_resends_still_runs_the_new_files_behind_them(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Re-sends are settled at claim time: a first poll of only re-sends must not end the run as idle."""
    import json
    import shutil

    import flows.syndicate as fs

    c, _, inbox = world
    assert fs.syndicate()["files"] == 7
    sample = kawat_env.SAMPLES
    for name in ("afp-en-security-council-drought.xml", "afp-en-shipping-green-fleet.xml"):
        shutil.copy2(sample / name, inbox / f"again-{name}")  # byte-identical re-sends
    fresh = json.loads((sample / "ninjs-en-rail-strike.json").read_text())
    fresh["uri"] = "urn:newsml:afp.com:20231123:doc-kwtnew01:1"
    fresh["version"] = "1"
    fresh["headlines"][0]["value"] = "Rail strike ends after talks"
    (inbox / "zz-new-story.json").write_text(json.dumps(fresh))
    _age_in_name_order(inbox)  # the two re-sends are the oldest: they fill a two-thread first poll
    monkeypatch.setenv("KAWAT_WORKERS", "2")
    result = fs.syndicate()
    assert result["files"] == 1
    ids = {r["story_id"] for r in result["rows"] if r["state"] == "delivered"}
    assert len(ids) == 1 and ids <= set(c.stories.list_ids())
    assert not [p for p in inbox.iterdir() if p.is_file()]
    assert not list((inbox / ".claimed").iterdir())


def test_a_second_poll_that_fails_keeps_the_first_files_and_leaves_the_rest_for_the_next_run(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import flows.syndicate as fs
    from adapters.errors import TransientError
    from adapters.sources.folder import FolderSource
    from flows.outcome import result_of

    c, _, inbox = world
    monkeypatch.setenv("KAWAT_WORKERS", "2")
    monkeypatch.setattr(fs, "claim_files", fs.claim_files.with_options(retries=0))
    wires = _age_in_name_order(inbox)
    real_poll, polls = FolderSource.poll, []

    def second_fails(self, limit=None):  # type: ignore[no-untyped-def]
        polls.append(limit)
        if len(polls) == 2:
            raise TransientError(f"drop folder {self.root}: Input/output error")
        return real_poll(self, limit)

    monkeypatch.setattr(FolderSource, "poll", second_fails)
    state = fs.syndicate(return_state=True)
    assert state.is_failed()
    result = result_of(state)
    assert result["files"] == 2
    failed = [r for r in result["rows"] if r["state"] == "failed"]
    assert len(failed) == 1 and "claiming the rest of the backlog failed" in failed[0]["detail"]
    assert "Input/output error" in failed[0]["detail"]
    first_ids = {r["story_id"] for r in result["rows"] if r["state"] == "delivered"}
    assert first_ids and first_ids <= set(c.stories.list_ids())
    left = sorted(p.name for p in inbox.iterdir() if p.is_file() and not p.name.endswith(".jpg"))
    assert left == sorted(p.name for p in wires[2:])  # untouched, in the inbox: the next poll takes them
    monkeypatch.setattr(FolderSource, "poll", real_poll)
    again = fs.syndicate()
    assert again["files"] == 5
    assert not [p for p in inbox.iterdir() if p.is_file() and not p.name.endswith(".jpg")]
