"""The port every translation engine implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

# A guard wraps one HTTP request (a zero-argument callable) with the rate limit, the concurrency
# cap, retries and accounting; the int is how many characters that request carries.
Guard = Callable[[Callable[[], T], int], T]

GlossaryPairs = Sequence[tuple[str, str]]

# Send a group of units through a guard and return one output per unit (an engine's own request hook).
Send = Callable[[list[str], Guard[Any]], list[str]]

# Hands a caller's units to a shared request pool: (units, send) -> one output per unit.
Share = Callable[[list[str], Send], list[str]]


def unguarded(call: Callable[[], T], chars: int) -> T:
    """Run a request as is: what an engine does when nobody supplies a guard (scripts, tests)."""
    return call()


@dataclass(frozen=True)
class Pooling:
    """An engine whose requests may carry several callers' texts: how many units, and whether they are joined."""

    max_items: int
    joinable: bool


class Translator(Protocol):
    """Translates texts (already masked) in order; raises TransientError / PermanentError only.

    The service drives every engine through this one shape, reading what it can do from its members:
    `native_glossary` (send the term pairs), `memorable` (its output belongs in translation memory) and
    `pooling` (its requests may be shared by concurrent stories: the service then passes `share`).
    Every request goes through `guard` (rate limit, concurrency cap, retries, accounting).
    """

    name: str
    max_chars: int
    confidential: bool
    native_glossary: bool
    memorable: bool

    @property
    def pooling(self) -> Pooling | None: ...

    def translate(self, texts: Sequence[str], source: str, target: str, glossary: GlossaryPairs = (), *,
                  guard: Guard[Any] | None = None, share: Share | None = None) -> list[str]:
        ...
