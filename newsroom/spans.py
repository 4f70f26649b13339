"""A protected stretch of source text and what it must become in the target language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """Source text[start:end] that the engine must not touch; `replacement` goes in its place."""

    start: int
    end: int
    text: str
    replacement: str
    kind: str = "term"  # "term" (translate), "keep" (do-not-translate) or "convention"
    key: str = ""  # concept id or convention name, for reports

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span bounds {self.start}..{self.end}")

    @property
    def length(self) -> int:
        return self.end - self.start


def merge_spans(*groups: Iterable[Span]) -> list[Span]:
    """Combine span lists into non-overlapping spans: the longer wins, then the earlier, then the first list."""
    ranked = [(s, gi) for gi, group in enumerate(groups) for s in group]
    ranked.sort(key=lambda p: (-p[0].length, p[0].start, p[1]))
    chosen: list[Span] = []
    for span, _ in ranked:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def apply_spans(text: str, spans: Iterable[Span]) -> str:
    """Replace each span by its replacement directly (no engine): dry runs and conventions alone."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            raise ValueError(f"overlapping span at {span.start}")
        out.append(text[pos:span.start])
        out.append(span.replacement)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
