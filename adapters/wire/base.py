"""The port every wire-format parser implements."""

from __future__ import annotations

from typing import Protocol

from newsroom.model import Story


class WireParser(Protocol):
    """Turns one wire file's bytes into Stories; raises `WireError(source, reason)` on bad input."""

    format: str

    def sniff(self, data: bytes) -> bool:
        """True when the content (never the file name) looks like this format."""
        ...

    def parse(self, data: bytes, source: str) -> list[Story]:
        ...
