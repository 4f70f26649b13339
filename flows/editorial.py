"""Flows editors run from the Prefect UI: re-localize, re-deliver, kill, resend failures, review."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from prefect import flow, get_run_logger, tags
from pydantic import Field

from flows import report, steps
from flows.bootstrap import get_container
from flows.tasks import deliver_task, kill_task, localize_task, reinstate_task

StoryId = str
Lang = Literal["en", "id"]


def _known_story(story_id: str) -> None:
    """Fail fast with a clear message before any work is scheduled."""
    steps.get_story(get_container(), story_id)


@flow(name="localize", validate_parameters=True)
def localize(
    story_id: StoryId = Field(..., description="Story id, e.g. afp.com-20231120-TX-PAR-WGF71"),
    target_lang: Lang | None = Field(None, description="Only this language (default: every partner language)"),
    engine: str | None = Field(None, description="Engine name from kawat.toml (default: the configured chain)"),
    force: bool = Field(False, description="Translate again even if this version is done"),
    wait_for_review: bool = Field(True, description="Pause for an editor when an article is held"),
    review_timeout_minutes: int = Field(24 * 60, ge=1, description="How long to wait for the editor"),
) -> list[dict]:
    """Translate, localize, credit and QA one story; a held article pauses the run for review."""
    from flows.review import await_editor

    _known_story(story_id)
    with tags(f"engine:{get_container().chain(engine)[0]}"):
        rows = localize_task(story_id, target_lang, engine, force)
    if wait_for_review:
        for row in rows:
            if row["review"] == "needs-review":
                row["review"] = await_editor(story_id, row["language"], review_timeout_minutes)
    report.publish(report.merge_rows(rows, []), key="localize-report", description=f"localize {story_id}")
    return rows


@flow(name="deliver", validate_parameters=True)
def deliver(
    story_id: StoryId = Field(..., description="Story id"),
    partners: list[str] | None = Field(None, description="Partner ids (default: all)"),
    force: bool = Field(False, description="Rewrite objects even when unchanged"),
) -> list[dict]:
    """Render and push one story's articles to partners, updating the ledger."""
    c = get_container()
    _known_story(story_id)
    for p in partners or []:
        c.settings.partner(p)
    run_id = uuid.uuid4().hex[:12]
    rows: list[dict] = []
    for partner in partners or [p.id for p in c.settings.partners]:
        with tags(f"partner:{partner}"):
            rows.extend(deliver_task(story_id, partner, force, run_id))
    report.publish(report.merge_rows([], rows), key="deliver-report", description=f"deliver {story_id}")
    return rows


@flow(name="rerun", validate_parameters=True)
def rerun(
    story_id: StoryId = Field(..., description="Story id"),
    partner: str | None = Field(None, description="Only this partner"),
    engine: str | None = Field(None, description="Engine override"),
    force: bool = Field(True, description="Redo work already done"),
) -> list[dict]:
    """An editor's one-click redo: localize then deliver one story (to one partner)."""
    c = get_container()
    _known_story(story_id)
    if partner:
        c.settings.partner(partner)
    with tags(f"engine:{c.chain(engine)[0]}"):
        loc = localize_task(story_id, None, engine, force)
    with tags(f"partner:{partner or 'all'}"):
        rows = deliver_task(story_id, partner, force, uuid.uuid4().hex[:12])
    report.publish(report.merge_rows(loc, rows), key="rerun-report", description=f"rerun {story_id}")
    return rows


@flow(name="kill", validate_parameters=True)
def kill(
    story_id: StoryId = Field(..., description="Story id"),
    reason: str = Field(..., min_length=3, description="Why (shown to partners in the tombstone)"),
) -> list[dict]:
    """Propagate a kill to every partner now."""
    _known_story(story_id)
    rows = kill_task(story_id, reason, uuid.uuid4().hex[:12])
    report.publish(report.merge_rows([], rows), key="kill-report", description=f"kill {story_id}")
    return rows


@flow(name="reinstate", validate_parameters=True)
def reinstate(
    story_id: StoryId = Field(..., description="Story id"),
    reason: str = Field(..., min_length=3, description="Why the kill is lifted (kept in the ledger)"),
) -> list[dict]:
    """Lift a kill explicitly: recorded with its reason, then the story's current revision is delivered again."""
    _known_story(story_id)
    rows = reinstate_task(story_id, reason, uuid.uuid4().hex[:12])
    report.publish(report.merge_rows([], rows), key="reinstate-report", description=f"reinstate {story_id}")
    return rows


@flow(name="resend-failed", validate_parameters=True)
def resend_failed(partner: str | None = Field(None, description="Only this partner")) -> dict[str, Any]:
    """Retry every failed delivery (hourly, and by hand after an outage)."""
    c = get_container()
    logger = get_run_logger()
    if partner:
        c.settings.partner(partner)
    run_id = uuid.uuid4().hex[:12]
    rows: list[dict] = []
    todo = {(r.story_id, r.partner) for r in c.ledger.failed(partner)}
    logger.info("%d failed deliveries to retry", len(todo))
    for story_id, pid in sorted(todo):
        with tags(f"partner:{pid}"):
            rows.extend(deliver_task(story_id, pid, False, run_id))
    report.publish(report.merge_rows([], rows), key="resend-report", description="resend failed deliveries")
    return {"retried": len(todo), "rows": rows}
