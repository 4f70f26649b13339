"""What a flow run is called, tagged and logs in the Prefect UI, so an operator finds "the run for story X"."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

# Loggers Kawat's own code writes to; Prefect only ships its own loggers' records to the API.
KAWAT_LOGGERS = ("kawat", "adapters", "services", "newsroom", "glossary")
MAX_STORY_TAGS = 25  # a 500-file batch must not write 500 tags on one run: beyond this, the report lists them


def _part(value: object) -> str:
    """A name part from a parameter value: lists joined, None dropped, nothing that breaks a name."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, (list, tuple)):
        value = "+".join(str(v) for v in value)
    return re.sub(r"[^A-Za-z0-9._:+-]+", "_", str(value))


def named(prefix: str, *params: tuple[str, str]) -> Callable[[], str]:
    """A `flow_run_name` callable: `prefix-{param or default}-…` from the run's own parameters."""

    def make() -> str:
        from prefect.runtime import flow_run

        given = flow_run.parameters or {}
        return "-".join([prefix, *(_part(given.get(name)) or default for name, default in params)])

    make.__name__ = f"{prefix}_run_name"
    return make


def timed(prefix: str, param: str, default: str) -> Callable[[], str]:
    """`prefix-{param}-{UTC time it was scheduled}`: polls are told apart by source and time."""

    def make() -> str:
        from prefect.runtime import flow_run

        given = flow_run.parameters or {}
        when = flow_run.scheduled_start_time or datetime.now(UTC)
        stamp = when.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
        return f"{prefix}-{_part(given.get(param)) or default}-{stamp}"

    make.__name__ = f"{prefix}_run_name"
    return make


def touched(*, stories: Iterable[str] = (), partners: Iterable[str] = (), engines: Iterable[str] = ()) -> list[str]:
    """The tags for what a run touched: `story:{id}`, `partner:{id}`, `engine:{name}`, nothing else."""
    story_ids = sorted({s for s in stories if s and s != "-"})
    tags = [f"story:{s}" for s in story_ids[:MAX_STORY_TAGS]]
    tags += [f"partner:{p}" for p in sorted({p for p in partners if p and p != "-"})]
    tags += [f"engine:{e}" for e in sorted({e for e in engines if e and e not in ("-", "tm", "original")})]
    return tags


def tag_flow_run(tags: Iterable[str]) -> None:
    """Add tags to the running flow run (one API call); outside a flow run it does nothing."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    new = set(tags)
    if ctx is None or ctx.flow_run is None or new <= set(ctx.flow_run.tags):
        return
    from prefect.client.orchestration import get_client

    merged = sorted({*ctx.flow_run.tags, *new})
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(ctx.flow_run.id, tags=merged)
    except Exception as exc:
        logging.getLogger("kawat").warning("could not tag flow run: %s", exc)
        return
    ctx.flow_run.tags = merged


def tag_task_run(tags: Iterable[str]) -> None:
    """Label the running task run; tags set after start are labels, not tag concurrency limits.

    Prefect records task runs from the engine's state events, which carry this object's tags.
    """
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    if ctx is not None and ctx.task_run is not None:
        ctx.task_run.tags = sorted({*ctx.task_run.tags, *tags})


def rename_task_run(name: str) -> None:
    """Name a file's task run after its story once parsed: editors look runs up by story id."""
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    if ctx is not None and ctx.task_run is not None:
        ctx.task_run.name = name


def rows_touched(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Tags from report rows: the stories, partners and engines a run really worked on."""
    rows = list(rows)
    return touched(stories=(str(r.get("story_id") or "") for r in rows),
                   partners=(str(r.get("partner") or "") for r in rows),
                   engines=(str(r.get("engine") or "") for r in rows))


class _ToRunLogs(logging.Handler):
    """Sends Kawat's log records to the flow run's logs in the API, so the UI shows them.

    Engine seat threads and S3 retries log outside any Prefect context; without this their warnings
    appear only in the terminal of `kawat serve` or the worker. The terminal keeps its own copy (the
    record still propagates there), so this handler writes to the API only: nothing printed twice.
    """

    def __init__(self, flow_run_id: Any) -> None:
        from prefect.logging.handlers import APILogHandler

        super().__init__()
        self.flow_run_id = flow_run_id
        self.api = APILogHandler()

    def emit(self, record: logging.LogRecord) -> None:
        from prefect.context import TaskRunContext

        copy = logging.makeLogRecord(record.__dict__)
        copy.flow_run_id = self.flow_run_id
        task = TaskRunContext.get()
        if task is not None and task.task_run is not None:  # logged inside a task: the task's log too
            copy.task_run_id = task.task_run.id
        self.api.handle(copy)


@contextmanager
def logs_to_run() -> Iterator[None]:
    """For the duration of a flow run, what Kawat's own loggers emit also reaches the run's logs."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    if ctx is None or ctx.flow_run is None:
        yield
        return
    handler = _ToRunLogs(ctx.flow_run.id)
    loggers = [logging.getLogger(name) for name in KAWAT_LOGGERS]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
