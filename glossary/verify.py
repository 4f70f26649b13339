"""After translation: did every source term yield its target, and no forbidden term (or form of one) slip in?"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from glossary.entries import Glossary
from glossary.mask import leftovers
from glossary.matcher import Matcher
from glossary.morphology import Morphology
from newsroom.model import TermCheck

_PAREN_AFTER = re.compile(r"\s*\(\s*$")
_WORD = re.compile(r"\w+(?:-\w+)*")


def _nfc(texts: Sequence[str]) -> list[str]:
    return [unicodedata.normalize("NFC", t) for t in texts]


def _totals(matcher: Matcher, texts: Sequence[str]) -> dict[int, int]:
    """Occurrences per entry over all texts."""
    out: dict[int, int] = {}
    for t in texts:
        for k, n in matcher.count(t).items():
            out[k] = out.get(k, 0) + n
    return out


def _expected(glossary: Glossary, texts: Sequence[str], source: str, scope: str | None) -> dict[int, int]:
    """Source occurrences that are the concept (negative contexts applied); "X (Y)" of one concept counts once."""
    out: dict[int, int] = {}
    for t in texts:
        last: tuple[int, int] | None = None  # (entry, end) of the previous occurrence
        for i, start, end, _ in glossary.occurrences(t, source, scope):
            same_unit = last is not None and last[0] == i and _PAREN_AFTER.fullmatch(t[last[1]:start])
            if not same_unit:
                out[i] = out.get(i, 0) + 1
            last = (i, end)
    return out


def morphology(glossary: Glossary) -> Morphology:
    """The stemmer for this term base (its forbidden roots added to the dictionary), built once per glossary."""
    found = glossary.derived("morphology", lambda: Morphology(forbidden_roots(glossary)))
    assert isinstance(found, Morphology)
    return found


def forbidden_roots(glossary: Glossary) -> dict[str, str]:
    """Single-word forbidden Indonesian terms -> their note ("milyar" -> "KBBI: miliar"), built once per glossary."""
    found = glossary.derived("forbidden_roots", lambda: {
        t.casefold(): e.note for e in glossary.of_type("forbidden") for t in e.id if " " not in t.strip()})
    assert isinstance(found, dict)
    return found


def verify(
    source_texts: Sequence[str], target_texts: Sequence[str], source: str, target: str, glossary: Glossary,
    *, scope: str | None = None,
) -> tuple[tuple[TermCheck, ...], tuple[str, ...]]:
    """Per-concept expected/found counts (grouped by target term) and, in words, every problem that holds delivery."""
    src, tgt = _nfc(source_texts), _nfc(target_texts)
    expected = _expected(glossary, src, source, scope)
    found = _totals(glossary.matcher(target), tgt)
    morph = morphology(glossary) if target.startswith("id") else None
    words: Counter[str] | None = None  # the output's distinct words with counts, built only if a term falls short

    checks: list[TermCheck] = []
    problems: list[str] = []
    for members in glossary.target_groups(target):
        exp = sum(expected.get(i, 0) for i in members)
        if not exp:
            continue
        first = next(i for i in members if expected.get(i))
        e = glossary.entries[first]
        want = e.preferred(target) or ""
        got = sum(found.get(i, 0) for i in members)
        if got < exp:
            # A short form kept from the source ("BNPB" in English copy) is the concept too.
            kept = {a for i in members for a in glossary.entries[i].acronyms(source)}
            got += sum(len(re.findall(rf"(?<!\w){re.escape(a)}(?!\w)", t)) for a in kept for t in tgt)
        if got < exp and morph is not None and " " not in want:
            if words is None:  # distinct words: a long story repeats them, and a list of every word cost ~10x its size
                words = Counter(w for t in tgt for w in _WORD.findall(t))
            got += sum(n for w, n in words.items() if morph.affixed(w, want))  # "di-AI-kan", "rintisannya"
        checks.append(TermCheck(source_term=e.preferred(source) or e.key, target_term=want,
                                kind=e.type, expected=exp, found=got))
        if got < exp:
            problems.append(f"term {e.preferred(source) or e.key!r}: expected {want!r} {exp}x, found {got}x")

    bad = _totals(glossary.matcher(target, ("forbidden",)), tgt)
    for k, n in bad.items():
        e = glossary.entries[k]
        term = e.preferred(target) or e.key
        checks.append(TermCheck(source_term="", target_term=term, kind="forbidden", expected=0, found=n))
        problems.append(f"forbidden term {term!r} in output" + (f" ({e.note})" if e.note else ""))
    if morph is not None:
        roots = forbidden_roots(glossary)
        for t in tgt:
            for word, root in morph.forbidden_forms(t, roots):
                checks.append(TermCheck(source_term="", target_term=word, kind="forbidden", expected=0, found=1))
                problems.append(f"forbidden form {word!r} (root {root!r}; {roots[root] or 'house style'})")
    for t in tgt:
        problems += [f"lost token: leftover placeholder {frag!r}" for frag in leftovers(t)]
    return tuple(checks), tuple(problems)
