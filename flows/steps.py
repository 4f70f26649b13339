"""Plain functions behind each Prefect task: ingest, localize, deliver, kill — testable without Prefect."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.errors import KawatError, PermanentError, TransientError, WireError
from adapters.language import check_output, route
from adapters.ledger import DeliveryKey
from adapters.sources.base import WireFile, WireSource
from adapters.storage.outcome import DeliveryOutcome
from adapters.wire import parse_wire
from adapters.worklog import WorkLog
from flows.bootstrap import Container
from flows.settings import PartnerConfig
from glossary import affected_by_change
from newsroom import contract
from newsroom.contract import PictureFile, Publication, sha256_hex
from newsroom.credits import credit_lines, photo_credit_line, photo_in_caption
from newsroom.model import LocalizedArticle, ReviewState, Signal, Status, Story, safe_id, without_pictures
from newsroom.pipeline import LocalizeOptions, localize_story
from newsroom.render import to_html, to_ninjs, to_text
from newsroom.render.layout import file_name

if TYPE_CHECKING:
    from adapters.translate.service import TranslationResult
    from glossary import Glossary

log = logging.getLogger("kawat")


@dataclass
class IngestResult:
    """What became of one wire file."""

    file: str
    stories: list[tuple[str, int, str]] = field(default_factory=list)  # (story_id, version, outcome)
    error: str | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)  # (picture file, why it was not read)


LANGUAGE_SAMPLE = 1200  # characters langdetect needs to be sure; whole bodies only cost time


def now_utc() -> datetime:
    return datetime.now(UTC)


def check_language(story: Story) -> Story:
    """langdetect on the body confirms (or corrects) the feed's language; other languages are refused."""
    r = route((story.body_text or story.headline)[:LANGUAGE_SAMPLE], story.language)
    if r.note:
        log.info("%s: %s", story.story_id, r.note)
    return story if r.source == story.language else story.model_copy(update={"language": r.source})


def _as_held(c: Container, story: Story) -> Story | None:
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


def settle_resend(c: Container, source: WireSource, item: WireFile, digest: str | None = None) -> IngestResult | None:
    """A byte-identical re-send of a fully ingested file is acknowledged without parsing; None otherwise."""
    if item.refused is not None:
        return None
    seen = c.stories.seen_file(digest or hashlib.sha256(item.data).hexdigest())
    if seen is None:
        return None
    source.mark_processed(item)
    return IngestResult(file=f"{item.source}/{item.name}", stories=[(sid, ver, "duplicate") for sid, ver in seen])


def ingest_file(c: Container, source: WireSource, item: WireFile) -> IngestResult:
    """Parse, check and record one claimed file; a bad file is quarantined and never stops the run."""
    digest = hashlib.sha256(item.data).hexdigest()
    settled = settle_resend(c, source, item, digest)
    if settled is not None:
        return settled
    result = IngestResult(file=f"{item.source}/{item.name}")
    if item.refused is not None:  # the source would not read it (a link, a pipe, too big): never parsed
        return _quarantine(source, item, result, item.refused)
    try:
        stories = parse_wire(item.data, item.name, max_bytes=c.settings.max_file_bytes)
        stories = [_as_held(c, s) or check_language(s) for s in stories]
    except (WireError, PermanentError) as exc:
        return _quarantine(source, item, result, exc.reason if isinstance(exc, WireError) else str(exc))
    now = now_utc()
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
        elif kind in ("new", "update") and story.embargoed and story.embargoed > now_utc() and story.status != Status.canceled:
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


def release_embargoes(c: Container, now: datetime | None = None) -> list[tuple[str, int]]:
    """Stories whose embargo has passed, marked released so the next steps pick them up once."""
    released = []
    for story in c.stories.held_embargoes(now or now_utc()):
        c.stories.mark_released(story.story_id, story.version)
        released.append((story.story_id, story.version))
    return released


def glossary_stale(c: Container) -> list[str]:
    """Stories whose articles used a term base that changed in a way that touches their text."""
    from glossary import read_csv

    stale: set[str] = set()
    old_cache: dict[str, Glossary | None] = {}
    for story_id, _lang, old_version in c.articles.other_glossary(c.glossary.version):
        if story_id in stale:
            continue
        story = c.stories.get(story_id)
        if story is None or story.status == Status.canceled:
            continue
        if old_version not in old_cache:
            snap = c.settings.data_dir / "glossary" / f"{old_version}.csv"
            old_cache[old_version] = read_csv(snap) if snap.exists() else None
        old = old_cache[old_version]
        texts = [story.headline, *(b.text for b in story.body)]
        if old is None or affected_by_change(old, c.glossary, texts, story.language):
            stale.add(story_id)
        else:  # untouched by the change: adopt the new version without re-translating
            for lang in wanted_languages(c, story):
                art = c.articles.get(story_id, lang, story.version)
                if art and art.provenance.glossary_version == old_version:
                    c.articles.save(art.model_copy(update={"provenance": art.provenance.model_copy(
                        update={"glossary_version": c.glossary.version})}))
    return sorted(stale)


def wanted_languages(c: Container, story: Story) -> list[str]:
    """Every language some partner wants; the other of en/id by default."""
    langs = sorted({lang for p in c.settings.partners for lang in p.languages})
    return langs or ["id" if story.language == "en" else "en"]


def get_story(c: Container, story_id: str, version: int | None = None) -> Story:
    story = c.stories.get(story_id, version)
    if story is None:
        raise PermanentError(f"unknown story {story_id!r}" + (f" version {version}" if version else ""))
    return story


def _identity_article(story: Story, now: datetime, c: Container) -> LocalizedArticle:
    """The story in its own language: no engine, conventions and credits only."""
    from adapters.translate.service import TranslationResult

    def same(texts: Sequence[str], source: str, target: str) -> TranslationResult:
        return TranslationResult(texts=list(texts), engine="original", characters_sent=0, requests=0, from_memory=0)

    return localize_story(
        story, source=story.language, target=story.language, glossary=c.glossary, translate=same,
        check_language=None, now=now, options=_options(c),
    )


def _options(c: Container) -> LocalizeOptions:
    s = c.settings
    return LocalizeOptions(editor=s.editor, translator=s.translator, gate=s.glossary_gate, timezone=s.timezone)


def translate_story(c: Container, story: Story, target: str, engine: str | None = None) -> LocalizedArticle:
    """One story into one language through the engine chain; embargoed copy only to confidential engines."""
    if target == story.language:
        return _identity_article(story, now_utc(), c)
    chain = c.chain(engine)
    confidential = bool(story.embargoed and story.embargoed > now_utc())

    def translate(texts: Sequence[str], source: str, tgt: str) -> TranslationResult:
        return c.translation.translate(
            texts, source, tgt, chain=chain, confidential_only=confidential,
            glossary_version=c.glossary.version, glossary_pairs=c.glossary.pairs(source, tgt),
        )

    native = bool(getattr(c.translation.engines.get(chain[0]), "native_glossary", False))
    return localize_story(
        story, source=story.language, target=target, glossary=c.glossary, translate=translate,
        check_language=check_output, now=now_utc(), options=_options(c), native_glossary=native,
        recall=lambda texts, s, t: c.tm.lookup(texts, s, t, "human", None),
    )


def localize(
    c: Container, story_id: str, target: str | None = None, engine: str | None = None, force: bool = False,
    *, story: Story | None = None,
) -> list[LocalizedArticle]:
    """Translate one story into each wanted language (or `target`), skipping work already done."""
    story = story if story is not None else get_story(c, story_id)
    targets = [target] if target else wanted_languages(c, story)
    out = []
    for lang in targets:
        existing = c.articles.get(story.story_id, lang, story.version)
        if (existing and not force and existing.provenance.glossary_version in (c.glossary.version, None)
                and existing.review != ReviewState.failed):
            out.append(existing)
            continue
        article = keep_first_render(existing, translate_story(c, story, lang, engine))
        if article is not existing:
            c.articles.save(article)
        out.append(article)
    return out


def keep_first_render(existing: LocalizedArticle | None, fresh: LocalizedArticle) -> LocalizedArticle:
    """A redo that produced the same article keeps the first one (and its translated-at): same bytes, no new edition."""
    if existing is None or existing.version != fresh.version:
        return fresh
    same_clock = fresh.model_copy(update={"provenance": fresh.provenance.model_copy(
        update={"translated_at": existing.provenance.translated_at})})
    return existing if same_clock == existing else fresh


@dataclass
class Processed:
    """One story's pass: its articles, its deliveries, or why it failed for good."""

    story_id: str
    articles: list[LocalizedArticle] = field(default_factory=list)
    records: list[DeliveryRecord] = field(default_factory=list)
    error: str | None = None


def process(c: Container, story_id: str, *, engine: str | None = None, run_id: str = "manual") -> Processed:
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


def publication_for(c: Container, article: LocalizedArticle, partner: PartnerConfig, story: Story) -> Publication:
    """Render one article in the partner's formats with the partner's credit template."""
    lines = credit_lines(
        article.credits, article.language, template=partner.credit_template,
        mt_disclosure=partner.mt_disclosure and article.provenance.machine_translated, engine=article.provenance.engine,
    )
    pictures: list[PictureFile] = []
    hrefs: dict[str, str] = {}
    photo_credits: dict[str, str] = {}
    under_picture = photo_in_caption(partner.credit_template)
    for pic in article.pictures:
        credit = photo_credit_line(pic, article.language) if under_picture else ""  # once, where the template says
        if credit is not None:
            photo_credits[pic.id] = credit
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
                                                    photo_credit=photo_credits, outlet=c.settings.outlet))}
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


@dataclass
class DeliveryRecord:
    """One row of a run report: the publisher's DeliveryOutcome, or why no delivery was attempted."""

    story_id: str
    partner: str
    language: str
    version: int
    state: str
    key: str | None = None
    detail: str | None = None
    objects_written: int = 0
    retryable: bool = False
    edition: int | None = None
    seq: int | None = None

    @classmethod
    def of(cls, o: DeliveryOutcome) -> DeliveryRecord:
        return cls(story_id=o.story_id, partner=o.partner, language=o.language, version=o.version,
                   state=str(o.state), key=o.key, detail=o.error, objects_written=o.objects_written,
                   retryable=o.retryable, edition=o.edition, seq=o.seq)


def deliver(
    c: Container, story_id: str, *, partners: list[str] | None = None, force: bool = False, run_id: str = "manual",
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
    c: Container, story: Story, partner: PartnerConfig, lang: str, *, force: bool, run_id: str,
    article: LocalizedArticle | None = None,
) -> DeliveryRecord | None:
    """One partner × language: kill, hold for review, or publish; errors become a failed record."""
    base: dict[str, Any] = dict(story_id=story.story_id, partner=partner.id, language=lang, version=story.version)
    try:
        store = c.store_for(partner)
        if story.status == Status.canceled:
            o = c.publisher.kill(partner, store, story.story_id, lang, story.version, run_id=run_id,
                                 reason=story.advisory or "kill")
            return DeliveryRecord.of(o)
        if article is None:
            article = c.articles.get(story.story_id, lang, story.version)
        if article is None:
            return DeliveryRecord(**base, state="not-localized", detail=f"no {lang} article for v{story.version}")
        if article.review != ReviewState.ok:
            detail = "; ".join(article.qa.problems) or "glossary QA failed"
            return DeliveryRecord(**base, state=article.review.value, detail=detail)
        o = c.publisher.deliver(partner, store, publication_for(c, article, partner, story), run_id=run_id, force=force)
        return DeliveryRecord.of(o)
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


def kill(c: Container, story_id: str, reason: str, run_id: str = "manual") -> list[DeliveryRecord]:
    """Withdraw a story from every partner now; it stays withdrawn until an editor reinstates it.

    The kill is Kawat's own edition of the story's current revision (no agency revision number is
    made up), registered in the ledger so later agency revisions are refused ("blocked by kill").
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


def reinstate(c: Container, story_id: str, reason: str, run_id: str = "manual") -> list[DeliveryRecord]:
    """An editor lifts a kill (recorded in the ledger with the reason) and the story's current revision goes out again."""
    story = get_story(c, story_id)
    if story.status == Status.canceled:
        raise PermanentError(f"{story_id}: its latest revision is the agency's own kill; nothing to reinstate")
    c.publisher.reinstate(story_id, reason)
    articles = {a.language: a for a in localize(c, story_id, story=story)}
    return deliver(c, story_id, force=True, run_id=run_id, story=story, articles=articles)
