"""Kill: withdraw a story from every partner now, whatever the feed says later."""

from __future__ import annotations

from newsroom.model import Signal, Status
from services.deliver import DeliveryRecord, deliver_one
from services.localize import get_story
from services.ports import Context


def kill(c: Context, story_id: str, reason: str, run_id: str = "manual") -> list[DeliveryRecord]:
    """Withdraw a story from every partner now, whatever the feed says later."""
    story = get_story(c, story_id)
    if story.status == Status.canceled:  # a retried or repeated kill re-applies the same killed version
        killed = story
    else:
        killed = story.model_copy(update={"status": Status.canceled, "signal": Signal.kill, "advisory": reason,
                                          "version": story.version + 1})
        c.stories.record(killed)
    records = []
    for partner in c.settings.partners:
        for lang in partner.languages:
            rec = deliver_one(c, killed, partner, lang, force=True, run_id=run_id)
            if rec:
                records.append(rec)
    return records
