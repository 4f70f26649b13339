"""A convention rule compiled once, the per-call facts it reads, and the book that builds each direction once."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from newsroom.localize.timezones import zone
from newsroom.localize.weekdays import Mentions
from newsroom.scan import literal_starts, with_leads


@dataclass(frozen=True, slots=True)
class Dated:
    """A weekday rendering whose form depends on whether its date was already given (first mention only)."""

    day: date | None
    first: str  # with the date, for the first mention outside quotes
    again: str  # without it, for later mentions
    record_only: bool = False  # an explicit date: always this text, but later weekdays need no date

    def choose(self, mentions: Mentions) -> str:
        if self.day is None:
            return self.again
        fresh = mentions.first(self.day)
        if self.record_only:
            return self.first
        return self.first if fresh else self.again


Rendered = "str | Dated | None"
Render = Callable[[re.Match[str], "Ctx"], "str | Dated | None"]
Starts = Callable[[str, Sequence[int]], Sequence[int]]


class Ctx:
    """Per-call facts a renderer needs (story date in its zone, whether this is a headline)."""

    def __init__(self, src: str, tgt: str, ref: datetime | None, tz: str | None, *, headline: bool = False) -> None:
        self.src, self.tgt, self.tz, self.ref, self.headline = src, tgt, tz, ref, headline
        self.day = local_date(ref, tz)


def local_date(ref: datetime | None, tz: str | None) -> date | None:
    """The story's calendar day on its own clock (23:00 GMT Thursday is Friday in Jakarta)."""
    if ref is None:
        return None
    found, _ = zone(tz)
    if found is not None and ref.tzinfo is not None:
        ref = ref.astimezone(found)
    return ref.date()


@dataclass(frozen=True, slots=True)
class Rule:
    """A convention compiled once: pattern, renderer, report name and where its matches can start."""

    rx: re.Pattern[str]
    render: Render
    name: str
    starts: Starts
    needs: re.Pattern[str]  # a loose pattern every match contains: where it finds nothing, the rule cannot match
    needs_digit: bool = True  # every match holds a digit: a text without one cannot match


def at_digits(text: str, digits: Sequence[int]) -> Sequence[int]:
    """Starts for patterns that open on a number (after a lookbehind or \\b): the digit runs."""
    return digits


def at_literals(literals: Sequence[str], leads: Sequence[int] = (), depth: int = 1) -> Starts:
    """Starts for patterns that need one of `literals`, optionally after lead words of these lengths."""
    # Where a literal occurs, so does any literal that prefixes it: those shorter ones are enough.
    lits = tuple(x for x in dict.fromkeys(literals) if not any(y != x and x.startswith(y) for y in literals))

    def starts(text: str, digits: Sequence[int]) -> Sequence[int]:
        found = literal_starts(text, lits)
        return with_leads(text, found, leads, depth) if leads and found else found

    return starts


def digits_led(leads: Sequence[int]) -> Starts:
    """Starts for patterns that open on a number or on a lead word ("at 3 pm") before it."""

    def starts(text: str, digits: Sequence[int]) -> Sequence[int]:
        return with_leads(text, digits, leads) if digits else digits

    return starts


class RuleBook:
    """The rules of each language pair, built on first use and kept by whoever owns the book.

    Building costs Babel lookups and regex compiles (~100 ms); the first stories of a run arrive on
    many threads at once, so the build is done once under the book's lock.
    """

    def __init__(self, builders: dict[tuple[str, str], Callable[[], Iterable[Rule]]], *, eager: bool = False) -> None:
        self._builders = dict(builders)
        self._built: dict[tuple[str, str], tuple[Rule, ...]] = {}
        self._lock = threading.Lock()
        if eager:  # built now, never changed after: safe to share without any lazy state
            self._built = {pair: tuple(build()) for pair, build in self._builders.items()}

    def rules(self, src: str, tgt: str) -> tuple[Rule, ...]:
        found = self._built.get((src, tgt))
        if found is None:
            with self._lock:
                found = self._built.get((src, tgt))
                if found is None:
                    build = self._builders.get((src, tgt))
                    found = self._built[(src, tgt)] = tuple(build()) if build else ()
        return found
