"""The run report: one table artifact per flow run, stories × partners with what happened."""

from __future__ import annotations

from collections.abc import Sequence

from prefect.artifacts import create_table_artifact

COLUMNS = ("story_id", "partner", "language", "version", "edition", "seq", "state", "engine", "characters", "qa",
           "key", "detail")


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


def publish(rows: list[dict], *, key: str, description: str) -> None:
    """Attach the table to the flow run (visible in the UI's Artifacts tab)."""
    table = [{k: ("" if v is None else str(v)) for k, v in r.items()} for r in rows] or [
        {c: "" for c in COLUMNS}
    ]
    create_table_artifact(table=table, key=key, description=description)
