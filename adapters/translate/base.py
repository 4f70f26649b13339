"""The port every translation engine implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Translator(Protocol):
    """Translates texts (already masked) in order; raises TransientError / PermanentError only."""

    name: str
    max_chars: int
    confidential: bool
    native_glossary: bool

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        ...
