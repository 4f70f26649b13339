"""Adjacent protected terms become one unit in target-language order, so masking does not freeze English order.

An engine cannot reorder two tokens it cannot read: "ZX1 ZX2 Satya Nadella" (Microsoft, CEO) comes
back in English order. Indonesian puts the head before its modifiers ("CEO Microsoft", "dewan
direksi perusahaan rintisan"), English after them ("Microsoft CEO", "the startup's board"), so a
run of adjacent terms is rendered as one unit by that rule. A run the rule cannot order is left as
it is and reported as an order risk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from glossary.entries import Entry, Glossary
from newsroom.spans import Span

_SPACE = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['’]s?\s+")  # "OpenAI's interim CEO", "Hamas' political wing"


@dataclass(frozen=True)
class Units:
    spans: list[Span]
    risks: list[str]


def _entry(glossary: Glossary, span: Span) -> Entry | None:
    table = glossary.derived("by_key", lambda: {e.key: e for e in reversed(glossary.entries)})
    assert isinstance(table, dict)
    found = table.get(span.key)
    return found if isinstance(found, Entry) else None


def _role(glossary: Glossary, span: Span) -> str:
    """head (a title or common noun), person (stays after its title), or name (a modifier)."""
    e = _entry(glossary, span)
    if span.kind == "convention" or e is None:
        return "other"
    if "person" in e.pos:
        return "person"
    if e.domain == "title" or (e.type == "translate" and not e.case_sensitive):
        return "head"
    return "name"


def _runs(text: str, spans: Sequence[Span]) -> list[list[tuple[Span, str]]]:
    """Maximal runs of spans separated only by spaces or a possessive; each span with the joiner before it."""
    runs: list[list[tuple[Span, str]]] = []
    for span in spans:
        if runs and span.kind != "convention" and runs[-1][-1][0].kind != "convention":
            gap = text[runs[-1][-1][0].end:span.start]
            if _SPACE.fullmatch(gap) or _POSSESSIVE.fullmatch(gap):
                runs[-1].append((span, "'s" if "'" in gap or "’" in gap else " "))
                continue
        runs.append([(span, "")])
    return runs


def _order(run: list[tuple[Span, str]], roles: list[str], source: str) -> list[int] | None:
    """Target order of the run's members, or None when the rule cannot tell."""
    n = len(run)
    if source == "en":  # modifiers before the head -> head first, modifiers after it in reverse
        heads = [i for i in range(n) if roles[i] == "head"]
        if not heads:
            return list(range(n))  # names side by side keep their order
        # English compounds are head-final: in "Opposition lawmakers", "refugee crisis" or "the startup's
        # board" the last common noun is the head and the nouns before it modify it ("anggota parlemen
        # oposisi"); only a person in apposition ("CEO Satya Nadella") follows the head.
        h = heads[-1]
        return [h, *reversed(range(h)), *range(h + 1, n)]
    # Indonesian -> English: head first, then its modifiers, then a person in apposition
    if roles[0] != "head":
        return None if any(r == "head" for r in roles) else list(range(n))
    persons = [i for i in range(1, n) if roles[i] == "person"]
    mods = [i for i in range(1, n) if roles[i] != "person"]
    if any(roles[i] == "head" for i in mods) and len(mods) > 1:
        return None
    return [*reversed(mods), 0, *persons]


def merge_adjacent(text: str, spans: Sequence[Span], source: str, target: str, glossary: Glossary) -> Units:
    """Runs of two or more adjacent terms become one span rendered in target order; the rest is unchanged."""
    out: list[Span] = []
    risks: list[str] = []
    for run in _runs(text, spans):
        if len(run) == 1:
            out.append(run[0][0])
            continue
        roles = [_role(glossary, s) for s, _ in run]
        if "head" not in roles:  # names side by side ("Microsoft's Satya Nadella"): nothing to reorder
            out.extend(s for s, _ in run)
            continue
        order = _order(run, roles, source)
        if order is None:
            out.extend(s for s, _ in run)
            risks.append("order risk: adjacent protected terms " + " + ".join(repr(s.text) for s, _ in run)
                         + " may be in source order")
            continue
        parts = [run[i][0].replacement for i in order]
        if source == "id" and order != list(range(len(run))):
            mods = [i for i in order if i != 0 and roles[i] not in ("person",)]
            common = [i for i in mods if roles[i] == "head"]
            if common:  # a common-noun modifier into English is a possessor: "the startup's board"
                parts = [run[common[0]][0].replacement + "'s", run[0][0].replacement,
                         *[run[i][0].replacement for i in order if roles[i] == "person"]]
        first = run[0][0]
        last = run[-1][0]
        joined = " ".join(parts)
        if first.replacement[:1].isupper() and joined[:1].islower():
            joined = joined[0].upper() + joined[1:]
        out.append(Span(first.start, last.end, text[first.start:last.end], joined, "term",
                        "+".join(s.key for s, _ in run)))
    risks += _amount_before_noun(text, out, source)
    return Units(out, risks)


def _amount_before_noun(text: str, spans: Sequence[Span], source: str) -> list[str]:
    """"a Rp 1.5 trillion flood fund": English puts the amount before the noun, Indonesian after it
    ("dana banjir Rp1,5 triliun"); two tokens side by side come back in English order."""
    if source != "en":
        return []
    out = []
    for a, b in zip(spans, spans[1:], strict=False):
        if a.kind == "convention" and a.key in ("money", "scaled") and b.kind == "term" \
                and _SPACE.fullmatch(text[a.end:b.start]):
            out.append(f"order risk: amount {a.text!r} before {b.text!r} may stay in English order")
    return out


def order_risks(text: str, spans: Sequence[Span], source: str = "en") -> list[str]:
    """Adjacent protected terms left as separate tokens: the engine will keep them in source order."""
    return _amount_before_noun(text, spans, source) + ["order risk: adjacent protected terms " + " + ".join(repr(s.text) for s, _ in run) + " may be in source order"
            for run in _runs(text, spans) if len(run) > 1 and any(s.kind == "term" for s, _ in run)
            and sum(s.kind in ("term", "keep") for s, _ in run) > 1]
