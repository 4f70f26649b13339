"""Localize: one story into each language partners want, through the engine chain, skipping work done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.errors import PermanentError
from adapters.language import check_output
from adapters.translate.service import TranslationResult
from glossary import Glossary, affected_by_change
from newsroom.model import LocalizedArticle, ReviewState, Status, Story
from services.pipeline import LocalizeOptions, localize_story
from services.ports import Context


def glossary_stale(c: Context) -> list[str]:
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


def wanted_languages(c: Context, story: Story) -> list[str]:
    """Every language some partner wants; the other of en/id by default."""
    langs = sorted({lang for p in c.settings.partners for lang in p.languages})
    return langs or ["id" if story.language == "en" else "en"]


def get_story(c: Context, story_id: str, version: int | None = None) -> Story:
    """The stored revision (latest by default); an unknown story is a permanent error."""
    story = c.stories.get(story_id, version)
    if story is None:
        raise PermanentError(f"unknown story {story_id!r}" + (f" version {version}" if version else ""))
    return story


def _identity_article(story: Story, now: datetime, c: Context) -> LocalizedArticle:
    """The story in its own language: no engine, conventions and credits only."""
    def same(texts: Sequence[str], source: str, target: str) -> TranslationResult:
        return TranslationResult(texts=list(texts), engine="original", characters_sent=0, requests=0, from_memory=0)

    return localize_story(
        story, source=story.language, target=story.language, glossary=c.glossary, translate=same,
        check_language=None, now=now, options=_options(c),
    )


def _options(c: Context) -> LocalizeOptions:
    """The newsroom conventions this deployment signs with (editor, translator, glossary gate)."""
    s = c.settings
    return LocalizeOptions(editor=s.editor, translator=s.translator, gate=s.glossary_gate, timezone=s.timezone)


def translate_story(c: Context, story: Story, target: str, engine: str | None = None) -> LocalizedArticle:
    """One story into one language through the engine chain; embargoed copy only to confidential engines."""
    if target == story.language:
        return _identity_article(story, c.clock(), c)
    chain = c.chain(engine)
    confidential = bool(story.embargoed and story.embargoed > c.clock())

    def translate(texts: Sequence[str], source: str, tgt: str) -> TranslationResult:
        return c.translation.translate(
            texts, source, tgt, chain=chain, confidential_only=confidential,
            glossary_version=c.glossary.version, glossary_pairs=c.glossary.pairs(source, tgt),
        )

    native = c.translation.uses_native_glossary(chain[0])
    return localize_story(
        story, source=story.language, target=target, glossary=c.glossary, translate=translate,
        check_language=check_output, now=c.clock(), options=_options(c), native_glossary=native,
        recall=lambda texts, s, t: c.tm.lookup(texts, s, t, "human", None),
    )


def localize(
    c: Context, story_id: str, target: str | None = None, engine: str | None = None, force: bool = False,
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
