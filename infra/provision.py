"""Create partner buckets and per-partner read-only access (SeaweedFS identities, AWS policy documents)."""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from adapters.config import PartnerConfig
from adapters.errors import PermanentError, TransientError
from infra.seaweed import S3Identity
from newsroom.model import safe_id


class IdentityStore(Protocol):
    """Where SeaweedFS keeps S3 identities: a server we run, or the config file of one we do not."""

    @property
    def identities(self) -> list[S3Identity]: ...

    def reload(self, identities: Iterable[S3Identity]) -> None: ...


TEMPLATES = Path(__file__).resolve().parent / "aws"
PARTNER_PREFIX = "kawat-partner-"
WRITER_NAME = "kawat-writer"


@dataclass
class ProvisionReport:
    """What provisioning did; `credentials` holds generated keys for the caller to hand over, never to store."""

    buckets_created: list[str] = field(default_factory=list)
    buckets_existing: list[str] = field(default_factory=list)
    credentials: dict[str, S3Identity] = field(default_factory=dict)
    writer: S3Identity | None = None
    documents: list[Path] = field(default_factory=list)
    seaweed_reloaded: bool = False


def _key(n: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_identity(name: str, actions: Sequence[str]) -> S3Identity:
    """A fresh random key pair (20-char access key, 40-char secret, like AWS's)."""
    return S3Identity(name, _key(20, string.ascii_uppercase + string.digits),
                      _key(40, string.ascii_letters + string.digits), tuple(actions))


def _norm_prefix(prefix: str) -> str:
    return "/".join(p for p in prefix.split("/") if p)


def reader_actions(partner: PartnerConfig) -> tuple[str, ...]:
    """SeaweedFS actions for a partner: read+list its own prefix (`bucket/prefix/*`) or whole bucket."""
    p = _norm_prefix(partner.prefix)
    target = f"{partner.bucket}/{p}/*" if p else partner.bucket
    return (f"Read:{target}", f"List:{target}")


def writer_actions(partners: Sequence[PartnerConfig]) -> tuple[str, ...]:
    acts: list[str] = []
    for bucket in sorted({p.bucket for p in partners}):
        acts += [f"Read:{bucket}", f"List:{bucket}", f"Write:{bucket}"]
    return tuple(acts)


def _ensure_bucket(client: Any, bucket: str, report: ProvisionReport) -> None:
    try:
        client.head_bucket(Bucket=bucket)
        report.buckets_existing.append(bucket)
        return
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) not in ("404", "NoSuchBucket", "NotFound"):
            raise PermanentError(f"bucket {bucket}: {exc}") from exc
    except BotoCoreError as exc:
        raise TransientError(f"bucket {bucket}: {exc}") from exc
    try:
        client.create_bucket(Bucket=bucket)
        report.buckets_created.append(bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou",):
            report.buckets_existing.append(bucket)
            return
        raise PermanentError(f"create bucket {bucket}: {exc}") from exc


def _render(template: str, **values: str) -> Any:
    """Fill `${name}` placeholders with JSON-escaped values, then parse: no injection through ids."""
    text = (TEMPLATES / template).read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", json.dumps(value)[1:-1])
    if "${" in text:
        raise ValueError(f"{template}: unfilled placeholder")
    return json.loads(text)


def aws_documents(partners: Sequence[PartnerConfig], out_dir: Path, *, account_id: str = "ACCOUNT_ID") -> list[Path]:
    """Write reviewable AWS JSON: one bucket policy per bucket, a read policy per partner, the writer policy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    by_bucket: dict[str, list[dict]] = {}
    writer_statements: list[dict] = []
    for partner in partners:
        p = _norm_prefix(partner.prefix)
        values = dict(bucket=partner.bucket, prefix_glob=f"{p}/*" if p else "*", account_id=account_id,
                      iam_user=f"{PARTNER_PREFIX}{safe_id(partner.id)}",
                      sid="".join(ch for ch in partner.id.title() if ch.isalnum()) or "X")
        read = _render("partner-read-policy.json", **values)
        path = out_dir / f"partner-{safe_id(partner.id)}-read-policy.json"
        path.write_text(json.dumps(read, indent=2) + "\n")
        written.append(path)
        stmts = by_bucket.setdefault(partner.bucket, [])
        for st in _render("bucket-policy-statements.json", **values):
            if st["Sid"] not in {s["Sid"] for s in stmts}:
                stmts.append(st)
        for st in _render("writer-policy.json", **values)["Statement"]:
            st["Sid"] = f"{st['Sid']}{values['sid']}"
            writer_statements.append(st)
    for bucket, stmts in by_bucket.items():
        path = out_dir / f"bucket-{safe_id(bucket)}-policy.json"
        path.write_text(json.dumps({"Version": "2012-10-17", "Statement": stmts}, indent=2) + "\n")
        written.append(path)
    path = out_dir / "kawat-writer-policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": writer_statements}, indent=2) + "\n")
    written.append(path)
    return written


def provision(
    partners: Sequence[PartnerConfig],
    admin_client: Any,
    *,
    seaweed: IdentityStore | None = None,
    writer: S3Identity | None = None,
    out_dir: Path = Path("infra/aws/generated"),
    account_id: str = "ACCOUNT_ID",
) -> ProvisionReport:
    """Create missing buckets; on SeaweedFS load one read-only identity per partner plus the writer, in one reload."""
    report = ProvisionReport()
    for bucket in sorted({p.bucket for p in partners}):
        _ensure_bucket(admin_client, bucket, report)
    report.documents = aws_documents(partners, out_dir, account_id=account_id)
    if seaweed is None:
        return report
    existing = {i.name: i for i in seaweed.identities}
    managed: list[S3Identity] = []
    for partner in partners:
        name = f"{PARTNER_PREFIX}{safe_id(partner.id)}"
        old = existing.get(name)
        ident = (S3Identity(name, old.access_key, old.secret_key, reader_actions(partner)) if old
                 else new_identity(name, reader_actions(partner)))
        report.credentials[partner.id] = ident
        managed.append(ident)
    w = writer or existing.get(WRITER_NAME)
    w = (S3Identity(w.name, w.access_key, w.secret_key, writer_actions(partners)) if w
         else new_identity(WRITER_NAME, writer_actions(partners)))
    report.writer = w
    managed.append(w)
    managed_names = {i.name for i in managed}
    # Keep every identity we do not manage (the admin above all); drop partners no longer configured.
    kept = [i for i in seaweed.identities
            if i.name not in managed_names and not i.name.startswith(PARTNER_PREFIX)]
    seaweed.reload([*kept, *managed])
    report.seaweed_reloaded = True
    return report
