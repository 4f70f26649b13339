"""Dates, numbers, money, percentages, times and datelines rendered by rule, never by the engine.

One module per direction (`en_id`, `id_en`); the shared pieces are locale facts (`numbers`), the
story's clock (`timezones`), weekday sense (`weekdays`) and the rule machinery (`rules`).
"""

from __future__ import annotations

from datetime import datetime

from newsroom.localize import en_id, id_en
from newsroom.localize.datelines import dateline_city, localize_dateline
from newsroom.localize.numbers import lang_of
from newsroom.localize.rules import Ctx, Dated, RuleBook
from newsroom.localize.timezones import city_zone, story_zone
from newsroom.localize.weekdays import Mentions, resolve_weekday
from newsroom.scan import digit_starts, finditer_at
from newsroom.spans import Span, apply_spans, merge_spans


def default_rulebook(*, eager: bool = False) -> RuleBook:
    """The two directions Kawat localizes; a fresh book builds its tables on first use (or now, if eager)."""
    return RuleBook({("en", "id"): en_id.rules, ("id", "en"): id_en.rules}, eager=eager)


# Built at import (~40 ms) and never changed afterwards: a constant, not a cache filled by whoever comes first.
_SHARED = default_rulebook(eager=True)


def convention_spans(
    text: str, source: str, target: str, ref: datetime | None, tz: str | None = None, *,
    mentions: Mentions | None = None, headline: bool = False, rulebook: RuleBook | None = None,
) -> list[Span]:
    """Protected spans whose replacement is the target-language rendering (longest wins on overlap).

    `mentions` carries what earlier paragraphs of the story already dated (first mention only);
    without it each text counts as a story of its own.
    """
    src, tgt = lang_of(source), lang_of(target)
    rules = (rulebook or _SHARED).rules(src, tgt)
    if not rules:
        return []
    ctx = Ctx(src, tgt, ref, tz, headline=headline)
    digits = digit_starts(text)
    groups: list[list[Span]] = []
    dated: dict[tuple[int, int], Dated] = {}
    for rule in rules:
        found: list[Span] = []
        groups.append(found)
        if (rule.needs_digit and not digits) or rule.needs.search(text) is None:
            continue
        for m in finditer_at(rule.rx, text, rule.starts(text, digits)):
            if m.end() <= m.start():
                continue
            out = rule.render(m, ctx)
            if out is None:
                continue
            if isinstance(out, Dated):
                shown = _capital_dated(m.group(), out)
                dated[(m.start(), m.end())] = shown
                text_out = shown.first
            else:
                text_out = _capitalised(m.group(), out)
            found.append(Span(m.start(), m.end(), m.group(), text_out, "convention", rule.name))
    chosen = merge_spans(*groups)
    if not dated:
        return chosen
    memory = mentions if mentions is not None else Mentions()
    out_spans = []
    for span in chosen:  # in text order, so "first mention" is the first one a reader meets
        d = dated.get((span.start, span.end))
        if d is not None:
            span = Span(span.start, span.end, span.text, d.choose(memory), span.kind, span.key)
        out_spans.append(span)
    return out_spans


_LEADS = {"on", "last", "next", "this", "at", "pada", "hari", "pukul"}  # lower-case words a rendering opens with


def _capitalised(source: str, out: str) -> str:
    """"On Monday" opens a sentence: so does "Pada Senin"."""
    if not source[:1].isupper() or source.split()[0].lower() not in _LEADS:
        return out
    return _cap(out)


def _capital_dated(source: str, out: Dated) -> Dated:
    return Dated(out.day, _capitalised(source, out.first), _capitalised(source, out.again), out.record_only)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def localize_text(
    text: str, source: str, target: str, ref: datetime | None, tz: str | None = None, *,
    mentions: Mentions | None = None,
) -> str:
    """Apply the conventions directly (no engine): dry runs, tests, and text already in the target language."""
    return apply_spans(text, convention_spans(text, source, target, ref, tz, mentions=mentions))


__all__ = [
    "Mentions", "RuleBook", "city_zone", "convention_spans", "dateline_city", "default_rulebook",
    "localize_dateline", "localize_text", "resolve_weekday", "story_zone",
]
