"""What a revision means to partners, derived from status, revision and the advisory/ednote wording."""

from __future__ import annotations

import re

from newsroom.model import Signal, Status

_CORRECTION = re.compile(r"\b(correct(s|ed|ion|ing)?|corrige|rectifie|koreksi|ralat)\b", re.I)
_KILL = re.compile(r"\b(kill(ed)?|mandatory\s+kill|story\s+withdrawn|eliminate)\b", re.I)
_STATUS = {"usable": Status.usable, "withheld": Status.withheld, "canceled": Status.canceled,
           "cancelled": Status.canceled, "embargoed": Status.usable, "deleted": Status.canceled,
           "killed": Status.canceled}


def status_of(value: str | None) -> Status:
    """NewsML "Usable"/G2 "stat:canceled"/ninjs "withheld" → our Status (unknown reads as usable)."""
    if not value:
        return Status.usable
    word = re.split(r"[:/#]", value.strip().lower())[-1]
    return _STATUS.get(word, Status.usable)


def derive_signal(status: Status, version: int, *notes: str | None, explicit: str | None = None) -> Signal:
    """Kill beats withheld beats correction beats update; revision 1 with no note is new copy."""
    if status is Status.canceled:
        return Signal.kill
    if status is Status.withheld:
        return Signal.withheld
    hint = (explicit or "").lower()
    text = " ".join(n for n in notes if n)
    if "correct" in hint or _CORRECTION.search(text):
        return Signal.correction
    if "kill" in hint or "cancel" in hint:
        return Signal.kill
    if version > 1 or "update" in hint:
        return Signal.update
    return Signal.new
