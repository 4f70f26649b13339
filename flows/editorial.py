"""Flows editors run from the Prefect UI: re-localize, re-deliver, kill, resend failures, review."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from prefect import flow, get_run_logger
from pydantic import Field

from flows import outcome, report
from flows.bootstrap import get_container
from flows.limits import engine_slot
from flows.runs import named, rows_touched, tag_flow_run, timed, touched
from flows.tasks import deliver_task, kill_task, localize_task, reinstate_task
from services.localize import get_story

StoryId = str
Lang = Literal["en", "id"]
STORY_EXAMPLE = "afp.com-20231120-TX-PAR-WGF71"
KILL_REASON_MIN = 3


def story_field(what: str = "Story id") -> Any:
    """The story id parameter: described, with an example, as `kawat deliveries` and run reports show it."""
    return Field(..., min_length=1, description=f"{what}, as `kawat deliveries` or a run report shows it",
                 examples=[STORY_EXAMPLE])


STORY = story_field()
STORY_TO_KILL = story_field("Story id to withdraw from every partner")


def _known_story(story_id: str) -> None:
    """Fail fast with a clear message before any work is scheduled."""
    get_story(get_container(), story_id)


def _known_partners(partners: list[str]) -> None:
    """An unknown partner ends the run with one line naming the configured ones."""
    c = get_container()
    for p in partners:
        c.settings.partner(p)


@flow(name="localize", validate_parameters=True, flow_run_name=named("localize", ("story_id", ""),
                                                                       ("target_lang", "all")))
@outcome.guarded("localize-report")
def localize(
    story_id: StoryId = STORY,
    target_lang: Lang | None = Field(None, description="Only this language (default: every partner language)"),
    engine: str | None = Field(None, description="Translation engine (default: the configured engine and its "
                                                 "fallbacks)"),
    force: bool = Field(False, description="Translate again even if this version is already done"),
    wait_for_review: bool = Field(True, description="Pause for an editor when an article is held for review"),
    review_timeout_minutes: int = Field(24 * 60, ge=1, description="How long to wait for the editor, in minutes"),
) -> Any:
    """Translate, localize, credit and QA one story; a held article pauses the run for review."""
    from flows.review import await_editor

    c = get_container()
    _known_story(story_id)
    chain = c.chain(engine)
    tag_flow_run(touched(stories=[story_id], engines=[chain[0]]))
    with engine_slot(chain[0]):
        rows = localize_task(story_id, target_lang, engine, force)
    if wait_for_review:
        for row in rows:
            if row["review"] == "needs-review":
                row["review"] = await_editor(story_id, row["language"], review_timeout_minutes)
    merged = report.merge_rows(rows, [])
    report.publish(merged, key="localize-report", description=f"localize {story_id}")
    return outcome.finish(rows, merged)


@flow(name="deliver", validate_parameters=True, flow_run_name=named("deliver", ("story_id", ""),
                                                                     ("partners", "all-partners")))
@outcome.guarded("deliver-report")
def deliver(
    story_id: StoryId = STORY,
    partners: list[str] | None = Field(None, description="Deliver only to these partners (default: every partner)"),
    force: bool = Field(False, description="Rewrite objects even when unchanged"),
) -> Any:
    """Render and push one story's articles to partners, updating the ledger."""
    c = get_container()
    _known_story(story_id)
    _known_partners(partners or [])
    run_id = uuid.uuid4().hex[:12]
    chosen = partners or [p.id for p in c.settings.partners]
    tag_flow_run(touched(stories=[story_id], partners=chosen))
    rows: list[dict] = []
    for partner in chosen:
        rows.extend(deliver_task(story_id, partner, force, run_id))
    merged = report.merge_rows([], rows)
    report.publish(merged, key="deliver-report", description=f"deliver {story_id} (Kawat run {run_id})")
    return outcome.finish(rows, merged)


@flow(name="rerun", validate_parameters=True, flow_run_name=named("rerun", ("story_id", ""),
                                                                   ("partner", "all-partners")))
@outcome.guarded("rerun-report")
def rerun(
    story_id: StoryId = STORY,
    partner: str | None = Field(None, description="Only this partner (default: every partner)"),
    engine: str | None = Field(None, description="Translation engine (default: the configured engine and its "
                                                 "fallbacks)"),
    force: bool = Field(True, description="Redo work already done (translate and rewrite again)"),
) -> Any:
    """An editor's one-click redo: localize then deliver one story (to one partner)."""
    c = get_container()
    _known_story(story_id)
    _known_partners([partner] if partner else [])
    chain = c.chain(engine)
    tag_flow_run(touched(stories=[story_id], partners=[partner] if partner else [p.id for p in c.settings.partners],
                         engines=[chain[0]]))
    with engine_slot(chain[0]):
        loc = localize_task(story_id, None, engine, force)
    run_id = uuid.uuid4().hex[:12]
    rows = deliver_task(story_id, partner, force, run_id)
    merged = report.merge_rows(loc, rows)
    report.publish(merged, key="rerun-report", description=f"rerun {story_id} (Kawat run {run_id})")
    return outcome.finish(rows, merged)


def check_kill(story_id: str, reason: str, confirm: str) -> str:
    """A kill reaches every partner and cannot be taken back by a feed update: say why, and mean it."""
    why = " ".join((reason or "").split())
    if len(why) < KILL_REASON_MIN:
        raise outcome.Refused(f"kill refused: the reason must say why in at least {KILL_REASON_MIN} characters "
                              f"(partners read it in the tombstone), got {reason!r}")
    if (confirm or "").strip() != story_id:
        raise outcome.Refused(f"kill refused: type the story id {story_id!r} in `confirm` to confirm the kill")
    return why


@flow(name="kill", validate_parameters=True, flow_run_name=named("kill", ("story_id", "")))
@outcome.guarded("kill-report")
def kill(
    story_id: StoryId = STORY_TO_KILL,
    reason: str = Field(..., min_length=KILL_REASON_MIN,
                        description="Why (at least 3 characters; partners read it in the tombstone's ednote)"),
    confirm: str = Field("", description="Type the story id again to confirm: the kill goes to every partner"),
) -> Any:
    """Withdraw one story from every partner now: a tombstone and a feed line each."""
    why = check_kill(story_id, reason, confirm)
    _known_story(story_id)
    c = get_container()
    tag_flow_run(touched(stories=[story_id], partners=[p.id for p in c.settings.partners]))
    run_id = uuid.uuid4().hex[:12]
    rows = kill_task(story_id, why, run_id)
    merged = report.merge_rows([], rows)
    report.publish(merged, key="kill-report", description=f"kill {story_id}: {why} (Kawat run {run_id})")
    return outcome.finish(rows, merged)


@flow(name="reinstate", validate_parameters=True, flow_run_name=named("reinstate", ("story_id", "")))
@outcome.guarded("reinstate-report")
def reinstate(
    story_id: StoryId = STORY,
    reason: str = Field(..., min_length=KILL_REASON_MIN,
                        description="Why the kill is lifted (at least 3 characters; kept in the ledger)"),
) -> Any:
    """Lift a kill explicitly: recorded with its reason, then the story's current revision goes out as a new edition."""
    why = " ".join((reason or "").split())
    if len(why) < KILL_REASON_MIN:
        raise outcome.Refused(f"reinstate refused: the reason must say why in at least {KILL_REASON_MIN} characters")
    _known_story(story_id)
    c = get_container()
    tag_flow_run(touched(stories=[story_id], partners=[p.id for p in c.settings.partners]))
    run_id = uuid.uuid4().hex[:12]
    rows = reinstate_task(story_id, why, run_id)
    merged = report.merge_rows([], rows)
    report.publish(merged, key="reinstate-report", description=f"reinstate {story_id}: {why} (Kawat run {run_id})")
    return outcome.finish(rows, merged)


@flow(name="resend-failed", validate_parameters=True,
      flow_run_name=timed("resend-failed", "partner", "all-partners"))
@outcome.guarded("resend-report")
def resend_failed(partner: str | None = Field(None, description="Only this partner (default: every partner)")) -> Any:
    """Retry every failed delivery (hourly, and by hand after an outage)."""
    c = get_container()
    logger = get_run_logger()
    _known_partners([partner] if partner else [])
    run_id = uuid.uuid4().hex[:12]
    rows: list[dict] = []
    todo = {(r.story_id, r.partner) for r in c.ledger.failed(partner)}
    logger.info("%d failed deliveries to retry", len(todo))
    if not todo:  # nothing to do: no report, like an idle poll
        return outcome.finish({"retried": 0, "rows": []}, [])
    for story_id, pid in sorted(todo):
        try:
            rows.extend(deliver_task(story_id, pid, False, run_id))
        except Exception as exc:  # still down: the others are tried anyway, and the run says so
            rows.append({"story_id": story_id, "partner": pid, "language": "-", "state": "failed",
                         "detail": outcome.short(exc, 300)})
    merged = report.merge_rows([], rows)
    tag_flow_run(rows_touched(merged))
    report.publish(merged, key="resend-report", description=f"resend {len(todo)} failed deliveries (Kawat run {run_id})")
    return outcome.finish({"retried": len(todo), "rows": rows}, merged)
