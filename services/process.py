"""One story's whole pass — localize, then deliver — and the closing of its work-log entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.errors import KawatError
from newsroom.model import LocalizedArticle
from services.deliver import DeliveryRecord, deliver, raise_if_retryable
from services.localize import get_story, localize
from services.ports import Context


@dataclass
class Processed:
    """One story's pass: its articles, its deliveries, or why it failed for good."""

    story_id: str
    articles: list[LocalizedArticle] = field(default_factory=list)
    records: list[DeliveryRecord] = field(default_factory=list)
    error: str | None = None


def process(c: Context, story_id: str, *, engine: str | None = None, run_id: str = "manual") -> Processed:
    """Localize then deliver one story and close its work-log entry; a story is processed once at a time."""
    with c.story_lock(story_id):
        try:
            story = get_story(c, story_id)  # read under the lock: the latest revision
            articles = localize(c, story_id, engine=engine, story=story)
        except KawatError as exc:
            held = c.stories.get(story_id)
            c.work.done(story_id, held.version if held else 0)  # failed for good, visible in the report
            return Processed(story_id, error=str(exc))
        # The story and its articles travel on: delivery need not read them back.
        records = deliver(c, story_id, run_id=run_id, story=story,
                          articles={a.language: a for a in articles if a.version == story.version})
        raise_if_retryable(records)  # work stays pending: the task's retry (or the next run) finishes it
        if not any(r.state == "busy" for r in records):  # another (maybe dead) run holds one: retry later
            c.work.done(story_id, max((a.version for a in articles), default=0))
        return Processed(story_id, articles, records)
