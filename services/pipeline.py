"""Story → LocalizedArticle: mask terms and conventions, translate through a port, restore, verify.

Pure given its ports: the engine call and the language check are passed in, so this runs the
same under Prefect, the CLI and unit tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from glossary import Glossary
from glossary.mask import protect, restore
from glossary.units import merge_adjacent, order_risks
from glossary.verify import verify
from newsroom.credits import build_credits, copyright_holder
from newsroom.localize import Mentions, convention_spans, dateline_city, localize_dateline, story_zone
from newsroom.model import (
    Block,
    LocalizedArticle,
    Picture,
    Provenance,
    QAReport,
    ReviewState,
    Signal,
    Status,
    Story,
)
from newsroom.spans import merge_spans


class Translated(Protocol):
    """What localization needs back from a translation (read-only, so frozen results fit)."""

    @property
    def texts(self) -> list[str]: ...
    @property
    def engine(self) -> str: ...
    @property
    def characters_sent(self) -> int: ...


TranslateFn = Callable[[Sequence[str], str, str], Translated]
RecallFn = Callable[[Sequence[str], str, str], Mapping[str, str]]
LanguageCheckFn = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class LocalizeOptions:
    """Editorial settings that shape an article but are not part of the story."""

    editor: str | Mapping[str, str] | None = None  # one name, or one per language ({"id": …, "en": …})
    translator: str | None = None
    gate: bool = True
    timezone: str | None = None  # the desk's clock for stories whose dateline names no known place
    # How terms reach the engine: "merge" (adjacent terms as one token in target order, measured best
    # in bench/masking.py), "tokens" (one opaque token each) or "inject" (target text for the engine to place).
    masking: str = "merge"


def _blank(text: str, spans: Sequence) -> str:
    """Cut spans out of a text ("10 miliar dolar AS" became "$10 billion": no "dolar AS" term to expect)."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + " " + text[span.end :]
    return text


def _title_case(headline: str) -> bool:
    """A headline In Title Case (most longer words capitalised): restored terms must follow it."""
    words = [w for w in headline.split() if len(w) > 3 and w[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.75 * len(words)


def _segments(story: Story) -> list[str]:
    """Every text a reader sees, in a fixed order: headline, body blocks, then picture texts."""
    texts = [story.headline, *(b.text for b in story.body)]
    for pic in story.pictures:
        texts.extend([pic.headline or "", pic.caption or ""])
    return texts


def tombstone_article(story: Story, target: str, *, now: datetime, engine: str = "none") -> LocalizedArticle:
    """A kill carries no text at all: partners get the id, the version and `canceled`."""
    return LocalizedArticle(
        story_id=story.story_id, version=story.version, language=target, headline=story.headline,
        status=Status.canceled, signal=Signal.kill, copyright_holder=copyright_holder(story),
        ednote=story.advisory or "Story withdrawn by the agency (kill).",
        first_created=story.first_created, version_created=story.version_created,
        provenance=Provenance(
            source_uri=story.source_uri, source_version=story.version, source_language=story.language,
            engine=engine, translated_at=now, machine_translated=False,
        ),
    )


def localize_story(
    story: Story,
    *,
    source: str,
    target: str,
    glossary: Glossary,
    translate: TranslateFn,
    check_language: LanguageCheckFn | None,
    now: datetime,
    options: LocalizeOptions = LocalizeOptions(),
    native_glossary: bool = False,
    recall: RecallFn | None = None,
) -> LocalizedArticle:
    """Translate and localize one story; QA decides whether it is deliverable or held for review."""
    if story.status == Status.canceled:
        return tombstone_article(story, target, now=now)
    ref = story.version_created or story.first_created or now
    zone = story_zone(dateline_city(story.dateline), story.provider, options.timezone)
    texts = _segments(story)
    body_mentions = Mentions()  # the body dates a weekday once; a headline never, each caption on its own
    scope = "\n".join(texts)  # sense words ("Washington", "earthquake") count anywhere in the story
    title = _title_case(story.headline)
    masked = []
    risks: dict[int, list[str]] = {}  # per segment: adjacent terms the engine may leave in source order
    checked = []  # source text as verify() should see it: convention spans carry their own rendering
    for index, text in enumerate(texts):
        if source == target:  # the original language: nothing to protect, nothing to translate
            masked.append(protect(text, []))
            checked.append(text)
            continue
        # Tokens restart per segment so an unchanged paragraph masks identically in every revision (TM hits).
        in_body = 0 < index <= len(story.body)
        conventions = convention_spans(text, source, target, ref, zone, headline=index == 0,
                                       mentions=body_mentions if in_body else None)
        terms = [] if native_glossary else glossary.find(
            text, source, target, scope=scope, title=index == 0 and title,
            introduced=body_mentions.introduced if in_body else set(),
        )
        spans = merge_spans(conventions, terms)
        if options.masking == "merge":
            units = merge_adjacent(text, spans, source, target, glossary)
            spans = units.spans
            risks[index] = units.risks
        elif options.masking == "tokens":
            risks[index] = order_risks(text, spans, source)
        inline = frozenset({"term", "keep"}) if options.masking == "inject" else frozenset()
        masked.append(protect(text, spans, inline=inline))
        checked.append(_blank(text, [s for s in spans if s.kind == "convention"]))
    # An editor's post-edit of the exact segment wins over any engine (TMX imports, review corrections).
    human = dict(recall(texts, source, target)) if recall and source != target else {}
    todo = [i for i, t in enumerate(texts) if t not in human]
    result = translate([masked[i].text for i in todo], source, target)
    problems: list[str] = []
    out: list[str] = [human.get(t, "") for t in texts]
    for i, translated in zip(todo, result.texts, strict=True):
        restored = restore(translated, masked[i])
        out[i] = restored.text
        problems.extend(restored.problems)
        problems.extend(risks.get(i, ()))
    # A human translation from memory is signed off already: only engine output is held to the glossary.
    term_checks, verify_problems = verify([checked[i] for i in todo], [out[i] for i in todo], source, target,
                                          glossary, scope=scope)
    problems.extend(verify_problems)
    segments = [i for i, t in enumerate(texts) if t.strip()]
    recalled = sum(1 for i in segments if texts[i] in human)
    engine = result.engine if any(texts[i].strip() for i in todo) else ("human" if recalled else result.engine)

    headline, body_texts = out[0], out[1 : 1 + len(story.body)]
    pic_texts = out[1 + len(story.body) :]
    body = tuple(Block(role=b.role, text=t) for b, t in zip(story.body, body_texts, strict=True))
    pictures = tuple(
        Picture(**{**p.model_dump(), "headline": pic_texts[2 * i] or None, "caption": pic_texts[2 * i + 1] or None})
        for i, p in enumerate(story.pictures)
    )
    dry_run = engine == "dry-run"
    detected = None
    review = ReviewState.ok
    if check_language is not None and not dry_run and body:
        lang_problem = check_language(" ".join(b.text for b in body)[:1200], target)  # a sample is as sure
        if lang_problem:
            problems.append(f"language: {lang_problem}")
            review = ReviewState.failed
        else:
            detected = target
    qa = QAReport(terms=term_checks, problems=tuple(problems), detected_language=detected)
    if review == ReviewState.ok and not qa.passed and options.gate:
        review = ReviewState.needs_review
    machine = engine not in ("original", "human", "none")
    credits = build_credits(
        story, editor=options.editor, translator=options.translator, engine=engine,
        machine_translated=machine and not dry_run, language=target,
    )
    notes = []
    if recalled:
        notes.append(f"Human translation recalled from the translation memory for {recalled} of {len(segments)} "
                     "segments.")
    if dry_run:
        notes.append(("DRY RUN: the other segments were not translated" if recalled else
                      "DRY RUN: text was not translated") + " (dry-run engine marks text for plumbing checks).")
    ednote = " ".join(notes) or None
    return LocalizedArticle(
        story_id=story.story_id, version=story.version, language=target, headline=headline,
        slugline=story.slugline, dateline=localize_dateline(story.dateline, target, story.provider),
        body=body, pictures=pictures, credits=credits, status=story.status, signal=story.signal,
        embargoed=story.embargoed, urgency=story.urgency, subjects=story.subjects,
        keywords=story.keywords, copyright_holder=copyright_holder(story),
        copyright_notice=story.copyright_line, usage_terms=story.usage_terms, ednote=ednote,
        first_created=story.first_created, version_created=story.version_created,
        provenance=Provenance(
            source_uri=story.source_uri, source_version=story.version, source_language=source,
            engine=engine, glossary_version=getattr(glossary, "version", None),
            translated_at=now, machine_translated=machine, dry_run=dry_run,
            characters_sent=result.characters_sent,
        ),
        qa=qa, review=review,
    )
