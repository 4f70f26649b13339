"""`kawat inspect | translate | run | rerun | kill`: one story or one pass, from the terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from flows.terminal import (
    ConfigOpt,
    console,
    container,
    flow_result,
    out,
    quiet_prefect,
    run_syndicate,
    summary_table,
)


def inspect(files: list[Path] = typer.Argument(..., help="Wire files (any supported format)")) -> None:
    """Parse wire files and print each story as JSON; exit 2 if any file is rejected."""
    from adapters.errors import ConfigError, WireError
    from adapters.sources.safeopen import RefusedFile, read_regular
    from adapters.wire import WireLimits, parse_wire
    from flows.settings import load_settings

    try:  # the same caps as a run (kawat.toml / KAWAT_*), else the defaults
        limits = load_settings().wire_limits()
    except ConfigError:
        limits = WireLimits()
    bad = 0
    for path in files:
        try:  # regular files only, size checked first: a FIFO or a device never blocks the command
            data = read_regular(path, limits.max_bytes)
        except (RefusedFile, OSError) as exc:
            print(f"{path}: {getattr(exc, 'reason', None) or exc}", file=sys.stderr)
            bad += 1
            continue
        try:
            stories = parse_wire(data, str(path), limits=limits)
        except WireError as exc:
            print(f"{path}: {exc.reason}", file=sys.stderr)
            bad += 1
            continue
        for story in stories:
            doc = json.dumps({"story_id": story.story_id, **story.model_dump(mode="json")}, ensure_ascii=False, indent=2)
            if out.is_terminal and len(doc) < 100_000:
                out.print_json(doc)  # colours for a person reading a normal story
            else:  # piped, or a long story: plain JSON, without a highlighted copy of it in memory
                sys.stdout.write(doc + "\n")
    raise typer.Exit(2 if bad else 0)


def translate(
    file: Path = typer.Argument(..., help="One wire file"),
    to: str = typer.Option(..., "--to", help="Target language: id or en"),
    engine: str | None = typer.Option(None, "--engine", "-e", help="Engine name (default from settings)"),
    config: Path | None = ConfigOpt,
) -> None:
    """Print the localized article as ninjs 2.2 JSON, without storing or delivering it."""
    from adapters.errors import KawatError, WireError
    from adapters.sources.safeopen import RefusedFile, read_regular
    from adapters.wire import parse_wire
    from newsroom.credits import credit_lines
    from newsroom.render import to_ninjs
    from services.ingest import check_language
    from services.localize import translate_story

    if to not in ("en", "id"):
        console.print("[red]--to must be 'en' or 'id'[/red]")
        raise typer.Exit(2)
    c = container(config)
    try:
        stories = parse_wire(read_regular(file, c.settings.max_file_bytes), str(file),
                             limits=c.settings.wire_limits())
    except (WireError, RefusedFile) as exc:
        print(f"{file}: {exc.reason}", file=sys.stderr)
        raise typer.Exit(2) from None
    for story in stories:
        try:
            article = translate_story(c, check_language(story), to, engine)
        except KawatError as exc:
            console.print(f"[red]{file}: {exc}[/red]")
            raise typer.Exit(1) from None
        lines = credit_lines(article.credits, to, mt_disclosure=True, engine=article.provenance.engine)
        doc = to_ninjs(article, uri=f"urn:kawat:{article.story_id}:{to}", credit_lines=lines)
        out.print_json(json.dumps(doc, ensure_ascii=False))
        if article.review.value != "ok":
            reasons = escape("; ".join(article.qa.problems))  # reasons may hold brackets rich would eat
            console.print(f"[yellow]{article.story_id}: {article.review.value}: {reasons}[/yellow]")


def run(
    source: str | None = typer.Option(None, "--source", "-s", help="A folder, or a configured source name"),
    engine: str | None = typer.Option(None, "--engine", "-e"),
    config: Path | None = ConfigOpt,
) -> None:
    """Run the `syndicate` Prefect flow once: ingest → translate → credit → render → deliver."""
    result = run_syndicate(source, engine, config)
    out.print(summary_table(result["rows"]))
    failed = [r for r in result["rows"] if r.get("state") in ("failed",)]
    raise typer.Exit(1 if failed else 0)


def rerun(
    story_id: str,
    partner: str | None = typer.Option(None, "--partner", "-p"),
    engine: str | None = typer.Option(None, "--engine", "-e"),
    force: bool = typer.Option(True, "--force/--no-force"),
    config: Path | None = ConfigOpt,
) -> None:
    """Localize and deliver one story again (the `rerun` flow an editor starts from the UI)."""
    quiet_prefect()
    container(config)
    from flows.editorial import rerun as rerun_flow
    from flows.runtime import in_process_run

    with in_process_run():
        state: Any = rerun_flow(story_id=story_id, partner=partner, engine=engine, force=force, return_state=True)
    out.print(summary_table(flow_result(state)))
    raise typer.Exit(1 if state.is_failed() else 0)


def kill_cmd(
    story_id: str,
    reason: str = typer.Option(..., "--reason", help="Why (at least 3 characters; partners read it)"),
    yes: bool = typer.Option(False, "--yes", help="Do not ask to type the story id again"),
    config: Path | None = ConfigOpt,
) -> None:
    """Withdraw a story from every partner now (runs the `kill` flow); asks to confirm with the story id."""
    confirm = story_id if yes else typer.prompt(f"Type {story_id} to withdraw it from every partner")
    quiet_prefect()
    container(config)
    from flows.editorial import kill
    from flows.runtime import in_process_run

    with in_process_run():
        state: Any = kill(story_id=story_id, reason=reason, confirm=confirm, return_state=True)
    out.print(summary_table(flow_result(state)))
    raise typer.Exit(1 if state.is_failed() else 0)


def reinstate(
    story_id: str,
    reason: str = typer.Option(..., "--reason", help="Why the kill is lifted (kept in the ledger)"),
    config: Path | None = ConfigOpt,
) -> None:
    """Lift a kill and deliver the story's current revision again (runs the `reinstate` flow)."""
    quiet_prefect()
    container(config)
    from flows.editorial import reinstate as reinstate_flow
    from flows.runtime import in_process_run

    with in_process_run():
        state: Any = reinstate_flow(story_id=story_id, reason=reason, return_state=True)
    out.print(summary_table(flow_result(state)))
    raise typer.Exit(1 if state.is_failed() else 0)
