"""`kawat partners provision`: buckets and per-partner read access."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.terminal import ConfigOpt, container, out

app = typer.Typer(no_args_is_help=True, help="Partner buckets and access.")


@app.command("provision")
def partners_provision(
    config: Path | None = ConfigOpt,
    seaweed_identities: Path | None = typer.Option(
        None, "--seaweed-identities", help="SeaweedFS -s3.config file to update with per-partner read access"),
    out_dir: Path = typer.Option(Path("infra/aws/generated"), "--aws-out", help="Where AWS policy documents go"),
) -> None:
    """Create partner buckets and per-partner read access; print each partner's new read key once."""
    from adapters.storage.client import make_s3_client, resolve_credentials
    from infra.provision import provision
    from infra.seaweed import IdentitiesFile

    c = container(config)
    s = c.settings.storage
    access, secret = resolve_credentials(s, what="storage admin", secrets=c.secrets)
    admin = make_s3_client(s.endpoint_url, s.region, access, secret)
    target = IdentitiesFile(seaweed_identities) if seaweed_identities else None
    rep = provision(c.settings.partners, admin, seaweed=target, out_dir=out_dir)
    out.print(f"buckets created: {rep.buckets_created or '-'}; existing: {rep.buckets_existing or '-'}")
    out.print(f"AWS bucket/IAM policy documents for review: {out_dir}")
    if target is not None:
        out.print(f"SeaweedFS identities written to {target.path}: restart the S3 gateway to apply.")
        for pid, ident in rep.credentials.items():
            out.print(f"  {pid}: access key {ident.access_key}  secret {ident.secret_key}  (hand over securely)")
