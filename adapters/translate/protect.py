"""What an opaque placeholder token looks like, so engines and checks can leave it alone."""

from __future__ import annotations

import re

# Glossary masks are ASCII capitals with at least one digit and two letters (e.g. ZQX7QZ, KWT0001).
PLACEHOLDER = re.compile(r"\b(?=[A-Z0-9]*[0-9])(?=[A-Z0-9]*[A-Z][A-Z0-9]*[A-Z])[A-Z0-9]{4,}\b")
_WORD = re.compile(r"[^\W\d_]{2,}")

# Below this many real words an unchanged answer may be legitimate (names, sign-offs, numbers).
NONTRIVIAL_WORDS = 4


def is_nontrivial(text: str) -> bool:
    """True when a text has enough words that an engine returning it unchanged is a failure."""
    return len(_WORD.findall(PLACEHOLDER.sub(" ", text))) >= NONTRIVIAL_WORDS
