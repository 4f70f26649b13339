"""The inbox's one safe opener and the folder source around it: links, pipes, odd names, crashed claims."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from adapters.sources.folder import FolderSource
from adapters.sources.safeopen import RefusedFile, read_inside, read_regular

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
MMD = FIX / "mmd"
SECRET = b"AWS_SECRET_ACCESS_KEY=do-not-ship-this-0123456789"

pytestmark = pytest.mark.timeout(20)  # a FIFO opened the old way blocks forever: fail, do not hang


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the inbox that a hostile link points at."""
    p = tmp_path / "outside" / "keys.env"
    p.parent.mkdir()
    p.write_bytes(SECRET)
    return p


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def _mmd(inbox: Path) -> list[str]:
    """The multimedia fixture: one NewsML file and the three pictures it names."""
    for p in MMD.iterdir():
        shutil.copy(p, inbox / p.name)
    return sorted(p.name for p in MMD.iterdir() if p.suffix == ".jpg")


def _everything_under(root: Path) -> bytes:
    """Every byte of every regular file under `root` (links not followed), to prove a secret never got in."""
    blob = b""
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if p.is_file() and not p.is_symlink():
                blob += p.read_bytes()
    return blob


def test_read_inside_refuses_links_pipes_and_oversize(tmp_path: Path, secret: Path) -> None:
    root = _inbox(tmp_path)
    (root / "ok.xml").write_bytes(b"<x/>")
    (root / "link.xml").symlink_to(secret)
    os.mkfifo(root / "pipe.xml")
    (root / "big.xml").write_bytes(b"x" * 101)
    (root / "sub").symlink_to(secret.parent, target_is_directory=True)
    assert read_inside(root, ["ok.xml"], 100) == b"<x/>"
    reasons = {}
    for parts in (["link.xml"], ["pipe.xml"], ["big.xml"], ["sub", "keys.env"], [".."], ["a/b"]):
        with pytest.raises(RefusedFile) as info:
            read_inside(root, parts, 100)
        reasons[parts[-1]] = info.value.reason
    assert "symbolic link" in reasons["link.xml"]
    assert "FIFO" in reasons["pipe.xml"]
    assert "101 bytes, over the 100-byte limit" in reasons["big.xml"]
    assert "symbolic link" in reasons["keys.env"]  # a link on the *path*, not only the last component
    assert "not a file name" in reasons[".."] and "separator" in reasons["a/b"]
    with pytest.raises(FileNotFoundError):
        read_inside(root, ["gone.xml"], 100)


def test_read_regular_for_the_command_line_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xml")
    with pytest.raises(RefusedFile, match="FIFO"):
        read_regular(tmp_path / "pipe.xml", 1000)
    with pytest.raises(RefusedFile, match="directory"):
        read_regular(tmp_path, 1000)


def test_symlinked_picture_is_refused_never_read_and_quarantined(tmp_path: Path, secret: Path) -> None:
    inbox = _inbox(tmp_path)
    pics = _mmd(inbox)
    (inbox / pics[0]).unlink()
    (inbox / pics[0]).symlink_to(secret)
    src = FolderSource(inbox)
    (item,) = src.poll()
    assert set(item.attachments) == set(pics[1:])
    assert "symbolic link" in item.refused_attachments[pics[0]]
    assert all(SECRET not in blob for blob in item.attachments.values())
    src.mark_processed(item)
    assert (inbox / "quarantine" / pics[0]).is_symlink()  # the link itself moved aside, its target untouched
    reason = (inbox / "quarantine" / f"{pics[0]}.reason.txt").read_text()
    assert "symbolic link" in reason and "newsml12-mmd.xml" in reason
    assert {p.name for p in (inbox / "processed").iterdir()} == {"newsml12-mmd.xml", *pics[1:]}
    assert secret.read_bytes() == SECRET and SECRET not in _everything_under(inbox)


@pytest.mark.parametrize("kind", ["file-link", "dir-link", "fifo", "oversize"])
def test_story_entries_that_are_not_plain_files_are_offered_as_refused(tmp_path: Path, secret: Path,
                                                                       kind: str) -> None:
    inbox = _inbox(tmp_path)
    bad = inbox / "story.xml"
    if kind == "file-link":
        bad.symlink_to(secret)
    elif kind == "dir-link":
        bad.symlink_to(secret.parent, target_is_directory=True)
    elif kind == "fifo":
        os.mkfifo(bad)
    else:
        bad.write_bytes(b"<NewsML>" + b" " * 5000)
    shutil.copy(FIX / "newsml12-text-rev1.xml", inbox / "good.xml")
    src = FolderSource(inbox, max_bytes=4000 if kind == "oversize" else 5_000_000)
    items = {i.name: i for i in src.poll()}
    assert items["good.xml"].refused is None and items["good.xml"].data
    refused = items["story.xml"]
    expected = {"file-link": "symbolic link", "dir-link": "symbolic link", "fifo": "FIFO",
                "oversize": "over the 4000-byte limit"}[kind]
    assert refused.data == b"" and expected in (refused.refused or "")
    src.quarantine(refused, refused.refused or "")
    assert expected in (inbox / "quarantine" / "story.xml.reason.txt").read_text()
    assert os.path.lexists(inbox / "quarantine" / "story.xml") and not os.path.lexists(bad)
    assert secret.read_bytes() == SECRET and SECRET not in _everything_under(inbox)


def test_picture_that_is_a_pipe_or_a_directory_does_not_hang_and_is_not_moved(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    pics = _mmd(inbox)
    (inbox / pics[0]).unlink()
    os.mkfifo(inbox / pics[0])
    (inbox / pics[1]).unlink()
    (inbox / pics[1]).mkdir()
    (item,) = FolderSource(inbox).poll()
    assert "FIFO" in item.refused_attachments[pics[0]]
    assert "directory" in item.refused_attachments[pics[1]]
    assert (inbox / pics[1]).is_dir()  # an operator's directory is never moved
    assert set(item.attachments) == {pics[2]}


def test_unreferenced_linked_picture_is_set_aside_with_a_reason(tmp_path: Path, secret: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "photo.jpg").symlink_to(secret)
    assert FolderSource(inbox).poll() == []
    assert (inbox / "quarantine" / "photo.jpg").is_symlink()
    assert "symbolic link" in (inbox / "quarantine" / "photo.jpg.reason.txt").read_text()


def test_a_255_byte_name_is_claimed_and_kept_as_metadata(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    long_name = "n" * 251 + ".xml"
    assert len(long_name.encode()) == 255
    shutil.copy(FIX / "newsml12-text-rev1.xml", inbox / long_name)
    src = FolderSource(inbox)
    (item,) = src.poll()
    assert item.name == long_name and item.data.startswith(b"<?xml")
    assert all(len(p.name) < 64 for p in (inbox / ".claimed").iterdir())
    src.quarantine(item, "test reason")
    (kept,) = [p for p in (inbox / "quarantine").iterdir() if p.suffix == ".xml"]
    assert len(kept.name.encode()) < 64
    assert json.loads(kept.with_name(kept.name + ".origin.json").read_text())["name"] == long_name
    reason = kept.with_name(kept.name + ".reason.txt").read_text()
    assert reason.startswith("test reason") and long_name in reason
    assert list((inbox / ".claimed").iterdir()) == []


def test_a_non_utf8_name_is_claimed_shown_escaped_and_processed_under_its_bytes(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    raw = b"berita-\xff\xfe.xml"
    shutil.copy(FIX / "newsml12-text-rev1.xml", os.path.join(os.fsencode(inbox), raw))
    src = FolderSource(inbox)
    (item,) = src.poll()
    assert item.name == "berita-\\xff\\xfe.xml"
    item.name.encode("utf-8")  # fit for logs, JSON and Prefect task names
    src.mark_processed(item)
    assert os.listdir(os.fsencode(inbox / "processed")) == [raw]


def test_reoffered_claim_never_replaces_a_newer_file_of_the_same_name(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "story.xml").write_bytes(b"<rev>1</rev>")
    crashed = FolderSource(inbox, stale_after=0.2)
    (first,) = crashed.poll()  # ... and the run dies here, never acknowledging it
    (inbox / "story.xml").write_bytes(b"<rev>2</rev>")  # the corrected revision arrives meanwhile
    time.sleep(0.3)
    later = FolderSource(inbox, stale_after=0.2)
    items = later.poll()
    assert [i.data for i in items] == [b"<rev>1</rev>", b"<rev>2</rev>"]  # crashed claim first: it came first
    assert FolderSource(inbox, stale_after=60).poll() == []  # both now held by a live claim (a long lease: no timing)
    for i in items:
        later.mark_processed(i)
    assert sorted(p.read_bytes() for p in (inbox / "processed").iterdir()) == [b"<rev>1</rev>", b"<rev>2</rev>"]


def test_two_pollers_retake_a_stale_claim_once(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "a.xml").write_bytes(b"<a/>")
    FolderSource(inbox, stale_after=1.0).poll()
    time.sleep(1.2)  # stale for both; the retaken claim stays fresh for a second, well past b's poll
    a, b = FolderSource(inbox, stale_after=1.0), FolderSource(inbox, stale_after=1.0)
    assert len(a.poll() + b.poll()) == 1


def test_claim_left_by_an_earlier_version_is_reoffered(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    src = FolderSource(inbox, stale_after=0.1)
    old_stamp = f"{time.time_ns() - 10**10}-123"
    (inbox / ".claimed" / f"{old_stamp}~old.xml").write_bytes(b"<old/>")
    (inbox / ".claimed" / f"{old_stamp}~pic.jpg").write_bytes(b"\xff\xd8")
    src.poll()  # converts the legacy claim; the picture goes back where a story can take it
    assert (inbox / "pic.jpg").read_bytes() == b"\xff\xd8"
    assert [i.data for i in src.poll()] == [b"<old/>"]


def test_a_run_killed_before_taking_the_pictures_leaves_them_for_the_retake(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    pics = _mmd(inbox)
    crashed = FolderSource(inbox, stale_after=0.1)
    crashed._take_pictures = lambda *a: None  # type: ignore[method-assign]  # died right after the claim
    (first,) = crashed.poll()
    assert first.attachments == {} and all((inbox / p).exists() for p in pics)
    time.sleep(0.2)
    (again,) = FolderSource(inbox, stale_after=0.1).poll()
    assert set(again.attachments) == set(pics)


def test_a_link_put_in_place_of_the_claims_folder_stops_the_poll(tmp_path: Path, secret: Path) -> None:
    from adapters.errors import TransientError

    inbox = _inbox(tmp_path)
    src = FolderSource(inbox)
    os.rmdir(inbox / ".claimed")
    (inbox / ".claimed").symlink_to(secret.parent, target_is_directory=True)
    (inbox / "a.xml").write_bytes(b"<a/>")
    with pytest.raises(TransientError, match="not Kawat's folder"):
        src.poll()
    assert (inbox / "a.xml").exists() and os.listdir(secret.parent) == ["keys.env"]


def test_a_move_killed_between_link_and_unlink_is_finished_not_filed_twice(tmp_path: Path) -> None:
    """`_move_no_clobber` links then unlinks: a SIGKILL between the two left the story in both places."""
    inbox = _inbox(tmp_path)
    (inbox / "story.xml").write_bytes(b"<rev>1</rev>")
    (item,) = FolderSource(inbox, stale_after=60).poll()
    os.link(Path(item.handle) / "story", inbox / "processed" / "story.xml")  # the killed run got this far
    FolderSource(inbox, stale_after=60).mark_processed(item)  # the retake acknowledges the same claim
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["story.xml"]
    (inbox / "story.xml").write_bytes(b"<rev>1</rev>")  # the same bytes sent again: a new arrival, kept
    (again,) = FolderSource(inbox, stale_after=60).poll()
    FolderSource(inbox, stale_after=60).mark_processed(again)
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["story.1.xml", "story.xml"]
