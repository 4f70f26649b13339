"""`kawat`: the one command-line entry point (inspect, translate, run, demo, serve, admin)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Kawat: wire translation and syndication.")
glossary_app = typer.Typer(no_args_is_help=True, help="Term base: lint, import, export.")
tm_app = typer.Typer(no_args_is_help=True, help="Translation memory: TMX import/export.")
partners_app = typer.Typer(no_args_is_help=True, help="Partner buckets and access.")
app.add_typer(glossary_app, name="glossary")
app.add_typer(tm_app, name="tm")
app.add_typer(partners_app, name="partners")

console = Console(stderr=True)
out = Console()


def _quiet_prefect() -> None:
    """No telemetry; a lean ephemeral API when no PREFECT_API_URL is set (flows.runtime says why)."""
    from flows.runtime import prepare_ephemeral_server

    prepare_ephemeral_server()


def _container(config: Optional[Path] = None, **overrides: object):  # type: ignore[no-untyped-def]
    from flows.bootstrap import bootstrap, set_container
    from flows.settings import load_settings

    c = bootstrap(load_settings(config, **overrides))
    set_container(c)
    return c


ConfigOpt = typer.Option(None, "--config", "-c", help="kawat.toml (default: ./kawat.toml or $KAWAT_CONFIG)")


@app.command()
def inspect(files: list[Path] = typer.Argument(..., help="Wire files (any supported format)")) -> None:
    """Parse wire files and print each story as JSON; exit 2 if any file is rejected."""
    from adapters.errors import WireError
    from adapters.wire import parse_wire

    bad = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            console.print(f"[red]{path}: cannot read: {exc.strerror}[/red]")
            bad += 1
            continue
        try:
            stories = parse_wire(data, str(path))
        except WireError as exc:
            print(f"{path}: {exc.reason}", file=sys.stderr)
            bad += 1
            continue
        for story in stories:
            out.print_json(json.dumps({"story_id": story.story_id, **story.model_dump(mode="json")}, ensure_ascii=False))
    raise typer.Exit(2 if bad else 0)


@app.command()
def translate(
    file: Path = typer.Argument(..., help="One wire file"),
    to: str = typer.Option(..., "--to", help="Target language: id or en"),
    engine: Optional[str] = typer.Option(None, "--engine", "-e", help="Engine name (default from settings)"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Print the localized article as ninjs 2.2 JSON, without storing or delivering it."""
    from adapters.errors import KawatError, WireError
    from adapters.wire import parse_wire
    from flows import steps
    from newsroom.credits import credit_lines
    from newsroom.render import to_ninjs

    if to not in ("en", "id"):
        console.print("[red]--to must be 'en' or 'id'[/red]")
        raise typer.Exit(2)
    c = _container(config)
    try:
        stories = parse_wire(file.read_bytes(), str(file), max_bytes=c.settings.max_file_bytes)
    except WireError as exc:
        print(f"{file}: {exc.reason}", file=sys.stderr)
        raise typer.Exit(2) from None
    for story in stories:
        try:
            article = steps.translate_story(c, steps.check_language(story), to, engine)
        except KawatError as exc:
            console.print(f"[red]{file}: {exc}[/red]")
            raise typer.Exit(1) from None
        lines = credit_lines(article.credits, to, mt_disclosure=True, engine=article.provenance.engine)
        doc = to_ninjs(article, uri=f"urn:kawat:{article.story_id}:{to}", credit_lines=lines)
        out.print_json(json.dumps(doc, ensure_ascii=False))
        if article.review.value != "ok":
            console.print(f"[yellow]{article.story_id}: {article.review.value}: {'; '.join(article.qa.problems)}[/yellow]")


def summary_table(rows: list[dict]) -> Table:
    table = Table(title="Kawat run summary")
    for col in ("story", "partner", "lang", "key", "state"):
        table.add_column(col, overflow="fold")
    for r in rows:
        state = str(r.get("state"))
        colour = {"delivered": "green", "unchanged": "green", "quarantined": "red", "failed": "red"}.get(state, "yellow")
        detail = f" ({r['detail']})" if r.get("detail") and state not in ("delivered", "unchanged") else ""
        table.add_row(str(r.get("story_id")), str(r.get("partner")), str(r.get("language") or "-"),
                      str(r.get("key") or "-"), f"[{colour}]{state}[/{colour}]{detail}")
    return table


def run_syndicate(source: Optional[str], engine: Optional[str], config: Optional[Path]) -> dict:
    """Run the `syndicate` flow with a live progress line; returns the flow's result."""
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from flows import progress as prog
    from flows.settings import SourceConfig

    _quiet_prefect()
    c = _container(config)
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

        prog.set_listener(listen)
        try:
            with in_process_run():
                result = syndicate(source=source_name, engine=engine)
        finally:
            prog.set_listener(None)
    return result


@app.command()
def run(
    source: Optional[str] = typer.Option(None, "--source", "-s", help="A folder, or a configured source name"),
    engine: Optional[str] = typer.Option(None, "--engine", "-e"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Run the `syndicate` Prefect flow once: ingest → translate → credit → render → deliver."""
    result = run_syndicate(source, engine, config)
    out.print(summary_table(result["rows"]))
    failed = [r for r in result["rows"] if r.get("state") in ("failed",)]
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(keep: bool = typer.Option(False, help="Leave SeaweedFS running when done")) -> None:
    """The embedded demo: local SeaweedFS, two partner buckets, the sample wire, partner read-back."""
    from flows.demo import run_demo

    raise typer.Exit(run_demo(keep=keep))


@app.command()
def serve(config: Optional[Path] = ConfigOpt) -> None:
    """Serve every deployment with its schedule from this one process (the embedded default)."""
    from flows.deployments import serve_all

    _quiet_prefect()
    _container(config)
    serve_all()


@app.command()
def deliveries(
    partner: Optional[str] = typer.Option(None, "--partner", "-p"),
    state: Optional[str] = typer.Option(None, "--state"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """List the delivery ledger (partner × story × language × version)."""
    c = _container(config)
    table = Table(title="Deliveries")
    for col in ("partner", "story", "lang", "version", "edition", "state", "attempts", "key", "last error",
                "updated"):
        table.add_column(col, overflow="fold")
    for r in c.ledger.list(partner=partner, state=state):
        table.add_row(r.partner, r.story_id, r.language, str(r.version), str(r.edition or "-"), r.state,
                      str(r.attempts), r.key or "-", r.last_error or "", str(r.updated_at)[:19])
    out.print(table)


@app.command()
def reconcile(partner: Optional[str] = typer.Option(None, "--partner", "-p"), config: Optional[Path] = ConfigOpt) -> None:
    """Compare the ledger with each bucket and repair drift; exit 1 if anything could not be repaired."""
    c = _container(config)
    bad = 0
    for p in c.settings.partners:
        if partner and p.id != partner:
            continue
        rep = c.publisher.reconcile(p, c.store_for(p))
        out.print(f"{p.id}: {rep}")
        bad += len(rep.unrepairable)
    raise typer.Exit(1 if bad else 0)


@app.command("kill")
def kill_cmd(story_id: str, reason: str = typer.Option(..., "--reason"), config: Optional[Path] = ConfigOpt) -> None:
    """Withdraw a story from every partner now (runs the `kill` flow)."""
    _quiet_prefect()
    _container(config)
    from flows.editorial import kill
    from flows.runtime import in_process_run

    with in_process_run():
        out.print(summary_table(kill(story_id=story_id, reason=reason)))


@app.command()
def reinstate(story_id: str, reason: str = typer.Option(..., "--reason"), config: Optional[Path] = ConfigOpt) -> None:
    """Lift a kill (recorded with the reason) and deliver the story's current revision again (the `reinstate` flow)."""
    _quiet_prefect()
    _container(config)
    from flows.editorial import reinstate as reinstate_flow
    from flows.runtime import in_process_run

    with in_process_run():
        out.print(summary_table(reinstate_flow(story_id=story_id, reason=reason)))


@app.command()
def rerun(
    story_id: str,
    partner: Optional[str] = typer.Option(None, "--partner", "-p"),
    engine: Optional[str] = typer.Option(None, "--engine", "-e"),
    force: bool = typer.Option(True, "--force/--no-force"),
    config: Optional[Path] = ConfigOpt,
) -> None:
    """Localize and deliver one story again (the `rerun` flow an editor starts from the UI)."""
    _quiet_prefect()
    _container(config)
    from flows.editorial import rerun as rerun_flow
    from flows.runtime import in_process_run

    with in_process_run():
        out.print(summary_table(rerun_flow(story_id=story_id, partner=partner, engine=engine, force=force)))


@glossary_app.command("lint")
def glossary_lint(directory: Optional[Path] = typer.Argument(None, help="Term directory (default: packaged)")) -> None:
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


@glossary_app.command("export")
def glossary_export(dest: Path, directory: Optional[Path] = typer.Option(None, "--from")) -> None:
    """Export the term base as TBX (.tbx) or CSV (.csv)."""
    from glossary import load_glossary, write_csv, write_tbx

    g = load_glossary(directory)
    (write_tbx if dest.suffix.lower() == ".tbx" else write_csv)(g, dest)
    out.print(f"wrote {len(g.entries)} concepts to {dest}")


@glossary_app.command("import")
def glossary_import(src: Path, dest: Path = typer.Option(..., "--to", help="CSV file to write into glossary/terms/")) -> None:
    """Convert a TBX or CSV file into a term CSV (review it, then commit it)."""
    from glossary import read_csv, read_tbx, write_csv

    g = (read_tbx if src.suffix.lower() == ".tbx" else read_csv)(src)
    write_csv(g, dest)
    out.print(f"wrote {len(g.entries)} concepts to {dest}")


@tm_app.command("export")
def tm_export(tmx: Path = typer.Option(..., "--tmx"), config: Optional[Path] = ConfigOpt) -> None:
    """Write the translation memory as TMX 1.4."""
    c = _container(config)
    out.print(f"exported {c.tm.export_tmx(tmx)} units to {tmx}")


@tm_app.command("import")
def tm_import(file: Path, config: Optional[Path] = ConfigOpt) -> None:
    """Load human post-edits from TMX; they win over machine output from now on."""
    c = _container(config)
    out.print(f"imported {c.tm.import_tmx(file)} units from {file}")


@partners_app.command("provision")
def partners_provision(
    config: Optional[Path] = ConfigOpt,
    seaweed_identities: Optional[Path] = typer.Option(
        None, "--seaweed-identities", help="SeaweedFS -s3.config file to update with per-partner read access"),
    out_dir: Path = typer.Option(Path("infra/aws/generated"), "--aws-out", help="Where AWS policy documents go"),
) -> None:
    """Create partner buckets and per-partner read access; print each partner's new read key once."""
    from adapters.storage.client import make_s3_client, resolve_credentials
    from infra.provision import provision
    from infra.seaweed import IdentitiesFile

    c = _container(config)
    s = c.settings.storage
    access, secret = resolve_credentials(s, what="storage admin")
    admin = make_s3_client(s.endpoint_url, s.region, access, secret)
    target = IdentitiesFile(seaweed_identities) if seaweed_identities else None
    rep = provision(c.settings.partners, admin, seaweed=target, out_dir=out_dir)  # type: ignore[arg-type]
    out.print(f"buckets created: {rep.buckets_created or '-'}; existing: {rep.buckets_existing or '-'}")
    out.print(f"AWS bucket/IAM policy documents for review: {out_dir}")
    if target is not None:
        out.print(f"SeaweedFS identities written to {target.path}: restart the S3 gateway to apply.")
        for pid, ident in rep.credentials.items():
            out.print(f"  {pid}: access key {ident.access_key}  secret {ident.secret_key}  (hand over securely)")


def main() -> None:
    """Console entry point: our own errors (bad config, missing credentials) are one line, exit 2."""
    from adapters.errors import KawatError

    try:
        app()
    except KawatError as exc:
        print(f"kawat: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":  # pragma: no cover
    main()
