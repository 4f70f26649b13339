"""Real SeaweedFS, real SigV4: each partner's provisioned credentials reach its own prefix only."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from flows.settings import PartnerConfig
from infra.provision import provision
from tests.support.s3 import ADMIN, client_for

RUN = uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def env(seaweed, tmp_path_factory):
    partners = [
        PartnerConfig(id="alpha", bucket=f"iso-a-{RUN}", prefix="kawat"),
        PartnerConfig(id="beta", bucket=f"iso-b-{RUN}", prefix="kawat"),
        PartnerConfig(id="gamma", bucket=f"iso-a-{RUN}", prefix="gamma"),  # shares alpha's bucket
    ]
    out = tmp_path_factory.mktemp("aws")
    report = provision(partners, client_for(seaweed, ADMIN), seaweed=seaweed, out_dir=out)
    writer = client_for(seaweed, report.writer)
    for p in partners:
        writer.put_object(Bucket=p.bucket, Key=f"{p.prefix}/x.json", Body=p.id.encode())
    yield partners, report, out


def _denied(fn) -> bool:
    try:
        fn()
    except ClientError as exc:
        return exc.response["Error"]["Code"] in ("AccessDenied", "403")
    return False


def test_admin_identity_survives_provisioning(env, seaweed) -> None:
    assert any(i.name == ADMIN.name for i in seaweed.identities)
    assert client_for(seaweed, ADMIN).list_buckets()["Buckets"]


def test_partner_reads_and_lists_only_its_own_prefix(env, seaweed) -> None:
    partners, report, _ = env
    alpha, beta, gamma = partners
    a = client_for(seaweed, report.credentials["alpha"])
    assert a.get_object(Bucket=alpha.bucket, Key="kawat/x.json")["Body"].read() == b"alpha"
    listed = [o["Key"] for o in a.list_objects_v2(Bucket=alpha.bucket, Prefix="kawat/")["Contents"]]
    assert listed == ["kawat/x.json"]
    # B's bucket: no list, no read, no write.
    assert _denied(lambda: a.list_objects_v2(Bucket=beta.bucket))
    assert _denied(lambda: a.get_object(Bucket=beta.bucket, Key="kawat/x.json"))
    assert _denied(lambda: a.put_object(Bucket=beta.bucket, Key="kawat/evil.json", Body=b"x"))
    # Gamma's prefix inside the shared bucket, and the bucket root, are off limits too.
    assert _denied(lambda: a.get_object(Bucket=gamma.bucket, Key="gamma/x.json"))
    assert _denied(lambda: a.list_objects_v2(Bucket=alpha.bucket))
    # Read-only: not even its own prefix is writable or deletable.
    assert _denied(lambda: a.put_object(Bucket=alpha.bucket, Key="kawat/evil.json", Body=b"x"))
    assert _denied(lambda: a.delete_object(Bucket=alpha.bucket, Key="kawat/x.json"))
    b = client_for(seaweed, report.credentials["beta"])
    assert _denied(lambda: b.get_object(Bucket=alpha.bucket, Key="kawat/x.json"))
    assert b.get_object(Bucket=beta.bucket, Key="kawat/x.json")["Body"].read() == b"beta"


def test_wrong_secret_is_rejected(env, seaweed) -> None:
    from infra.seaweed import S3Identity

    _, report, _ = env
    good = report.credentials["alpha"]
    bad = S3Identity(good.name, good.access_key, "not-the-secret-" + "x" * 25, good.actions)
    with pytest.raises(ClientError):
        client_for(seaweed, bad).get_object(Bucket=f"iso-a-{RUN}", Key="kawat/x.json")


def test_aws_documents_scope_each_partner_to_its_prefix(env) -> None:
    partners, report, out = env
    read = json.loads((out / "partner-alpha-read-policy.json").read_text())
    resources = json.dumps(read)
    assert f"arn:aws:s3:::iso-a-{RUN}/kawat/*" in resources and "gamma" not in resources
    bucket = json.loads((out / f"bucket-iso-a-{RUN}-policy.json").read_text())
    sids = [s["Sid"] for s in bucket["Statement"]]
    assert len(sids) == len(set(sids)) and any("Alpha" in s for s in sids) and any("Gamma" in s for s in sids)
    for path in report.documents:
        text = path.read_text()
        for ident in report.credentials.values():
            assert ident.secret_key not in text and ident.access_key not in text
