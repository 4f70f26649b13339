"""Regex scans that try only where a match can start: finditer's matches for a fraction of the work.

A pattern that opens with a lookbehind, `\\b` or an optional group gives `re` no prefix to skip
ahead with, so finditer runs the whole pattern at every character. When every match must start at
a known kind of place (a digit run, a literal, a lead word before one), trying only those places
yields exactly the same matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

_DIGIT_RUN = re.compile(r"\d+")


def finditer_at(rx: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """`rx.finditer(text)` for a pattern that never matches empty, given (ascending) every possible start."""
    end = 0
    for pos in starts:
        if pos >= end:
            m = rx.match(text, pos)  # lookbehinds and \b still see text before pos
            if m is not None:
                end = m.end()
                yield m


def digit_starts(text: str) -> list[int]:
    """Where each run of `\\d` begins: the only starts of a match whose first character is a digit after a non-digit."""
    return [m.start() for m in _DIGIT_RUN.finditer(text)]


def literal_starts(text: str, literals: Iterable[str]) -> list[int]:
    """Every position (overlaps included) where one of the literals occurs, ascending."""
    found: set[int] = set()
    for lit in literals:
        at = text.find(lit)
        while at >= 0:
            found.add(at)
            at = text.find(lit, at + 1)
    return sorted(found)


def with_leads(text: str, anchors: Sequence[int], lengths: Sequence[int], depth: int = 1) -> list[int]:
    """Anchors plus where up to `depth` lead words (of these lengths), each followed by whitespace, could start."""
    found = set(anchors)
    frontier = list(anchors)
    for _ in range(depth):
        nxt: list[int] = []
        for pos in frontier:
            gap = pos
            while gap > 0 and text[gap - 1].isspace():  # str.isspace is re's \s for str patterns
                gap -= 1
            if gap == pos:
                continue
            nxt += [gap - n for n in lengths if gap - n >= 0]
        found.update(nxt)
        frontier = nxt
    return sorted(found)
