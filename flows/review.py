"""Editorial review in the UI: a held article pauses its run until an editor answers the form."""

from __future__ import annotations

from typing import Literal

from prefect import flow, get_run_logger, pause_flow_run
from prefect.artifacts import create_markdown_artifact
from prefect.input import RunInput
from pydantic import Field

from flows.bootstrap import get_container
from newsroom.model import ReviewState
from newsroom.review import side_by_side
from services import review as reviewing
from services.localize import get_story


class ReviewDecision(RunInput):
    """The form the editor fills in the Prefect UI."""

    decision: Literal["approve", "reject"] = "approve"
    headline: str | None = Field(None, description="Corrected headline (optional)")
    paragraph_index: int | None = Field(None, description="Index of a paragraph to correct (optional)")
    paragraph_text: str | None = Field(None, description="Corrected paragraph text")


def decide(story_id: str, language: str, answer: ReviewDecision) -> str:
    """Apply the editor's answer (services.review.decide) and say in the run log what became of it."""
    done = reviewing.decide(
        get_container(), story_id, language, approve=answer.decision == "approve", headline=answer.headline,
        paragraph_index=answer.paragraph_index, paragraph_text=answer.paragraph_text,
    )
    if done.requeued:
        get_run_logger().warning("%s approved; a delivery failed transiently and is queued for the next run",
                                 story_id)
    return done.state


def await_editor(story_id: str, language: str, timeout_minutes: int) -> str:
    """Publish the side-by-side artifact, pause this flow run for the editor's form, apply it."""
    c = get_container()
    story = get_story(c, story_id)
    article = c.articles.get(story_id, language, story.version)
    if article is None or article.review != ReviewState.needs_review:
        return article.review.value if article else "missing"
    create_markdown_artifact(markdown=side_by_side(story, article), key="review",
                             description=f"review {story_id} ({language})")
    answer = pause_flow_run(wait_for_input=ReviewDecision, timeout=timeout_minutes * 60)
    return decide(story_id, language, answer)


@flow(name="review", validate_parameters=True)
def review(
    story_id: str = Field(..., description="Story id"),
    language: Literal["en", "id"] = Field("id", description="Article language"),
    timeout_minutes: int = Field(24 * 60, ge=1, description="How long to wait for an editor"),
) -> str:
    """Show the side-by-side artifact and wait for approve / reject / approve-with-correction."""
    state = await_editor(story_id, language, timeout_minutes)
    get_run_logger().info("%s/%s: %s", story_id, language, state)
    return state
