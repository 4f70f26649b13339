"""Running Kawat from a terminal: the container for a config file, a live progress line, the summary table.

Shared by the `kawat` commands and the demo, which therefore never import each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:  # the container pulls in every adapter: `kawat --help` should not wait for that
    from flows.bootstrap import Container

console = Console(stderr=True)
out = Console()

ConfigOpt = typer.Option(None, "--config", "-c", help="kawat.toml (default: ./kawat.toml or $KAWAT_CONFIG)")


def quiet_prefect() -> None:
    """No telemetry; a lean ephemeral API when no PREFECT_API_URL is set (flows.runtime says why)."""
    from flows.runtime import prepare_ephemeral_server

    prepare_ephemeral_server()


def container(config: Path | None = None, **overrides: object) -> Container:
    """The object graph for this command, installed as the process-wide container its flows use."""
    from flows.bootstrap import bootstrap, set_container
    from flows.settings import load_settings

    c = bootstrap(load_settings(config, **overrides))
    set_container(c)
    return c


def summary_table(rows: list[dict[str, Any]]) -> Table:
    """One row per story × partner: what became of it, coloured by outcome."""
    table = Table(title="Kawat run summary")
    for col in ("story", "partner", "lang", "key", "state"):
        table.add_column(col, overflow="fold")
    for r in rows:
        state = str(r.get("state"))
        colour = {"delivered": "green", "unchanged": "green", "quarantined": "red", "failed": "red"}.get(state, "yellow")
        # Details quote file names and agency text: hostile "[/red]" must print as itself, never as markup.
        detail = f" ({escape(str(r['detail']))})" if r.get("detail") and state not in ("delivered", "unchanged") else ""
        table.add_row(*(escape(str(r.get(k) or "-")) for k in ("story_id", "partner", "language", "key")),
                      f"[{colour}]{escape(state)}[/{colour}]{detail}")
    return table


def run_syndicate(source: str | None, engine: str | None, config: Path | None) -> dict[str, Any]:
    """Run the `syndicate` flow with a live progress line; returns the flow's result."""
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from flows.settings import SourceConfig

    quiet_prefect()
    c = container(config)
    source_name = source
    if source and not any(s.name == source for s in c.settings.sources):
        path = Path(source)
        if not path.is_dir():
            console.print(f"[red]--source {source}: neither a configured source nor a folder[/red]")
            raise typer.Exit(2)
        c.settings.sources.append(SourceConfig(name="cli-folder", kind="folder", path=str(path)))
        source_name = "cli-folder"
    from flows.runtime import in_process_run
    from flows.syndicate import syndicate

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("starting Prefect…", total=None)
        counts = {"ingested": 0, "localized": 0, "delivered": 0}

        def listen(event: str, detail: str) -> None:
            counts[event] = counts.get(event, 0) + 1
            bar.update(task, description=f"{event} {escape(detail)}  [{counts['ingested']} files, "
                                         f"{counts['localized']} localized, {counts['delivered']} delivered]")

        c.on_progress = listen
        try:
            with in_process_run():
                state = syndicate(source=source_name, engine=engine, return_state=True)
        finally:
            c.on_progress = None
    return flow_result(state)


def flow_result(state: Any) -> Any:
    """A flow run's result, also when it failed with one (the table shows what failed); else its one line."""
    from flows.outcome import result_of

    try:
        return result_of(state)
    except Exception as exc:  # an expected failure ends the run with one line, and so does the command
        console.print(f"[red]{state.name}: {state.message or exc}[/red]")
        raise typer.Exit(2) from None
