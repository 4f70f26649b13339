"""The main job: ingest every source, release embargoes, localize and deliver what changed."""

from __future__ import annotations

import os
import uuid
from typing import Any

from prefect import flow, get_run_logger, tags
from prefect.task_runners import ThreadPoolTaskRunner

from flows import report
from flows.bootstrap import get_container
from flows.tasks import housekeeping, ingest_source, kill_task, process_story

KILL_OUTCOMES = {"new", "update"}


def _run(source: str | None, engine: str | None, limit: int | None) -> dict[str, Any]:
    c = get_container()
    logger = get_run_logger()
    if c.chain(engine)[0] == "dry-run" and not c.settings.allow_dry_run:
        logger.warning("engine is dry-run: articles are marked, NOT translated (allow_dry_run = true silences this)")
    names = [source] if source else [s.name for s in c.settings.sources]
    run_id = uuid.uuid4().hex[:12]
    ingested: list[dict] = []
    for fut in [ingest_source.submit(n, limit) for n in names]:
        ingested.extend(fut.result())
    changed: dict[str, int] = {}
    # Partners with embargo_policy "deliver" get embargoed copy early (flagged); others wait for release.
    early = any(p.embargo_policy == "deliver" for p in c.settings.partners)
    wanted = {"new", "update", "recovered", "held"} if early else {"new", "update", "recovered"}
    for r in ingested:
        for story_id, version, outcome in r["stories"]:
            if outcome in wanted:
                changed[story_id] = max(version, changed.get(story_id, 0))
    due = housekeeping.submit().result()
    for story_id, version in due["released"]:
        changed[story_id] = max(version, changed.get(story_id, 0))
    # A term-base change re-translates what it touches; a crashed run's leftovers are finished now.
    for story_id in [*due["glossary"], *due["unfinished"]]:
        changed.setdefault(story_id, 0)
    logger.info("%d files, %d stories to process", len(ingested), len(changed))

    with tags(f"engine:{c.chain(engine)[0]}", *(f"partner:{p.id}" for p in c.settings.partners)):
        futures = {sid: process_story.submit(sid, engine, run_id) for sid in changed}
    localized: list[dict] = []
    delivered: list[dict] = []
    for sid, fut in futures.items():
        try:
            out = fut.result()
        except Exception as exc:  # one story's failure never stops the others
            logger.error("story %s failed: %s", sid, exc)
            out = {"localized": [{"story_id": sid, "language": "-", "review": "failed", "qa": str(exc)}],
                   "delivered": []}
        localized.extend(out["localized"])
        delivered.extend(out["delivered"])
    rows = report.merge_rows(localized, delivered)
    rows += [{"story_id": "-", "partner": "-", "state": "quarantined", "detail": f"{r['file']}: {r['error']}"}
             for r in ingested if r["error"]]
    report.publish(rows, key="syndicate-report", description=f"Kawat run {run_id}")
    return {"run_id": run_id, "files": len(ingested), "rows": rows}


def _runner() -> ThreadPoolTaskRunner:
    """Stories run concurrently; KAWAT_WORKERS sets how many (engine limits still hold inside)."""
    return ThreadPoolTaskRunner(max_workers=max(1, int(os.environ.get("KAWAT_WORKERS", "4"))))


@flow(name="syndicate", task_runner=_runner())
def syndicate(source: str | None = None, engine: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """One pass of the pipeline over every configured source (or one)."""
    return _run(source, engine, limit)


@flow(name="ingest", task_runner=_runner())
def ingest(source: str | None = None, engine: str | None = None) -> dict[str, Any]:
    """The scheduled poll: same pass as `syndicate`, named for the schedule in the UI."""
    return _run(source, engine, None)


__all__ = ["ingest", "kill_task", "syndicate"]
