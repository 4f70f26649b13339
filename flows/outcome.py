"""How a Kawat flow run ends in the UI: a state that counts what failed or is held, one line for expected errors.

A run whose deliveries failed must not show green on the dashboard; an unknown story or a bad parameter
is an operator's slip, answered with one readable line rather than two Prefect tracebacks.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import ValidationError

from adapters.errors import KawatError, PermanentError

F = TypeVar("F", bound=Callable[..., Any])

FAILED_STATES = {"failed", "not-localized"}
HELD_STATES = {"needs-review"}
MAX_MESSAGE = 300


class RunFailed(Exception):
    """A run that finished its work with failures: raised to in-process callers, with the result attached."""

    def __init__(self, message: str, result: Any) -> None:
        super().__init__(message)
        self.result = result


class Refused(PermanentError):
    """An operator's input the flow will not act on (too short a kill reason, no confirmation)."""


_URL = re.compile(r"([a-z][a-z0-9+.-]*://[^/\s\"'<>]+)[^\s\"'<>]*")


def short(text: object, limit: int = 160) -> str:
    """One line: URLs cut to their host, repeats dropped, at most `limit` characters."""
    line = " ".join(str(text).split())
    line = _URL.sub(r"\1/…", line)
    parts: list[str] = []
    for part in re.split(r";\s*", line):
        if part and part not in parts:
            parts.append(part)
    line = "; ".join(parts)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary(rows: Iterable[dict[str, Any]]) -> tuple[str, int, int, int]:
    """(message, failed, held, quarantined) for a run's report rows."""
    rows = list(rows)
    states = Counter(str(r.get("state")) for r in rows)
    failed = [r for r in rows if r.get("state") in FAILED_STATES]
    held = sum(states[s] for s in HELD_STATES)
    quarantined = states["quarantined"]
    done = states["delivered"] + states["revoked"]
    parts = [_plural(done, "delivery", "deliveries") + " done"]
    if states["unchanged"]:
        parts.append(f"{states['unchanged']} unchanged")
    if failed:
        first = failed[0]
        where = "/".join(str(first.get(k)) for k in ("story_id", "partner") if first.get(k) not in (None, "-"))
        parts.append(f"{len(failed)} failed (first: {where}: {short(first.get('detail'), 120)})")
    if held:
        parts.append(f"{_plural(held, 'article')} held for review")
    if states["rejected"]:
        parts.append(f"{states['rejected']} rejected by an editor")
    if quarantined:
        parts.append(f"{_plural(quarantined, 'file')} quarantined")
    if states["busy"]:
        parts.append(f"{states['busy']} busy in another run")
    if states["blocked"]:
        parts.append(f"{states['blocked']} blocked by kill (an editor's reinstate publishes them)")
    message = "; ".join(parts)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return message, len(failed), held, quarantined


def finish(result: Any, rows: Iterable[dict[str, Any]]) -> Any:
    """The run's final state: Failed when anything failed, a named Completed state when held or quarantined."""
    from prefect.states import Completed, Failed

    message, failed, held, quarantined = summary(rows)
    if failed:
        return Failed(message=message, data=RunFailed(message, result))
    if held:
        return Completed(message=message, name="Held for review", data=result)
    if quarantined:
        return Completed(message=message, name="Quarantined files", data=result)
    return Completed(message=message, data=result)


def result_of(state: Any) -> Any:
    """A finished run's result, also when it failed with a result attached (the CLI prints either)."""
    value = state.result(raise_on_failure=False)
    if isinstance(value, RunFailed):
        return value.result
    if isinstance(value, BaseException):
        raise value
    return value


EXPECTED = (KawatError, ValidationError)


def one_line(exc: BaseException) -> str:
    """An expected failure as the operator should read it."""
    if isinstance(exc, ValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors())
        return short(problems, MAX_MESSAGE)
    return short(exc, MAX_MESSAGE)


def guarded(report_key: str) -> Callable[[F], F]:
    """Wrap a flow body: expected failures end the run Failed with one line (no traceback) and a report.

    Any other exception still fails the run with its traceback, after the failure report is published.
    """

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            from prefect import get_run_logger
            from prefect.states import Failed

            from flows import report
            from flows.runs import logs_to_run

            try:
                with logs_to_run():
                    return fn(*args, **kwargs)
            except RunFailed:
                raise
            except EXPECTED as exc:
                message = one_line(exc)
                get_run_logger().error(message)
                report.publish_failure(report_key, message)
                return Failed(message=message, data=exc)
            except Exception as exc:
                report.publish_failure(report_key, f"{type(exc).__name__}: {short(exc, MAX_MESSAGE)}")
                raise

        # Prefect builds the parameter model from the annotations: give it the real types, resolved in the
        # flow's own module (string annotations would be looked up here, where `StoryId` means nothing).
        run.__annotations__ = typing.get_type_hints(fn, include_extras=True)
        run.__signature__ = inspect.signature(fn, eval_str=True)  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return deco
