"""The main job: ingest every source, release embargoes, localize and deliver what changed."""

from __future__ import annotations

import os
import uuid
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from pydantic import Field

from adapters.errors import ConfigError
from adapters.sources.base import WireFile
from flows import outcome, report
from flows.bootstrap import get_container
from flows.limits import engine_slot
from flows.runs import rows_touched, tag_flow_run, timed
from flows.runtime import freeze_startup_heap
from flows.tasks import claim_files, handle_file, handle_files, housekeeping, kill_task, process_story


def _run(source: str | None, engine: str | None, limit: int | None) -> Any:
    c = get_container()
    freeze_startup_heap()
    logger = get_run_logger()
    if source is not None:
        c.source(source)  # an unknown source fails the run with one line, before any work
    chain = c.chain(engine)
    if chain[0] == "dry-run" and not c.settings.allow_dry_run:
        logger.warning("engine is dry-run: articles are marked, NOT translated (allow_dry_run = true silences this)")
    names = [source] if source else [s.name for s in c.settings.sources]
    run_id = uuid.uuid4().hex[:12]
    # Partners with embargo_policy "deliver" get embargoed copy early (flagged); others wait for release.
    early = any(p.embargo_policy == "deliver" for p in c.settings.partners)
    wanted = sorted({"new", "update", "recovered", "held"} if early else {"new", "update", "recovered"})
    threads = _threads()
    # Work due without a new file (released embargoes, term-base changes, a crashed run's leftovers) is
    # looked up while the sources are polled. Each source first hands over its oldest `threads` files,
    # which start at once; the rest of a backlog is claimed while they run (claiming 100 files took
    # 60-150 ms in which no engine request could leave).
    due_fut = housekeeping.submit()
    take = threads if limit is None else min(threads, limit)
    polls = [(n, claim_files.submit(n, take)) for n in names]
    firsts = [(n, poll.result()) for n, poll in polls]
    first = [(n, item) for n, got in firsts for item in got.files]
    # A first poll that took all it was allowed may have left more behind.
    rests = [(n, claim_files.submit(n, None if limit is None else limit - got.polled)) for n, got in firsts
             if got.polled == take and (limit is None or limit > take)]
    due = due_fut.result()
    pending = dict.fromkeys([sid for sid, _v in due["released"]] + [*due["glossary"], *due["unfinished"]])
    claimed = list(first)
    if not claimed and not pending and not rests:
        return _idle(names, run_id)
    localized: list[dict[str, Any]] = []
    delivered: list[dict[str, Any]] = []
    quarantined: list[dict[str, Any]] = []
    unclaimed: list[dict[str, Any]] = []  # a source whose second poll failed (report rows)
    refused: list[tuple[str, str, str]] = []
    with engine_slot(chain[0]):
        # One task per file (a large backlog: a few files per task, see batches): ingest, then localize and
        # deliver what it changed, so engines start at once. Tasks label themselves (story:, engine:, partner:).
        files: list[tuple[str, list[WireFile], PrefectFuture[Any]]] = []

        def start(items: list[tuple[str, WireFile]]) -> None:
            for n, group in batches(items, threads):
                task = handle_file.submit(n, group[0], wanted, engine, run_id) if len(group) == 1 else \
                    handle_files.submit(n, group, wanted, engine, run_id)
                files.append((n, group, task))

        start(first)  # at most `threads` files per source: one task each, running while the rest is claimed
        rest: list[tuple[str, WireFile]] = []
        for n, claim in rests:
            try:
                rest += [(n, item) for item in claim.result().files]
            except Exception as exc:  # the first files go on; the next poll takes what this one left
                logger.error("claiming the rest of %s failed: %s", n, outcome.short(exc))
                unclaimed.append({"story_id": "-", "partner": "-", "state": "failed",
                                  "detail": f"{n}: claiming the rest of the backlog failed: {outcome.short(exc)}"})
        claimed += rest
        start(rest)
        stories = {sid: process_story.submit(sid, engine, run_id) for sid in pending}
        outs: list[dict[str, Any]] = []
        for n, group, file_fut in files:
            try:
                got = file_fut.result()
            except Exception as exc:  # left claimed: the source hands them back once their claim goes stale
                outs += [_not_ingested(f"{n}/{item.name}", exc) for item in group]
                continue
            if len(group) == 1:
                outs.append(got)
                continue
            outs.extend(got["files"])
            for i, why in got["raised"]:  # one file of the batch raised: its own task, with its own retries
                logger.warning("wire file %s: %s; retrying in its own task", f"{n}/{group[i].name}", why)
                try:
                    outs.append(handle_file.submit(n, group[i], wanted, engine, run_id).result())
                except Exception as exc:
                    outs.append(_not_ingested(f"{n}/{group[i].name}", exc))
        for out in outs:
            localized.extend(out["localized"])
            delivered.extend(out["delivered"])
            if out["error"]:
                quarantined.append(out)
            refused += [(out["file"], pic, why) for pic, why in out.get("refused", [])]
            for sid, why in out["retry"]:
                logger.warning("story %s: %s; retrying in its own task", sid, outcome.short(why))
                stories.setdefault(sid, process_story.submit(sid, engine, run_id))
        for sid, fut in stories.items():
            try:
                out = fut.result()
            except Exception as exc:  # one story's failure never stops the others
                logger.error("story %s failed: %s", sid, outcome.short(exc))
                out = {"localized": [{"story_id": sid, "language": "-", "review": "failed",
                                      "qa": outcome.short(exc, 300)}], "delivered": []}
            localized.extend(out["localized"])
            delivered.extend(out["delivered"])
    if not claimed and not pending and not unclaimed:  # the rest of the backlog was re-sends too
        return _idle(names, run_id)
    logger.info("%d files, %d stories processed", len(claimed), len({r["story_id"] for r in localized}))
    rows = report.merge_rows(localized, delivered) + unclaimed
    rows += [{"story_id": "-", "partner": "-", "state": "quarantined", "detail": f"{r['file']}: {r['error']}"}
             for r in quarantined]
    rows += [{"story_id": "-", "partner": "-", "state": "picture-refused", "detail": f"{f}: {pic}: {why}"}
             for f, pic, why in refused]
    tag_flow_run(rows_touched(rows))
    report.publish(rows, key="syndicate-report",
                   description=f"{len(claimed)} files from {', '.join(names)} (Kawat run {run_id})")
    return outcome.finish({"run_id": run_id, "files": len(claimed), "rows": rows}, rows)


def _idle(names: list[str], run_id: str) -> Any:
    """An idle poll: no report (the latest report stays the last one with news in it)."""
    get_run_logger().info("nothing new in %s", ", ".join(names) or "no source")
    return outcome.finish({"run_id": run_id, "files": 0, "rows": []}, [])


def _not_ingested(name: str, exc: Exception) -> dict[str, Any]:
    """The report row of a file whose task failed: left claimed, the source hands it back once the claim goes stale."""
    get_run_logger().error("wire file %s failed: %s", name, outcome.short(exc))
    return {"file": name, "error": f"not ingested: {outcome.short(exc)}", "localized": [], "delivered": [], "retry": []}


def _threads() -> int:
    """Task threads per flow run (KAWAT_WORKERS, default 4)."""
    raw = os.environ.get("KAWAT_WORKERS", "4")
    try:
        return max(1, int(raw))
    except ValueError:
        raise ConfigError(f"KAWAT_WORKERS must be a whole number of task threads, not {raw!r}") from None


SINGLE_UP_TO = 4  # files per thread a run still gives one task each (every poll of a normal day)
MAX_FILES_PER_TASK = 10


def batches(claimed: list[tuple[str, WireFile]], threads: int) -> list[tuple[str, list[WireFile]]]:
    """Claimed files as (source, files) per task: one file each for an ordinary poll, even groups for a backlog.

    A backlog (more than SINGLE_UP_TO files per thread) is cut into a multiple of `threads` groups of at
    most MAX_FILES_PER_TASK, so every thread stays busy to the end and the API records a tenth of the runs.
    """
    by_source: dict[str, list[WireFile]] = {}
    for n, item in claimed:
        by_source.setdefault(n, []).append(item)
    out: list[tuple[str, list[WireFile]]] = []
    for n, items in by_source.items():
        if len(items) <= SINGLE_UP_TO * threads:
            out += [(n, [item]) for item in items]
            continue
        tasks = threads * -(-len(items) // (threads * MAX_FILES_PER_TASK))
        size, extra = divmod(len(items), tasks)
        at = 0
        for i in range(tasks):
            take = size + (1 if i < extra else 0)
            out.append((n, items[at:at + take]))
            at += take
    return out


def _runner() -> TaskRunner[PrefectFuture[Any]]:
    """Stories run concurrently; KAWAT_WORKERS sets how many (read once, when the flow is defined)."""
    runner: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=_threads())
    # flow() types task_runner invariantly over the future type; a thread pool is a valid runner.
    return cast("TaskRunner[PrefectFuture[Any]]", runner)


SOURCE = Field(None, description="Only this configured source (default: every source in kawat.toml)")
ENGINE = Field(None, description="Translation engine for this run (default: the configured engine and its "
                                 "fallbacks)")


@flow(name="syndicate", task_runner=_runner(), validate_parameters=True,
      flow_run_name=timed("syndicate", "source", "all-sources"))
@outcome.guarded("syndicate-report")
def syndicate(
    source: str | None = SOURCE,
    engine: str | None = ENGINE,
    limit: int | None = Field(None, ge=1, description="Take at most this many new files per source this run"),
) -> dict[str, Any]:
    """One pass of the pipeline over every configured source (or one): ingest, localize, deliver."""
    return _run(source, engine, limit)


@flow(name="ingest", task_runner=_runner(), validate_parameters=True,
      flow_run_name=timed("ingest", "source", "all-sources"))
@outcome.guarded("syndicate-report")
def ingest(source: str | None = SOURCE, engine: str | None = ENGINE) -> dict[str, Any]:
    """The scheduled poll: same pass as `syndicate`, named for the schedule in the UI."""
    return _run(source, engine, None)


__all__ = ["ingest", "kill_task", "syndicate"]
