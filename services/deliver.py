"""Deliver: render an article for each partner that takes the story and publish it, once per version."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from adapters.config import PartnerConfig
from adapters.errors import KawatError, TransientError
from adapters.ledger import DeliveryKey
from adapters.storage.outcome import DeliveryOutcome
from adapters.worklog import WorkLog
from newsroom import contract
from newsroom.contract import PictureFile, Publication, sha256_hex
from newsroom.credits import credit_lines, photo_credit_line, photo_in_caption
from newsroom.model import LocalizedArticle, ReviewState, Status, Story, safe_id
from newsroom.render import to_html, to_ninjs, to_text
from newsroom.render.layout import file_name
from services.localize import get_story
from services.ports import Context

log = logging.getLogger("kawat")


DeliveryRecord = DeliveryOutcome
"""What delivery did for one partner × language × version: the publisher's outcome type, one for every caller."""


def deliver(
    c: Context, story_id: str, *, partners: list[str] | None = None, force: bool = False, run_id: str = "manual",
    story: Story | None = None, articles: dict[str, LocalizedArticle] | None = None,
) -> list[DeliveryRecord]:
    """Push the latest localized versions of one story to each (or the named) partner."""
    story = story if story is not None else get_story(c, story_id)
    chosen = [c.settings.partner(p) for p in partners] if partners else c.settings.partners
    records = []
    for partner in chosen:
        if not partner.accepts(story):
            continue
        for lang in partner.languages:
            rec = deliver_one(c, story, partner, lang, force=force, run_id=run_id,
                              article=(articles or {}).get(lang))
            if rec:
                records.append(rec)
    return records


def deliver_one(
    c: Context, story: Story, partner: PartnerConfig, lang: str, *, force: bool, run_id: str,
    article: LocalizedArticle | None = None,
) -> DeliveryRecord | None:
    """One partner × language: kill, hold for review, or publish; errors become a failed record."""
    base: dict[str, Any] = dict(story_id=story.story_id, partner=partner.id, language=lang, version=story.version)
    try:
        store = c.store_for(partner)
        if story.status == Status.canceled:
            o = c.publisher.kill(partner, store, story.story_id, lang, story.version, run_id=run_id,
                                 reason=story.advisory or "kill")
            return o
        if article is None:
            article = c.articles.get(story.story_id, lang, story.version)
        if article is None:
            return DeliveryRecord(**base, state="not-localized", detail=f"no {lang} article for v{story.version}")
        if article.review != ReviewState.ok:
            detail = "; ".join(article.qa.problems) or "glossary QA failed"
            return DeliveryRecord(**base, state=article.review.value, detail=detail)
        o = c.publisher.deliver(partner, store, publication_for(c, article, partner, story), run_id=run_id, force=force)
        return o
    except KawatError as exc:
        log.error("delivery of %s to %s failed: %s", story.story_id, partner.id, exc)
        c.ledger.mark_failed(DeliveryKey(partner.id, story.story_id, lang, story.version), str(exc))
        return DeliveryRecord(**base, state="failed", detail=str(exc), retryable=isinstance(exc, TransientError))


def raise_if_retryable(records: list[DeliveryRecord]) -> None:
    """A delivery that failed on a transient cause is raised, so the task retries it instead of reporting it lost."""
    failed = [r for r in records if r.state == "failed" and r.retryable]
    if failed:
        what = "; ".join(f"{r.partner}/{r.language} v{r.version}: {r.detail}" for r in failed)
        raise TransientError(f"{failed[0].story_id}: {len(failed)} delivery(ies) failed transiently: {what}")


def requeue_retryable(work: WorkLog, story_id: str, version: int, records: list[DeliveryRecord]) -> bool:
    """Outside a story's own task (an editor's approval) a transient failure is queued for the next run."""
    if not any(r.state == "failed" and r.retryable for r in records):
        return False
    work.enqueue(story_id, version, 0)
    return True


def publication_for(c: Context, article: LocalizedArticle, partner: PartnerConfig, story: Story) -> Publication:
    """Render one article in the partner's formats with the partner's credit template."""
    lines = credit_lines(
        article.credits, article.language, template=partner.credit_template,
        mt_disclosure=partner.mt_disclosure and article.provenance.machine_translated, engine=article.provenance.engine,
    )
    pictures: list[PictureFile] = []
    hrefs: dict[str, str] = {}
    photo_credits: dict[str, str] = {}  # printed under each picture, or "" where the template credits it elsewhere
    picture_data: dict[str, str] = {}  # ninjs keeps every picture's credit as data, whatever the print layout
    under_picture = photo_in_caption(partner.credit_template)
    for pic in article.pictures:
        credit = photo_credit_line(pic, article.language)
        if credit is not None:
            picture_data[pic.id] = credit
            photo_credits[pic.id] = credit if under_picture else ""
        for r in pic.renditions:
            data = c.media.get(story.story_id, r.href)
            if data is not None:
                # Content-addressed: a re-sent rendition with other bytes gets a key of its own.
                name = safe_id(f"{sha256_hex(data)[:12]}-{file_name(r.href)}")
                pictures.append(PictureFile(name=name, data=data, content_type=r.content_type))
                hrefs[r.href] = f"{contract.PICTURES_DIR}/{name}"  # relative to the version and latest keys
    uri = contract.story_uri(article.story_id, article.language)
    embargo = article.embargoed if partner.embargo_policy == "deliver" else None
    files = {"ninjs": contract.ninjs_bytes(to_ninjs(article, uri=uri, credit_lines=lines, picture_hrefs=hrefs,
                                                    photo_credit=picture_data, outlet=c.settings.outlet))}
    if "html" in partner.formats:
        files["html"] = to_html(article, credit_lines=lines, photo_credit=photo_credits, picture_hrefs=hrefs,
                                embargoed=embargo).encode()
    if "text" in partner.formats:
        files["text"] = to_text(article, credit_lines=lines, photo_credit=photo_credits, embargoed=embargo).encode()
    return Publication(
        story_id=article.story_id, version=article.version, language=article.language,
        pubstatus=article.status.value, published=published_at(story, article, c.stories.folder_date(story.story_id)),
        files=files, pictures=tuple(pictures), embargoed=article.embargoed, signal=article.signal.value,
    )


def published_at(story: Story, article: LocalizedArticle, fixed: datetime | None = None) -> datetime:
    """The date folder for every version of a story: as fixed by its first recorded revision, else its own dates."""
    if fixed is not None:
        return fixed
    when = story.first_created or story.version_created
    if when is None:
        try:
            when = datetime.strptime(story.date_id[:8], "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            when = article.provenance.translated_at
    return when
