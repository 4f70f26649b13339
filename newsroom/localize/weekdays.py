"""Which date a weekday means: tense and context decide the direction, quotes and repeats decide the form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

# Words that put a weekday ahead of the story date, in either language.
_FUTURE = re.compile(
    r"(?i)\b(?:will|won['’]t|shall|would|is\s+due|are\s+due|due\s+to|scheduled|set\s+to|plans?\s+to|planned|"
    r"expected\s+to|going\s+to|to\s+be\s+held|upcoming|coming|next|ahead\s+of|akan|mendatang|depan|dijadwalkan|"
    r"direncanakan|rencananya|besok)\b|['’]ll\b")
# Where a clause ends: a weekday belongs to the verb of its own clause ("said on Monday that it will ...").
_CLAUSE = re.compile(
    r"[.;!?:](?=\s|$)|[\"“”]|,\s|\s[-–—]\s|\b(?:said|says|told|added|announced|that|but|who|which|when|while|after|before|"
    r"kata|katanya|mengatakan|menurut|bahwa|tetapi|namun|yang|ketika|setelah|sebelum)\b")
CLAUSE_REACH = 400  # characters before a weekday searched for the start of its clause
_PAST_SPEECH = re.compile(r"(?i)\b(?:said|told|announced|added|kata|mengatakan|menyatakan)\s*$")


def resolve_weekday(ref: date, weekday: int, mode: str = "on") -> date:
    """The date of a weekday seen from the story date: 'on' back (today counts), 'ahead' forward (today counts),
    'last' strictly back, 'next' strictly forward."""
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if mode == "last":
        return ref - timedelta(days=back or 7)
    if mode == "next":
        return ref + timedelta(days=ahead or 7)
    if mode == "ahead":
        return ref + timedelta(days=ahead)
    return ref - timedelta(days=back)


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the weekday's own clause before and after it."""
    lo = max(0, start - CLAUSE_REACH)  # no clause runs this long: the scan per mention stays short
    head = text[lo:start]
    cut = 0
    for m in _CLAUSE.finditer(head):
        cut = m.end()
    tail = text[end:]
    stop = _CLAUSE.search(tail)
    return head[cut:], tail[: stop.start() if stop else len(tail)]


def points_forward(text: str, start: int, end: int) -> bool:
    """Future marker in the weekday's clause, and the weekday not tied to a reporting verb ("said on Monday")."""
    if _PAST_SPEECH.search(text[:start].rstrip()[-16:]):  # the verb ends the text before: its last words
        return False
    before, after = clause_around(text, start, end)
    return bool(_FUTURE.search(before) or _FUTURE.search(after))


def in_quote(text: str, at: int) -> bool:
    """Inside direct speech: an odd number of straight quotes before, or an open curly quote not yet closed.

    A paragraph that continues a quotation opens with a quote mark and may never close it: that counts too.
    """
    head = text[:at]
    if head.count('"') % 2 == 1:
        return True
    return head.rfind("“") > head.rfind("”")


@dataclass
class Mentions:
    """What a story has already said, so a date or a full name is given on first mention only."""

    dated: set[date] = field(default_factory=set)
    introduced: set[str] = field(default_factory=set)

    def first(self, day: date) -> bool:
        """True the first time a date is seen (and records it)."""
        if day in self.dated:
            return False
        self.dated.add(day)
        return True
