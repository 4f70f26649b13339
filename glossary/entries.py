"""The term base in memory: one entry per concept, usable in both directions."""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from glossary.matcher import Matcher, MatchItem
from newsroom.spans import Span

TYPES = ("translate", "keep", "forbidden")
LANGS = ("en", "id")
_ALIASES = {"in": "id", "ind": "id", "eng": "en"}


def lang_code(language: str) -> str:
    """Normalise 'id-ID', 'in', 'EN_us' to the two languages the term base holds."""
    base = language.strip().replace("_", "-").split("-")[0].lower()
    base = _ALIASES.get(base, base)
    if base not in LANGS:
        raise ValueError(f"the glossary has no column for language {language!r}")
    return base


def norm(text: str) -> str:
    """Unicode-normalise and collapse whitespace so equal terms compare equal."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Entry:
    """One concept: the English and Indonesian terms (first = preferred), its type and metadata."""

    en: tuple[str, ...]
    id: tuple[str, ...]
    type: str = "translate"
    case_sensitive: bool = False
    pos: str = ""
    note: str = ""
    domain: str = ""
    line: int = field(default=0, compare=False)  # where it came from, for lint messages
    origin: str = field(default="", compare=False)

    def terms(self, language: str) -> tuple[str, ...]:
        """Surface forms in one language; a `keep` entry with one side empty reuses the other."""
        own = self.en if lang_code(language) == "en" else self.id
        if not own and self.type == "keep":
            return self.id if lang_code(language) == "en" else self.en
        return own

    def preferred(self, language: str) -> str | None:
        forms = self.terms(language)
        return forms[0] if forms else None

    @property
    def key(self) -> str:
        """Readable concept id for reports: the first English (else Indonesian) term."""
        return (self.en or self.id or ("?",))[0]

    def canonical(self) -> tuple[str, ...]:
        """The content that defines the glossary version (no line numbers)."""
        return (
            "|".join(self.en), "|".join(self.id), self.type,
            "yes" if self.case_sensitive else "no", self.pos, self.note, self.domain,
        )


_BUILD_LOCK = threading.Lock()  # module-wide, so a Glossary still pickles and copies


@dataclass(frozen=True)
class Glossary:
    """An immutable term base; matchers are compiled lazily and cached per direction."""

    entries: tuple[Entry, ...] = ()
    origin: str = field(default="", compare=False)

    @cached_property
    def version(self) -> str:
        """Short content hash; it changes whenever any term, type or flag changes."""
        rows = sorted("\x1f".join(e.canonical()) for e in self.entries)
        return hashlib.sha256("\x1e".join(rows).encode()).hexdigest()[:12]

    def of_type(self, *types: str) -> list[Entry]:
        return [e for e in self.entries if e.type in types]

    def pairs(self, source: str, target: str) -> list[tuple[str, str]]:
        """Translate-type (and keep) term pairs for an engine with native glossaries (DeepL)."""
        cache = self.__dict__.setdefault("_pairs", {})  # every story asks; the term base never changes
        if (source, target) not in cache:
            out: dict[str, str] = {}
            for e in self.of_type("translate", "keep"):
                tgt = e.preferred(target)
                if not tgt:
                    continue
                for src in e.terms(source):
                    out.setdefault(src, tgt)
            cache[(source, target)] = tuple(out.items())
        return list(cache[(source, target)])

    def matcher(self, language: str, types: Sequence[str] = ("translate", "keep")) -> Matcher:
        """A longest-match-first matcher over the `language` side of entries of these types."""
        return self._matcher(lang_code(language), tuple(types))

    def _matcher(self, language: str, types: tuple[str, ...]) -> Matcher:
        cache = self.__dict__.setdefault("_matchers", {})
        found = cache.get((language, types))
        if found is None:
            with _BUILD_LOCK:  # the first stories arrive together: compile once, not once per thread
                found = cache.get((language, types))
                if found is None:
                    items = [
                        MatchItem(key=i, surface=t, case_sensitive=e.case_sensitive)
                        for i, e in enumerate(self.entries) if e.type in types
                        for t in e.terms(language) if t.strip()
                    ]
                    found = cache[(language, types)] = Matcher(items, language)
        return found

    def find(self, text: str, source: str, target: str) -> list[Span]:
        """Non-overlapping glossary occurrences in `text`, each with its target-language replacement."""
        spans: list[Span] = []
        for m in self.matcher(source).finditer(text):
            entry = self.entries[m.key]
            if entry.type == "keep":
                replacement = entry.preferred(target) or entry.preferred(source) or m.text
                kind = "keep"
            else:
                replacement = entry.preferred(target) or ""
                kind = "term"
                if not entry.case_sensitive:
                    replacement = _carry_case(m.text, replacement, _mid_sentence(text, m.start))
            if not replacement:
                continue  # nothing to enforce in this direction
            spans.append(Span(m.start, m.end, m.text, replacement, kind, entry.key))
        return spans


def _mid_sentence(text: str, at: int) -> bool:
    head = text[:at].rstrip(" \t\"'“«(")
    return bool(head) and head[-1] not in ".!?\n:"


def _carry_case(source: str, replacement: str, mid_sentence: bool) -> str:
    """A capitalised title mid-sentence ("President Biden", "the Foreign Ministry") stays capitalised."""
    words = source.split()
    if not mid_sentence or not words or not replacement or not words[0].istitle():
        return replacement
    if all(w[:1].isupper() for w in words if len(w) > 3) and len(words) > 1:
        return " ".join(w[:1].upper() + w[1:] if len(w) > 3 or i == 0 else w
                        for i, w in enumerate(replacement.split()))
    return replacement[:1].upper() + replacement[1:]


def affected_by_change(old: Glossary, new: Glossary, texts: Iterable[str], source: str) -> bool:
    """Would re-translating these texts with `new` differ from `old`? (Changed concepts that occur.)"""
    if old.version == new.version:
        return False
    before = {e.canonical() for e in old.entries}
    after = {e.canonical() for e in new.entries}
    changed = [e for e in old.entries if e.canonical() not in after]
    changed += [e for e in new.entries if e.canonical() not in before]
    if not changed:
        return False
    items: list[MatchItem] = []
    for i, e in enumerate(changed):
        langs = LANGS if e.type == "forbidden" else (lang_code(source),)
        for lang in langs:
            items += [MatchItem(i, t, e.case_sensitive) for t in e.terms(lang) if t.strip()]
    matchers = [Matcher(items, lang) for lang in LANGS]
    return any(any(True for _ in m.finditer(norm_text(t))) for t in texts for m in matchers)


def norm_text(text: str) -> str:
    """NFC only (offsets of already-NFC text stay valid)."""
    return unicodedata.normalize("NFC", text)
