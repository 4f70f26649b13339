"""One httpx request with our error types: timeouts and connection failures are transient."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.errors import TransientError
from adapters.translate.http_errors import error_for_status, parse_retry_after


def send(client: httpx.Client, engine: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send and return a 2xx response; anything else becomes TransientError / PermanentError."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{engine}: timed out") from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{engine}: connection failed ({type(exc).__name__})") from exc
    if not response.is_success:
        ra = parse_retry_after(response.headers.get("Retry-After"))
        raise error_for_status(engine, response.status_code, ra, response.text)
    return response


def json_of(response: httpx.Response, engine: str) -> Any:
    """The JSON body, or a TransientError when the server sent something else."""
    try:
        return response.json()
    except ValueError as exc:
        raise TransientError(f"{engine}: answer is not JSON") from exc
