"""An engine that never leaves the process: marks text instead of translating it (plumbing checks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from adapters.translate.base import GlossaryPairs, Guard, Pooling, Share


class DryRunEngine:
    """`"[id] " + text` for each non-blank text; placeholders and structure untouched, no requests."""

    kind: ClassVar[str] = "dry-run"
    native_glossary: bool = False
    memorable: bool = False  # marks, not translations: never kept in translation memory
    pooling: Pooling | None = None  # no requests to share

    def __init__(self, name: str = "dry-run", *, max_chars: int | None = None, **_: Any) -> None:
        self.name = name
        self.max_chars = max_chars or 1_000_000
        self.confidential = True  # nothing leaves the machine

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        glossary: GlossaryPairs = (),
        *,
        guard: Guard[Any] | None = None,
        share: Share | None = None,
    ) -> list[str]:
        return [f"[{target}] {t}" if t.strip() else t for t in texts]
