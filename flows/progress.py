"""A tiny progress hook: the CLI plugs a rich progress bar in; flows just report events."""

from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[str, str], None] | None = None


def set_listener(listener: Callable[[str, str], None] | None) -> None:
    global _listener
    _listener = listener


def report(event: str, detail: str) -> None:
    """Tell whoever is watching (a terminal, nobody) that something finished."""
    if _listener is not None:
        try:
            _listener(event, detail)
        except Exception:  # a broken progress bar must never break a run
            pass
