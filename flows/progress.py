"""A tiny progress hook: the CLI plugs a rich progress bar into the container; tasks just report events."""

from __future__ import annotations


def report(event: str, detail: str) -> None:
    """Tell whoever watches this process's container (a terminal, nobody) that something finished."""
    from flows.bootstrap import current_container

    c = current_container()
    listener = c.on_progress if c is not None else None
    if listener is not None:
        try:
            listener(event, detail)
        except Exception:  # a broken progress bar must never break a run
            pass
