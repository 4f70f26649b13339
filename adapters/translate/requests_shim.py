"""Give deep-translator's bare `requests.get/post` a hard timeout and let us read the response."""

from __future__ import annotations

import os
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests

_local = threading.local()
DEFAULT_TIMEOUT = 30.0


class _Shim(types.SimpleNamespace):
    """Stands in for the `requests` module inside deep-translator's engine modules."""

    exceptions = requests.exceptions

    @staticmethod
    def get(url: str, **kwargs: Any) -> requests.Response:
        return _send("GET", url, **kwargs)

    @staticmethod
    def post(url: str, **kwargs: Any) -> requests.Response:
        return _send("POST", url, **kwargs)


def _session() -> requests.Session:
    """One session per thread: connections to the engine are kept alive instead of opened per request.

    The environment (proxies, CA bundle) is read once per host instead of on every request, where
    requests would also look for ~/.netrc each time: engines authenticate with keys, not netrc.
    """
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        session.trust_env = False
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        _local.proxies = {}
    return session


def _proxies(url: str) -> dict[str, str]:
    """HTTP(S)_PROXY / NO_PROXY for this URL's host, looked up on this thread's first request to it."""
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}"
    cache: dict[str, dict[str, str]] = _local.proxies
    if host not in cache:
        cache[host] = requests.utils.get_environ_proxies(url)
    return cache[host]


def _send(method: str, url: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", getattr(_local, "timeout", DEFAULT_TIMEOUT))
    session = _session()
    kwargs.setdefault("proxies", _proxies(url))
    response = session.request(method, url, **kwargs)
    _local.response = response
    return response


@contextmanager
def capture(timeout: float) -> Iterator[None]:
    """Within the block, deep-translator requests on this thread time out after `timeout` s."""
    _local.timeout = timeout
    _local.response = None
    try:
        yield
    finally:
        _local.timeout = DEFAULT_TIMEOUT


def last_response() -> requests.Response | None:
    """The last response this thread received through the shim (for status and Retry-After)."""
    return getattr(_local, "response", None)


def install() -> None:
    """Swap the `requests` name in the deep-translator engine modules we use (idempotent)."""
    from deep_translator import google, libre, mymemory

    for module in (google, libre, mymemory):
        if not isinstance(module.requests, _Shim):
            module.requests = _Shim()
