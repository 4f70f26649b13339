"""Every deployment Kawat offers, in one table: `kawat serve` runs them, `prefect.yaml` is generated from it.

Deployment names are unique on their own (the UI lists and filters by them), every deployment and
parameter is described, and `partner`/`engine`/`source` parameters become drop-downs of what the
configuration holds when the deployments are registered.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml  # type: ignore[import-untyped]
from prefect import Flow, serve

from flows.editorial import KILL_REASON_MIN, STORY_EXAMPLE, deliver, kill, localize, reinstate, rerun, resend_failed
from flows.limits import ENGINE_RUN_LIMITS
from flows.review import review
from flows.syndicate import ingest, syndicate

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

REPO = Path(__file__).resolve().parents[1]
PREFECT_YAML = REPO / "infra" / "prefect" / "prefect.yaml"
POOL_NAME = "kawat"
POOL_TYPE = "process"
POOL_RUNS = 8  # flow runs at once across the whole pool
WORKER_LIMIT = 2  # flow runs per `prefect worker start --pool kawat --limit N`


@dataclass(frozen=True)
class Spec:
    """One deployment: which flow, its unique name, what it is for, when it runs."""

    flow: Flow[..., Any]
    name: str
    description: str
    interval_minutes: int | None = None
    cron: str | None = None
    concurrency: dict[str, Any] = field(default_factory=dict)

    @property
    def entrypoint(self) -> str:
        module = self.flow.fn.__module__
        return f"{module.replace('.', '/')}.py:{self.flow.fn.__name__}"


SPECS: tuple[Spec, ...] = (
    Spec(ingest, "ingest-every-2-minutes",
         "Polls every configured source every 2 minutes: ingests new wire files, localizes and delivers what "
         "changed. A poll with nothing new publishes no report.", interval_minutes=2,
         concurrency={"limit": 1, "collision_strategy": "CANCEL_NEW"}),
    Spec(syndicate, "syndicate-now",
         "One pass over every source (or one) now: the same work as the scheduled poll, started by hand."),
    Spec(localize, "localize-story",
         "Translate, localize, credit and QA one story; a held article pauses the run for an editor's review."),
    Spec(deliver, "deliver-story", "Render one story's articles and push them to its partners again."),
    Spec(rerun, "rerun-story",
         "Localize and deliver one story again, to one partner or all (forced by default)."),
    Spec(kill, "kill-story",
         "Withdraw one story from every partner now: a tombstone with the reason and a feed line each. "
         "Needs a reason and the story id typed again in `confirm`."),
    Spec(reinstate, "reinstate-story",
         "Lift a kill: an editor's explicit decision with a reason (kept in the ledger); the story's current "
         "revision goes out again as a new edition. Until then later agency revisions are blocked."),
    Spec(review, "review-article",
         "Open a held article for review: the run pauses until an editor approves, rejects or corrects it."),
    Spec(resend_failed, "resend-failed-hourly",
         "Every hour: retry every failed delivery (also by hand after an outage).", cron="0 * * * *",
         concurrency={"limit": 1, "collision_strategy": "CANCEL_NEW"}),
)


def choices(settings: Any) -> dict[str, list[str]]:
    """The values a parameter may take in this configuration: partners, engines, sources."""
    engines = sorted(set(settings.engines) | {settings.engine, *settings.fallback_engines, "dry-run"})
    return {"partner": [p.id for p in settings.partners], "engine": engines,
            "source": [s.name for s in settings.sources]}


def _enum(prop: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """A string (or optional string) property restricted to `values`; the UI shows a drop-down."""
    keep = {k: v for k, v in prop.items() if k in ("title", "description", "default", "position", "examples")}
    if "anyOf" in prop:  # Optional[str]: choose one, or leave it empty
        return {**keep, "anyOf": [{"type": "string", "enum": values}, {"type": "null"}]}
    return {**keep, "type": "string", "enum": values}


# What Prefect's schema generation leaves out of the flows' Field(...) declarations.
SCHEMA_EXTRAS: dict[str, dict[str, Any]] = {
    "story_id": {"examples": [STORY_EXAMPLE], "minLength": 1},
    "reason": {"minLength": KILL_REASON_MIN},
}


def with_choices(schema: dict[str, Any], settings: Any | None) -> dict[str, Any]:
    """A flow's parameter schema with examples, and partner/engine/source enums from the configuration."""
    out = copy.deepcopy(schema)
    for name, extra in SCHEMA_EXTRAS.items():
        if name in out.get("properties", {}):
            out["properties"][name].update(extra)
    if settings is None:
        return out
    opts = choices(settings)
    for name, prop in out.get("properties", {}).items():
        if name in opts and opts[name]:
            out["properties"][name] = _enum(prop, opts[name])
        elif name == "partners" and opts["partner"]:  # list[str] | None
            keep = {k: v for k, v in prop.items() if k in ("title", "description", "default", "position")}
            out["properties"][name] = {**keep, "anyOf": [
                {"type": "array", "items": {"type": "string", "enum": opts["partner"]}}, {"type": "null"}]}
    return out


def deployments(settings: Any | None = None) -> list[RunnerDeployment]:
    """RunnerDeployments for `kawat serve`; with settings, their parameters list the configured choices."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    out = []
    for spec in SPECS:
        kw: dict[str, Any] = {"name": spec.name, "description": spec.description, "tags": []}
        if spec.interval_minutes:
            kw["interval"] = timedelta(minutes=spec.interval_minutes)
        if spec.cron:
            kw["cron"] = spec.cron
        if spec.concurrency:
            kw["concurrency_limit"] = ConcurrencyLimitConfig(**spec.concurrency)
        dep = cast("RunnerDeployment", spec.flow.to_deployment(**kw))
        patched = with_choices(dep._parameter_openapi_schema.model_dump(), settings)
        dep._parameter_openapi_schema = type(dep._parameter_openapi_schema).model_validate(patched)
        out.append(dep)
    return out


def prefect_yaml() -> str:
    """`infra/prefect/prefect.yaml`, generated from SPECS (a test checks the committed file is this)."""
    import prefect

    from flows.limits import DEFAULT_RUN_LIMIT

    deps = []
    for spec in SPECS:
        d: dict[str, Any] = {"name": spec.name, "description": spec.description, "entrypoint": spec.entrypoint,
                             "work_pool": {"name": POOL_NAME, "work_queue_name": "default"}}
        if spec.interval_minutes:
            d["schedules"] = [{"interval": spec.interval_minutes * 60}]
        if spec.cron:
            d["schedules"] = [{"cron": spec.cron}]
        if spec.concurrency:
            d["concurrency_limit"] = dict(spec.concurrency)
        deps.append(d)
    worker = f"prefect worker start --pool {POOL_NAME} --limit {WORKER_LIMIT}"
    doc: dict[str, Any] = {
        "name": "kawat",
        "prefect-version": prefect.__version__,
        # Not read by `prefect deploy` (it ignores unknown keys); `kawat deploy` creates these.
        "kawat": {
            "work_pool": {"name": POOL_NAME, "type": POOL_TYPE, "concurrency_limit": POOL_RUNS},
            "worker": worker,
            "engine_run_limits": {**ENGINE_RUN_LIMITS, "other": DEFAULT_RUN_LIMIT},
        },
        "pull": [{"prefect.deployments.steps.set_working_directory": {"directory": "{{ $KAWAT_HOME }}"}}],
        "deployments": deps,
    }
    header = (
        "# GENERATED from flows/deployments.py by `kawat deploy --write-yaml` (tests/unit check they agree).\n"
        "# Scale-out, from the repository root:\n"
        "#   kawat deploy        # work pool, engine concurrency limits, these deployments with enum\n"
        "#                       # parameters from kawat.toml, automations and notifications\n"
        "#   (or plain `prefect deploy --prefect-file infra/prefect/prefect.yaml --all`: free-text parameters)\n"
        f"#   {worker}     # on as many machines as you like\n"
        "# Workers need the same KAWAT_* settings and KAWAT_HOME; use PostgreSQL (KAWAT_DATABASE_URL).\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False, width=110, allow_unicode=True)


def serve_all(settings: Any | None = None, limit: int | None = None) -> None:
    """Blocks: polls the Prefect API for scheduled and UI-triggered runs of every deployment."""
    serve(*deployments(settings), limit=limit)
