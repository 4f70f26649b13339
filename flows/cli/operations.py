"""`kawat deliveries | reconcile | serve | demo`: running and checking the service."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from flows.terminal import ConfigOpt, console, container, out, quiet_prefect


def deliveries(
    partner: str | None = typer.Option(None, "--partner", "-p"),
    state: str | None = typer.Option(None, "--state"),
    config: Path | None = ConfigOpt,
) -> None:
    """List the delivery ledger (partner × story × language × version), held embargoes and content conflicts.

    `--state held` lists only revisions waiting for their embargo; `--state conflict` only re-sends refused
    because a stored revision has other content.
    """
    c = container(config)
    if state not in ("held", "conflict"):
        table = Table(title="Deliveries")
        for col in ("partner", "story", "lang", "version", "edition", "state", "attempts", "key", "last error",
                    "updated"):
            table.add_column(col, overflow="fold")
        for r in c.ledger.rows(partner=partner, state=state):
            table.add_row(r.partner, r.story_id, r.language, str(r.version), str(r.edition or "-"), r.state,
                          str(r.attempts), r.key or "-", r.last_error or "", str(r.updated_at)[:19])
        out.print(table)
    if state in (None, "held"):
        held = c.stories.held()
        if held or state:
            t = Table(title="Held for embargo")
            for col in ("story", "version", "state", "embargo until", "recorded"):
                t.add_column(col, overflow="fold")
            for h in held:
                until = f"{h.embargo:%Y-%m-%d %H:%M} UTC" if h.embargo else "-"
                t.add_row(h.story_id, str(h.version), "held", until, f"{h.recorded_at:%Y-%m-%d %H:%M:%S}")
            out.print(t)
    if state in (None, "conflict"):
        conflicts = c.stories.conflicts()
        if conflicts or state:
            t = Table(title="Content conflicts (quarantined)")
            for col in ("story", "version", "state", "stored sha256", "offered sha256", "file", "seen"):
                t.add_column(col, overflow="fold")
            for k in conflicts:
                t.add_row(k.story_id, str(k.version), "conflict", k.stored_hash, k.offered_hash, k.source or "-",
                          f"{k.seen_at:%Y-%m-%d %H:%M:%S}")
            out.print(t)


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
    """Serve every deployment with its schedule from this one process (the embedded default).

    First creates (or updates) the engine concurrency limits and the automations with their notifications.
    """
    from flows.console import prepare_console
    from flows.deployments import serve_all

    quiet_prefect()
    c = container(config)
    for line in prepare_console(c.settings):
        console.print(line)
    serve_all(c.settings)


def deploy(
    config: Path | None = ConfigOpt,
    write_yaml: bool = typer.Option(False, "--write-yaml", help="Only regenerate infra/prefect/prefect.yaml"),
) -> None:
    """Register every deployment on the `kawat` process work pool (scale-out), with automations and limits.

    Runs `prefect deploy` on infra/prefect/prefect.yaml, gives partner/engine/source parameters the
    configured choices, and creates the work pool, the engine concurrency limits and the automations.
    """
    from flows.deployments import PREFECT_YAML, prefect_yaml

    if write_yaml:
        PREFECT_YAML.write_text(prefect_yaml())
        out.print(f"wrote {PREFECT_YAML}")
        return
    from flows.console import deploy_to_pool, prepare_console

    c = container(config)
    for line in [*deploy_to_pool(c.settings), *prepare_console(c.settings)]:
        console.print(line)


def demo(keep: bool = typer.Option(False, help="Leave SeaweedFS running when done")) -> None:
    """The embedded demo: local SeaweedFS, two partner buckets, the sample wire, partner read-back."""
    from flows.demo import run_demo

    raise typer.Exit(run_demo(keep=keep))
