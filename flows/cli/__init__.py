"""`kawat`: the one command-line entry point; each sub-app lives in its own module."""

from __future__ import annotations

import sys

import typer

from flows.cli import glossary, operations, partners, stories, tm

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Kawat: wire translation and syndication.")
for command in (stories.inspect, stories.translate, stories.run, operations.demo, operations.serve, operations.deploy,
                operations.deliveries, operations.reconcile):
    app.command()(command)
app.command("kill")(stories.kill_cmd)
app.command()(stories.rerun)
app.command()(stories.reinstate)
app.add_typer(glossary.app, name="glossary")
app.add_typer(tm.app, name="tm")
app.add_typer(partners.app, name="partners")


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
