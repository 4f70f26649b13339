"""Review decisions: an editor approves or rejects a held article, optionally correcting it first."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.errors import PermanentError
from newsroom.model import LocalizedArticle, ReviewState, Story
from newsroom.review import apply_decision, corrections
from services.deliver import DeliveryRecord, deliver, requeue_retryable
from services.localize import get_story
from services.ports import Context


class MissingArticle(PermanentError):
    """The editor answered for an article that is not (or no longer) stored for this revision."""


@dataclass
class Decided:
    """What the decision did: the article as decided, its deliveries, and whether a retry was queued."""

    state: str  # "approved" or "rejected"
    story: Story
    article: LocalizedArticle
    records: list[DeliveryRecord] = field(default_factory=list)
    requeued: bool = False


def decide(
    c: Context, story_id: str, language: str, *, approve: bool, headline: str | None = None,
    paragraph_index: int | None = None, paragraph_text: str | None = None,
) -> Decided:
    """Store the decided article, teach the TM the editor's corrections, deliver when approved."""
    story = get_story(c, story_id)
    article = c.articles.get(story_id, language, story.version)
    if article is None:
        raise MissingArticle(f"no {language} article for {story_id} v{story.version}")
    decided = apply_decision(article, approve=approve, headline=headline, paragraph_index=paragraph_index,
                             paragraph_text=paragraph_text)
    c.articles.save(decided)
    pairs = corrections(article, decided, story)
    if pairs:
        c.tm.store(pairs, story.language, language, engine="human",
                   glossary_version=article.provenance.glossary_version, origin="human")
    if decided.review != ReviewState.ok:
        return Decided("rejected", story, decided)
    records = deliver(c, story_id, force=False, run_id="review")
    return Decided("approved", story, decided, records, requeue_retryable(c.work, story_id, story.version, records))
