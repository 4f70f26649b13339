"""Prefect tasks: each body is one call into services/, plus retries, tags and a readable name."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE

from adapters.sources.base import WireFile
from flows import progress
from flows.bootstrap import Container, get_container
from flows.runs import rename_task_run, tag_task_run, touched
from newsroom.model import LocalizedArticle
from services import deliver, ingest, kill, localize, process


def _name(prefix: str, which: str, default: str) -> str:
    """Run names that say which story and partner/language a task is about."""
    from prefect.runtime import task_run

    params = task_run.parameters
    return f"{prefix}-{params.get('story_id')}-{params.get(which) or default}"


@dataclass(frozen=True)
class Claimed:
    """What one poll claimed: the files to ingest, and how many it took (re-sends included) against its limit."""

    files: list[WireFile]
    polled: int


# No `tags=` on any task: Prefect checks a tagged task run's tag concurrency limits with one API call
# before it starts, one run at a time per tag set (a 100-file batch waited 0.5 s for its first engine
# request). Each task labels itself once it knows what it touched (story:, partner:, engine:), and
# only with that: see _label.
@task(name="claim-files", task_run_name="claim-{source_name}", retries=2, retry_delay_seconds=5,
      cache_policy=NO_CACHE)
def claim_files(source_name: str, limit: int | None = None) -> Claimed:
    """Claim up to `limit` new files of one source; each then gets its own task, so the first story starts at once.

    Byte-identical re-sends are acknowledged here: an unchanged batch costs no task per file.
    """
    c = get_container()
    source = c.source(source_name)
    polled = source.poll(limit)
    fresh = []
    for item in polled:
        settled = ingest.settle_resend(c, source, item)
        if settled is None:
            fresh.append(item)
        else:
            progress.report("ingested", settled.file)
    return Claimed(fresh, len(polled))


@task(name="wire-file", task_run_name="file-{item.name}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def handle_file(source_name: str, item: WireFile, wanted: list[str], engine: str | None = None,
                run_id: str = "manual") -> dict:
    """Ingest one file (bad files are quarantined inside), then localize and deliver the stories it changed."""
    out = _one_file(get_container(), source_name, item, wanted, engine, run_id)
    _name_after([out])
    return out


def _files_name() -> str:
    from prefect.runtime import task_run

    items = task_run.parameters.get("items") or []
    first = getattr(items[0], "name", "?") if items else "none"
    return f"files-{first}-and-{max(len(items) - 1, 0)}-more"


@task(name="wire-files", task_run_name=_files_name, retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def handle_files(source_name: str, items: list[WireFile], wanted: list[str], engine: str | None = None,
                 run_id: str = "manual") -> dict:
    """Several files of a large batch in one task run, each exactly as `handle_file` does it.

    Every task run costs the Prefect API a few events to record; a batch of hundreds of files in one
    task run per file kept the server busier than the stories. A file that raises is handed back by
    its position (`raised`), so the flow gives it a task of its own with that task's retries.
    """
    c = get_container()
    outs: list[dict] = []
    raised: list[list] = []
    for i, item in enumerate(items):
        try:
            outs.append(_one_file(c, source_name, item, wanted, engine, run_id))
        except Exception as exc:  # the others go on; this file is retried in its own task
            raised.append([i, f"{type(exc).__name__}: {exc}"])
    _name_after(outs)
    return {"files": outs, "raised": raised}


def _one_file(c: Container, source_name: str, item: WireFile, wanted: list[str], engine: str | None,
              run_id: str) -> dict:
    r = ingest.ingest_file(c, c.source(source_name), item)
    progress.report("ingested", r.file if not r.error else f"{r.file} (quarantined)")
    out: dict = {"file": r.file, "stories": r.stories, "error": r.error, "localized": [], "delivered": [],
                 "retry": [], "refused": r.refused}
    for story_id, _version, kind in r.stories:
        if kind not in wanted:
            continue
        try:
            rows = _story_rows(process.process(c, story_id, engine=engine, run_id=run_id))
        except Exception as exc:  # the file is ingested; the story gets its own retried task
            out["retry"].append([story_id, f"{type(exc).__name__}: {exc}"])
            continue
        out["localized"].extend(rows["localized"])
        out["delivered"].extend(rows["delivered"])
    return out


def _name_after(outs: list[dict]) -> None:
    """Name the running task after the stories its files held, and label it with them (editors search by id)."""
    ids = list(dict.fromkeys(sid for out in outs for sid, _v, _k in out["stories"]))
    if ids:
        rename_task_run("story-" + ids[0] if len(ids) == 1 else f"stories-{ids[0]}-and-{len(ids) - 1}-more")
        tag_task_run(touched(stories=ids))
    _label([r for out in outs for r in out["localized"]], [r for out in outs for r in out["delivered"]])


@task(name="housekeeping", cache_policy=NO_CACHE)
def housekeeping() -> dict[str, list]:
    """Work that is due without a new file: released embargoes, glossary changes, crashed runs' leftovers."""
    c = get_container()
    return {
        "released": ingest.release_embargoes(c),
        "glossary": localize.glossary_stale(c),
        "unfinished": c.work.claim_due(c.settings.claim_stale_after),
    }


@task(name="localize", task_run_name=lambda: _name("localize", "target", "all"), retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def localize_task(story_id: str, target: str | None = None, engine: str | None = None,
                  force: bool = False) -> list[dict]:
    """Translate + localize + credit + QA one story (an engine chain retries inside the service)."""
    tag_task_run(touched(stories=[story_id]))
    articles = localize.localize(get_container(), story_id, target=target, engine=engine, force=force)
    progress.report("localized", story_id)
    rows = [_article_row(a) for a in articles]
    _label(rows, [])
    return rows


def _article_row(a: LocalizedArticle) -> dict[str, object]:
    """Report facts of one article; `characters` is its translated text, `sent` what the engine billed."""
    text = len(a.headline or "") + sum(len(b.text) for b in a.body)
    return {
        "story_id": a.story_id, "language": a.language, "version": a.version, "review": a.review.value,
        "engine": a.provenance.engine, "characters": text, "sent": a.provenance.characters_sent,
        "qa": "pass" if a.qa.passed else "; ".join(a.qa.problems) or "terms missing",
    }


@task(name="deliver", task_run_name=lambda: _name("deliver", "partner", "all-partners"), retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def deliver_task(story_id: str, partner: str | None = None, force: bool = False, run_id: str = "manual") -> list[dict]:
    """Deliver one story to one (or every) partner; a transient failure raises so Prefect retries it."""
    tag_task_run(touched(stories=[story_id], partners=[partner] if partner else []))
    records = deliver.deliver(get_container(), story_id, partners=[partner] if partner else None,
                            force=force, run_id=run_id)
    _label([], [r.__dict__ for r in records])
    deliver.raise_if_retryable(records)  # Prefect's retries take it from there; the UI shows why
    progress.report("delivered", story_id)
    return [r.__dict__ for r in records]


def _label(localized: list[dict], delivered: list[dict]) -> None:
    """Tag the running task with the engines and partners its rows name."""
    tag_task_run(touched(stories=[r["story_id"] for r in [*localized, *delivered]],
                         partners=[r["partner"] for r in delivered],
                         engines=[str(r.get("engine") or "") for r in localized]))


def _story_rows(p: process.Processed) -> dict:
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
    tag_task_run(touched(stories=[story_id]))
    rows = _story_rows(process.process(c, story_id, engine=engine, run_id=run_id))
    _label(rows["localized"], rows["delivered"])
    return rows


@task(name="kill", task_run_name="kill-{story_id}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE)
def kill_task(story_id: str, reason: str, run_id: str = "manual") -> list[dict]:
    """Withdraw one story from every partner; a transient failure raises so Prefect retries it."""
    tag_task_run(touched(stories=[story_id]))
    records = kill.kill(get_container(), story_id, reason, run_id=run_id)
    _label([], [r.__dict__ for r in records])
    deliver.raise_if_retryable(records)
    return [r.__dict__ for r in records]


@task(name="reinstate", task_run_name="reinstate-{story_id}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, tags=["deliver", "reinstate"])
def reinstate_task(story_id: str, reason: str, run_id: str = "manual") -> list[dict]:
    """Lift a kill and deliver the story again; a transient failure raises so Prefect retries it."""
    tag_task_run(touched(stories=[story_id]))
    records = kill.reinstate(get_container(), story_id, reason, run_id=run_id)
    _label([], [r.__dict__ for r in records])
    deliver.raise_if_retryable(records)
    return [r.__dict__ for r in records]
