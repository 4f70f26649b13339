"""Per-engine rate limit, concurrency cap and retry policy, shared by every task in the process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from adapters.errors import TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineLimits:
    """How hard one engine may be pushed; mirrors the knobs of `EngineConfig`."""

    rate_per_second: float = 5.0
    concurrency: int = 4
    max_attempts: int = 4
    timeout: float = 30.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0


class EngineLimiter:
    """Token spacing plus a semaphore: at most `rate` request starts per second, `concurrency` in flight."""

    def __init__(self, rate_per_second: float, concurrency: int) -> None:
        self._interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
        self._sem = threading.BoundedSemaphore(max(1, concurrency))
        self._lock = threading.Lock()
        self._next = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one request slot: waits for the rate limit and any cool-down, then for a free seat."""
        with self._sem:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next)
                self._next = start + self._interval
            if start > now:
                time.sleep(start - now)
            yield

    def cool_down(self, seconds: float) -> None:
        """Pause every thread's next request (a 429 with Retry-After is a message to all of us)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


_REGISTRY: dict[str, EngineLimiter] = {}
_REGISTRY_LOCK = threading.Lock()


def limiter_for(name: str, limits: EngineLimits) -> EngineLimiter:
    """The process-wide limiter of engine `name` (created on first use, then shared)."""
    with _REGISTRY_LOCK:
        lim = _REGISTRY.get(name)
        if lim is None:
            lim = _REGISTRY[name] = EngineLimiter(limits.rate_per_second, limits.concurrency)
        return lim


def reset_limiters() -> None:
    """Forget every limiter (tests that need a fresh process state)."""
    with _REGISTRY_LOCK:
        _REGISTRY.clear()


@dataclass
class CallStats:
    """What one service call cost: HTTP requests made (retries included) and characters sent."""

    requests: int = 0
    characters: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, chars: int) -> None:
        with self._lock:
            self.requests += 1
            self.characters += chars


def make_guard(name: str, limits: EngineLimits, stats: CallStats) -> Callable[[Callable[[], T], int], T]:
    """A guard for engine `name`: limiter slot per attempt, tenacity retries on TransientError only."""
    limiter = limiter_for(name, limits)
    backoff = wait_random_exponential(multiplier=limits.backoff_initial, max=limits.backoff_max)

    def _retry_after(state: RetryCallState) -> float | None:
        exc = state.outcome.exception() if state.outcome else None
        return getattr(exc, "retry_after", None)

    def _wait(state: RetryCallState) -> float:
        ra = _retry_after(state)
        base = backoff(state)
        return max(base, ra) if ra is not None else base

    def _stop(state: RetryCallState) -> bool:
        if state.attempt_number >= max(1, limits.max_attempts):
            return True
        ra = _retry_after(state)
        # A server asking us to come back much later: give up now and let the chain fall over.
        return ra is not None and ra > limits.max_retry_after

    def _before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        ra = _retry_after(state)
        if ra:
            limiter.cool_down(ra)
        log.warning("%s: attempt %d failed (%s); retrying", name, state.attempt_number, exc)

    def guard(call: Callable[[], T], chars: int) -> T:
        def attempt() -> T:
            with limiter.slot():
                stats.count(chars)
                return call()

        retrying = Retrying(
            stop=_stop,
            wait=_wait,
            retry=retry_if_exception_type(TransientError),
            before_sleep=_before_sleep,
            reraise=True,
        )
        return retrying(attempt)

    return guard
