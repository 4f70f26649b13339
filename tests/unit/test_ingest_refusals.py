"""Ingest of what the sources refused: a refused story is quarantined unread; a refused picture is left out."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from adapters.sources.folder import FolderSource
from adapters.wire import parse_wire
from flows.bootstrap import Container, bootstrap
from flows.settings import Settings
from services.ingest import ingest_file

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
SECRET = b"KAWAT_S3_SECRET_KEY=leak-me-if-you-can-9f8e7d"


@pytest.fixture
def c(tmp_path: Path) -> Container:
    return bootstrap(Settings(data_dir=tmp_path / "state", engine="dry-run", allow_dry_run=True))


def test_story_with_a_linked_picture_goes_out_without_it(tmp_path: Path, c: Container, caplog) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in (FIX / "mmd").iterdir():
        shutil.copy(p, inbox / p.name)
    (tmp_path / "keys.env").write_bytes(SECRET)
    linked = sorted(p.name for p in inbox.glob("*.jpg"))[0]
    (inbox / linked).unlink()
    (inbox / linked).symlink_to(tmp_path / "keys.env")
    src = FolderSource(inbox)
    (item,) = src.poll()
    with caplog.at_level(logging.WARNING):
        result = ingest_file(c, src, item)
    assert result.error is None and [k for _s, _v, k in result.stories] == ["new"]
    assert result.refused and result.refused[0][0] == linked and "symbolic link" in result.refused[0][1]
    story = c.stories.get(result.stories[0][0])
    assert story is not None
    hrefs = {r.href.rsplit("/", 1)[-1] for p in story.pictures for r in p.renditions}
    assert linked not in hrefs and hrefs  # the other renditions stay, the refused one is gone
    assert c.media.get(story.story_id, linked) is None
    media_root = c.settings.data_dir
    blobs = b"".join(p.read_bytes() for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())
    assert SECRET not in blobs  # neither the media store nor the database holds it
    lines = [r for r in caplog.records if linked in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None  # one line, no traceback


def test_fifo_story_is_quarantined_with_its_reason(tmp_path: Path, c: Container) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "hang.xml")
    src = FolderSource(inbox)
    (item,) = src.poll()
    result = ingest_file(c, src, item)
    assert result.error and "FIFO" in result.error and result.stories == []
    assert "FIFO" in (inbox / "quarantine" / "hang.xml.reason.txt").read_text()


def _drop(inbox: Path, name: str, data: bytes) -> None:
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_bytes(data)


def test_same_revision_with_other_content_is_quarantined_as_a_conflict(tmp_path: Path, c: Container) -> None:
    inbox = tmp_path / "inbox"
    real = (FIX / "newsml12-text-rev1.xml").read_bytes()
    impostor = real.replace(b"<HeadLine>", b"<HeadLine>Impostor says: ", 1)
    assert impostor != real
    src = FolderSource(inbox)
    _drop(inbox, "real.xml", real)
    (item,) = src.poll()
    (sid, version, kind), = ingest_file(c, src, item).stories
    assert kind == "new"
    stored = c.stories.get(sid, version)
    _drop(inbox, "impostor.xml", impostor)
    (item,) = src.poll()
    result = ingest_file(c, src, item)
    assert result.stories == [(sid, version, "conflict")]  # never a silent "duplicate"/"unchanged"
    assert result.error and "conflict" in result.error and stored is not None
    assert stored.content_hash in result.error  # both digests named
    assert c.stories.get(sid, version) == stored  # the impostor's text is never stored under the real id
    reason = (inbox / "quarantine" / "impostor.xml.reason.txt").read_text()
    assert stored.content_hash in reason
    (row,) = c.stories.conflicts()
    assert (row.story_id, row.stored_hash, row.source) == (sid, stored.content_hash, "drop/impostor.xml")
    assert c.work.pending() == [(sid, version)]  # only the real revision is queued


def test_far_future_embargo_is_refused_with_its_reason(tmp_path: Path, c: Container) -> None:
    inbox = tmp_path / "inbox"
    data = (FIX / "newsml12-embargoed.xml").read_bytes()
    story = parse_wire(data, "e.xml")[0]
    assert story.embargoed is not None
    year = f"{story.embargoed:%Y}".encode()
    _drop(inbox, "e.xml", data.replace(year, b"9999"))
    src = FolderSource(inbox)
    (item,) = src.poll()
    result = ingest_file(c, src, item)
    assert result.error and "9999-" in result.error and "max_embargo_days" in result.error
    assert c.stories.held() == [] and result.stories == []
