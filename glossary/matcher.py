"""One compiled regex per glossary side: longest match first, word boundaries, inflection tolerance."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from glossary.prefilter import lowered, quick_regex, start_regex

# English plurals and possessives; Indonesian clitics (also hyphenated after names: "OpenAI-nya").
_SUFFIX = {
    "en": r"(?:(?:e?s)?(?:['’]s?)?)",
    "id": r"(?:-?(?:nya|lah|kah|pun))?",
}
_NAME_CLITIC = r"(?:[-‐‑](?:nya|lah|kah|pun))?"
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
    """Regex for one term: flexible whitespace, either apostrophe, inflected last word.

    Indonesian clitics join a common word directly ("dewan direksinya") but a name with a hyphen
    ("OpenAI-nya", "BNPB-nya"): "OpenAInya" is not the name and fails verification.
    """
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
        name = language == "id" and any(ch.isupper() for ch in words[-1][1:])  # OpenAI, ChatGPT, BNPB
        body += _NAME_CLITIC if name else _SUFFIX.get(language, "")
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


_Group = tuple[re.Pattern[str], tuple[MatchItem, ...]]  # candidates as one alternation, and the term per branch
_RECENT = 256  # texts whose matches a matcher remembers (a few stories' worth of segments)
_QUICK_ITEMS = 48  # matchers this small (forbidden terms, lint) first ask whether any term can occur at all
_UNSEEN: _Group = (re.compile("(?!)"), ())  # memo sentinel, typed like a group so lookups stay one call


def _item_pattern(it: MatchItem, language: str) -> str:
    """One term as a self-contained alternative: word-bounded, case-folded unless the entry says not.

    A case-sensitive entry still matches where case carries no meaning: a name of several words in
    any case ("UN security council", "SECURITY COUNCIL"), a single word capitalised at a sentence
    start ("Generative") or in an all-capitals headline ("CONGRESS").
    """
    if not it.case_sensitive or len(it.surface.split()) > 1:
        return rf"(?i:(?<!\w)(?:{term_pattern(it.surface, language)})(?!\w))"
    forms = [it.surface]
    if it.surface[:1].islower():
        forms.append(it.surface[:1].upper() + it.surface[1:])
    if len(it.surface) >= 3 and not it.surface.isupper():
        forms.append(it.surface.upper())
    alts = "|".join(term_pattern(f, language) for f in dict.fromkeys(forms))
    return rf"(?<!\w)(?:{alts})(?!\w)"


class Matcher:
    """Finds non-overlapping occurrences, the longest term winning where several start together.

    Terms are indexed by the first one or two characters of their first word, so each word start
    tries only the few terms that could begin there (one giant alternation costs per-character work
    proportional to the whole term base). The few candidates are compiled into one alternation,
    longest first, so a word start costs a single `re` call; the alternative that matched names the term.
    Word starts themselves come from one C-speed search for the terms' openings (`glossary.prefilter`)
    wherever that is exact, so most words of a text never reach Python.
    """

    def __init__(self, items: Sequence[MatchItem], language: str) -> None:
        self.items = sorted(items, key=lambda it: (-len(it.surface), it.surface))
        self._patterns: list[str] = []
        self._by_one: dict[str, list[int]] = {}
        self._by_two: dict[str, list[int]] = {}
        self._other: dict[str, list[int]] = {}
        self._memo: dict[str, _Group | None] = {}  # raw two characters -> their candidates, compiled
        self._groups: dict[tuple[int, ...], _Group] = {}  # shared by raw keys that differ only in case
        self._recent: dict[str, tuple[Match, ...]] = {}  # text -> matches, oldest first; see `matches`
        self._lock = threading.Lock()  # evictions only; lookups and memo fills are single dict operations
        for i, it in enumerate(self.items):
            self._patterns.append(_item_pattern(it, language))
            first = it.surface.split()[0] if it.surface.split() else ""
            if not first:
                continue
            if not re.match(r"\w", first[0]):
                self._other.setdefault(_norm_key(first[0]), []).append(i)
            elif len(first) == 1 or not re.match(r"\w", first[1]):
                self._by_one.setdefault(_norm_key(first[0]), []).append(i)
            else:
                self._by_two.setdefault(_norm_key(first[:2]), []).append(i)
        self.regex = bool(self.items) or None  # kept for callers that test for an empty matcher
        others = "".join(re.escape(k) for k in self._other)
        self._starts = re.compile(r"(?<!\w)\w" + (rf"|[{others}]" if others else ""))  # where `lowered` cannot help
        surfaces = [it.surface for it in self.items]
        self._quick = quick_regex(surfaces, language) if len(self.items) <= _QUICK_ITEMS else None
        self._words = None if self._other else start_regex(surfaces, language)

    def __getstate__(self) -> dict[str, object]:
        """Pickle (and deepcopy) without the lock and the caches, which refill on use."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_lock", "_recent", "_memo", "_groups")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._memo, self._groups, self._recent = {}, {}, {}
        self._lock = threading.Lock()

    def _candidates(self, raw: str) -> _Group | None:
        """Terms that could start with `raw` (two characters), longest first, as one alternation; memoised."""
        one = _norm_key(raw[:1])
        found = sorted(self._by_two.get(_norm_key(raw), []) + self._by_one.get(one, []) + self._other.get(one, []))
        group = None
        if found:
            key = tuple(found)
            group = self._groups.get(key)
            if group is None:
                rx = re.compile("|".join(f"({self._patterns[i]})" for i in key))
                group = self._groups.setdefault(key, (rx, tuple(self.items[i] for i in key)))
        self._memo[raw] = group
        return group

    def _scan(self, text: str, starts: Iterator[re.Match[str]]) -> Iterator[Match]:
        """Matches left to right; one compiled-alternation attempt per start that has candidates."""
        end = 0
        memo = self._memo.get
        for start in starts:
            pos = start.start()
            if pos < end:
                continue
            raw = text[pos:pos + 2]
            group = memo(raw, _UNSEEN)
            if group is _UNSEEN:
                group = self._candidates(raw)
            if group is None:
                continue
            m = group[0].match(text, pos)
            if m is not None:
                end = m.end()
                it = group[1][(m.lastindex or 1) - 1]  # a match means some alternative (group) matched
                yield Match(it.key, pos, end, m.group(), it.surface)

    def _find(self, text: str) -> tuple[Match, ...]:
        """Every match: word starts come from a search of the lower-cased text where that is exact (see prefilter)."""
        if not self.items:
            return ()
        low = lowered(text) if self._quick is not None or self._words is not None else None
        if low is not None:
            if self._quick is not None and self._quick.search(low) is None:
                return ()
            if self._words is not None:  # in " " + low a hit starts one before its word: at its offset in text
                return tuple(self._scan(text, self._words.finditer(" " + low)))
        return tuple(self._scan(text, self._starts.finditer(text)))

    def matches(self, text: str) -> tuple[Match, ...]:
        """All matches in `text`; recent texts are remembered, as the pipeline and verify scan the same ones."""
        found = self._recent.get(text)
        if found is None:
            found = self._find(text)
            with self._lock:
                if len(self._recent) >= _RECENT:
                    self._recent.pop(next(iter(self._recent)), None)
                self._recent[text] = found
        return found

    def finditer(self, text: str) -> Iterator[Match]:
        return iter(self.matches(text))

    def count(self, text: str) -> dict[int, int]:
        """Occurrences per key."""
        out: dict[int, int] = {}
        for m in self.matches(text):
            out[m.key] = out.get(m.key, 0) + 1
        return out
