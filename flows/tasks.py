"""Prefect tasks: each body is one call into flows.steps, plus retries, tags and a readable name."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import progress, steps
from adapters.errors import KawatError
from flows.bootstrap import get_container


def _name(prefix: str, which: str, default: str) -> str:
    """Run names that say which story and partner/language a task is about."""
    from prefect.runtime import task_run

    params = task_run.parameters
    return f"{prefix}-{params.get('story_id')}-{params.get(which) or default}"


@task(name="ingest-source", task_run_name="ingest-{source_name}", retries=2, retry_delay_seconds=5,
      cache_policy=NO_CACHE, tags=["ingest"])
def ingest_source(source_name: str, limit: int | None = None) -> list[dict]:
    """Claim and ingest every new file of one source; bad files are quarantined inside."""
    c = get_container()
    source = c.source(source_name)
    results = []
    for item in source.poll(limit):
        r = steps.ingest_file(c, source, item)
        progress.report("ingested", r.file if not r.error else f"{r.file} (quarantined)")
        results.append({"file": r.file, "stories": r.stories, "error": r.error})
    return results


@task(name="housekeeping", cache_policy=NO_CACHE, tags=["ingest"])
def housekeeping() -> dict[str, list]:
    """Work that is due without a new file: released embargoes, glossary changes, crashed runs' leftovers."""
    c = get_container()
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


def _article_row(a) -> dict:  # type: ignore[no-untyped-def]
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
    progress.report("delivered", story_id)
    return [r.__dict__ for r in records]


@task(name="process-story", task_run_name="story-{story_id}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["localize", "deliver"])
def process_story(story_id: str, engine: str | None = None, run_id: str = "manual") -> dict:
    """Localize then deliver one story in a single task: half the orchestration cost per story."""
    c = get_container()
    try:
        articles = steps.localize(c, story_id, engine=engine)
    except KawatError as exc:
        progress.report("failed", story_id)
        story = c.stories.get(story_id)
        c.work.done(story_id, story.version if story else 0)  # failed for good, visible in the report
        return {"localized": [{"story_id": story_id, "language": "-", "review": "failed", "qa": str(exc)}],
                "delivered": []}
    progress.report("localized", story_id)
    records = steps.deliver(c, story_id, run_id=run_id)
    progress.report("delivered", story_id)
    if not any(r.state == "busy" for r in records):  # another (maybe dead) run holds one: retry later
        c.work.done(story_id, max((a.version for a in articles), default=0))
    return {"localized": [_article_row(a) for a in articles], "delivered": [r.__dict__ for r in records]}


@task(name="kill", task_run_name="kill-{story_id}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["deliver", "kill"])
def kill_task(story_id: str, reason: str, run_id: str = "manual") -> list[dict]:
    return [r.__dict__ for r in steps.kill(get_container(), story_id, reason, run_id=run_id)]
