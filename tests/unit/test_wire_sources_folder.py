"""FolderSource and MemorySource: claim once, attachments travel, acks move files, crashed claims return."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from adapters.sources.folder import FolderSource
from adapters.sources.memory import MemorySource
from adapters.wire import parse_wire

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
MMD = FIX / "mmd"


def _drop(root: Path) -> None:
    for p in MMD.iterdir():
        shutil.copy(p, root / p.name)
    shutil.copy(FIX / "newsml12-text-rev1.xml", root / "rev1.xml")
    (root / "index.xml").write_text("<index/>")
    (root / "upload.xml.part").write_text("half")
    (root / ".hidden.xml").write_text("x")


def test_poll_claims_wire_files_with_their_pictures(tmp_path: Path) -> None:
    _drop(tmp_path)
    src = FolderSource(tmp_path)
    items = {i.name: i for i in src.poll()}
    assert set(items) == {"newsml12-mmd.xml", "rev1.xml"}
    mmd = items["newsml12-mmd.xml"]
    story = parse_wire(mmd.data, mmd.name)[0]
    hrefs = {r.href for r in story.pictures[0].renditions}
    assert set(mmd.attachments) == hrefs
    assert all(data[:2] == b"\xff\xd8" for data in mmd.attachments.values())
    assert items["rev1.xml"].attachments == {}
    assert src.poll() == []  # claimed once
    assert (tmp_path / "index.xml").exists() and (tmp_path / "upload.xml.part").exists()


def test_mark_processed_and_quarantine(tmp_path: Path) -> None:
    _drop(tmp_path)
    src = FolderSource(tmp_path)
    items = {i.name: i for i in src.poll()}
    src.mark_processed(items["newsml12-mmd.xml"])
    src.quarantine(items["rev1.xml"], "bad file:\nreason here")
    processed = {p.name for p in (tmp_path / "processed").iterdir()}
    assert processed == {"newsml12-mmd.xml", *items["newsml12-mmd.xml"].attachments}
    assert (tmp_path / "quarantine" / "rev1.xml").exists()
    assert (tmp_path / "quarantine" / "rev1.xml.reason.txt").read_text() == "bad file: reason here\n"
    assert list((tmp_path / ".claimed").iterdir()) == []


def test_resent_file_does_not_overwrite_processed_copy(tmp_path: Path) -> None:
    src = FolderSource(tmp_path)
    for _ in range(2):
        shutil.copy(FIX / "newsml12-text-rev1.xml", tmp_path / "dup.xml")
        (item,) = src.poll()
        src.mark_processed(item)
    assert len(list((tmp_path / "processed").iterdir())) == 2


def test_concurrent_pollers_never_share_a_file(tmp_path: Path) -> None:
    for n in range(60):
        (tmp_path / f"f{n:03d}.xml").write_bytes(b"<NewsML/>")
    sources = [FolderSource(tmp_path) for _ in range(4)]
    results: list[list[str]] = [[] for _ in sources]

    def run(i: int) -> None:
        for _ in range(10):
            results[i].extend(x.name for x in sources[i].poll(limit=3))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sources))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    names = [n for r in results for n in r]
    assert len(names) == len(set(names)) == 60


def test_unacknowledged_claims_are_reoffered_after_timeout(tmp_path: Path) -> None:
    _drop(tmp_path)
    crashed = FolderSource(tmp_path, stale_after=0.2)
    first = {i.name for i in crashed.poll()}
    assert FolderSource(tmp_path, stale_after=0.2).poll() == []
    time.sleep(0.3)
    again = FolderSource(tmp_path, stale_after=0.2).poll()
    assert {i.name for i in again} == first
    assert any(i.attachments for i in again)


def test_young_files_wait_for_min_age(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(b"<NewsML/>")
    assert FolderSource(tmp_path, min_age=60).poll() == []
    old = time.time() - 120
    os.utime(tmp_path / "a.xml", (old, old))
    assert [i.name for i in FolderSource(tmp_path, min_age=60).poll()] == ["a.xml"]


def test_memory_source_semantics() -> None:
    files = {p.name: p.read_bytes() for p in MMD.iterdir()}
    src = MemorySource(files)
    (item,) = src.poll()
    assert item.name == "newsml12-mmd.xml" and len(item.attachments) == 3
    assert src.poll() == []
    src.release_unacked()
    (again,) = src.poll()
    src.quarantine(again, "nope")
    assert src.quarantined["newsml12-mmd.xml"][1] == "nope" and not src.claimed


def test_memory_source_refuses_oversized_files_like_the_real_sources() -> None:
    files = {p.name: p.read_bytes() for p in MMD.iterdir()}
    big_pic = sorted(n for n in files if n.endswith(".jpg"))[0]
    files[big_pic] = b"\xff\xd8" + b"\0" * 5000
    files["huge.xml"] = b"<NewsML>" + b" " * 5000
    src = MemorySource(files, max_bytes=4500)
    items = {i.name: i for i in src.poll()}
    assert items["huge.xml"].data == b"" and "over the 4500-byte limit" in (items["huge.xml"].refused or "")
    mmd = items["newsml12-mmd.xml"]
    assert big_pic not in mmd.attachments and "over the 4500-byte limit" in mmd.refused_attachments[big_pic]
