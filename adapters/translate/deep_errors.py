"""Turn deep-translator's unrelated exception classes into our TransientError / PermanentError."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import requests
from deep_translator import exceptions as dx

from adapters.errors import KawatError, PermanentError, TransientError
from adapters.translate import requests_shim
from adapters.translate.http_errors import error_for_status, parse_retry_after

T = TypeVar("T")

_PERMANENT = (
    dx.LanguageNotSupportedException,
    dx.InvalidSourceOrTargetLanguage,
    dx.NotValidLength,
    dx.NotValidPayload,
    dx.ApiKeyException,
    dx.AuthorizationException,
)


def classify(engine: str, exc: BaseException, response: requests.Response | None) -> KawatError:
    """Our error for a deep-translator failure, using the HTTP response when there was one."""
    if isinstance(exc, KawatError):
        return exc
    if isinstance(exc, requests.exceptions.Timeout):
        return TransientError(f"{engine}: timed out")
    if isinstance(exc, (requests.exceptions.ConnectionError, ConnectionError)):
        return TransientError(f"{engine}: connection failed ({type(exc).__name__})")
    if response is not None and not 200 <= response.status_code < 300:
        ra = parse_retry_after(response.headers.get("Retry-After"))
        return error_for_status(engine, response.status_code, ra, response.text[:200])
    if isinstance(exc, _PERMANENT):
        return PermanentError(f"{engine}: {type(exc).__name__}: {exc}")
    # TooManyRequests, TranslationNotFound, ServerException, a page we could not parse: try again.
    return TransientError(f"{engine}: {type(exc).__name__}: {exc}")


def run_deep(engine: str, timeout: float, call: Callable[[], T]) -> T:
    """Run a deep-translator call with a hard timeout and our error types."""
    requests_shim.install()
    with requests_shim.capture(timeout):
        try:
            return call()
        except Exception as exc:  # deep-translator raises anything; sort it here
            raise classify(engine, exc, requests_shim.last_response()) from exc
