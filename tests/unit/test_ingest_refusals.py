"""Ingest of what the sources refused: a refused story is quarantined unread; a refused picture is left out."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from adapters.sources.folder import FolderSource
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
