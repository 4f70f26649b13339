"""Map provider HTTP outcomes onto our two error kinds, so callers never see vendor exceptions."""

from __future__ import annotations

import email.utils
import time

from adapters.errors import KawatError, PermanentError, TransientError

# Statuses worth another try: rate limits, timeouts and every server-side failure.
_TRANSIENT_4XX = {408, 409, 425, 429}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_for_status(engine: str, status: int, retry_after: float | None = None, detail: str = "") -> KawatError:
    """The error a non-2xx status means: 429/5xx/408 are transient, other 4xx permanent."""
    msg = f"{engine}: HTTP {status}" + (f" ({detail[:200]})" if detail else "")
    if status in _TRANSIENT_4XX or status >= 500:
        return TransientError(msg, retry_after=retry_after)
    return PermanentError(msg)
