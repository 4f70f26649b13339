"""Ingest: a claimed wire file becomes recorded story revisions, queued work, or a quarantined file."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.errors import PermanentError, WireError
from adapters.language import route
from adapters.sources.base import WireFile, WireSource
from adapters.wire import parse_wire
from newsroom.model import Status, Story, without_pictures
from services.ports import Context

log = logging.getLogger("kawat")


@dataclass
class IngestResult:
    """What became of one wire file."""

    file: str
    stories: list[tuple[str, int, str]] = field(default_factory=list)  # (story_id, version, outcome)
    error: str | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)  # (picture file, why it was not read)


LANGUAGE_SAMPLE = 1200  # characters langdetect needs to be sure; whole bodies only cost time


def check_language(story: Story) -> Story:
    """langdetect on the body confirms (or corrects) the feed's language; other languages are refused."""
    r = route((story.body_text or story.headline)[:LANGUAGE_SAMPLE], story.language)
    if r.note:
        log.info("%s: %s", story.story_id, r.note)
    return story if r.source == story.language else story.model_copy(update={"language": r.source})


def _as_held(c: Context, story: Story) -> Story | None:
    """A re-sent identical revision as stored (with its detected language), skipping the costly check; else None."""
    held = c.stories.get(story.story_id, story.version)
    if held is None:
        return None
    same = story.model_copy(update={"language": held.language})
    return same if same.content_hash == held.content_hash else None


def far_embargo(story: Story, max_days: float, now: datetime) -> str | None:
    """Why an embargo is refused: further ahead than any agency embargoes copy (a typo or a hostile date)."""
    if story.embargoed is None or story.status == Status.canceled:
        return None
    when = story.embargoed if story.embargoed.tzinfo else story.embargoed.replace(tzinfo=UTC)
    if (when - now).total_seconds() > max_days * 86400:
        return (f"embargo {when:%Y-%m-%d %H:%M} UTC of {story.story_id} v{story.version} is more than "
                f"{max_days:g} days ahead (max_embargo_days): held for an editor, not for ever")
    return None


def settle_resend(c: Context, source: WireSource, item: WireFile, digest: str | None = None) -> IngestResult | None:
    """A byte-identical re-send of a fully ingested file is acknowledged without parsing; None otherwise."""
    if item.refused is not None:
        return None
    seen = c.stories.seen_file(digest or hashlib.sha256(item.data).hexdigest())
    if seen is None:
        return None
    source.mark_processed(item)
    return IngestResult(file=f"{item.source}/{item.name}", stories=[(sid, ver, "duplicate") for sid, ver in seen])


def ingest_file(c: Context, source: WireSource, item: WireFile) -> IngestResult:
    """Parse, check and record one claimed file; a bad file is quarantined and never stops the run."""
    digest = hashlib.sha256(item.data).hexdigest()
    settled = settle_resend(c, source, item, digest)
    if settled is not None:
        return settled
    result = IngestResult(file=f"{item.source}/{item.name}")
    if item.refused is not None:  # the source would not read it (a link, a pipe, too big): never parsed
        return _quarantine(source, item, result, item.refused)
    try:
        stories = parse_wire(item.data, item.name, limits=c.settings.wire_limits())
        stories = [_as_held(c, s) or check_language(s) for s in stories]
    except (WireError, PermanentError) as exc:
        return _quarantine(source, item, result, exc.reason if isinstance(exc, WireError) else str(exc))
    now = c.clock()
    too_far = next((why for s in stories if (why := far_embargo(s, c.settings.max_embargo_days, now))), None)
    if too_far:
        return _quarantine(source, item, result, too_far)
    for name, why in item.refused_attachments.items():
        log.warning("refused picture %s of %s: %s", name, result.file, why)
        result.refused.append((name, why))
    stories = [without_pictures(s, set(item.refused_attachments)) for s in stories]
    conflicts: list[str] = []
    for story in stories:
        outcome = c.stories.record(story, source=result.file)
        kind: str = outcome.kind
        if kind == "conflict":  # never applied, never called unchanged: the file is quarantined below
            conflicts.append(outcome.conflict_reason)
            result.stories.append((story.story_id, story.version, kind))
            continue
        for pic in story.pictures:  # after recording: an impostor's pictures never replace the real ones
            for r in pic.renditions:
                if r.href in item.attachments:
                    c.media.put(story.story_id, r.href, item.attachments[r.href])
        if kind == "stale":
            log.info("%s v%s kept as history: a newer revision is already recorded", story.story_id, story.version)
        elif kind in ("new", "update") and story.embargoed and story.embargoed > c.clock() and story.status != Status.canceled:
            c.stories.mark_held(story.story_id, story.version)
            kind = "held"
        if kind in ("new", "update"):
            c.work.enqueue(story.story_id, story.version, c.settings.claim_stale_after)
        elif kind == "duplicate" and c.work.ensure(story.story_id, story.version, c.settings.claim_stale_after):
            # Recorded by a run that died before queueing it: this re-offered file finishes the job.
            kind = "recovered"
        result.stories.append((story.story_id, story.version, kind))
    if conflicts:
        return _quarantine(source, item, result, "; ".join(conflicts))
    c.stories.remember_file(digest, [(sid, ver) for sid, ver, _ in result.stories])
    source.mark_processed(item)
    return result


def _quarantine(source: WireSource, item: WireFile, result: IngestResult, reason: str) -> IngestResult:
    log.warning("quarantined %s: %s", result.file, reason)
    source.quarantine(item, reason)
    result.error = reason
    return result


def release_embargoes(c: Context, now: datetime | None = None) -> list[tuple[str, int]]:
    """Stories whose embargo has passed, marked released so the next steps pick them up once."""
    released = []
    for story in c.stories.held_embargoes(now or c.clock()):
        c.stories.mark_released(story.story_id, story.version)
        released.append((story.story_id, story.version))
    return released
