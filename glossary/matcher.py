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


_FOLD = str.maketrans({"’": "'", "‐": "-", "‑": "-", "–": "-"})


def _norm_key(chars: str) -> str:
    return chars.lower().translate(_FOLD)


class Matcher:
    """Finds non-overlapping occurrences, the longest term winning where several start together.

    Terms are indexed by the first one or two characters of their first word, so each word start
    tries only the few terms that could begin there (one giant alternation costs per-character work
    proportional to the whole term base).
    """

    def __init__(self, items: Sequence[MatchItem], language: str) -> None:
        self.items = sorted(items, key=lambda it: (-len(it.surface), it.surface))
        self._by_one: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        self._by_two: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        self._other: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        self._memo: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        for i, it in enumerate(self.items):
            flags = 0 if it.case_sensitive else re.IGNORECASE
            rx = re.compile(rf"(?<!\w)(?:{term_pattern(it.surface, language)})(?!\w)", flags)
            first = it.surface.split()[0] if it.surface.split() else ""
            if not first:
                continue
            if not re.match(r"\w", first[0]):
                self._other.setdefault(_norm_key(first[0]), []).append((i, rx))
            elif len(first) == 1 or not re.match(r"\w", first[1]):
                self._by_one.setdefault(_norm_key(first[0]), []).append((i, rx))
            else:
                self._by_two.setdefault(_norm_key(first[:2]), []).append((i, rx))
        self.regex = bool(self.items) or None  # kept for callers that test for an empty matcher
        others = "".join(re.escape(k) for k in self._other)
        self._starts = re.compile(rf"(?<!\w)\w" + (rf"|[{others}]" if others else ""))

    def _candidates(self, text: str, pos: int) -> list[tuple[int, re.Pattern[str]]]:
        """Terms that could start at `pos`, longest first; memoised per two-character key."""
        raw = text[pos:pos + 2]
        found = self._memo.get(raw)
        if found is None:
            one = _norm_key(raw[:1])
            found = self._by_two.get(_norm_key(raw), []) + self._by_one.get(one, []) + self._other.get(one, [])
            found.sort(key=lambda c: c[0])
            self._memo[raw] = found
        return found

    def finditer(self, text: str) -> Iterator[Match]:
        if not self.items:
            return
        end = 0
        for start in self._starts.finditer(text):
            pos = start.start()
            if pos < end:
                continue
            for i, rx in self._candidates(text, pos):
                m = rx.match(text, pos)
                if m:
                    it = self.items[i]
                    end = m.end()
                    yield Match(it.key, m.start(), m.end(), m.group(), it.surface)
                    break

    def count(self, text: str) -> dict[int, int]:
        """Occurrences per key."""
        out: dict[int, int] = {}
        for m in self.finditer(text):
            out[m.key] = out.get(m.key, 0) + 1
        return out
