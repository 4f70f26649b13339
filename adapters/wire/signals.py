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


_EXPLICIT = {"correction": Signal.correction, "correct": Signal.correction, "corrected": Signal.correction,
             "update": Signal.update, "updated": Signal.update, "kill": Signal.kill, "killed": Signal.kill,
             "deletion": Signal.kill, "delete": Signal.kill, "withdrawn": Signal.kill, "withdrawal": Signal.kill,
             "new": Signal.new, "newscontent": Signal.new}
_EDSTAT = {"n": Signal.new, "u": Signal.update, "c": Signal.correction, "d": Signal.kill}
_RANK = {Signal.kill: 4, Signal.correction: 3, Signal.update: 2, Signal.new: 1}


def explicit_signal(explicit: str | None) -> Signal | None:
    """The strongest signal the feed declares: G2 `sig:update`, Reuters `edStat:C`, ninjs `signals`."""
    found: Signal | None = None
    for token in (explicit or "").lower().split():
        scheme, _, code = token.rpartition(":")
        signal = _EDSTAT.get(code) if scheme.endswith("edstat") else _EXPLICIT.get(code)
        if signal is not None and (found is None or _RANK[signal] > _RANK[found]):
            found = signal
    return found


def derive_signal(status: Status, version: int, *notes: str | None, explicit: str | None = None) -> Signal:
    """Kill beats withheld beats correction beats update; a declared signal beats guessing from the revision."""
    if status is Status.canceled:
        return Signal.kill
    if status is Status.withheld:
        return Signal.withheld
    declared = explicit_signal(explicit)
    text = " ".join(n for n in notes if n)
    if declared is Signal.kill or declared is Signal.correction:
        return declared
    if _CORRECTION.search(text):
        return Signal.correction
    if declared is not None:
        return declared
    if version > 1:
        return Signal.update
    return Signal.new
