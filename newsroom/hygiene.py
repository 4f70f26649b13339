"""Text hygiene at the model boundary: what a feed sends must never steer a partner's terminal or layout."""

from __future__ import annotations

import re

# ANSI/ECMA-48 escape sequences (CSI ... final, OSC ... BEL/ST, two-byte ESC x) go whole, not just their ESC.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
# C0 and C1 controls except tab and newline; DEL; bidi embeddings, overrides, isolates and marks.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u180e\u00ad]")
_DIRTY = _CONTROLS


def clean_text(value: str) -> str:
    """`value` without control characters (tab and newline kept), escape sequences or bidi overrides."""
    if not _DIRTY.search(value):
        return value  # the common case costs one scan
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", value))


def clean_id(value: str) -> str:
    """An identifier as text hygiene leaves it, minus zero-width characters (invisible, yet they change ids)."""
    return _ZERO_WIDTH.sub("", clean_text(value))


def has_zero_width(value: str) -> bool:
    return _ZERO_WIDTH.search(value) is not None


def first_control(value: str) -> str | None:
    """The first control or bidi-override character in `value` as `U+XXXX`, or None."""
    m = _DIRTY.search(value)
    return f"U+{ord(m.group()):04X}" if m else None
