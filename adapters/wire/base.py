"""The port every wire-format parser implements."""

from __future__ import annotations

from typing import Protocol

from adapters.errors import WireError
from newsroom.model import Story


class WireParser(Protocol):
    """Turns one wire file's bytes into Stories; raises `WireError(source, reason)` on bad input.

    Which parser gets a file is decided once, by `adapters.wire.detect.detect_format` (content only, with
    a reason for every refusal), not by each parser guessing: a new format adds its rule there.
    """

    format: str

    def parse(self, data: bytes, source: str) -> list[Story]:
        ...


def refuse_nul(data: bytes, source: str) -> None:
    """No text wire format holds NUL bytes: such a file is binary or corrupt, refused before any decoding."""
    if b"\x00" in data:
        raise WireError(source, "contains NUL bytes (binary or corrupt file)")
