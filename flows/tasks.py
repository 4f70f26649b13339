"""Prefect tasks: each body is one call into flows.steps, plus retries, tags and a readable name."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from adapters.sources.base import WireFile
from flows import progress, steps
from flows.bootstrap import Container, get_container
from newsroom.model import LocalizedArticle


def _name(prefix: str, which: str, default: str) -> str:
    """Run names that say which story and partner/language a task is about."""
    from prefect.runtime import task_run

    params = task_run.parameters
    return f"{prefix}-{params.get('story_id')}-{params.get(which) or default}"


@task(name="claim-files", task_run_name="claim-{source_name}", retries=2, retry_delay_seconds=5,
      cache_policy=NO_CACHE)
def claim_files(source_name: str, limit: int | None = None) -> list[WireFile]:
    """Claim every new file of one source; each then gets its own task, so the first story starts at once.

    Byte-identical re-sends are acknowledged here: an unchanged batch costs no task per file.
    """
    c = get_container()
    _label_run("ingest")
    source = c.source(source_name)
    fresh = []
    for item in source.poll(limit):
        settled = steps.settle_resend(c, source, item)
        if settled is None:
            fresh.append(item)
        else:
            progress.report("ingested", settled.file)
    return fresh


# No `tags=` on the tasks of a `syndicate` run: Prefect checks a tagged task run's tag concurrency
# limits with one API call before it starts, one run at a time per tag set (a 100-file batch waited
# 0.5 s for its first engine request). They label themselves once started; see _label_run.
@task(name="wire-file", task_run_name="file-{item.name}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def handle_file(source_name: str, item: WireFile, wanted: list[str], engine: str | None = None,
                run_id: str = "manual") -> dict:
    """Ingest one file (bad files are quarantined inside), then localize and deliver the stories it changed."""
    c = get_container()
    _label_run("ingest", "localize", "deliver", *run_labels(c, engine))
    r = steps.ingest_file(c, c.source(source_name), item)
    progress.report("ingested", r.file if not r.error else f"{r.file} (quarantined)")
    if r.stories:
        ids = list(dict.fromkeys(sid for sid, _v, _k in r.stories))
        _rename_run("story-" + ids[0] if len(ids) == 1 else f"stories-{ids[0]}-and-{len(ids) - 1}-more")
    out: dict = {"file": r.file, "stories": r.stories, "error": r.error, "localized": [], "delivered": [],
                 "retry": [], "refused": r.refused}
    for story_id, _version, kind in r.stories:
        if kind not in wanted:
            continue
        try:
            rows = _story_rows(steps.process(c, story_id, engine=engine, run_id=run_id))
        except Exception as exc:  # the file is ingested; the story gets its own retried task
            out["retry"].append([story_id, f"{type(exc).__name__}: {exc}"])
            continue
        out["localized"].extend(rows["localized"])
        out["delivered"].extend(rows["delivered"])
    return out


@task(name="housekeeping", cache_policy=NO_CACHE)
def housekeeping() -> dict[str, list]:
    """Work that is due without a new file: released embargoes, glossary changes, crashed runs' leftovers."""
    c = get_container()
    _label_run("ingest")
    return {
        "released": steps.release_embargoes(c),
        "glossary": steps.glossary_stale(c),
        "unfinished": c.work.claim_due(c.settings.claim_stale_after),
    }


@task(name="localize", task_run_name=lambda: _name("localize", "target", "all"), retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["localize"])
def localize_task(story_id: str, target: str | None = None, engine: str | None = None,
                  force: bool = False) -> list[dict]:
    """Translate + localize + credit + QA one story (an engine chain retries inside the service)."""
    articles = steps.localize(get_container(), story_id, target=target, engine=engine, force=force)
    progress.report("localized", story_id)
    return [_article_row(a) for a in articles]


def _article_row(a: LocalizedArticle) -> dict[str, object]:
    return {
        "story_id": a.story_id, "language": a.language, "version": a.version, "review": a.review.value,
        "engine": a.provenance.engine, "characters": a.provenance.characters_sent,
        "qa": "pass" if a.qa.passed else "; ".join(a.qa.problems) or "terms missing",
    }


@task(name="deliver", task_run_name=lambda: _name("deliver", "partner", "all-partners"), retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["deliver"])
def deliver_task(story_id: str, partner: str | None = None, force: bool = False, run_id: str = "manual") -> list[dict]:
    records = steps.deliver(get_container(), story_id, partners=[partner] if partner else None,
                            force=force, run_id=run_id)
    steps.raise_if_retryable(records)  # Prefect's retries take it from there; the UI shows why
    progress.report("delivered", story_id)
    return [r.__dict__ for r in records]


def run_labels(c: Container, engine: str | None) -> list[str]:
    """The engine and partners a story task works for: what editors filter the UI by."""
    return [f"engine:{c.chain(engine)[0]}", *(f"partner:{p.id}" for p in c.settings.partners)]


def _label_run(*labels: str) -> None:
    """Tag a running task run for the UI; tags set after start are labels, not tag concurrency limits.

    Prefect records task runs from the engine's state events, which carry this object's tags.
    """
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    if ctx is not None and ctx.task_run is not None:
        ctx.task_run.tags = sorted({*ctx.task_run.tags, *labels})


def _rename_run(name: str) -> None:
    """Name a file's task run after its story once parsed: editors look runs up by story id.

    Prefect records task runs from the engine's state events, which carry this object's name.
    """
    from prefect.context import TaskRunContext

    ctx = TaskRunContext.get()
    if ctx is not None and ctx.task_run is not None:
        ctx.task_run.name = name


def _story_rows(p: steps.Processed) -> dict:
    """Report rows for one processed story (and a progress event for whoever watches)."""
    if p.error is not None:
        progress.report("failed", p.story_id)
        return {"localized": [{"story_id": p.story_id, "language": "-", "review": "failed", "qa": p.error}],
                "delivered": []}
    progress.report("localized", p.story_id)
    progress.report("delivered", p.story_id)
    return {"localized": [_article_row(a) for a in p.articles], "delivered": [r.__dict__ for r in p.records]}


@task(name="process-story", task_run_name="story-{story_id}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def process_story(story_id: str, engine: str | None = None, run_id: str = "manual") -> dict:
    """Localize then deliver one story in a single task: half the orchestration cost per story."""
    c = get_container()
    _label_run("localize", "deliver", *run_labels(c, engine))
    return _story_rows(steps.process(c, story_id, engine=engine, run_id=run_id))


@task(name="kill", task_run_name="kill-{story_id}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["deliver", "kill"])
def kill_task(story_id: str, reason: str, run_id: str = "manual") -> list[dict]:
    records = steps.kill(get_container(), story_id, reason, run_id=run_id)
    steps.raise_if_retryable(records)
    return [r.__dict__ for r in records]


@task(name="reinstate", task_run_name="reinstate-{story_id}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["deliver", "reinstate"])
def reinstate_task(story_id: str, reason: str, run_id: str = "manual") -> list[dict]:
    records = steps.reinstate(get_container(), story_id, reason, run_id=run_id)
    steps.raise_if_retryable(records)
    return [r.__dict__ for r in records]
