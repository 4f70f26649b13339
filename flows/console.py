"""What `kawat serve` and `kawat deploy` set up in Prefect beside the deployments: limits, pool, automations.

Automations are Prefect's own (UI → Automations), so operators see, pause and edit them there; each
sends its alert through the notification block named in `[alerts] notify` (Slack, webhook, e-mail).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

AUTOMATION_PREFIX = "kawat: "
ENDED_BADLY = ("prefect.flow-run.Failed", "prefect.flow-run.Crashed")
RESUMED_OR_OVER = ("prefect.flow-run.Running", "prefect.flow-run.Completed", "prefect.flow-run.Failed",
                   "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed", "prefect.flow-run.Cancelling")
REVIEW_FLOWS = ("localize", "review")

RUN_BODY = ("Kawat flow run {{ flow_run.name }} ({{ flow.name }}) ended {{ flow_run.state.name }}: "
            "{{ flow_run.state.message }}\n{{ flow_run|ui_url }}")
PAUSED_BODY = ("Kawat flow run {{ flow_run.name }} has waited for an editor's review for more than "
               "{minutes} minutes: an article is held and nothing of it reaches partners until someone "
               "answers.\n{{ flow_run|ui_url }}")
POOL_BODY = ("Kawat work pool {{ event.resource['prefect.resource.name'] }} has no live worker "
             "({{ event.event }}): scheduled polls and editors' runs will wait until one is back.")


def flow_names() -> list[str]:
    from flows.deployments import SPECS

    return sorted({spec.flow.name for spec in SPECS})


def automations(block_id: Any, review_minutes: float, pool: str) -> list[Any]:
    """The three alerts: a run that failed or crashed, a review paused too long, a pool without workers."""
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    kawat_flows = {"prefect.resource.role": "flow", "prefect.resource.name": flow_names()}
    failed = AutomationCore(
        name=f"{AUTOMATION_PREFIX}flow run failed",
        description="A Kawat flow run ended Failed or Crashed (failed deliveries, an unknown story, a dead "
                    "worker process): the state message says what.",
        trigger=EventTrigger(match={"prefect.resource.id": "prefect.flow-run.*"}, match_related=kawat_flows,
                             expect=set(ENDED_BADLY), posture=Posture.Reactive, threshold=1),
        actions=[SendNotification(block_document_id=block_id, subject="Kawat: {{ flow_run.name }} "
                                  "{{ flow_run.state.name }}", body=RUN_BODY)],
    )
    paused = AutomationCore(
        name=f"{AUTOMATION_PREFIX}review waiting",
        description=f"A held article has waited more than {review_minutes:g} minutes for an editor's review.",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": list(REVIEW_FLOWS)},
            after={"prefect.flow-run.Paused"}, expect=set(RESUMED_OR_OVER), for_each={"prefect.resource.id"},
            posture=Posture.Proactive, threshold=1, within=review_minutes * 60),
        actions=[SendNotification(block_document_id=block_id, subject="Kawat: review waiting: {{ flow_run.name }}",
                                  body=PAUSED_BODY.replace("{minutes}", f"{review_minutes:g}"))],
    )
    lost = AutomationCore(
        name=f"{AUTOMATION_PREFIX}worker lost",
        description=f"The `{pool}` work pool has no live worker (a worker crashed or was stopped).",
        trigger=EventTrigger(match={"prefect.resource.id": "prefect.work-pool.*", "prefect.resource.name": pool},
                             expect={"prefect.work-pool.not-ready"}, posture=Posture.Reactive, threshold=1),
        actions=[SendNotification(block_document_id=block_id, subject=f"Kawat: work pool {pool} has no worker",
                                  body=POOL_BODY)],
    )
    return [failed, paused, lost]


def _block_id(client: Any, notify: str) -> Any:
    from adapters.errors import ConfigError

    slug, sep, name = notify.partition("/")
    if not sep or not name:
        raise ConfigError(f"[alerts] notify = {notify!r}: write <block-type-slug>/<block-name>, "
                          "e.g. slack-webhook/newsroom-desk")
    try:
        return client.read_block_document_by_name(name=name, block_type_slug=slug).id
    except Exception as exc:
        raise ConfigError(f"[alerts] notify = {notify!r}: no such Prefect block; create it in the UI "
                          f"(Blocks → +) or with `prefect block create {slug}`") from exc


def ensure_automations(settings: Any, client: Any) -> list[str]:
    """Create (or replace) Kawat's automations; without a notification block, say how to get alerts."""
    from flows.deployments import POOL_NAME

    alerts = settings.alerts
    if not alerts.enabled:
        return ["alerts: disabled ([alerts] enabled = false)"]
    if not alerts.notify:
        return ["alerts: none set up: name a Prefect notification block in kawat.toml "
                "([alerts] notify = \"slack-webhook/<name>\") to be told of failed runs, waiting reviews "
                "and lost workers"]
    block_id = _block_id(client, alerts.notify)
    lines = []
    for automation in automations(block_id, alerts.review_paused_minutes, POOL_NAME):
        for old in client.read_automations_by_name(automation.name):
            client.delete_automation(old.id)
        client.create_automation(automation)
        lines.append(f"automation {automation.name!r} → {alerts.notify}")
    return lines


def prepare_console(settings: Any) -> list[str]:
    """Engine concurrency limits and automations; what was done, one line each (for the terminal)."""
    from prefect.client.orchestration import get_client

    from flows.limits import ensure_limits

    if not os.environ.get("PREFECT_API_URL"):
        return ["no PREFECT_API_URL: runs use an in-process Prefect API; no limits or automations set up"]
    with get_client(sync_client=True) as client:
        limits = ensure_limits(settings, client)
        lines = [f"concurrency limit {name}: {n} runs at once" for name, n in limits.items()]
        lines += ensure_automations(settings, client)
    return lines


def deploy_to_pool(settings: Any, prefect_file: Path | None = None) -> list[str]:
    """The `kawat` process pool, `prefect deploy` of prefect.yaml, then the configured parameter choices."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentUpdate, WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import POOL_NAME, POOL_RUNS, POOL_TYPE, PREFECT_YAML, REPO, SPECS, with_choices

    path = prefect_file or PREFECT_YAML
    lines = []
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(POOL_NAME)
            client.update_work_pool(POOL_NAME, WorkPoolUpdate(concurrency_limit=POOL_RUNS))
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=POOL_NAME, type=POOL_TYPE,
                                                   concurrency_limit=POOL_RUNS))
        lines.append(f"work pool {POOL_NAME} ({POOL_TYPE}): {POOL_RUNS} runs at once")
        env = {**os.environ, "PREFECT_CLI_PROMPT": "false"}
        prefect = Path(sys.executable).parent / "prefect"
        r = subprocess.run([str(prefect), "--no-prompt", "deploy", "--prefect-file", str(path), "--all"],
                           cwd=REPO, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            from adapters.errors import ConfigError

            tail = (r.stdout + r.stderr).strip().splitlines()[-5:]
            raise ConfigError(f"prefect deploy failed: {' / '.join(tail)}")
        for spec in SPECS:
            dep = client.read_deployment_by_name(f"{spec.flow.name}/{spec.name}")
            schema = with_choices(dict(dep.parameter_openapi_schema or {}), settings)
            client.update_deployment(dep.id, DeploymentUpdate(parameter_openapi_schema=schema))
            lines.append(f"deployment {spec.flow.name}/{spec.name} on pool {POOL_NAME}")
    return lines
