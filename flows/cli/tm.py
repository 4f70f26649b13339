"""`kawat tm export | import`: the translation memory as TMX."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.terminal import ConfigOpt, container, out

app = typer.Typer(no_args_is_help=True, help="Translation memory: TMX import/export.")


@app.command("export")
def tm_export(tmx: Path = typer.Option(..., "--tmx"), config: Path | None = ConfigOpt) -> None:
    """Write the translation memory as TMX 1.4."""
    c = container(config)
    from adapters.tmx import export_tmx

    out.print(f"exported {export_tmx(c.tm, tmx)} units to {tmx}")


@app.command("import")
def tm_import(file: Path, config: Path | None = ConfigOpt) -> None:
    """Load human post-edits from TMX; they win over machine output from now on."""
    c = container(config)
    from adapters.tmx import import_tmx

    out.print(f"imported {import_tmx(c.tm, file)} units from {file}")
