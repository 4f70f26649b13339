"""Shared engine mechanics: split under the limit, pack into few requests, validate every answer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from adapters.errors import TransientError
from adapters.translate.base import GlossaryPairs, Guard, Pooling, Share, unguarded
from adapters.translate.protect import is_nontrivial
from adapters.translate.segment import join, normalize_space, pack, pieces_for, reassemble, split_joined

log = logging.getLogger(__name__)

def check_present(engine: str, source_text: str, output: object) -> str:
    """Reject None or a blank answer to a non-blank text."""
    if not isinstance(output, str):
        raise TransientError(f"{engine}: returned no translation ({type(output).__name__})")
    if source_text.strip() and not output.strip():
        raise TransientError(f"{engine}: returned an empty translation")
    return output


def check_output(engine: str, source_text: str, output: object) -> str:
    """Reject what engines return when they fail quietly: None, blank, or the input echoed back."""
    output = check_present(engine, source_text, output)
    if normalize_space(output) == normalize_space(source_text) and is_nontrivial(source_text):
        raise TransientError(f"{engine}: returned the input unchanged")
    return output


class BatchingTranslator:
    """Base of our engines: subclasses send one request (`_request_one` or `_request_many`)."""

    kind: ClassVar[str] = "base"
    hard_limit: ClassVar[int] = 5000
    default_limit: ClassVar[int] = 4500
    array_api: ClassVar[bool] = False
    max_items: ClassVar[int] = 1000
    native_glossary: bool = False
    memorable: bool = True

    def __init__(self, name: str, *, timeout: float = 30.0, max_chars: int | None = None, confidential: bool = False) -> None:
        self.name = name
        self.timeout = timeout
        self.max_chars = max(1, min(max_chars or self.default_limit, self.hard_limit))
        self.confidential = confidential

    def __repr__(self) -> str:  # never show keys
        return f"{type(self).__name__}(name={self.name!r}, max_chars={self.max_chars})"

    @property
    def pooling(self) -> Pooling:
        """Our engines share requests between stories: arrays up to `max_items`, or joined paragraphs."""
        return Pooling(self.max_items, joinable=not self.array_api)

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
        """Translate `texts` in order; blank texts pass through; every request goes through `guard`.

        With `share` (the service's request pool) the pieces travel in requests shared with other callers.
        """
        run: Guard[Any] = guard or unguarded
        pieces = pieces_for(texts, self.max_chars)
        if not pieces:
            return list(texts)
        context = self._prepare(source, target, glossary, run)
        if share is not None:
            def send(units: list[str], guard_: Guard[Any]) -> list[str]:
                return self._translate_group(units, source, target, context, guard_)

            return reassemble(texts, pieces, share([p.text for p in pieces], send))
        outputs: list[str] = []
        for group in pack(pieces, self.max_chars, self.max_items, joinable=not self.array_api):
            units = [p.text for p in group]
            outputs.extend(self._translate_group(units, source, target, context, run))
        return reassemble(texts, pieces, outputs)

    # -- hooks -------------------------------------------------------------------------------
    def _prepare(self, source: str, target: str, glossary: GlossaryPairs, run: Guard[Any]) -> Any:
        """Per-call setup (DeepL resolves its glossary here); default: nothing."""
        return None

    def _request_one(self, text: str, source: str, target: str, context: Any) -> str:
        raise NotImplementedError

    def _request_many(self, texts: list[str], source: str, target: str, context: Any) -> list[str]:
        raise NotImplementedError

    # -- mechanics ---------------------------------------------------------------------------
    def _one(self, text: str, source: str, target: str, context: Any) -> Callable[[], str]:
        def call() -> str:
            return check_output(self.name, text, self._request_one(text, source, target, context))

        return call

    def _translate_group(self, units: list[str], source: str, target: str, context: Any, run: Guard[Any]) -> list[str]:
        if self.array_api:
            chars = sum(len(u) for u in units)

            def call_many() -> list[str]:
                out = self._request_many(units, source, target, context)
                if not isinstance(out, list) or len(out) != len(units):
                    raise TransientError(f"{self.name}: answered {len(out) if isinstance(out, list) else 0} texts for {len(units)}")
                joined_in, joined_out = join(units), join([str(o) for o in out])
                check_output(self.name, joined_in, joined_out)
                return [check_present(self.name, u, o) for u, o in zip(units, out, strict=True)]

            return run(call_many, chars)
        if len(units) == 1:
            return [run(self._one(units[0], source, target, context), len(units[0]))]
        joined = join(units)
        answer = run(self._one(joined, source, target, context), len(joined))
        parts = split_joined(answer)
        if len(parts) == len(units):
            return parts
        # The engine merged or split paragraphs: structure matters more than request count.
        log.info("%s: %d paragraphs came back as %d; sending one by one", self.name, len(units), len(parts))
        return [run(self._one(u, source, target, context), len(u)) for u in units]
