"""The term base in memory: one entry per concept, usable in both directions."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from glossary.matcher import Matcher, MatchItem
from newsroom.languages import canonical
from newsroom.spans import Span

TYPES = ("translate", "keep", "forbidden")
LANGS = ("en", "id")


def lang_code(language: str) -> str:
    """Normalise 'id-ID', 'in', 'EN_us' to the two languages the term base holds."""
    base = canonical(language) or ""
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
    # Sense data: source phrases holding the term where it is NOT this concept ("on board"), and words
    # of which one must appear in the same paragraph for this row to apply ("Washington", "earthquake").
    not_in: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
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
        base = (
            "|".join(self.en), "|".join(self.id), self.type,
            "yes" if self.case_sensitive else "no", self.pos, self.note, self.domain,
        )
        return base + ("|".join(self.not_in), "|".join(self.context)) if self.not_in or self.context else base

    def acronyms(self, language: str) -> tuple[str, ...]:
        """Its short forms in one language ("BNPB", "PBB"): all capitals, no spaces."""
        return tuple(t for t in self.terms(language) if is_acronym(t))

    def full(self, language: str) -> str | None:
        """Its spelled-out form in one language ("Badan Nasional Penanggulangan Bencana")."""
        return next((t for t in self.terms(language) if not is_acronym(t)), None)

    def applies(self, text: str, start: int, end: int, scope: str | None = None) -> bool:
        """Is the match at text[start:end] this concept? Negative contexts are read around the match, sense
        words anywhere in `scope` (the whole story, so "Washington" in the lead decides a later paragraph)."""
        low = text.casefold()
        for phrase in self.not_in:
            p = phrase.casefold()
            at = low.find(p, max(0, start - len(p)))
            while at != -1 and at <= start:
                if at + len(p) >= end:
                    return False
                at = low.find(p, at + 1)
        if self.context:
            where = (scope if scope is not None else text).casefold()
            return any(re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", where) for w in self.context)
        return True


def is_acronym(term: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", term))


_BUILD_LOCK = threading.RLock()  # module-wide, so a Glossary still pickles; re-entrant: one table may build on another


@dataclass(frozen=True)
class Glossary:
    """An immutable term base; matchers are compiled lazily and cached per direction."""

    entries: tuple[Entry, ...] = ()
    origin: str = field(default="", compare=False)
    # Derived tables (matchers, pairs, verify groups), filled on first use: the entries never change.
    _cache: dict[object, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the derived tables (compiled regexes rebuild on use)."""
        return {"entries": self.entries, "origin": self.origin}

    def __setstate__(self, state: dict[str, object]) -> None:
        object.__setattr__(self, "entries", state["entries"])
        object.__setattr__(self, "origin", state["origin"])
        object.__setattr__(self, "_cache", {})

    @cached_property
    def version(self) -> str:
        """Short content hash; it changes whenever any term, type or flag changes."""
        rows = sorted("\x1f".join(e.canonical()) for e in self.entries)
        return hashlib.sha256("\x1e".join(rows).encode()).hexdigest()[:12]

    def of_type(self, *types: str) -> list[Entry]:
        return [e for e in self.entries if e.type in types]

    def pairs(self, source: str, target: str) -> list[tuple[str, str]]:
        """Translate-type (and keep) term pairs for an engine with native glossaries (DeepL)."""
        cache = self._cache  # every story asks; the term base never changes
        key = ("pairs", source, target)
        if key not in cache:
            out: dict[str, str] = {}
            for e in self.of_type("translate", "keep"):
                tgt = e.preferred(target)
                if not tgt:
                    continue
                for src in e.terms(source):
                    out.setdefault(src, tgt)
            cache[key] = tuple(out.items())
        return list(cache[key])  # type: ignore[call-overload]

    def matcher(self, language: str, types: Sequence[str] = ("translate", "keep")) -> Matcher:
        """A longest-match-first matcher over the `language` side of entries of these types."""
        return self._matcher(lang_code(language), tuple(types))

    def _matcher(self, language: str, types: tuple[str, ...]) -> Matcher:
        cache = self._cache
        found = cache.get(("matcher", language, types))
        if found is None:
            with _BUILD_LOCK:  # the first stories arrive together: compile once, not once per thread
                found = cache.get(("matcher", language, types))
                if found is None:
                    items = [
                        MatchItem(key=i, surface=t, case_sensitive=e.case_sensitive)
                        for i, e in enumerate(self.entries) if e.type in types
                        for t in e.terms(language) if t.strip()
                    ]
                    found = cache[("matcher", language, types)] = Matcher(items, language)
        return found  # type: ignore[return-value]

    def derived(self, name: str, build: Callable[[], object]) -> object:
        """A table derived from the entries (a stemmer, an index), built once per glossary."""
        found = self._cache.get(("derived", name))
        if found is None:
            with _BUILD_LOCK:
                found = self._cache.get(("derived", name))
                if found is None:
                    found = self._cache[("derived", name)] = build()
        return found

    def senses(self, language: str) -> dict[str, tuple[int, ...]]:
        """Entries sharing one surface term in a language (a term with several senses), by folded term."""
        key = ("senses", lang_code(language))
        found = self._cache.get(key)
        if found is None:
            groups: dict[str, list[int]] = {}
            for i, e in enumerate(self.entries):
                if e.type in ("translate", "keep"):
                    for t in e.terms(language):
                        groups.setdefault(t.casefold(), []).append(i)
            found = self._cache[key] = {k: tuple(v) for k, v in groups.items()}
        return found  # type: ignore[return-value]

    def target_groups(self, target: str) -> tuple[tuple[int, ...], ...]:
        """Entry indices sharing one target term: verify counts them together."""
        key = ("groups", target)
        groups = self._cache.get(key)
        if groups is None:
            found: dict[str, list[int]] = {}
            for i, e in enumerate(self.entries):
                pref = e.preferred(target)
                if e.type in ("translate", "keep") and pref:
                    found.setdefault(pref if e.case_sensitive else pref.casefold(), []).append(i)
            groups = self._cache.setdefault(key, tuple(tuple(m) for m in found.values()))
        return groups  # type: ignore[return-value]

    def sense_at(self, key: int, surface: str, text: str, start: int, end: int, language: str,
                 scope: str | None = None) -> int | None:
        """Which entry a match really is: the first row for that term whose contexts fit, or none."""
        rows = self.senses(language).get(surface.casefold(), (key,))
        for i in sorted(rows, key=lambda i: (not self.entries[i].context, i)):  # rows with sense words first
            if self.entries[i].applies(text, start, end, scope):
                return i
        return None

    def occurrences(
        self, text: str, language: str, scope: str | None = None, *, title: bool = False,
    ) -> list[tuple[int, int, int, str]]:
        """(entry, start, end, matched text) of each term in `text` that is that concept here.

        Find and verify share this, so a term skipped for its context is never expected either.
        """
        out: list[tuple[int, int, int, str]] = []
        for m in self.matcher(language).finditer(text):
            i = self.sense_at(m.key, m.surface, text, m.start, m.end, language, scope)
            if i is None:
                continue
            entry = self.entries[i]
            if entry.domain == "geo" and _inside_name(text, m.start):
                continue  # "National Electric Vehicle Sweden" is a company, not the country
            if not title and not entry.case_sensitive and m.text[:1].isupper() and m.text[1:2].islower() \
                    and _after_name_word(text, m.start) and not (entry.domain == "title" and any(
                        e <= m.start and not text[e:m.start].strip() for _, _, e, _ in out)):
                continue  # "the National Coalition opposition group": a common word inside a name
            out.append((i, m.start, m.end, m.text))
        return out

    def find(
        self, text: str, source: str, target: str, *, scope: str | None = None,
        introduced: set[str] | None = None, title: bool = False,
    ) -> list[Span]:
        """Non-overlapping glossary occurrences in `text`, each with its target-language replacement.

        `scope` is the story text that sense words are looked for in; `introduced` the short forms the
        story has already spelled out (an acronym is spelled out once, then used alone); `title` asks for
        headline title case.
        """
        spans: list[Span] = []
        seen = introduced if introduced is not None else set()
        taken = 0
        for i, start, end, matched in self.occurrences(text, source, scope, title=title):
            if start < taken:
                continue
            entry = self.entries[i]
            if source == "en" and (poss := _POSSESSIVE_END.search(matched)) and not _POSSESSIVE_END.search(
                    self.entries[i].preferred("en") or ""):
                # The possessive stays for the engine: "Hamas' political wing" -> "sayap politik Hamas".
                end -= len(poss.group())
                matched = matched[: len(matched) - len(poss.group())]
            kind = "keep" if entry.type == "keep" else "term"
            unit = self._acronym_unit(entry, text, matched, end, source, target, seen)
            replacement: str
            if unit is not None:
                replacement, end = unit
            elif entry.type == "keep":
                replacement = entry.preferred(target) or entry.preferred(source) or matched
            else:
                replacement = entry.preferred(target) or ""
                if not entry.case_sensitive:
                    replacement = _carry_case(matched, replacement, _mid_sentence(text, start))
            if not replacement:
                continue  # nothing to enforce in this direction
            if title and kind == "term":
                replacement = title_case(replacement)
            spans.append(Span(start, end, text[start:end], replacement, kind, entry.key))
            taken = end
        return spans

    @staticmethod
    def _acronym_unit(
        entry: Entry, text: str, matched: str, end: int, source: str, target: str, seen: set[str],
    ) -> tuple[str, int] | None:
        """"Badan Nasional Penanggulangan Bencana (BNPB)" once, then "BNPB": never "BNPB (BNPB)"."""
        if entry.type != "translate":
            return None
        forms = {norm(t).casefold() for t in (*entry.en, *entry.id)}
        paren = _PAREN.match(text, end)
        short = entry.acronyms(target) or entry.acronyms(source)
        full = entry.full(target)
        if paren and norm(paren[1]).casefold() in forms:
            inner = norm(paren[1])
            acronym = (short[0] if short else None) or (inner if is_acronym(inner) else matched)
            if is_acronym(matched) and not entry.acronyms(target) and matched in entry.terms(source):
                acronym = matched
            seen.add(acronym)
            return (f"{full} ({acronym})" if full and full != acronym else acronym), paren.end()
        if is_acronym(matched) and not entry.acronyms(target) and full:
            # A short form the target language lacks ("BNPB" into English): spell it out once, then keep it.
            if matched in seen:
                return matched, end
            seen.add(matched)
            return f"{full} ({matched})", end
        return None


_POSSESSIVE_END = re.compile(r"['’]s?$")
_NAME_RUN = re.compile(r"((?:[A-Z][\w&.-]*\s+){2,})$")
_NOT_NAME = {"the", "a", "an", "in", "on", "at", "of", "for", "from", "to", "and", "but", "as", "by", "with", "said",
             "says", "di", "ke", "dari", "dan", "yang", "untuk", "pada", "oleh", "kata", "menurut", "president",
             "prime", "minister", "king", "queen", "presiden", "perdana", "menteri", "raja", "ratu"}


_NAME_WORD = re.compile(r"(?<![\w'’])([A-Z][a-z]+)\s+$")


def _after_name_word(text: str, start: int) -> bool:
    """A capitalised word (not a function word) right before: "National Coalition", "Federal Reserve Board"."""
    m = _NAME_WORD.search(text, max(0, start - 40), start)
    if m is None:
        return False
    return m.group(1).lower() not in _NOT_NAME and _mid_sentence(text, m.start(1))


def _inside_name(text: str, start: int) -> bool:
    """Two or more capitalised words right before a place name make it part of a name."""
    m = _NAME_RUN.search(text[:start])
    if not m:
        return False
    words = m.group(1).split()
    return not any(w.lower().strip(".,") in _NOT_NAME for w in words[-2:])


_PAREN = re.compile(r"\s*\(([^()]{2,80})\)")
_SMALL = {"di", "ke", "dari", "dan", "atau", "yang", "untuk", "pada", "of", "the", "and", "or", "in", "on", "at",
          "for", "to", "a", "an"}


def title_case(text: str) -> str:
    """Headline title case for a restored term, leaving short function words and acronyms alone."""
    words = text.split(" ")
    return " ".join(w if (w.lower() in _SMALL and k) or w.isupper() else w[:1].upper() + w[1:]
                    for k, w in enumerate(words))


def _mid_sentence(text: str, at: int) -> bool:
    head = text[:at].rstrip(" \t\"'“«(")
    return bool(head) and head[-1] not in ".!?\n:"


def _carry_case(source: str, replacement: str, mid_sentence: bool) -> str:
    """A capitalised title mid-sentence ("President Biden", "the Foreign Ministry") stays capitalised."""
    words = source.split()
    if not words or not replacement or not words[0].istitle():
        return replacement
    rest = [w for w in words[1:] if len(w) > 3]  # a sentence-initial capital alone proves nothing
    if len(words) > 1 and (rest or mid_sentence) and all(w[:1].isupper() for w in words if len(w) > 3):
        # "Finance Minister Sri Mulyani", even at a sentence start: a title, not "Menteri keuangan".
        return " ".join(w[:1].upper() + w[1:] if len(w) > 3 or i == 0 else w
                        for i, w in enumerate(replacement.split()))
    if not mid_sentence:
        return replacement  # a sentence-initial capital: restore() capitalises the first letter
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
