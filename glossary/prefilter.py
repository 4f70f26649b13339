"""C-speed searches that rule a text out, or narrow it to a few word starts, before the exact matcher runs.

Both rest on one fact, checked over all of Unicode in the tests: outside `FOLD_TRAPS`, `re` lets an
ASCII letter match only its own two cases. So where a term's pattern opens with ASCII literal
characters, any match of it shows those characters, lower-cased, in the lower-cased text, at the
same offset provided lower-casing kept every character a single character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every character beyond ASCII that `re` case-folds onto an ASCII one.
FOLD_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")
_WORD_ASCII = re.compile(r"[A-Za-z0-9_]*")


def lowered(text: str) -> str | None:
    """`text.lower()` when offsets survive it and no fold trap is present; else None (scan the slow way)."""
    if FOLD_TRAPS.search(text) is not None:
        return None
    low = text.lower()
    return low if len(low) == len(text) else None  # no character shrinks, so equal length means one for one


def first_literal(surface: str, language: str) -> str:
    """The opening of the term that `term_pattern` keeps literal: its first word, up to an apostrophe or dash."""
    words = surface.split()
    if not words:
        return ""
    word = words[0]
    if len(words) == 1 and language == "en" and re.fullmatch(r"\w*[^aeiou\W]y", word):
        word = word[:-1]  # agency -> agencies: the final y may not be there
    return re.split(r"[-'’‐‑–]", word, maxsplit=1)[0]


def quick_regex(surfaces: Iterable[str], language: str) -> re.Pattern[str] | None:
    """Matches the lower-cased text somewhere if any term can; None when some term has no ASCII opening."""
    literals: set[str] = set()
    for surface in surfaces:
        literal = first_literal(surface, language)
        if not literal or not literal.isascii():
            return None
        literals.add(literal.lower())
    return re.compile("|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True))) if literals else None


def start_regex(surfaces: Iterable[str], language: str) -> re.Pattern[str] | None:
    """On " " + lowered text, hits start exactly one before each word start where some term's opening is.

    Opening on `\\W` lets `re` skip word characters in C; every word start follows a non-word
    character (or the added space), and a hit never swallows another one's non-word character.
    None when some term does not open on ASCII word characters.
    """
    literals: set[str] = set()
    for surface in surfaces:
        literal = _WORD_ASCII.match(first_literal(surface, language)).group()  # type: ignore[union-attr]  # `*`: always matches
        if not literal:
            return None
        literals.add(literal.lower())
    return re.compile(rf"\W(?:{_trie(literals)})") if literals else None


def _trie(literals: Iterable[str]) -> str:
    """Where one of the literals starts, as an alternation sharing prefixes (`re` tests each character once)."""
    root: dict[str, dict] = {}
    for lit in literals:
        node = root
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        if "" in node:  # a literal ends here: longer ones add nothing to where a hit starts
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)
