"""Every deployment Kawat offers, with schedules; `kawat serve` runs them all from one process."""

from __future__ import annotations

from datetime import timedelta

from prefect import serve

from flows.editorial import deliver, kill, localize, reinstate, rerun, resend_failed
from flows.review import review
from flows.syndicate import ingest, syndicate


def deployments() -> list:
    """Scheduled ingest every 2 minutes, hourly resend, and on-demand editor flows."""
    return [
        ingest.to_deployment(name="scheduled", interval=timedelta(minutes=2), tags=["kawat", "scheduled"]),
        syndicate.to_deployment(name="manual", tags=["kawat"]),
        localize.to_deployment(name="editor", tags=["kawat", "editor"]),
        deliver.to_deployment(name="editor", tags=["kawat", "editor"]),
        rerun.to_deployment(name="editor", tags=["kawat", "editor"]),
        kill.to_deployment(name="editor", tags=["kawat", "editor"]),
        reinstate.to_deployment(name="editor", tags=["kawat", "editor"]),
        review.to_deployment(name="editor", tags=["kawat", "editor"]),
        resend_failed.to_deployment(name="hourly", cron="0 * * * *", tags=["kawat", "scheduled"]),
    ]


def serve_all(limit: int | None = None) -> None:
    """Blocks: polls the Prefect API for scheduled and UI-triggered runs of every deployment."""
    serve(*deployments(), limit=limit)
