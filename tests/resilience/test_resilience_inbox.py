"""A hostile drop folder, attacked the way a careless or hostile agency connection would (issue #13).

Real SeaweedFS with two partners, the real `syndicate` flow under Prefect. Planted beside good stories:
links to a secret (story, picture, directory), FIFOs, a 255-byte and a non-UTF-8 name, ids that only
differ before sanitising, a same-revision impostor, revisions either side of midnight, the
250,000-paragraph file, control characters, a year-9999 embargo — and, in its own test, a same-name
re-offer after a SIGKILL. Every case: the secret is in no bucket object, media file or database
blob; each refusal is one log line naming file and reason; the good stories are delivered.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.storage.client import make_s3_client
from adapters.wire import parse_wire
from bench.inbox_memory import paragraph_flood
from flows.settings import Settings
from tests.resilience.audit import audit
from tests.resilience.conftest import record
from tests.resilience.runs import faulty_settings
from tests.resilience.wire import newsml, story_id, write_batch
from tests.support.kawat_env import fast_task_retries, install, use_language_like_translations
from tests.support.mt_servers import MTServer
from tests.support.s3 import ADMIN

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
RLO, ESC, ZWSP = "\u202e", "\x1b", "\u200b"


class _Records(logging.Handler):
    """Every record of Kawat's own loggers, with its level and traceback flag."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self, needle: str) -> list[logging.LogRecord]:
        return [r for r in self.records if needle in r.getMessage()]


@pytest.fixture
def kawat_logs() -> Iterator[_Records]:
    handler = _Records()
    loggers = [logging.getLogger(n) for n in ("kawat", "adapters", "flows", "newsroom")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        yield handler
    finally:
        for lg in loggers:
            lg.removeHandler(handler)


def _secret_file(tmp: Path, settings_secrets: list[str]) -> tuple[Path, list[bytes]]:
    """A keys file outside the inbox holding the real writer and admin secrets, as on a production host."""
    keys = tmp / "outside" / "kawat-keys.env"
    keys.parent.mkdir(parents=True)
    text = "".join(f"KEY_{i}={s}\n" for i, s in enumerate(settings_secrets))
    keys.write_text(text)
    needles = [s.encode() for s in settings_secrets if s]
    environ = Path("/proc/self/environ").read_bytes().split(b"\0")
    needles += [e for e in environ if e.startswith(b"PATH=") and len(e) > 12]  # what a link to environ gives away
    return keys, needles


def _ninjs(uri_id: str, version: int, created: str, headline: str, body: str) -> bytes:
    """A ninjs 2 text item without `firstcreated` (the case whose date folder used to drift)."""
    doc = {"uri": f"urn:newsml:afp.com:20240305:{uri_id}", "type": "text", "version": str(version),
           "language": "en", "versioncreated": created, "pubstatus": "usable",
           "headlines": [{"role": "main", "value": headline}],
           "bodies": [{"role": "main", "contenttype": "text/plain", "value": body}]}
    return json.dumps(doc, ensure_ascii=False).encode()


def _with_item(data: bytes, item_id: str, headline: str | None = None) -> bytes:
    text = data.decode()
    start = text.index("<NewsItemId>") + len("<NewsItemId>")
    text = text[:start] + item_id.replace("&", "&amp;").replace("<", "&lt;") + text[text.index("</NewsItemId>"):]
    if headline:
        s = text.index("<HeadLine>") + len("<HeadLine>")
        text = text[:s] + headline + text[text.index("</HeadLine>"):]
    return text.encode()


def _bucket_objects(admin, settings: Settings) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    out = {}
    for p in settings.partners:
        for page in admin.get_paginator("list_objects_v2").paginate(Bucket=p.bucket):
            for o in page.get("Contents", []) or []:
                out[f"{p.bucket}/{o['Key']}"] = admin.get_object(Bucket=p.bucket, Key=o["Key"])["Body"].read()
    return out


def _files_under(root: Path) -> dict[str, bytes]:
    """Every regular file (media, SQLite database and WAL, processed inbox files); links are not followed."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink() and p.is_file():
                out[str(p)] = p.read_bytes()
    return out


def _assert_no_secret(needles: list[bytes], *blobs: dict[str, bytes]) -> None:
    assert needles and all(len(n) > 8 for n in needles)
    leaks = [(where, n[:12]) for blob in blobs for where, data in blob.items() for n in needles if n in data]
    assert leaks == [], f"secret material found in: {leaks[:5]}"


def _revision(latest: bytes) -> int:
    """The wire revision a latest.json announces (its ninjs version is `<revision>.<Kawat edition>`)."""
    return int(str(json.loads(latest)["version"]).split(".")[0])


def _keys_for(objects: dict[str, bytes], sid: str) -> list[str]:
    return sorted(k for k in objects if f"/{sid}/" in k)


def test_hostile_inbox_never_leaks_and_delivers_the_good_stories(tmp_path, seaweed, prefect_harness, monkeypatch,  # type: ignore[no-untyped-def]
                                                                kawat_logs) -> None:
    fast_task_retries(monkeypatch)
    use_language_like_translations(monkeypatch)
    with MTServer(retry_after="0") as mt:
        _hostile_inbox(tmp_path, seaweed, mt.url, kawat_logs)


def _hostile_inbox(tmp_path: Path, seaweed, mt_url: str, kawat_logs: _Records) -> None:  # type: ignore[no-untyped-def]
    settings, provisioned = faulty_settings(tmp_path, seaweed, mt_url=mt_url, timeout=5.0)
    settings.glossary_gate = False  # editorial holds are another suite's subject: here every good story ships
    assert provisioned.writer is not None
    keys, needles = _secret_file(tmp_path, [provisioned.writer.secret_key, ADMIN.secret_key])
    inbox = Path(settings.sources[0].path or "")
    good = write_batch(inbox, "inboxgood", 4)

    # Links: a story, a directory posing as a story, a picture; FIFOs as a story and as pictures.
    (inbox / "linked-story.xml").symlink_to(keys)
    (inbox / "dir-link.xml").symlink_to(keys.parent, target_is_directory=True)
    os.mkfifo(inbox / "fifo-story.xml")
    os.mkfifo(inbox / "orphan-fifo.jpg")
    for p in (FIX / "mmd").iterdir():
        shutil.copy(p, inbox / p.name)
    pics = sorted(p.name for p in (FIX / "mmd").glob("*.jpg"))
    (inbox / pics[0]).unlink()
    (inbox / pics[0]).symlink_to("/proc/self/environ")  # the case: the reader's own environment
    (inbox / pics[1]).unlink()
    (inbox / pics[1]).symlink_to(keys)
    (inbox / pics[2]).unlink()
    os.mkfifo(inbox / pics[2])
    # Names: 255 bytes, and bytes that are not UTF-8 — both good stories.
    long_name = "L" * 251 + ".xml"
    (inbox / long_name).write_bytes(newsml("inboxname", 0))
    (inbox / os.fsdecode(b"berita-\xff\xfe.xml")).write_bytes(newsml("inboxname", 1))
    named = [story_id("inboxname", 0), story_id("inboxname", 1)]
    # Ids that differ only before sanitising: three stories, never one.
    base = newsml("inboxid", 0)
    (inbox / "id-traversal.xml").write_bytes(_with_item(base, "../etc/kwt", "Traversal copy"))
    (inbox / "id-plain.xml").write_bytes(_with_item(base, "etc/kwt", "Plain copy"))
    (inbox / "id-zw.xml").write_bytes(_with_item(newsml("inboxgood", 0), f"res-inboxgood-0000{ZWSP}",
                                                 "Zero-width impostor"))
    # Midnight: revision 1 a minute before 00:00 UTC (no firstcreated); revision 2 arrives in the next run.
    (inbox / "midnight.json").write_bytes(_ninjs("midnight-trains", 1, "2024-03-05T23:59:30Z", "Night trains return",
                                                 "Night trains returned to the capital late on Tuesday, officials "
                                                 "said.\n\nPassengers welcomed the change."))
    # Control characters in text a partner renders.
    (inbox / "controls.json").write_bytes(_ninjs(
        "controls-port", 1, "2024-03-05T10:00:00Z", f"Port {RLO}reopens{ESC}[31m after storm{ESC}[0m",
        f"The port reopened{ESC}]0;pwned\x07 on Tuesday after the storm, officials said.\n\n"
        f"Ships queued {RLO}outside the harbour\x1b[2J for hours."))
    # Bounds: the 250,000-paragraph file and a year-9999 embargo.
    (inbox / "flood.xml").write_bytes(paragraph_flood(250_000))
    far = newsml("inboxfar", 0).replace(b"<NewsManagement>", b"<NewsManagement>\n      <StatusWillChange>"
                                        b"<FutureStatus FormalName=\"Usable\"/><DateAndTime>99991231T000000Z"
                                        b"</DateAndTime></StatusWillChange>")
    (inbox / "far-embargo.xml").write_bytes(far)
    # Hostile JSON values: each one quarantined in one line, without a traceback.
    plain = _ninjs("hostile-values", 1, "2024-03-05T10:00:00Z", "Values", "Some text for the body.").decode()
    assert '"version": "1"' in plain and '"2024-03-05T10:00:00Z"' in plain
    (inbox / "nan.json").write_text(plain.replace('"version": "1"', '"version": NaN'))
    (inbox / "digits.json").write_text(plain.replace('"version": "1"', '"version": ' + "7" * 5000))
    (inbox / "year-one.json").write_text(plain.replace('"2024-03-05T10:00:00Z"', '"0001-01-01T00:00:00Z"'))

    c = install(settings)
    from flows.syndicate import syndicate

    result = syndicate()
    refused = {
        "linked-story.xml": "symbolic link", "dir-link.xml": "symbolic link", "fifo-story.xml": "FIFO",
        "orphan-fifo.jpg": "FIFO", pics[0]: "symbolic link", pics[1]: "symbolic link", pics[2]: "FIFO",
        "flood.xml": "max_markup_nodes", "far-embargo.xml": "max_embargo_days",
        "nan.json": "revision 'nan'", "digits.json": "digits", "year-one.json": "0001-01-01",
    }
    assert c.stories.get(story_id("inboxfar", 0)) is None
    quarantine = inbox / "quarantine"
    for name, why in refused.items():
        assert os.path.lexists(quarantine / name), name
        assert why in (quarantine / f"{name}.reason.txt").read_text(), name
    assert (keys.read_text().count("KEY_") == 2) and keys.exists()  # the target itself never moved

    # Each refusal: exactly one WARNING line naming the file and its reason, and no traceback anywhere.
    for name, why in refused.items():
        lines = [r for r in kawat_logs.lines(name) if r.levelno >= logging.WARNING and why in r.getMessage()]
        assert len(lines) == 1, (name, [r.getMessage() for r in kawat_logs.lines(name)])
    assert [r.getMessage() for r in kawat_logs.records if r.exc_info and r.levelno >= logging.INFO] == []
    report_states = [(r["state"], r.get("detail", "")) for r in result["rows"]]
    assert sum(1 for s, d in report_states if s == "picture-refused") == 3, report_states

    # The two ids that differ before sanitising, and the zero-width twin, are three separate stories.
    heads = {}
    for sid in c.stories.list_ids(500):
        story = c.stories.get(sid)
        assert story is not None
        heads[story.headline] = sid
    collided = [heads.get("Traversal copy"), heads.get("Plain copy"), heads.get("Zero-width impostor")]
    assert None not in collided and len(set(collided)) == 3, heads
    real = c.stories.get(good[0])
    assert real is not None and real.headline != "Zero-width impostor"

    # Midnight, revision 2: same date folder as revision 1, latest.json there at v2, no second folder.
    midnight = heads["Night trains return"]
    (inbox / "midnight.json").write_bytes(_ninjs("midnight-trains", 2, "2024-03-06T00:00:30Z", "Night trains return",
                                                 "Night trains returned to the capital late on Tuesday, officials "
                                                 "said.\n\nPassengers welcomed the change, the operator said."))
    # And a same-revision impostor of a delivered story: an explicit conflict, never `unchanged`.
    (inbox / "impostor.xml").write_bytes(newsml("inboxgood", 1).replace(b"plan number 1", b"IMPOSTOR number 1"))
    second = syndicate()
    conflict_rows = [r for r in second["rows"] if r["state"] == "quarantined" and "impostor.xml" in r["detail"]]
    assert len(conflict_rows) == 1 and "conflict" in conflict_rows[0]["detail"]
    (conflict,) = [k for k in c.stories.conflicts() if k.story_id == good[1]]
    stored = c.stories.get(good[1], 1)
    assert stored is not None and conflict.stored_hash == stored.content_hash
    assert conflict.stored_hash in conflict_rows[0]["detail"] and conflict.offered_hash in conflict_rows[0]["detail"]
    assert "IMPOSTOR" not in stored.headline

    admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
    objects = _bucket_objects(admin, settings)
    mid_keys = _keys_for(objects, midnight)
    assert mid_keys and all("/2024/03/05/" in k for k in mid_keys), mid_keys
    latest = [k for k in mid_keys if k.endswith("/latest.json")]
    assert len(latest) == len(settings.partners), latest
    assert [_revision(objects[k]) for k in latest] == [2] * len(latest), latest
    assert not any("IMPOSTOR" in data.decode("utf-8", "replace") for data in objects.values())

    # Control characters never reach a partner: not in the text, HTML or ninjs of the story.
    ctrl = heads["Port reopens after storm"]
    ctrl_objects = [objects[k] for k in _keys_for(objects, ctrl)]
    assert ctrl_objects
    for data in ctrl_objects:
        text = data.decode("utf-8")
        assert not any(ch in text for ch in (RLO, ESC, "\x07", "\u009b")), text[:200]
        assert "\\u202e" not in text.lower() and "\\u001b" not in text.lower()

    # The good stories — including the long and non-UTF-8 names and the refused-picture story — arrived.
    mmd_id = parse_wire((FIX / "mmd" / "newsml12-mmd.xml").read_bytes(), "mmd.xml")[0].story_id
    mmd = c.stories.get(mmd_id)
    assert mmd is not None and mmd.pictures == ()  # every rendition's file was refused, so none is announced
    expected = [*good, *named, mmd_id, ctrl, *collided]  # (the two-revision midnight story is checked above)
    a = audit(settings, c.ledger, admin, expected)
    assert a.lost == []
    assert a.duplicate_feed_lines == 0 and not a.partial and not a.dangling
    mmd_pictures = [k for k in _keys_for(objects, mmd_id) if "/pictures/" in k]
    assert mmd_pictures == []  # all three of its pictures were refused: the text went out without them
    assert not list((inbox / ".claimed").iterdir())

    # The secret: in no bucket object, no media file, no database blob, no processed inbox file.
    _assert_no_secret(needles, objects, _files_under(settings.data_dir), _files_under(inbox / "processed"))
    record("Hostile inbox (#13)", stories=f"{len(expected)} good + {len(refused) + 1} hostile entries",
           **{"faults injected": "links, FIFOs, long/non-UTF-8 names, id twins, impostor, flood, controls, "
                                 "NaN/5000 digits/year 1, far embargo",
              "retries": 0, "delivered": len(a.delivered), "duplicates": a.duplicate_feed_lines, "lost": len(a.lost),
              "notes": "secret in no object/media/DB; one log line per refusal"})


_CRASH_CHILD = """
import os, signal, sys
from flows.bootstrap import bootstrap
from flows.settings import Settings
from services import ingest
settings = Settings.model_validate_json(open(sys.argv[1]).read())
c = bootstrap(settings)
source = c.source(settings.sources[0].name)
items = source.poll()
if sys.argv[2] == "after-record":  # die between recording the story and acknowledging its file
    source.mark_processed = lambda item: os.kill(os.getpid(), signal.SIGKILL)
    for item in items:
        ingest.ingest_file(c, source, item)
os.kill(os.getpid(), signal.SIGKILL)  # "after-claim": claimed, nothing recorded
"""


@pytest.mark.parametrize("phase", ["after-claim", "after-record"])
def test_same_name_reoffer_after_sigkill_keeps_both_revisions(tmp_path, seaweed, prefect_harness, monkeypatch,  # type: ignore[no-untyped-def]
                                                             phase: str) -> None:
    fast_task_retries(monkeypatch)
    settings, _ = faulty_settings(tmp_path, seaweed, mt_url=None)
    settings = settings.model_copy(update={"claim_stale_after": 1.0, "glossary_gate": False})
    inbox = Path(settings.sources[0].path or "")
    inbox.mkdir(parents=True, exist_ok=True)
    rev1 = newsml("inboxkill", 0)
    rev2 = (rev1.replace(b'<RevisionId PreviousRevision="0" Update="N">1</RevisionId>',
                         b'<RevisionId PreviousRevision="1" Update="N">2</RevisionId>')
            .replace(b"draws debate", b"draws corrected debate"))
    assert rev2 != rev1 and b">2</RevisionId>" in rev2
    (inbox / "story.xml").write_bytes(rev1)
    cfg = tmp_path / "settings.json"
    cfg.write_text(settings.model_dump_json())
    child = subprocess.run([sys.executable, "-c", _CRASH_CHILD, str(cfg), phase], cwd=Path(__file__).parents[2],
                           env={**os.environ}, capture_output=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    assert not (inbox / "story.xml").exists() and list((inbox / ".claimed").iterdir())  # claimed, never acked
    (inbox / "story.xml").write_bytes(rev2)  # the corrected revision arrives under the same name meanwhile
    time.sleep(1.2)  # the crashed run's claim lapses

    c = install(settings)
    from flows.syndicate import syndicate

    syndicate()
    sid = story_id("inboxkill", 0)
    assert c.stories.versions(sid) == [1, 2]  # both revisions ingested, none replaced by the other
    latest = c.stories.get(sid)
    assert latest is not None and latest.version == 2 and b"corrected" in rev2 and "corrected" in latest.headline
    processed = sorted(p.read_bytes() for p in (inbox / "processed").iterdir())
    assert processed == sorted([rev1, rev2])
    assert not (inbox / "story.xml").exists() and not list((inbox / ".claimed").iterdir())
    admin = make_s3_client(seaweed.endpoint_url, "us-east-1", ADMIN.access_key, ADMIN.secret_key)
    objects = _bucket_objects(admin, settings)
    latest_keys = [k for k in _keys_for(objects, sid) if k.endswith("/latest.json")]
    assert len(latest_keys) == len(settings.partners)
    assert all(_revision(objects[k]) == 2 for k in latest_keys)
