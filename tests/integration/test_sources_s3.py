"""S3InboxSource against a real SeaweedFS: claim once via conditional put, move on ack, stale claims return."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from adapters.sources.s3 import S3InboxSource
from adapters.wire import parse_wire
from tests.support.s3 import ADMIN, client_for

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


@pytest.fixture()
def inbox(seaweed):  # -> tuple[client, bucket]
    client = client_for(seaweed, ADMIN)
    bucket = f"wire-inbox-{uuid.uuid4().hex[:10]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


def _keys(client, bucket: str, prefix: str) -> set[str]:
    resp = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return {o["Key"] for o in resp.get("Contents", [])}


def _upload_mmd(client, bucket: str) -> None:
    for p in (FIX / "mmd").iterdir():
        client.put_object(Bucket=bucket, Key=f"inbox/{p.name}", Body=p.read_bytes())


def test_claim_attachments_and_ack(inbox) -> None:
    client, bucket = inbox
    _upload_mmd(client, bucket)
    client.put_object(Bucket=bucket, Key="inbox/rev1.xml", Body=(FIX / "newsml12-text-rev1.xml").read_bytes())
    client.put_object(Bucket=bucket, Key="inbox/index.xml", Body=b"<index/>")
    src = S3InboxSource(client, bucket)
    items = {i.name: i for i in src.poll()}
    assert set(items) == {"newsml12-mmd.xml", "rev1.xml"}
    mmd = items["newsml12-mmd.xml"]
    story = parse_wire(mmd.data, mmd.name)[0]
    assert set(mmd.attachments) == {r.href for r in story.pictures[0].renditions}
    assert S3InboxSource(client, bucket).poll() == []  # a second poller sees them claimed

    src.mark_processed(mmd)
    src.quarantine(items["rev1.xml"], "not wanted\ntoday")
    assert _keys(client, bucket, "inbox/processed/") == {f"inbox/processed/{n}" for n in ["newsml12-mmd.xml", *mmd.attachments]}
    assert _keys(client, bucket, "inbox/quarantine/") == {"inbox/quarantine/rev1.xml", "inbox/quarantine/rev1.xml.reason.txt"}
    reason = client.get_object(Bucket=bucket, Key="inbox/quarantine/rev1.xml.reason.txt")["Body"].read()
    assert reason == b"not wanted today\n"
    assert _keys(client, bucket, "inbox/.claims/") == set()
    assert _keys(client, bucket, "inbox/") - _keys(client, bucket, "inbox/processed/") - _keys(
        client, bucket, "inbox/quarantine/") == {"inbox/index.xml"}


def test_concurrent_pollers_claim_each_file_once(inbox) -> None:
    client, bucket = inbox
    for n in range(12):
        client.put_object(Bucket=bucket, Key=f"inbox/f{n:02d}.xml", Body=b"<NewsML/>")
    sources = [S3InboxSource(client, bucket, name=f"p{i}") for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(lambda s: [i.name for i in s.poll()], sources))
    names = [n for b in batches for n in b]
    assert sorted(names) == [f"f{n:02d}.xml" for n in range(12)]


def test_stale_claim_is_reoffered(inbox) -> None:
    client, bucket = inbox
    client.put_object(Bucket=bucket, Key="inbox/a.xml", Body=b"<NewsML/>")
    crashed = S3InboxSource(client, bucket, stale_after=1.0)
    assert [i.name for i in crashed.poll()] == ["a.xml"]
    assert S3InboxSource(client, bucket, stale_after=1.0).poll() == []
    time.sleep(2.1)  # the lease, plus the second that a listing's LastModified may have dropped
    survivor = S3InboxSource(client, bucket, stale_after=1.0)
    (item,) = survivor.poll()
    survivor.mark_processed(item)
    assert _keys(client, bucket, "inbox/processed/") == {"inbox/processed/a.xml"}
    assert _keys(client, bucket, "inbox/.claims/") == set()


def test_oversized_objects_are_refused_unread_and_long_names_still_claim(inbox) -> None:
    client, bucket = inbox
    _upload_mmd(client, bucket)
    pics = sorted(p.name for p in (FIX / "mmd").glob("*.jpg"))
    big_pic = pics[0]
    client.put_object(Bucket=bucket, Key=f"inbox/{big_pic}", Body=b"\xff\xd8" + b"\0" * 60_000)
    client.put_object(Bucket=bucket, Key="inbox/huge.xml", Body=b"<NewsML>" + b" " * 60_000)
    long_name = "x" * 250 + ".xml"  # SeaweedFS caps a key segment at 255 bytes
    client.put_object(Bucket=bucket, Key=f"inbox/{long_name}", Body=(FIX / "newsml12-text-rev1.xml").read_bytes())
    src = S3InboxSource(client, bucket, max_bytes=50_000)
    items = {i.name: i for i in src.poll()}
    assert set(items) == {"newsml12-mmd.xml", "huge.xml", long_name}
    assert items["huge.xml"].data == b"" and "over the 50000-byte limit" in (items["huge.xml"].refused or "")
    mmd = items["newsml12-mmd.xml"]
    assert set(mmd.attachments) == set(pics[1:]) and "over the 50000-byte limit" in mmd.refused_attachments[big_pic]
    assert items[long_name].data.startswith(b"<?xml")
    src.quarantine(items["huge.xml"], items["huge.xml"].refused or "")
    src.mark_processed(mmd)
    src.mark_processed(items[long_name])
    quarantined = _keys(client, bucket, "inbox/quarantine/")
    assert {"inbox/quarantine/huge.xml", "inbox/quarantine/huge.xml.reason.txt", f"inbox/quarantine/{big_pic}",
            f"inbox/quarantine/{big_pic}.reason.txt"} <= quarantined
    processed = _keys(client, bucket, "inbox/processed/")
    assert {f"inbox/processed/{n}" for n in ["newsml12-mmd.xml", *pics[1:]]} <= processed
    origin = [k for k in processed if k.endswith(".origin.json")]
    assert len(origin) == 1 and long_name in client.get_object(Bucket=bucket, Key=origin[0])["Body"].read().decode()
    assert _keys(client, bucket, "inbox/.claims/") == set()
    assert S3InboxSource(client, bucket).poll() == []


def test_picture_references_never_reach_outside_the_inbox_prefix(inbox) -> None:
    client, bucket = inbox
    secret = b"writer-secret-that-must-stay-home"
    client.put_object(Bucket=bucket, Key="secret.jpg", Body=secret)
    client.put_object(Bucket=bucket, Key="keys/secret2.jpg", Body=secret)
    pics = sorted(p.name for p in (FIX / "mmd").glob("*.jpg"))
    xml = (FIX / "mmd" / "newsml12-mmd.xml").read_bytes()
    assert pics[0].encode() in xml and pics[1].encode() in xml
    xml = xml.replace(pics[0].encode(), b"../secret.jpg").replace(pics[1].encode(), b"../keys/secret2.jpg")
    client.put_object(Bucket=bucket, Key="inbox/story.xml", Body=xml)
    client.put_object(Bucket=bucket, Key=f"inbox/{pics[2]}", Body=(FIX / "mmd" / pics[2]).read_bytes())
    (item,) = S3InboxSource(client, bucket).poll()
    assert set(item.attachments) == {pics[2]}  # the traversal names resolve to inbox/<name> only: absent
    assert all(secret not in data for data in item.attachments.values())


def test_a_newer_copy_under_the_same_key_is_never_acknowledged_unread(inbox) -> None:
    client, bucket = inbox
    rev1 = (FIX / "newsml12-text-rev1.xml").read_bytes()
    rev2 = (FIX / "newsml12-text-rev2.xml").read_bytes()
    client.put_object(Bucket=bucket, Key="inbox/story.xml", Body=rev1)
    src = S3InboxSource(client, bucket, stale_after=0.5)
    (first,) = src.poll()
    client.put_object(Bucket=bucket, Key="inbox/story.xml", Body=rev2)  # the correction lands meanwhile
    src.mark_processed(first)
    assert client.get_object(Bucket=bucket, Key="inbox/processed/story.xml")["Body"].read() == rev1
    (second,) = S3InboxSource(client, bucket).poll()  # the newer copy is offered, not lost
    assert second.data == rev2
    src.mark_processed(second)
    processed = _keys(client, bucket, "inbox/processed/")
    bodies = sorted(client.get_object(Bucket=bucket, Key=k)["Body"].read() for k in processed)
    assert bodies == sorted([rev1, rev2]) and _keys(client, bucket, "inbox/story.xml") == set()
