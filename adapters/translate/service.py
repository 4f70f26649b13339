"""Translate a story's texts through an engine chain, memory first, all-or-nothing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from adapters.errors import ConfigError, KawatError, PermanentError, TransientError
from adapters.tm import TranslationMemory
from adapters.translate.base import GlossaryPairs, Pooling, Share, Translator
from adapters.translate.batching import check_present
from adapters.translate.limits import CallStats, EngineLimits, make_guard
from adapters.translate.pooling import RequestPool, Send

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslationResult:
    """Translated texts (same order as asked) and what they cost."""

    texts: list[str]
    engine: str
    characters_sent: int
    requests: int
    from_memory: int


def limits_from_config(cfg: Any) -> EngineLimits:
    """EngineLimits from an `EngineConfig` (kept loose to avoid importing flows here)."""
    return EngineLimits(
        rate_per_second=cfg.rate_per_second,
        concurrency=cfg.concurrency,
        max_attempts=cfg.max_attempts,
        timeout=cfg.timeout,
    )


class TranslationService:
    """Owns the engines, the memory and the per-engine limits; safe to call from many threads."""

    def __init__(
        self,
        engines: Mapping[str, Translator],
        tm: TranslationMemory | None = None,
        limits: Mapping[str, Any] | None = None,
    ) -> None:
        self.engines = dict(engines)
        self.tm = tm
        # EngineLimits, or anything shaped like EngineConfig (rate_per_second, concurrency, …).
        self.limits = {
            name: lim if isinstance(lim, EngineLimits) else limits_from_config(lim) for name, lim in (limits or {}).items()
        }
        self._pools: dict[str, RequestPool] = {}
        self._pools_lock = threading.Lock()

    def uses_native_glossary(self, engine: str) -> bool:
        """Does this engine apply the term base itself (so terms are sent as pairs, not masked)?"""
        found = self.engines.get(engine)
        return found is not None and found.native_glossary

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        *,
        chain: Sequence[str],
        confidential_only: bool = False,
        glossary_version: str | None = None,
        glossary_pairs: GlossaryPairs = (),
    ) -> TranslationResult:
        """Every text translated by one engine of `chain` (memory first), or an error: never a part."""
        texts = list(texts)
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        if not unique:
            return TranslationResult(texts, "none", 0, 0, 0)
        unknown = [n for n in chain if n not in self.engines]
        if unknown or not chain:
            raise ConfigError(f"engine chain {list(chain)!r}: unknown {unknown!r}; configured {sorted(self.engines)!r}")
        names = [n for n in chain if self.engines[n].confidential] if confidential_only else list(chain)
        if not names:
            raise PermanentError(f"embargoed copy: no engine in {list(chain)!r} is marked confidential")
        failures: list[tuple[str, KawatError]] = []
        for name in names:
            try:
                return self._with_engine(name, texts, unique, source, target, glossary_version, glossary_pairs)
            except KawatError as exc:
                log.warning("engine %s failed for %s->%s: %s", name, source, target, exc)
                failures.append((name, exc))
        summary = "; ".join(f"{n}: {e}" for n, e in failures)
        if any(isinstance(e, TransientError) for _, e in failures):
            raise TransientError(f"no engine could translate ({summary})")
        raise PermanentError(f"no engine could translate ({summary})")

    # ----------------------------------------------------------------------------------------
    def _pool(self, name: str, pooling: Pooling, max_chars: int, limits: EngineLimits) -> RequestPool:
        """One request pool per engine, as many senders as the engine has seats."""
        with self._pools_lock:
            pool = self._pools.get(name)
            if pool is None:
                pool = self._pools[name] = RequestPool(
                    limits.concurrency, max_chars, pooling.max_items, joinable=pooling.joinable,
                    guard_for=lambda stats: make_guard(name, limits, stats), name=name,
                )
            return pool

    def _with_engine(
        self,
        name: str,
        texts: list[str],
        unique: list[str],
        source: str,
        target: str,
        glossary_version: str | None,
        glossary_pairs: GlossaryPairs,
    ) -> TranslationResult:
        engine = self.engines[name]
        memo: dict[str, str] = {}
        if self.tm is not None and engine.memorable:
            try:
                memo = self.tm.lookup(unique, source, target, name, glossary_version)
            except SQLAlchemyError as exc:  # a memory outage costs money, not correctness
                log.warning("translation memory lookup failed: %s", exc)
        missing = [t for t in unique if t not in memo]
        stats = CallStats()
        fresh: dict[str, str] = {}
        if missing:
            out = self._call(name, engine, missing, source, target, glossary_pairs, stats)
            if len(out) != len(missing):
                raise TransientError(f"{name}: {len(out)} translations for {len(missing)} texts")
            for src, tgt in zip(missing, out, strict=True):
                fresh[src] = check_present(name, src, tgt)
            if self.tm is not None and engine.memorable:
                try:
                    self.tm.store(list(fresh.items()), source, target, name, glossary_version)
                except SQLAlchemyError as exc:  # memory is an optimisation; the translation stands
                    log.warning("translation memory store failed: %s", exc)
        table = {**memo, **fresh}
        result = [table[t] if t.strip() else t for t in texts]
        from_memory = sum(1 for t in texts if t.strip() and t in memo)
        return TranslationResult(result, name if missing else "tm", stats.characters, stats.requests, from_memory)

    def _call(
        self,
        name: str,
        engine: Translator,
        texts: list[str],
        source: str,
        target: str,
        glossary_pairs: GlossaryPairs,
        stats: CallStats,
    ) -> list[str]:
        limits = self.limits.get(name, EngineLimits())
        guard = make_guard(name, limits, stats)
        pairs = glossary_pairs if engine.native_glossary else ()
        share: Share | None = None
        pooling = engine.pooling
        if pooling is not None:
            pool = self._pool(name, pooling, engine.max_chars, limits)
            key = (source, target, tuple(pairs))

            def share(units: list[str], send: Send) -> list[str]:
                return pool.translate(key, units, send, stats)

        try:
            return list(engine.translate(texts, source, target, pairs, guard=guard, share=share))
        except KawatError:
            raise
        except Exception as exc:  # an engine broke its promise (a bug, not an outage): do not retry it
            raise PermanentError(f"{name}: {type(exc).__name__}: {exc}") from exc
