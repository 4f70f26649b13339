"""After translation: did every source term yield its target, and no forbidden term slip in?"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from glossary.entries import Glossary
from glossary.mask import leftovers
from glossary.matcher import Matcher
from newsroom.model import TermCheck


def _nfc(texts: Sequence[str]) -> list[str]:
    return [unicodedata.normalize("NFC", t) for t in texts]


def _totals(matcher: Matcher, texts: Sequence[str]) -> dict[int, int]:
    """Occurrences per entry over all texts."""
    out: dict[int, int] = {}
    for t in texts:
        for k, n in matcher.count(t).items():
            out[k] = out.get(k, 0) + n
    return out


def _target_groups(glossary: Glossary, target: str) -> tuple[tuple[int, ...], ...]:
    """Entry indices sharing one target term; cached on the (immutable) glossary, it is the same for every story."""
    cache = getattr(glossary, "__dict__", {}).setdefault("_verify_groups", {})
    groups = cache.get(target)
    if groups is None:
        found: dict[str, list[int]] = {}
        for i, e in enumerate(glossary.entries):
            pref = e.preferred(target)
            if e.type in ("translate", "keep") and pref:
                found.setdefault(pref if e.case_sensitive else pref.casefold(), []).append(i)
        groups = cache.setdefault(target, tuple(tuple(m) for m in found.values()))
    return groups


def verify(
    source_texts: Sequence[str], target_texts: Sequence[str], source: str, target: str, glossary: Glossary
) -> tuple[tuple[TermCheck, ...], tuple[str, ...]]:
    """Per-concept expected/found counts (grouped by target term) and problems that must hold delivery."""
    src, tgt = _nfc(source_texts), _nfc(target_texts)
    expected = _totals(glossary.matcher(source), src)
    found = _totals(glossary.matcher(target), tgt)

    checks: list[TermCheck] = []
    for members in _target_groups(glossary, target):
        exp = sum(expected.get(i, 0) for i in members)
        if not exp:
            continue
        first = next(i for i in members if expected.get(i))
        e = glossary.entries[first]
        checks.append(TermCheck(
            source_term=e.preferred(source) or e.key, target_term=e.preferred(target) or "",
            kind=e.type, expected=exp, found=sum(found.get(i, 0) for i in members),
        ))

    problems: list[str] = []
    bad = _totals(glossary.matcher(target, ("forbidden",)), tgt)
    for k, n in bad.items():
        e = glossary.entries[k]
        term = e.preferred(target) or e.key
        checks.append(TermCheck(source_term="", target_term=term, kind="forbidden", expected=0, found=n))
        problems.append(f"forbidden term {term!r} in output" + (f" ({e.note})" if e.note else ""))
    for t in tgt:
        problems += [f"leftover placeholder {frag!r}" for frag in leftovers(t)]
    return tuple(checks), tuple(problems)
