"""Hide protected spans from the engine behind opaque tokens, then put their target text back."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from newsroom.scan import finditer_at
from newsroom.spans import Span

# Tokens look like ZX007Q: a consonant cluster no EN/ID word starts with, digits, a terminator.
PREFIX, SUFFIX = "ZX", "Q"
_GAP = r"[\s\u00a0\u200b\u2009_-]*"  # what engines insert inside tokens
LEFTOVER = re.compile(r"(?i)(?<![^\W\d_])z" + _GAP + r"x" + _GAP + r"\d")
_OPENERS = "([«“"  # not straight quotes: a closing " before a token must keep its space
_CLOSERS = ",.;:!?)]»”"


@dataclass(frozen=True, slots=True)
class Slot:
    """What a token stands for: the original source text and its target replacement."""

    replacement: str
    original: str
    kind: str = "term"
    key: str = ""


@dataclass(frozen=True)
class Masked:
    text: str
    slots: Mapping[str, Slot] = field(default_factory=dict)


@dataclass(frozen=True)
class Restored:
    text: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def token(n: int, width: int = 3) -> str:
    return f"{PREFIX}{n:0{width}d}{SUFFIX}"


def protect(text: str, spans: Sequence[Span], *, start: int = 0, inline: frozenset[str] = frozenset()) -> Masked:
    """Replace each span by a unique token (numbering from `start`, so blocks of one story differ).

    Spans of an `inline` kind are written as their target text instead, for the engine to read and
    place (verification checks them afterwards).
    """
    ordered = sorted(spans, key=lambda s: s.start)
    if inline and any(s.kind in inline for s in ordered):
        rewritten, moved = _inline(text, ordered, inline)
        return protect(rewritten, moved, start=start)
    width = max(3, len(str(start + len(ordered))))
    out: list[str] = []
    slots: dict[str, Slot] = {}
    pos = 0
    for i, span in enumerate(ordered):
        if span.start < pos:
            raise ValueError(f"overlapping spans at {span.start}; merge them first")
        tok = token(start + i, width)
        before = text[pos:span.start]
        # Keep tokens separate words so engines do not glue them to neighbours.
        if before and before[-1].isalnum():
            before += " "
        out.append(before)
        out.append(tok)
        if span.end < len(text) and text[span.end].isalnum():
            out.append(" ")
        slots[tok] = Slot(span.replacement, span.text, span.kind, span.key)
        pos = span.end
    out.append(text[pos:])
    return Masked("".join(out), slots)


def _inline(text: str, spans: Sequence[Span], inline: frozenset[str]) -> tuple[str, list[Span]]:
    """The text with inline spans replaced by their target text, and the other spans at their new offsets."""
    out: list[str] = []
    moved: list[Span] = []
    pos = 0
    shift = 0
    for span in spans:
        if span.kind in inline:
            out.append(text[pos:span.start])
            out.append(span.replacement)
            shift += len(span.replacement) - (span.end - span.start)
            pos = span.end
        else:
            moved.append(Span(span.start + shift, span.end + shift, span.text, span.replacement, span.kind, span.key))
    out.append(text[pos:])
    return "".join(out), moved


@lru_cache(maxsize=1024)
def _token_regex(tok: str) -> re.Pattern[str]:
    """Tolerant pattern for one token; cached, as the same few tokens recur in every segment."""
    body = _GAP.join(re.escape(ch) for ch in tok)
    return re.compile(
        rf"(?i)(?:(?<=[{re.escape(_OPENERS)}])\s+)?(?<![^\W_]){body}(?![0-9])(?:\s+(?=[{re.escape(_CLOSERS)}]))?"
    )


_Z = re.compile("[zZ]")  # `(?i)z` matches these two only (checked over all of Unicode in tests)


def _token_starts(text: str) -> list[int]:
    """Where a token pattern can match: at a z (every token opens with one) or where the spaces before it begin.

    Besides its z, a token match can only start with the optional spaces after an opener, and the
    greedy run of them reaches back to the opener, which is never a space.
    """
    out: list[int] = []
    for m in _Z.finditer(text):
        z = gap = m.start()
        while gap > 0 and text[gap - 1].isspace():  # str.isspace is re's whitespace class for str
            gap -= 1
        if gap != z:
            out.append(gap)
        out.append(z)
    return out  # ascending: a run of spaces before one z starts after the previous z


def _token_hits(rx: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """`rx.finditer(text)`, tried only at `_token_starts(text)`."""
    return list(finditer_at(rx, text, starts))


def _leftover_iter(text: str) -> Iterator[re.Match[str]]:
    """`LEFTOVER.finditer(text)`, tried only where a z is."""
    return finditer_at(LEFTOVER, text, [m.start() for m in _Z.finditer(text)])


def _sentence_start(text: str, at: int) -> bool:
    head = text[:at].rstrip(" \t\"'“«(")
    return not head or head[-1] in ".!?\n"


def restore(translated: str, masked: Masked) -> Restored:
    """Put replacements back, tolerating case changes and spaces inside tokens; report what went wrong."""
    text = translated
    problems: list[str] = []
    starts: list[int] | None = None  # for the current text; recomputed only after a replacement changed it
    for tok, slot in masked.slots.items():
        if starts is None:
            starts = _token_starts(text)
        hits = _token_hits(_token_regex(tok), text, starts)
        if not hits:
            problems.append(f"lost token: the placeholder for {slot.original!r} did not come back")
            continue
        if len(hits) > 1:
            problems.append(f"duplicated token: the placeholder for {slot.original!r} came back {len(hits)}x")
        pieces: list[str] = []
        pos = 0
        for m in hits:
            pieces.append(text[pos:m.start()])
            rep = slot.replacement
            if slot.kind != "keep" and rep[:1].islower():
                head = "".join(pieces)
                if _sentence_start(head, len(head)):
                    rep = rep[0].upper() + rep[1:]
            pieces.append(rep)
            pos = m.end()
        pieces.append(text[pos:])
        text = "".join(pieces)
        starts = None
    text = _hyphenate_clitics(text, masked)
    for m in _leftover_iter(text):
        problems.append(f"lost token: leftover placeholder fragment {text[m.start():m.start() + 12]!r}")
    return Restored(text, tuple(problems))


_CLITIC = r"(nya|lah|kah|pun)(?!\w)"


_CLITICS = ("nya", "lah", "kah", "pun")


def _hyphenate_clitics(text: str, masked: Masked) -> str:
    """An engine glues a clitic to a restored name ("OpenAInya"): EYD V writes "OpenAI-nya"."""
    for slot in masked.slots.values():
        rep = slot.replacement
        last = rep.split()[-1] if rep.split() else ""
        # Most names never meet a clitic: look for one glued on before building a pattern for the name.
        if any(ch.isupper() for ch in last[1:]) and any(rep + c in text for c in _CLITICS):
            text = re.sub(rf"(?<!\w)({re.escape(rep)}){_CLITIC}", r"\1-\2", text)
    return text


def leftovers(text: str) -> list[str]:
    """Token fragments still in a text (a dropped or mangled placeholder)."""
    return [text[m.start():m.start() + 12] for m in _leftover_iter(text)]
