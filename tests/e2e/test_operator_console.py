"""The Prefect console as an operator uses it: one real `prefect server` + `kawat serve`, driven over the
UI's REST API — deployments to choose from, runs to find, honest states, alerts, a review to answer.

One server, one `kawat serve` and one set of local S3 / MT / webhook servers for the whole module; the
tests run in file order and each leaves the installation as the next expects it.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.db import make_engine
from adapters.ledger import DeliveryLedger
from adapters.wire import parse_wire
from tests.support import browser, kawat_env
from tests.support.faults import S3FaultProxy
from tests.support.kawat_env import SAMPLES, partner_configs, provision_partners
from tests.support.mt_servers import MTServer
from tests.support.prefect_server import BIN, Api, PrefectServer, Proc, describe_failure, prefect_env
from tests.support.s3 import client_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REVIEW_SAMPLE = "afp-en-security-council-drought.xml"  # has glossary terms an engine can lose
MAIN_SAMPLE = "afp-en-shipping-green-fleet.xml"
ALLOWED_TAG = re.compile(r"^(story|partner|engine):.+")


class Webhook:
    """A local receiver standing in for Slack: records every POST a Prefect notification block makes."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    owner.posts.append(json.loads(body or b"{}"))
                except ValueError:
                    owner.posts.append({"raw": body.decode(errors="replace")})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, needle: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for post in list(self.posts):
                if needle in json.dumps(post):
                    return post
            time.sleep(0.5)
        raise AssertionError(f"no alert mentioning {needle!r} within {timeout}s; got {self.posts}")


@dataclass
class Console:
    api: Api
    serve: Proc
    server: PrefectServer
    partner: dict[str, Any]
    reader: Any
    ledger: DeliveryLedger
    inbox: Path
    proxy: S3FaultProxy
    hook: Webhook
    mode: dict[str, bool]
    review_story: str
    main_story: str
    mt: MTServer
    deps: dict[str, dict[str, Any]] = field(default_factory=dict)

    def dep(self, flow: str, name: str) -> dict[str, Any]:
        if (flow, name) not in self.deps:
            self.deps[(flow, name)] = self.api.wait_deployment(flow, name, timeout=120, alive=self.serve)  # type: ignore[index]
        return self.deps[(flow, name)]  # type: ignore[index]

    def run(self, flow: str, name: str, params: dict[str, Any] | None = None, timeout: float = 180) -> dict[str, Any]:
        """What the UI's Run → Custom run does, then watch it to the end."""
        created = self.api.run_deployment(self.dep(flow, name)["id"], params or {})
        return self.api.wait_flow_run(created["id"], timeout=timeout, watch=[self.server.proc, self.serve])  # type: ignore[list-item]

    def wait_state(self, run_id: str, state_type: str, timeout: float, after: str | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        run: dict[str, Any] = {}
        while time.monotonic() < deadline:
            run = self.api.flow_run(run_id)
            if run["state_type"] == state_type and (after is None or run["state"]["id"] != after):
                return run
            assert self.serve.alive(), self.serve.output()
            time.sleep(0.5)
        raise AssertionError(f"run {run_id} not {state_type} after {timeout}s: {run.get('state')}\n{self.serve.output()}")


def _language_like_unless_dropping(mode: dict[str, bool]):  # type: ignore[no-untyped-def]
    def translate(text: str, target: str) -> str:
        out = kawat_env.language_like(text, target)
        return re.sub(r"ZX0*0Q", "", out, count=1) if mode["drop"] else out  # loses a protected term
    return translate


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, seaweed) -> Iterator[Console]:  # type: ignore[no-untyped-def]
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.settings import PREFECT_API_URL, temporary_settings

    tmp = tmp_path_factory.mktemp("console")
    mode = {"drop": False}
    partner = partner_configs(1, languages=[("id",)])[0]
    settings = kawat_env.make_settings(tmp, seaweed, partners=[partner], engine="libre",
                                       engine_url="http://unused/")
    creds = provision_partners(seaweed, settings)
    inbox = Path(settings.sources[0].path or "")
    (inbox / REVIEW_SAMPLE).unlink()  # arrives later, when the engine loses a term (the review test)
    hook = Webhook()
    hook.thread.start()
    stack: list[Any] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("tests.support.mt_servers.fake_translate", _language_like_unless_dropping(mode))
        mt = MTServer().__enter__()
        stack.append(mt)
        proxy = S3FaultProxy(seaweed.endpoint_url, rate=0.0).__enter__()
        stack.append(proxy)
        server = PrefectServer(tmp / "prefect-home", ui=browser.chromium() is not None).start()
        serve = None
        try:
            # The operator's notification block (UI → Blocks → Custom Webhook), pointed at our receiver.
            with temporary_settings({PREFECT_API_URL: server.api_url}):
                CustomWebhookNotificationBlock(
                    name="kawat-alerts", url=hook.url, json_data={"subject": "{{subject}}", "body": "{{body}}"},
                ).save("kawat-alerts", overwrite=True)
            config = tmp / "kawat.toml"
            config.write_text("\n".join([
                "[kawat]", f'data_dir = "{settings.data_dir}"', 'engine = "libre"', 'editor = "Meja Redaksi"',
                "", "[engines.libre]", 'kind = "libre"', f'url = "{mt.url}/"', "confidential = true",
                "timeout = 5", "max_attempts = 2", "rate_per_second = 100",
                "", "[[sources]]", 'name = "drop"', 'kind = "folder"', f'path = "{inbox}"',
                "", "[storage]", f'endpoint_url = "{proxy.url}"', 'access_key_env = "KAWAT_TEST_WRITER_ACCESS_KEY"',
                'secret_key_env = "KAWAT_TEST_WRITER_SECRET_KEY"', "retry_attempts = 2", "retry_wait = 0.1",
                "retry_wait_max = 0.2",
                "", "[alerts]", 'notify = "custom-webhook/kawat-alerts"', "review_paused_minutes = 0.25",
                "", "[[partners]]",
                *[f"{k} = {json.dumps(v)}" for k, v in partner.items() if v is not None], "",
            ]))
            env = prefect_env(tmp / "serve-home", server.api_url, KAWAT_CONFIG=str(config), KAWAT_WORKERS="2",
                              PREFECT_RUNNER_POLL_FREQUENCY="1",
                              KAWAT_TEST_WRITER_ACCESS_KEY=creds.writer.access_key,  # type: ignore[union-attr]
                              KAWAT_TEST_WRITER_SECRET_KEY=creds.writer.secret_key)  # type: ignore[union-attr]
            serve = Proc("kawat-serve", [str(BIN / "kawat"), "serve"], env, tmp / "serve.log").start()
            (review_story,) = [s.story_id for s in parse_wire((SAMPLES / REVIEW_SAMPLE).read_bytes(), REVIEW_SAMPLE)]
            (main_story,) = [s.story_id for s in parse_wire((SAMPLES / MAIN_SAMPLE).read_bytes(), MAIN_SAMPLE)]
            yield Console(api=server.client(), serve=serve, server=server, partner=partner,
                          reader=client_for(seaweed, creds.credentials[partner["id"]]),
                          ledger=DeliveryLedger(make_engine(settings.db_url)), inbox=inbox, proxy=proxy, hook=hook,
                          mode=mode, review_story=review_story, main_story=main_story, mt=mt)
        finally:
            if serve is not None:
                serve.stop()
            server.stop()
            for item in reversed(stack):
                item.__exit__(None, None, None)
            hook.server.shutdown()


def _artifacts(api: Api, run_id: str) -> list[dict[str, Any]]:
    return api.artifacts(run_id)


def _table(artifact: dict[str, Any]) -> list[dict[str, Any]]:
    data = artifact["data"]
    return json.loads(data) if isinstance(data, str) else data  # type: ignore[no-any-return]


def _input(api: Api, run_id: str, key: str, timeout: float = 30) -> Any:
    """A paused run's form data; Prefect saves it just after the run turns Paused, so wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        r = api._request("GET", f"flow_runs/{run_id}/input/{key}")
        if r.status_code != 404 or time.monotonic() > deadline:
            r.raise_for_status()
            return r.json()
        time.sleep(0.3)


def _logs(api: Api, run_id: str, awaiting: str | None = None, timeout: float = 15.0) -> str:
    """The run's logs; with `awaiting`, read again for a while until that text is in them.

    A run process ships its logs in the background and may report Completed before the last batch lands
    (seen once in a full CI run: the retry warning was missing from the logs read right after).
    """
    deadline = time.monotonic() + timeout
    logs = api.flow_run_logs(run_id)
    while awaiting is not None and awaiting not in logs and time.monotonic() < deadline:
        time.sleep(0.5)
        logs = api.flow_run_logs(run_id)
    return logs


# ---------------------------------------------------------------------------------------------------
def test_deployments_have_unique_names_descriptions_and_configured_choices(console: Console) -> None:
    for flow, name in (("ingest", "ingest-every-2-minutes"), ("syndicate", "syndicate-now"), ("rerun", "rerun-story"),
                       ("localize", "localize-story"), ("deliver", "deliver-story"), ("kill", "kill-story"),
                       ("review", "review-article"), ("resend-failed", "resend-failed-hourly")):
        console.dep(flow, name)  # what the operator looks for in the Deployments list
    deps = console.api._json("POST", "deployments/filter", json={"limit": 50})
    names = [d["name"] for d in deps]
    assert len(names) >= 8 and len(set(names)) == len(names), names
    for d in deps:
        assert d["description"], f"{d['name']} has no description"
        for pname, prop in d["parameter_openapi_schema"]["properties"].items():
            assert prop.get("description"), f"{d['name']}: {pname} undescribed"
    rerun = console.dep("rerun", "rerun-story")
    props = rerun["parameter_openapi_schema"]["properties"]
    assert {"type": "string", "enum": [console.partner["id"]]} in props["partner"]["anyOf"]
    assert ["dry-run", "libre"] == next(a["enum"] for a in props["engine"]["anyOf"] if "enum" in a)
    assert props["story_id"]["examples"], "story ids get an example"
    assert console.dep("kill", "kill-story")["parameter_openapi_schema"]["properties"]["reason"]["minLength"] == 3

    autos = {a["name"]: a for a in console.api._json("POST", "automations/filter", json={})}
    for name in ("kawat: flow run failed", "kawat: review waiting", "kawat: worker lost"):
        assert name in autos, sorted(autos)
        assert autos[name]["actions"][0]["type"] == "send-notification"
    assert autos["kawat: review waiting"]["trigger"]["posture"] == "Proactive"
    limits = {c["name"]: c["limit"] for c in console.api._json("POST", "v2/concurrency_limits/filter", json={})}
    assert limits.get("engine-libre", 0) >= 1, limits


def test_a_run_is_named_tagged_reported_and_an_idle_poll_reports_nothing(console: Console) -> None:
    console.mt.push("429")  # the engine's first answer: too many requests, retried from a seat thread
    run = console.run("syndicate", "syndicate-now")
    assert run["state_type"] == "COMPLETED", describe_failure(console.api, run)
    assert re.fullmatch(r"syndicate-all-sources-\d{8}-\d{6}", run["name"]), run["name"]
    assert run["tags"] and all(ALLOWED_TAG.match(t) for t in run["tags"]), run["tags"]
    assert f"partner:{console.partner['id']}" in run["tags"] and "engine:libre" in run["tags"]
    assert f"story:{console.main_story}" in run["tags"]
    (report,) = [a for a in _artifacts(console.api, run["id"]) if a["key"] == "syndicate-report"]
    assert run["name"] in report["description"], "the report names the Prefect run"
    rows = [r for r in _table(report) if r["state"] == "delivered"]
    assert rows and all(int(r["characters"]) > 100 for r in rows), rows
    translated = [r for r in rows if r["engine"] == "libre"]
    assert translated and all(int(r["sent"]) > 100 for r in translated), "characters sent to the engine"
    assert all(r["sent"] == "0" for r in rows if r["engine"] == "original"), "the Indonesian original costs nothing"
    logs = _logs(console.api, run["id"], awaiting="libre: attempt 1 failed")
    assert "libre: attempt 1 failed" in logs, "engine retries reach the run's logs"
    # The partner reads every delivered object with its own read-only key.
    for r in console.ledger.rows(partner=console.partner["id"]):
        if r.state == "delivered":
            console.reader.head_object(Bucket=console.partner["bucket"], Key=r.key)
    processed = {p.name for p in (console.inbox / "processed").iterdir()}
    assert MAIN_SAMPLE in processed, "the served run consumed the inbox"
    # Find "the run for story X" as the Runs page's tag filter does.
    found = console.api._json("POST", "flow_runs/filter", json={"flow_runs": {"tags": {"all_": [
        f"story:{console.main_story}"]}}})
    assert run["id"] in {f["id"] for f in found}
    # The scheduled poll with nothing new: done, and no report to hide the last real one.
    idle = console.run("ingest", "ingest-every-2-minutes")
    assert idle["state_type"] == "COMPLETED", describe_failure(console.api, idle)
    assert idle["name"].startswith("ingest-all-sources-")
    assert _artifacts(console.api, idle["id"]) == []


def test_a_rerun_is_found_by_story_and_partner_and_touches_only_them(console: Console) -> None:
    story, pid = console.main_story, console.partner["id"]
    (before,) = [r for r in console.ledger.rows(partner=pid, story_id=story)]
    run = console.run("rerun", "rerun-story", {"story_id": story, "partner": pid, "force": True})
    assert run["state_type"] == "COMPLETED", describe_failure(console.api, run)
    assert run["name"] == f"rerun-{story}-{pid}"
    assert set(run["tags"]) == {f"story:{story}", f"partner:{pid}", "engine:libre"}
    tasks = console.api._json("POST", "task_runs/filter", json={"flow_runs": {"id": {"any_": [run["id"]]}}})
    assert {t["name"] for t in tasks} >= {f"localize-{story}-all", f"deliver-{story}-{pid}"}
    for t in tasks:
        assert all(ALLOWED_TAG.match(tag) for tag in t["tags"]), (t["name"], t["tags"])
    after = console.ledger.get(before.ident)
    assert after is not None and after.attempts == before.attempts + 1, "a forced rerun claims the delivery again"
    (report,) = [a for a in _artifacts(console.api, run["id"]) if a["key"] == "rerun-report"]
    assert report["description"].startswith(run["name"])


def test_operator_slips_end_failed_in_one_line_without_a_traceback(console: Console) -> None:
    story = console.main_story
    unknown = f"afp.com-20990101-{uuid.uuid4().hex[:8]}"
    run = console.run("rerun", "rerun-story", {"story_id": unknown})
    assert run["state_type"] == "FAILED"
    message = run["state"]["message"]
    assert message == f"unknown story {unknown!r}", message
    assert "Traceback" not in _logs(console.api, run["id"])
    assert [a["key"] for a in _artifacts(console.api, run["id"])] == ["rerun-report"], "a failed run reports why"
    # The form refuses what the schema refuses: a 2-character kill reason, a partner nobody configured.
    kill = console.dep("kill", "kill-story")
    r = console.api._request("POST", f"deployments/{kill['id']}/create_flow_run",
                             json={"parameters": {"story_id": story, "reason": "no", "confirm": story}})
    assert r.status_code == 409 or r.status_code == 422, r.text
    rerun = console.dep("rerun", "rerun-story")
    r = console.api._request("POST", f"deployments/{rerun['id']}/create_flow_run",
                             json={"parameters": {"story_id": story, "partner": "nobody"}})
    assert r.status_code in (409, 422), r.text
    # A kill without its confirmation stops before anything reaches a partner.
    run = console.run("kill", "kill-story", {"story_id": story, "reason": "Legal: withdrawn by AFP"})
    assert run["state_type"] == "FAILED"
    assert run["state"]["message"].startswith("kill refused: type the story id"), run["state"]["message"]
    assert "\n" not in run["state"]["message"]
    assert "Traceback" not in _logs(console.api, run["id"])
    assert not [r for r in console.ledger.rows(story_id=story) if r.state == "revoked"]


def test_an_s3_outage_fails_the_run_counts_it_in_the_state_and_alerts(console: Console) -> None:
    doc = json.loads((SAMPLES / "ninjs-en-rail-strike.json").read_text())
    tag = uuid.uuid4().hex[:8]
    doc.update(uri=f"urn:newsml:afp.com:20231201:doc-{tag}:1", version="1")
    (console.inbox / f"outage-{tag}.json").write_text(json.dumps(doc))
    console.proxy.outage = True
    try:
        run = console.run("syndicate", "syndicate-now", timeout=240)
    finally:
        console.proxy.outage = False
    assert run["state_type"] == "FAILED", describe_failure(console.api, run)
    message = run["state"]["message"]
    assert "1 failed" in message and f"doc-{tag}" in message, message
    assert len(message) < 300 and ".json" not in message, "one short line, URLs cut to their host"
    warning = f"delivery afp.com-20231201-doc-{tag}/id v1 to {console.partner['id']} failed"
    logs = _logs(console.api, run["id"], awaiting=warning)
    assert warning in logs, \
        "the S3 retry warnings reach the run's logs in the UI"
    assert any(a["key"] == "syndicate-report" for a in _artifacts(console.api, run["id"]))
    alert = console.hook.wait_for(run["name"], timeout=90)
    assert "Failed" in json.dumps(alert)


def test_a_crashed_run_and_a_pool_without_workers_alert(console: Console) -> None:
    """What the server itself records when a worker process dies: a Crashed run, a pool gone not-ready."""
    from datetime import UTC, datetime

    flow = console.api._json("GET", "flows/name/syndicate")
    name = f"crash-probe-{uuid.uuid4().hex[:6]}"
    run = console.api._json("POST", "flow_runs/", json={"flow_id": flow["id"], "name": name,
                                                        "state": {"type": "RUNNING", "name": "Running"}})
    console.api._json("POST", f"flow_runs/{run['id']}/set_state", json={
        "state": {"type": "CRASHED", "name": "Crashed", "message": "the worker process died (SIGKILL)"},
        "force": True})
    alert = console.hook.wait_for(name, timeout=90)
    assert "Crashed" in json.dumps(alert)
    # The foreman service emits this when the `kawat` pool's last worker stops heartbeating.
    pool_id = str(uuid.uuid4())
    console.api._request("POST", "events", json=[{
        "id": str(uuid.uuid4()), "occurred": datetime.now(UTC).isoformat(), "event": "prefect.work-pool.not-ready",
        "resource": {"prefect.resource.id": f"prefect.work-pool.{pool_id}", "prefect.resource.name": "kawat"},
        "related": [], "payload": {}}]).raise_for_status()
    console.hook.wait_for("work pool kawat has no worker", timeout=90)


def test_a_held_article_pauses_with_its_reasons_asks_again_and_is_updated_after_approval(console: Console) -> None:
    story = console.review_story
    key = re.sub(r"[^a-z0-9-]+", "-", f"review-{story}-id".lower())
    console.mode["drop"] = True
    try:
        # The story arrives and the engine loses a protected term: the poll holds it and says so.
        shutil.copy2(SAMPLES / REVIEW_SAMPLE, console.inbox / REVIEW_SAMPLE)
        poll = console.run("syndicate", "syndicate-now")
        assert poll["state_type"] == "COMPLETED" and poll["state_name"] == "Held for review", \
            describe_failure(console.api, poll)
        assert re.search(r"\b[1-9]\d* articles? held for review", poll["state"]["message"]), poll["state"]["message"]
        (report,) = [a for a in _artifacts(console.api, poll["id"]) if a["key"] == "syndicate-report"]
        assert {r["state"] for r in _table(report) if r["story_id"] == story} == {"needs-review"}
        created = console.api.run_deployment(console.dep("localize", "localize-story")["id"],
                                             {"story_id": story, "target_lang": "id"})
        run = console.wait_state(created["id"], "PAUSED", timeout=120)
    finally:
        console.mode["drop"] = False
    assert run["name"] == f"localize-{story}-id"

    keyset = run["state"]["state_details"]["run_input_keyset"]
    description = _input(console.api, run["id"], keyset["description"])
    assert "Held for review" in str(description) and "lost" in str(description), description
    schema = _input(console.api, run["id"], keyset["schema"])
    schema = json.loads(schema) if isinstance(schema, str) else schema
    index = schema["properties"]["paragraph_index"]
    last = next(a for a in index["anyOf"] if a.get("type") == "integer")["maximum"]

    page = console.api._json("GET", f"artifacts/{key}/latest")["data"]
    assert page.index("## Why it is held") < page.index("### Headline") < page.index("### Paragraph 0")
    assert "|---|" not in page, "stacked paragraphs, not a wide table"

    # The alert for a review left waiting (15 s in this configuration).
    console.hook.wait_for(f"review waiting: {run['name']}", timeout=90)

    # An index the form refuses; then an answer the form accepts but that cannot be applied: asked again.
    r = console.api._request("POST", f"flow_runs/{run['id']}/resume",
                             json={"run_input": {"decision": "approve", "paragraph_index": last + 5,
                                                 "paragraph_text": "x"}})
    assert r.status_code != 200 or r.json().get("status") != "ACCEPT", r.text
    paused_state = run["state"]["id"]
    r = console.api._request("POST", f"flow_runs/{run['id']}/resume",
                             json={"run_input": {"decision": "approve", "paragraph_index": 0}})
    assert r.status_code in (200, 201) and r.json().get("status") == "ACCEPT", r.text
    again = console.wait_state(run["id"], "PAUSED", timeout=60, after=paused_state)
    keyset = again["state"]["state_details"]["run_input_keyset"]
    description = _input(console.api, run["id"], keyset["description"])
    assert "not applied" in str(description) and "no corrected text" in str(description), description

    headline = "Dewan Keamanan PBB gelar sidang darurat soal kekeringan Sahel"
    r = console.api._request("POST", f"flow_runs/{run['id']}/resume",
                             json={"run_input": {"decision": "approve", "headline": headline}})
    assert r.json().get("status") == "ACCEPT", r.text
    done = console.api.wait_flow_run(run["id"], timeout=120, watch=[console.server.proc, console.serve])  # type: ignore[list-item]
    assert done["state_type"] == "COMPLETED", describe_failure(console.api, done)
    page = console.api._json("GET", f"artifacts/{key}/latest")["data"]
    assert "State: approved" in page and headline in page
    (row,) = console.ledger.rows(partner=console.partner["id"], story_id=story)
    assert row.state == "delivered", "approval delivers the corrected article"
    assert httpx.get(console.server.api_url + "/health").status_code == 200


@pytest.mark.skipif(browser.chromium() is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_review_reads_on_a_laptop_screen(console: Console, tmp_path: Path) -> None:
    """The review artifact in the Prefect UI at 1366×768: nothing wider than the screen, translation visible."""
    key = re.sub(r"[^a-z0-9-]+", "-", f"review-{console.review_story}-id".lower())
    # The key's latest version, as the run's Artifacts tab links it (`…/latest` answers the key's collection).
    (artifact,) = console.api._json("POST", "artifacts/filter", json={
        "artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC", "limit": 1})
    url = console.server.api_url.removesuffix("/api") + f"/artifacts/artifact/{artifact['id']}"
    with browser.open_page(url, tmp_path / "chromium") as page:
        page.wait_for("document.body.innerText.includes('Paragraph 0')", timeout=90)
        shot = page.screenshot(tmp_path / "review.png")
        width = page.eval("window.innerWidth")
        overflow = page.eval("document.scrollingElement.scrollWidth")
        # Bold labels render as `markdown-renderer__text--strong` (<strong> in other renderers); measure their lines.
        rights = page.eval("[...document.querySelectorAll('strong, .markdown-renderer__text--strong')]"
                           ".filter(s => s.innerText.trim().startsWith('Indonesian'))"
                           ".map(s => s.parentElement.getBoundingClientRect().right)")
        tops = page.eval("[...document.querySelectorAll('h2,h3')].map(h => [h.innerText, h.getBoundingClientRect().top])")
    assert shot.stat().st_size > 10_000
    assert overflow <= width + 1, f"the page scrolls sideways: {overflow}px content in a {width}px window"
    assert len(rights) >= 2 and max(rights) <= width, f"translation runs off-screen: {rights} > {width}"
    order = [t for t, _ in sorted(tops, key=lambda x: x[1])]
    assert order.index(next(t for t in order if t.startswith("Why it was held"))) < order.index("Paragraph 0"), order
