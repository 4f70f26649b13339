"""After translation: did every source term yield its target, and no forbidden term slip in?"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from glossary.entries import Glossary
from glossary.mask import leftovers
from newsroom.model import TermCheck


def _nfc(texts: Sequence[str]) -> list[str]:
    return [unicodedata.normalize("NFC", t) for t in texts]


def verify(
    source_texts: Sequence[str], target_texts: Sequence[str], source: str, target: str, glossary: Glossary
) -> tuple[tuple[TermCheck, ...], tuple[str, ...]]:
    """Per-concept expected/found counts (grouped by target term) and problems that must hold delivery."""
    src, tgt = _nfc(source_texts), _nfc(target_texts)
    expected: dict[int, int] = {}
    sm = glossary.matcher(source)
    for t in src:
        for k, n in sm.count(t).items():
            expected[k] = expected.get(k, 0) + n
    found: dict[int, int] = {}
    tm = glossary.matcher(target)
    for t in tgt:
        for k, n in tm.count(t).items():
            found[k] = found.get(k, 0) + n

    groups: dict[str, list[int]] = {}
    for i, e in enumerate(glossary.entries):
        pref = e.preferred(target)
        if e.type in ("translate", "keep") and pref:
            groups.setdefault(pref if e.case_sensitive else pref.casefold(), []).append(i)
    checks: list[TermCheck] = []
    for members in groups.values():
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
    fm = glossary.matcher(target, ("forbidden",))
    bad: dict[int, int] = {}
    for t in tgt:
        for k, n in fm.count(t).items():
            bad[k] = bad.get(k, 0) + n
    for k, n in bad.items():
        e = glossary.entries[k]
        term = e.preferred(target) or e.key
        checks.append(TermCheck(source_term="", target_term=term, kind="forbidden", expected=0, found=n))
        problems.append(f"forbidden term {term!r} in output" + (f" ({e.note})" if e.note else ""))
    for t in tgt:
        problems += [f"leftover placeholder {frag!r}" for frag in leftovers(t)]
    return tuple(checks), tuple(problems)
