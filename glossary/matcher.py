"""One compiled regex per glossary side: longest match first, word boundaries, inflection tolerance."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# English plurals and possessives; Indonesian clitics (also hyphenated after names: "OpenAI-nya").
_SUFFIX = {
    "en": r"(?:(?:e?s)?(?:['’]s?)?)",
    "id": r"(?:-?(?:nya|lah|kah|pun))?",
}
_APOS = "['’]"
_DASH = "[-‐‑–]"


@dataclass(frozen=True, slots=True)
class MatchItem:
    key: int
    surface: str
    case_sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    key: int
    start: int
    end: int
    text: str
    surface: str


def term_pattern(surface: str, language: str) -> str:
    """Regex for one term: flexible whitespace, either apostrophe, inflected last word."""
    words = surface.split()
    parts: list[str] = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if last and language == "en" and re.fullmatch(r"\w*[^aeiou\W]y", word):
            # agency -> agencies
            parts.append(_escape(word[:-1]) + r"(?:y|ies)")
        elif not last and language == "en" and re.search(r"[a-z]$", word):
            parts.append(_escape(word) + r"(?:e?s)?")  # "boards of directors"
        else:
            parts.append(_escape(word))
    body = r"\s+".join(parts)
    if words and re.search(r"\w$", words[-1]):
        body += _SUFFIX.get(language, "")
    return body


def _escape(word: str) -> str:
    """Escape literally, but let any apostrophe or dash stand for its typographic variants."""
    out: list[str] = []
    for ch in word:
        if ch in "'’":
            out.append(_APOS)
        elif ch in "-‐‑–":
            out.append(_DASH)
        else:
            out.append(re.escape(ch))
    return "".join(out)


class Matcher:
    """Finds non-overlapping occurrences, the longest term winning where several start together."""

    def __init__(self, items: Sequence[MatchItem], language: str) -> None:
        self.items = sorted(items, key=lambda it: (-len(it.surface), it.surface))
        alts = []
        for i, it in enumerate(self.items):
            flags = "" if it.case_sensitive else "(?i:"
            pat = term_pattern(it.surface, language)
            alts.append(f"(?P<g{i}>{flags}{pat}{')' if flags else ''})")
        self.regex = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)") if alts else None

    def finditer(self, text: str) -> Iterator[Match]:
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            name = m.lastgroup
            if name is None:
                continue
            it = self.items[int(name[1:])]
            yield Match(it.key, m.start(), m.end(), m.group(), it.surface)

    def count(self, text: str) -> dict[int, int]:
        """Occurrences per key."""
        out: dict[int, int] = {}
        for m in self.finditer(text):
            out[m.key] = out.get(m.key, 0) + 1
        return out
