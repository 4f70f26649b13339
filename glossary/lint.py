"""Term-base checks run before a glossary is used: errors stop it, warnings inform an editor."""

from __future__ import annotations

import re
from dataclasses import dataclass

from glossary.entries import LANGS, TYPES, Entry, Glossary
from glossary.matcher import Matcher, MatchItem


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # "error" | "warning"
    message: str
    line: int = 0


def _where(e: Entry) -> str:
    name = e.origin.rsplit("/", 1)[-1]
    return f"{name}:{e.line}: " if e.line else ""


def _fold(term: str, e: Entry) -> str:
    return term if e.case_sensitive else term.casefold()


def lint(glossary: Glossary) -> list[Finding]:
    """Duplicates, conflicting targets, empty cells, masking substrings, forbidden-vs-target clashes."""
    out: list[Finding] = []
    es = glossary.entries
    for e in es:
        if e.type not in TYPES:
            out.append(Finding("error", f"{_where(e)}unknown type {e.type!r} (use {'/'.join(TYPES)})", e.line))
            continue
        if e.type == "translate" and (not e.en or not e.id):
            side = "en" if not e.en else "id"
            out.append(Finding("error", f"{_where(e)}{e.key!r}: empty {side} cell", e.line))
        if not e.en and not e.id:
            out.append(Finding("error", f"{_where(e)}entry with no terms", e.line))
        for t in (*e.en, *e.id):
            if re.search(r"[\"<>{}\[\]\\]", t):
                out.append(Finding("warning", f"{_where(e)}{t!r} contains markup-like characters", e.line))

    # Duplicates and conflicts: a source term must lead to exactly one target per direction.
    seen = {}
    for src, tgt in (("en", "id"), ("id", "en")):
        by_term: dict[str, list[Entry]] = {}
        for e in es:
            if e.type in ("translate", "keep"):
                for t in e.terms(src):
                    by_term.setdefault(_fold(t, e), []).append(e)
        for term, group in by_term.items():
            if len(group) < 2:
                continue
            targets = {(g.preferred(tgt) or "").casefold() for g in group}
            lines = ", ".join(_where(g).rstrip(": ") for g in group)
            key = (term, tuple(id(g) for g in group))
            if key in seen:
                continue
            seen[key] = True
            if len(targets) > 1 and sum(not g.context for g in group) <= 1:
                continue  # one term, several senses: each row but one says when it applies
            if len(targets) > 1:
                out.append(Finding("error", f"{src} term {term!r} has conflicting {tgt} targets "
                                            f"{sorted(targets)} (lines {lines})", group[0].line))
            else:
                out.append(Finding("warning" if src == "id" else "error",
                                   f"duplicate {src} term {term!r} (lines {lines})", group[0].line))

    # Sense data: a negative context that never holds the term can never apply; empty sense words are typos.
    for e in es:
        forms = [t.casefold() for t in (*e.en, *e.id)]
        for phrase in e.not_in:
            if not any(_holds(phrase.casefold(), f) for f in forms):
                out.append(Finding("error", f"{_where(e)}{e.key!r}: negative context {phrase!r} does not contain "
                                            f"the term, so it never applies", e.line))
        for word in e.context:
            if not re.search(r"\w", word):
                out.append(Finding("error", f"{_where(e)}{e.key!r}: empty sense word {word!r}", e.line))
    for src in ("en", "id"):
        by_term2: dict[str, list[Entry]] = {}
        for e in es:
            if e.type in ("translate", "keep"):
                for t in e.terms(src):
                    by_term2.setdefault(t.casefold(), []).append(e)
        for term, group in by_term2.items():
            if len({(g.preferred("id" if src == "en" else "en") or "").casefold() for g in group}) > 1 \
                    and sum(not g.context for g in group) > 1:
                continue  # reported above as a conflict
            if len(group) > 1 and all(g.context for g in group):
                out.append(Finding("warning", f"{src} term {term!r}: every sense row needs context words; when none "
                                              f"fits, the term is left to the engine", group[0].line))

    # Terms inside other terms: the longest match wins, which may hide the shorter concept.
    for lang in LANGS:
        items = [(i, t) for i, e in enumerate(es) if e.type in ("translate", "keep") for t in e.terms(lang)]
        for i, short in items:
            m = Matcher([MatchItem(0, short, es[i].case_sensitive)], lang)
            for j, long in items:
                if i == j or len(long) <= len(short) or es[i].preferred("en" if lang == "id" else "id") == \
                        es[j].preferred("en" if lang == "id" else "id"):
                    continue
                if any(True for _ in m.finditer(long)):
                    out.append(Finding("warning", f"{lang} term {short!r} ({_where(es[i]).rstrip(': ')}) is inside "
                                                  f"{long!r} ({_where(es[j]).rstrip(': ')}); the longer one wins there",
                                       es[i].line))

    # A forbidden term that occurs in a required target can never pass verification.
    for f in glossary.of_type("forbidden"):
        for lang in LANGS:
            fm = Matcher([MatchItem(0, t, f.case_sensitive) for t in f.terms(lang)], lang)
            for e in glossary.of_type("translate", "keep"):
                for k, t in enumerate(e.terms(lang)):
                    if any(True for _ in fm.finditer(t)):
                        sev = "error" if k == 0 else "warning"
                        out.append(Finding(sev, f"forbidden {lang} term in {t!r} ({_where(e).rstrip(': ')}), "
                                                f"forbidden at {_where(f).rstrip(': ')}", e.line))
    return out


def _holds(phrase: str, term: str) -> bool:
    """Does the phrase contain the term (as the matcher would find it: "board" in "on board", "boarding")?"""
    return term.split()[0] in phrase if term.split() else False


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
