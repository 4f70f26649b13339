"""The run report: one table artifact per flow run, stories × partners with what happened."""

from __future__ import annotations

from collections.abc import Sequence

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.outcome import short

# `characters` is the article's text (headline + body) as translated; `sent` what the engine was sent
# and bills (0 when the translation memory or the dry-run engine answered).
COLUMNS = ("story_id", "partner", "language", "version", "edition", "seq", "state", "engine", "characters", "sent", "qa", "key",
           "detail")


def merge_rows(localized: Sequence[dict], delivered: Sequence[dict]) -> list[dict]:
    """Join localize facts (engine, characters, QA) onto each delivery row."""
    by_lang = {(a["story_id"], a["language"]): a for a in localized}
    rows = []
    for d in delivered:
        a = by_lang.get((d["story_id"], d["language"]), {})
        rows.append({col: d.get(col, a.get(col)) for col in COLUMNS})
    seen = {(d["story_id"], d["language"]) for d in delivered}
    for a in localized:
        if (a["story_id"], a["language"]) not in seen:
            rows.append({**{col: a.get(col) for col in COLUMNS}, "partner": "-",
                         "state": a.get("review"), "detail": a.get("qa")})
    return rows


def run_title() -> str:
    """The Prefect flow run's own name, as the UI lists it (empty outside a flow run)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return ctx.flow_run.name if ctx is not None and ctx.flow_run is not None else ""


def publish(rows: list[dict], *, key: str, description: str) -> None:
    """Attach the table to the flow run (visible in the UI's Artifacts tab)."""
    title = run_title()
    table = [{c: _cell(c, r.get(c)) for c in COLUMNS} for r in rows] or [
        {c: "" for c in COLUMNS}
    ]
    create_table_artifact(table=table, key=key, description=f"{title}: {description}" if title else description)


def _cell(column: str, value: object) -> str:
    """Table cells as text; error details on one line without repeated URLs (the key column keeps the path)."""
    if value is None:
        return ""
    if column in ("detail", "qa"):
        return short(value, 400)
    return str(value)


def publish_failure(key: str, message: str) -> None:
    """Every failed run leaves a report saying why, under the key its successful runs use."""
    title = run_title()
    try:
        create_markdown_artifact(markdown=f"# {title or key}: failed\n\n{message}\n", key=key,
                                 description=f"{title}: failed: {message}"[:500])
    except Exception:
        pass
