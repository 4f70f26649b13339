"""Editorial review in the UI: a held article pauses its run until an editor answers the form."""

from __future__ import annotations

import re
from typing import Any, Literal

from prefect import flow, get_run_logger, pause_flow_run
from prefect.artifacts import create_markdown_artifact
from prefect.input import RunInput
from pydantic import Field, create_model

from flows import outcome
from flows.bootstrap import get_container
from flows.runs import named, tag_flow_run, touched
from newsroom.model import LocalizedArticle, ReviewState, Story
from newsroom.review import answer_problems, held_because, review_page
from services import review as reviewing
from services.localize import get_story

MAX_ASKS = 5  # an editor who keeps sending unusable answers gets five chances, then the article stays held


class ReviewDecision(RunInput):
    """The form the editor fills in the Prefect UI."""

    decision: Literal["approve", "reject"] = Field("approve", description="Approve (delivers it) or reject")
    headline: str | None = Field(None, description="Corrected headline (optional; empty keeps it)")
    paragraph_index: int | None = Field(None, ge=0, description="Number of a paragraph to correct, as in the "
                                                                 "review artifact (optional)")
    paragraph_text: str | None = Field(None, description="Corrected text for that paragraph")


def form_for(article: LocalizedArticle) -> type[ReviewDecision]:
    """The form with this article's paragraph range, so the UI refuses an index that does not exist."""
    last = max(len(article.body) - 1, 0)
    return create_model(
        "ReviewDecision", __base__=ReviewDecision,
        paragraph_index=(int | None, Field(None, ge=0, le=last, description=f"Number of a paragraph to correct, "
                                                                           f"0 to {last} as in the review artifact "
                                                                           f"(optional)")),
    )


def artifact_key(story_id: str, language: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes: one key per story and language."""
    return re.sub(r"[^a-z0-9-]+", "-", f"review-{story_id}-{language}".lower()).strip("-")


def pause_description(story: Story, article: LocalizedArticle, error: str | None = None) -> str:
    """What the resume form says: what is held and why, so the editor need not find the artifact first."""
    reasons = held_because(article) or ["no QA problem recorded"]
    lines = []
    if error:
        lines += [f"**Your last answer was not applied:** {error}. Please answer again.", ""]
    lines += [f"**Held for review:** {story.story_id} v{article.version} in {article.language} — "
              f"\"{article.headline}\"", "", "**Why:**", *[f"- {r}" for r in reasons], "",
              f"The source and translation, paragraph by paragraph (0 to {len(article.body) - 1}), are in the "
              f"run's Artifacts tab: `{artifact_key(story.story_id, article.language)}`."]
    return "\n".join(lines)


def decide(story_id: str, language: str, answer: ReviewDecision) -> str:
    """Apply the editor's answer (services.review.decide), then say on the review page what became of it."""
    try:
        done = reviewing.decide(
            get_container(), story_id, language, approve=answer.decision == "approve", headline=answer.headline,
            paragraph_index=answer.paragraph_index, paragraph_text=answer.paragraph_text,
        )
    except reviewing.MissingArticle as exc:
        raise outcome.Refused(str(exc)) from exc
    if done.state == "approved":
        if done.requeued:
            get_run_logger().warning("%s approved; a delivery failed transiently and is queued for the next run",
                                     story_id)
        sent = [f"{r.partner}: {r.state}" for r in done.records]
        _publish(done.story, done.article, "approved",
                 note=f"Approved by the editor; deliveries: {', '.join(sent) or 'none'}")
    else:
        _publish(done.story, done.article, "rejected", note="Rejected by the editor: it will not be delivered.")
    return done.state


def _publish(story: Story, article: LocalizedArticle, decided: str | None = None, note: str | None = None) -> None:
    create_markdown_artifact(markdown=review_page(story, article, decided=decided, note=note),
                             key=artifact_key(story.story_id, article.language),
                             description=f"review {story.story_id} ({article.language}): {decided or 'held'}")


def await_editor(story_id: str, language: str, timeout_minutes: int) -> str:
    """Publish the review artifact, pause this flow run for the editor's form, apply a valid answer."""
    c = get_container()
    logger = get_run_logger()
    story = get_story(c, story_id)
    article = c.articles.get(story_id, language, story.version)
    if article is None or article.review != ReviewState.needs_review:
        return article.review.value if article else "missing"
    _publish(story, article)
    logger.warning("held for review: %s (%s): %s", story_id, language,
                   "; ".join(held_because(article)) or "no QA problem recorded")
    form = form_for(article)
    error = None
    for ask in range(MAX_ASKS):
        answer: Any = pause_flow_run(
            wait_for_input=form.with_initial_data(description=pause_description(story, article, error)),
            timeout=timeout_minutes * 60, key=f"review-{language}-{ask}")
        problems = answer_problems(article, headline=answer.headline, paragraph_index=answer.paragraph_index,
                                   paragraph_text=answer.paragraph_text) if answer.decision == "approve" else []
        if not problems:
            return decide(story_id, language, answer)
        error = "; ".join(problems)
        logger.warning("review answer for %s (%s) not applied: %s; asking again", story_id, language, error)
    raise outcome.Refused(f"{story_id} ({language}) stays held: {MAX_ASKS} answers could not be applied ({error})")


@flow(name="review", validate_parameters=True, flow_run_name=named("review", ("story_id", ""), ("language", "id")))
@outcome.guarded("review-report")
def review(
    story_id: str = Field(..., min_length=1, description="Story id of the held article",
                          examples=["afp.com-20231120-TX-PAR-WGF71"]),
    language: Literal["en", "id"] = Field("id", description="Language of the held article"),
    timeout_minutes: int = Field(24 * 60, ge=1, description="How long to wait for an editor, in minutes"),
) -> str:
    """Show the review artifact and wait for approve / reject / approve-with-correction."""
    get_story(get_container(), story_id)
    tag_flow_run(touched(stories=[story_id]))
    state = await_editor(story_id, language, timeout_minutes)
    get_run_logger().info("%s/%s: %s", story_id, language, state)
    return state
