"""`kawat deliveries | reconcile | serve | demo`: running and checking the service."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from flows.terminal import ConfigOpt, container, out, quiet_prefect


def deliveries(
    partner: str | None = typer.Option(None, "--partner", "-p"),
    state: str | None = typer.Option(None, "--state"),
    config: Path | None = ConfigOpt,
) -> None:
    """List the delivery ledger (partner × story × language × version)."""
    c = container(config)
    table = Table(title="Deliveries")
    for col in ("partner", "story", "lang", "version", "state", "attempts", "key", "last error", "updated"):
        table.add_column(col, overflow="fold")
    for r in c.ledger.rows(partner=partner, state=state):
        table.add_row(r.partner, r.story_id, r.language, str(r.version), r.state, str(r.attempts),
                      r.key or "-", r.last_error or "", str(r.updated_at)[:19])
    out.print(table)


def reconcile(partner: str | None = typer.Option(None, "--partner", "-p"), config: Path | None = ConfigOpt) -> None:
    """Compare the ledger with each bucket and repair drift; exit 1 if anything could not be repaired."""
    c = container(config)
    bad = 0
    for p in c.settings.partners:
        if partner and p.id != partner:
            continue
        rep = c.publisher.reconcile(p, c.store_for(p))
        out.print(f"{p.id}: {rep}")
        bad += len(rep.unrepairable)
    raise typer.Exit(1 if bad else 0)


def serve(config: Path | None = ConfigOpt) -> None:
    """Serve every deployment with its schedule from this one process (the embedded default)."""
    from flows.deployments import serve_all

    quiet_prefect()
    container(config)
    serve_all()


def demo(keep: bool = typer.Option(False, help="Leave SeaweedFS running when done")) -> None:
    """The embedded demo: local SeaweedFS, two partner buckets, the sample wire, partner read-back."""
    from flows.demo import run_demo

    raise typer.Exit(run_demo(keep=keep))
