"""End-to-end delivery into real SeaweedFS buckets with Kawat's provisioned writer identity."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from adapters.db import make_engine
from adapters.errors import PermanentError
from adapters.ledger import DeliveryLedger
from adapters.storage.client import make_s3_client
from adapters.storage.publisher import Publisher
from adapters.storage.store import PreconditionFailed, S3PartnerStore
from flows.settings import PartnerConfig
from infra.provision import provision
from newsroom import contract
from tests.support.s3 import ADMIN, client_for
from tests.support.storage_pubs import PUBLISHED, pub

RUN = uuid.uuid4().hex[:8]
NOW = datetime(2023, 11, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture(scope="module")
def env(seaweed):
    partner = PartnerConfig(id="kompas", bucket=f"dlv-{RUN}", prefix="kawat", languages=["id"],
                            formats=["ninjs", "html", "text"])
    report = provision([partner], client_for(seaweed, ADMIN), seaweed=seaweed, out_dir=_tmp())
    w = report.writer
    client = make_s3_client(seaweed.endpoint_url, "us-east-1", w.access_key, w.secret_key, timeout=10)
    reader = client_for(seaweed, report.credentials["kompas"])
    return partner, S3PartnerStore(client, partner.bucket), reader


def _tmp():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="kawat-aws-"))


@pytest.fixture
def publisher(tmp_path) -> Publisher:
    return Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'l.db'}")), clock=Clock(),
                     attempts=2, wait_initial=0, wait_max=0)


def _story() -> str:
    return f"afp.com-20231120-{uuid.uuid4().hex[:10]}"


FEED_SCHEMA = Draft202012Validator(json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "schemas" / "feed-line.schema.json").read_text()))


def _feed(reader, partner) -> list[dict]:
    """Every feed line the partner can read, validated against the published JSON Schema."""
    keys = [o["Key"] for o in reader.list_objects_v2(Bucket=partner.bucket, Prefix="kawat/feed/").get("Contents", [])]
    lines = [json.loads(line) for k in sorted(keys)
             for line in reader.get_object(Bucket=partner.bucket, Key=k)["Body"].read().decode().splitlines()]
    for line in lines:
        FEED_SCHEMA.validate(line)
    return lines


def test_store_conditional_put_and_checksums(env) -> None:
    _, store, _ = env
    key = f"kawat/tmp/{uuid.uuid4().hex}"
    store.put(key, b"one", "text/plain", {"sha256": contract.sha256_hex(b"one")}, if_none_match=True)
    with pytest.raises(PreconditionFailed):
        store.put(key, b"two", "text/plain", {}, if_none_match=True)
    head = store.head(key)
    assert head["sha256"] == contract.sha256_hex(b"one")
    assert store.get(key) == b"one" and store.head(key + "-missing") is None and store.get(key + "-x") is None
    store.delete(key)
    assert store.head(key) is None
    with pytest.raises(PermanentError):
        S3PartnerStore(store.client, f"no-such-{RUN}").put("k", b"x", "text/plain", {})


def test_only_large_puts_wait_for_100_continue(env) -> None:
    """An article put goes out in one go; a large picture still asks before sending its body."""
    from adapters.storage.client import EXPECT_CONTINUE_FROM

    _, store, _ = env
    sent: list[tuple[str, str | None]] = []

    def spy(request, **_):  # type: ignore[no-untyped-def]
        sent.append((request.url.rsplit("/", 1)[1], request.headers.get("Expect")))

    store.client.meta.events.register("before-send.s3.PutObject", spy)
    try:
        small, large = f"small-{RUN}", f"large-{RUN}"
        store.put(f"kawat/tmp/{small}", b"x" * 5000, "application/json", {})
        store.put(f"kawat/tmp/{large}", b"x" * EXPECT_CONTINUE_FROM, "image/jpeg", {})
    finally:
        store.client.meta.events.unregister("before-send.s3.PutObject", spy)
    assert sent == [(small, None), (large, b"100-continue")]
    assert store.head(f"kawat/tmp/{large}") is not None


def test_delivery_is_readable_by_partner_and_valid_ninjs(env, publisher, shared_dir) -> None:
    from jsonschema import Draft202012Validator

    partner, store, reader = env
    p = pub(story=_story(), pictures=1)
    out = publisher.deliver(partner, store, p, run_id="r1")
    assert out.state == "delivered", out.detail
    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    latest = contract.latest_key(partner.prefix, "id", PUBLISHED, p.story_id)
    for key in (out.key, latest):
        obj = reader.get_object(Bucket=partner.bucket, Key=key)
        Draft202012Validator(schema).validate(json.loads(obj["Body"].read()))
        assert obj["Metadata"]["story"] == p.story_id and obj["Metadata"]["version"] == "1"
        assert obj["Metadata"]["edition"] == "1" and obj["ContentType"] == "application/json; charset=utf-8"
        assert obj["CacheControl"] == (contract.CACHE_LATEST if key == latest else contract.CACHE_IMMUTABLE)
    assert [line["key"] for line in _feed(reader, partner) if line["story"] == p.story_id] == [out.key]


def test_second_identical_run_writes_zero_objects(env, publisher, tmp_path) -> None:
    partner, store, _ = env
    p = pub(story=_story())
    publisher.deliver(partner, store, p, run_id="r1")
    assert publisher.deliver(partner, store, p, run_id="r2").objects_written == 0
    # Even with the ledger lost, checksums in the bucket prevent rewrites.
    fresh = Publisher(DeliveryLedger(make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")), clock=Clock())
    again = fresh.deliver(partner, store, p, run_id="r3")
    assert again.edition == 1 and again.key.endswith("/v1.1.json")
    assert again.objects_written <= 1  # at most the re-announcement, under a number after the bucket's last


def test_update_moves_latest_and_adds_feed_line(env, publisher) -> None:
    partner, store, reader = env
    sid = _story()
    publisher.deliver(partner, store, pub(story=sid, version=1, headline="satu"), run_id="r1")
    before = len(_feed(reader, partner))
    publisher.deliver(partner, store, pub(story=sid, version=2, headline="dua"), run_id="r2")
    latest = contract.latest_key(partner.prefix, "id", PUBLISHED, sid)
    doc = json.loads(reader.get_object(Bucket=partner.bucket, Key=latest)["Body"].read())
    assert doc["headlines"][0]["value"] == "dua" and doc["version"] == "2.1"
    lines = _feed(reader, partner)
    assert len(lines) == before + 1
    assert [line["version"] for line in lines if line["story"] == sid] == [1, 2]


def test_kill_leaves_tombstone_and_no_body(env, publisher, shared_dir) -> None:
    from jsonschema import Draft202012Validator

    partner, store, reader = env
    sid = _story()
    publisher.deliver(partner, store, pub(story=sid, version=1), run_id="r1")
    out = publisher.kill(partner, store, sid, "id", 1, run_id="r2", reason="withdrawn by AFP")
    assert out.state == "revoked"
    story_dir = contract.story_dir(partner.prefix, "id", PUBLISHED, sid) + "/"
    keys = [o["Key"] for o in reader.list_objects_v2(Bucket=partner.bucket, Prefix=story_dir).get("Contents", [])]
    assert keys == [story_dir + contract.LATEST, story_dir + "v1.2.json"]
    tomb = json.loads(reader.get_object(Bucket=partner.bucket, Key=keys[0])["Body"].read())
    assert reader.get_object(Bucket=partner.bucket, Key=keys[1])["Body"].read() == json.dumps(
        tomb, ensure_ascii=False, indent=2, sort_keys=True).encode()
    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    Draft202012Validator(schema).validate(tomb)
    assert tomb["pubstatus"] == "canceled" and "bodies" not in tomb
    mine = [line for line in _feed(reader, partner) if line["story"] == sid]
    assert [line["pubstatus"] for line in mine] == ["usable", "canceled"]


def test_embargoed_story_is_absent_until_release(env, publisher) -> None:
    partner, store, reader = env
    sid = _story()
    release = NOW + timedelta(hours=2)
    assert publisher.deliver(partner, store, pub(story=sid, embargoed=release), run_id="r1").state == "held"
    story_dir = contract.story_dir(partner.prefix, "id", PUBLISHED, sid) + "/"
    assert reader.list_objects_v2(Bucket=partner.bucket, Prefix=story_dir).get("KeyCount", 0) == 0
    assert all(line["story"] != sid for line in _feed(reader, partner))
    publisher.clock.now = release
    assert publisher.deliver(partner, store, pub(story=sid, embargoed=release), run_id="r2").state == "delivered"
    assert reader.list_objects_v2(Bucket=partner.bucket, Prefix=story_dir)["KeyCount"] > 0


def test_reconcile_repairs_a_deleted_object(env, publisher) -> None:
    partner, store, reader = env
    sid = _story()
    out = publisher.deliver(partner, store, pub(story=sid), run_id="r1")
    original = reader.get_object(Bucket=partner.bucket, Key=out.key)["Body"].read()
    store.delete(out.key)
    report = publisher.reconcile(partner, store)
    assert out.key in report.repaired
    assert reader.get_object(Bucket=partner.bucket, Key=out.key)["Body"].read() == original
    assert publisher.reconcile(partner, store).drift == 0


def test_a_latest_put_landing_after_a_newer_edition_is_refused_by_the_server(env, publisher) -> None:
    """Real If-Match on SeaweedFS: run A's latest.json PUT reaches the server after run B's newer one."""
    partner, store, reader = env
    sid = _story()
    publisher.deliver(partner, store, pub(story=sid, version=1, headline="satu"), run_id="r1")

    class Late(S3PartnerStore):
        meanwhile: list = []

        def put(self, key, data, content_type, metadata, **kw):  # type: ignore[no-untyped-def]
            if key.endswith("latest.json") and self.meanwhile:
                self.meanwhile.pop()()  # B finishes while A's PUT is still on its way
            return super().put(key, data, content_type, metadata, **kw)

    late = Late(store.client, store.bucket)
    late.meanwhile.append(lambda: publisher.deliver(partner, store, pub(story=sid, version=3, headline="tiga"),
                                                    run_id="b"))
    a = publisher.deliver(partner, late, pub(story=sid, version=2, headline="dua"), run_id="a")
    latest = contract.latest_key(partner.prefix, "id", PUBLISHED, sid)
    doc = json.loads(reader.get_object(Bucket=partner.bucket, Key=latest)["Body"].read())
    assert doc["headlines"][0]["value"] == "tiga" and doc["version"] == "3.1"
    assert a.state == "superseded"
    assert [(line["version"], line["edition"]) for line in _feed(reader, partner) if line["story"] == sid] == [
        (1, 1), (3, 1)]
