"""The main job: ingest every source, release embargoes, localize and deliver what changed."""

from __future__ import annotations

import os
import uuid
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows import report
from flows.bootstrap import get_container
from flows.tasks import claim_files, handle_file, housekeeping, kill_task, process_story


def _run(source: str | None, engine: str | None, limit: int | None) -> dict[str, Any]:
    c = get_container()
    logger = get_run_logger()
    if c.chain(engine)[0] == "dry-run" and not c.settings.allow_dry_run:
        logger.warning("engine is dry-run: articles are marked, NOT translated (allow_dry_run = true silences this)")
    names = [source] if source else [s.name for s in c.settings.sources]
    run_id = uuid.uuid4().hex[:12]
    # Partners with embargo_policy "deliver" get embargoed copy early (flagged); others wait for release.
    early = any(p.embargo_policy == "deliver" for p in c.settings.partners)
    wanted = sorted({"new", "update", "recovered", "held"} if early else {"new", "update", "recovered"})
    # Work due without a new file: released embargoes, term-base changes, a crashed run's leftovers.
    due = housekeeping.submit().result()
    pending = dict.fromkeys([sid for sid, _v in due["released"]] + [*due["glossary"], *due["unfinished"]])
    claims = [(n, claim_files.submit(n, limit)) for n in names]
    # One task per file: ingest, then localize and deliver what it changed, so engines start at once.
    # File and story tasks label themselves (engine:, partner:) once started: see flows.tasks._label_run.
    files = [(f"{n}/{item.name}", handle_file.submit(n, item, wanted, engine, run_id))
             for n, fut in claims for item in fut.result()]
    stories = {sid: process_story.submit(sid, engine, run_id) for sid in pending}
    localized, delivered, quarantined, refused = [], [], [], []
    for name, file_fut in files:
        try:
            out = file_fut.result()
        except Exception as exc:  # left claimed: the source hands it back once its claim goes stale
            logger.error("wire file %s failed: %s", name, exc)
            out = {"file": name, "error": f"not ingested: {exc}", "localized": [], "delivered": [], "retry": []}
        localized.extend(out["localized"])
        delivered.extend(out["delivered"])
        if out["error"]:
            quarantined.append(out)
        refused += [(out["file"], pic, why) for pic, why in out.get("refused", [])]
        for sid, why in out["retry"]:
            logger.warning("story %s: %s; retrying in its own task", sid, why)
            stories.setdefault(sid, process_story.submit(sid, engine, run_id))
    for sid, fut in stories.items():
        try:
            out = fut.result()
        except Exception as exc:  # one story's failure never stops the others
            logger.error("story %s failed: %s", sid, exc)
            out = {"localized": [{"story_id": sid, "language": "-", "review": "failed", "qa": str(exc)}],
                   "delivered": []}
        localized.extend(out["localized"])
        delivered.extend(out["delivered"])
    logger.info("%d files, %d stories processed", len(files), len({r["story_id"] for r in localized}))
    rows = report.merge_rows(localized, delivered)
    rows += [{"story_id": "-", "partner": "-", "state": "quarantined", "detail": f"{r['file']}: {r['error']}"}
             for r in quarantined]
    rows += [{"story_id": "-", "partner": "-", "state": "picture-refused", "detail": f"{f}: {pic}: {why}"}
             for f, pic, why in refused]
    report.publish(rows, key="syndicate-report", description=f"Kawat run {run_id}")
    return {"run_id": run_id, "files": len(files), "rows": rows}


def _runner() -> TaskRunner[PrefectFuture[Any]]:
    """Stories run concurrently; KAWAT_WORKERS sets how many (read once, when the flow is defined)."""
    runner: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=max(1, int(os.environ.get("KAWAT_WORKERS", "4"))))
    # flow() types task_runner invariantly over the future type; a thread pool is a valid runner.
    return cast("TaskRunner[PrefectFuture[Any]]", runner)


@flow(name="syndicate", task_runner=_runner())
def syndicate(source: str | None = None, engine: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """One pass of the pipeline over every configured source (or one)."""
    return _run(source, engine, limit)


@flow(name="ingest", task_runner=_runner())
def ingest(source: str | None = None, engine: str | None = None) -> dict[str, Any]:
    """The scheduled poll: same pass as `syndicate`, named for the schedule in the UI."""
    return _run(source, engine, None)


__all__ = ["ingest", "kill_task", "syndicate"]
