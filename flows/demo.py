"""`make demo`: the whole pipeline on embedded defaults — local SeaweedFS, two partners, sample wire."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from infra.seaweed import S3Identity, SeaweedServer

if TYPE_CHECKING:
    from infra.provision import ProvisionReport

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "wire"
TM_SAMPLES = REPO / "samples" / "tm"  # human translations of the sample stories (TMX)
console = Console()

DEMO_PARTNERS: list[dict[str, Any]] = [
    {"id": "harian-nusantara", "languages": ["id"], "formats": ["ninjs", "html", "text"],
     "bucket": "partner-harian-nusantara", "prefix": "kawat", "credit_template": "standard",
     "mt_disclosure": True},
    {"id": "pacific-wire-review", "languages": ["en"], "formats": ["ninjs", "text"],
     "bucket": "partner-pacific-wire-review", "prefix": "feeds/kawat", "credit_template": "standard",
     "mt_disclosure": True},
]


def google_reachable(timeout: float = 4.0) -> bool:
    """The production default engine needs the internet; the demo checks before it relies on it."""
    try:
        httpx.get("https://translate.google.com/m", timeout=timeout)
        return True
    except httpx.HTTPError:
        return False


def _toml(data_dir: Path, endpoint: str, engine: str) -> str:
    lines = [
        "[kawat]", f'data_dir = "{data_dir}"', f'engine = "{engine}"', "allow_dry_run = true",
        'editor = "Meja Redaksi Kawat"', "glossary_gate = true", "",
        "[[sources]]", 'name = "demo-drop"', 'kind = "folder"', f'path = "{data_dir / "inbox"}"', "",
        "[storage]", f'endpoint_url = "{endpoint}"', 'region = "us-east-1"',
        'access_key_env = "KAWAT_DEMO_WRITER_ACCESS_KEY"', 'secret_key_env = "KAWAT_DEMO_WRITER_SECRET_KEY"', "",
    ]
    for p in DEMO_PARTNERS:
        lines += ["[[partners]]"] + [f"{k} = {json.dumps(v)}" for k, v in p.items()] + [""]
    return "\n".join(lines)


def run_demo(keep: bool = False) -> int:
    """Start everything, run one pass, show each partner's bucket through the partner's own eyes."""
    from adapters.storage.client import make_s3_client
    from flows.terminal import run_syndicate, summary_table
    from infra.provision import provision

    data_dir = (REPO / ".kawat" / "demo").resolve()
    if data_dir.exists():
        shutil.rmtree(data_dir)
    (data_dir / "inbox").mkdir(parents=True)
    for f in sorted(SAMPLES.iterdir()):
        if f.is_file():
            shutil.copy2(f, data_dir / "inbox" / f.name)
    writer = S3Identity("kawat-writer", "KAWAT" + secrets.token_hex(6).upper(), secrets.token_urlsafe(24), ("Admin",))
    os.environ["KAWAT_DEMO_WRITER_ACCESS_KEY"] = writer.access_key
    os.environ["KAWAT_DEMO_WRITER_SECRET_KEY"] = writer.secret_key

    console.print(Panel.fit("Kawat demo: SeaweedFS on 127.0.0.1, two partner buckets, samples/wire/"))
    server = SeaweedServer(data_dir / "seaweed", [writer])
    server.start()
    try:
        console.print(f"S3 (SeaweedFS) listening on {server.endpoint_url}")
        engine = "google"
        if not google_reachable():
            console.print("[yellow]Google Translate cannot be reached from this machine: the demo continues "
                          "with human translations from the translation memory (samples/tm/) and the dry-run "
                          "engine for any text outside it (marked, NOT translated; ninjs ednote says so).[/yellow]")
            engine = "dry-run"
        config = data_dir / "kawat.toml"
        config.write_text(_toml(data_dir, server.endpoint_url, engine))
        admin = make_s3_client(server.endpoint_url, "us-east-1", writer.access_key, writer.secret_key)
        from flows.settings import load_settings

        settings = load_settings(config)
        report = provision(settings.partners, admin, seaweed=server, writer=writer,
                           out_dir=data_dir / "aws-policies")
        from adapters.tmx import import_tmx
        from flows.terminal import container

        memory = container(config).tm
        units = sum(import_tmx(memory, tmx) for tmx in sorted(TM_SAMPLES.glob("*.tmx")))
        console.print(f"Translation memory: {units} human translations of the sample stories (samples/tm/)")
        result = run_syndicate(None, engine, config)
        console.print(summary_table(result["rows"]))
        show_partner_buckets(server, report)
    finally:
        if keep:
            console.print(f"SeaweedFS left running on {server.endpoint_url} (pid {server.process.pid if server.process else '-'})")
        else:
            server.stop()
            console.print("SeaweedFS stopped.")
    console.print(f"Local state (ledger, translation memory, media) is in {data_dir}")
    return 0


def show_partner_buckets(server: SeaweedServer, report: ProvisionReport) -> None:
    """List each bucket and print one article with the partner's read-only credentials."""
    from adapters.storage.client import make_s3_client

    for p in DEMO_PARTNERS:
        ident = report.credentials[p["id"]]
        s3 = make_s3_client(server.endpoint_url, "us-east-1", ident.access_key, ident.secret_key)
        keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=p["bucket"], Prefix=p["prefix"].strip("/") + "/")
                for o in page.get("Contents", [])]
        console.rule(f"{p['id']} reads s3://{p['bucket']} with its own key ({len(keys)} objects)")
        for k in keys:
            console.print(f"  {k}")
        texts = [k for k in keys if k.endswith("latest.txt")] or [k for k in keys if k.endswith(".txt")]
        if texts:
            body = s3.get_object(Bucket=p["bucket"], Key=texts[0])["Body"].read().decode()
            console.print(Panel(Text(body[:1500] + ("…" if len(body) > 1500 else "")), title=texts[0]))
        other = next(q for q in DEMO_PARTNERS if q is not p)
        try:
            s3.list_objects_v2(Bucket=other["bucket"], Prefix=other["prefix"].strip("/") + "/")
            console.print(f"[red]{p['id']} could list {other['bucket']}: isolation is broken[/red]")
        except Exception as exc:  # botocore ClientError: AccessDenied expected
            console.print(f"[green]{p['id']} cannot list {other['bucket']}: {type(exc).__name__}[/green]")
