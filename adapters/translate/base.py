"""The port every translation engine implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")

# A guard wraps one HTTP request (a zero-argument callable) with the rate limit, the concurrency
# cap, retries and accounting; the int is how many characters that request carries.
Guard = Callable[[Callable[[], T], int], T]

GlossaryPairs = Sequence[tuple[str, str]]


def unguarded(call: Callable[[], T], chars: int) -> T:
    """Run a request as is: what an engine does when nobody supplies a guard (scripts, tests)."""
    return call()


class Translator(Protocol):
    """Translates texts (already masked) in order; raises TransientError / PermanentError only."""

    name: str
    max_chars: int
    confidential: bool
    native_glossary: bool

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        ...
