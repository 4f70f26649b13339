"""`kawat partners provision`: buckets and per-partner read access."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from flows.terminal import ConfigOpt, container, out

if TYPE_CHECKING:
    from infra.provision import ProvisionReport

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
        print_keys(rep)


def print_keys(rep: ProvisionReport) -> None:
    """New keys go to this terminal only (never a log, never a file in the repo): the operator hands them over."""
    if rep.writer is not None:
        print(f"  Kawat writer ({rep.writer.name}): access key {rep.writer.access_key}  "
              f"secret {rep.writer.secret_key}")
        print("    set them where Kawat runs, in the variables [storage] names (access_key_env / "
              "secret_key_env) or in a Prefect Secret block (secret_block)")
    for pid, ident in rep.credentials.items():
        print(f"  partner {pid}: access key {ident.access_key}  secret {ident.secret_key}  (hand over securely)")
