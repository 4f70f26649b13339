"""`kawat glossary lint | export | import`: the term base."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.terminal import out

app = typer.Typer(no_args_is_help=True, help="Term base: lint, import, export.")


@app.command("lint")
def glossary_lint(directory: Path | None = typer.Argument(None, help="Term directory (default: packaged)")) -> None:
    """Report duplicates, conflicts, shadowing substrings and empty cells; exit 1 on errors."""
    from glossary import lint, load_glossary

    g = load_glossary(directory)
    findings = lint(g)
    for f in findings:
        colour = "red" if f.severity == "error" else "yellow"
        out.print(f"[{colour}]{f.severity}[/{colour}]: {f.message}")
    errors = sum(1 for f in findings if f.severity == "error")
    out.print(f"{len(g.entries)} concepts, version {g.version}: {errors} errors, {len(findings) - errors} warnings")
    raise typer.Exit(1 if errors else 0)


@app.command("export")
def glossary_export(dest: Path, directory: Path | None = typer.Option(None, "--from")) -> None:
    """Export the term base as TBX (.tbx) or CSV (.csv)."""
    from glossary import load_glossary, write_csv, write_tbx

    g = load_glossary(directory)
    (write_tbx if dest.suffix.lower() == ".tbx" else write_csv)(g, dest)
    out.print(f"wrote {len(g.entries)} concepts to {dest}")


@app.command("import")
def glossary_import(src: Path, dest: Path = typer.Option(..., "--to", help="CSV file to write into glossary/terms/")) -> None:
    """Convert a TBX or CSV file into a term CSV (review it, then commit it)."""
    from glossary import read_csv, read_tbx, write_csv

    g = (read_tbx if src.suffix.lower() == ".tbx" else read_csv)(src)
    write_csv(g, dest)
    out.print(f"wrote {len(g.entries)} concepts to {dest}")
