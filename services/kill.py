"""Kill: withdraw a story from every partner now; it stays withdrawn until an editor reinstates it."""

from __future__ import annotations

from adapters.errors import PermanentError
from newsroom.model import Signal, Status
from services.deliver import DeliveryRecord, deliver, deliver_one
from services.localize import get_story, localize
from services.ports import Context


def kill(c: Context, story_id: str, reason: str, run_id: str = "manual") -> list[DeliveryRecord]:
    """Withdraw a story from every partner now, whatever the feed says later.

    The kill is Kawat's own edition of the story's current revision (no agency revision number is
    made up), registered in the ledger so later agency revisions are refused ("blocked by kill").
    Killing twice writes nothing the second time.
    """
    story = get_story(c, story_id)
    killed = story if story.status == Status.canceled else story.model_copy(
        update={"status": Status.canceled, "signal": Signal.kill, "advisory": reason})
    records = []
    for partner in c.settings.partners:
        for lang in partner.languages:
            rec = deliver_one(c, killed, partner, lang, force=True, run_id=run_id)
            if rec:
                records.append(rec)
    return records


def reinstate(c: Context, story_id: str, reason: str, run_id: str = "manual") -> list[DeliveryRecord]:
    """An editor lifts a kill (recorded in the ledger with the reason); the current revision goes out again."""
    story = get_story(c, story_id)
    if story.status == Status.canceled:
        raise PermanentError(f"{story_id}: its latest revision is the agency's own kill; nothing to reinstate")
    c.publisher.reinstate(story_id, reason)
    articles = {a.language: a for a in localize(c, story_id, story=story)}
    return deliver(c, story_id, force=True, run_id=run_id, story=story, articles=articles)
