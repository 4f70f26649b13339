"""A local drop folder: claim by atomic rename, move to processed/ or quarantine/, recover crashed claims."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from adapters.errors import TransientError
from adapters.sources.attachments import is_candidate, is_image, referenced_pictures
from adapters.sources.base import WireFile

log = logging.getLogger(__name__)
_SEP = "~"


class FolderSource:
    """Files directly in `root` are new; `.claimed/<stamp>~<name>` are in flight; acks move them on."""

    def __init__(self, root: Path, name: str = "drop", *, stale_after: float = 900.0, min_age: float = 0.0,
                 orphan_after: float = 3600.0) -> None:
        self.root = Path(root)
        self.name = name
        self.stale_after = stale_after
        self.min_age = min_age
        self.orphan_after = orphan_after
        self.claimed_dir = self.root / ".claimed"
        self.processed_dir = self.root / "processed"
        self.quarantine_dir = self.root / "quarantine"
        for d in (self.root, self.claimed_dir, self.processed_dir, self.quarantine_dir):
            d.mkdir(parents=True, exist_ok=True)

    def poll(self, limit: int | None = None) -> list[WireFile]:
        """Claim up to `limit` new files (oldest first) with the pictures they reference."""
        try:
            self._recover_stale()
            return self._claim_new(limit)
        except OSError as exc:
            raise TransientError(f"drop folder {self.root}: {exc}") from exc

    def _claim_new(self, limit: int | None) -> list[WireFile]:
        now = time.time()
        entries = []
        for entry in os.scandir(self.root):
            if entry.is_file(follow_symlinks=False) and is_candidate(entry.name):
                try:
                    mtime = entry.stat().st_mtime
                except FileNotFoundError:
                    continue  # another poller just claimed it
                if now - mtime >= self.min_age:
                    entries.append((mtime, entry.name))
        entries.sort()
        out: list[WireFile] = []
        for _, name in entries:
            if limit is not None and len(out) >= limit:
                break
            stamp = f"{time.time_ns()}-{os.getpid()}"
            claimed = self.claimed_dir / f"{stamp}{_SEP}{name}"
            try:
                os.rename(self.root / name, claimed)
            except FileNotFoundError:
                continue  # another poller won this file
            data = claimed.read_bytes()
            attachments: dict[str, bytes] = {}
            for pic in referenced_pictures(data):
                target = self.claimed_dir / f"{stamp}{_SEP}{pic}"
                try:
                    os.rename(self.root / pic, target)
                except FileNotFoundError:
                    log.warning("%s references %s, which is not in %s", name, pic, self.root)
                    continue
                attachments[pic] = target.read_bytes()
            out.append(WireFile(source=self.name, name=name, data=data, handle=str(claimed), attachments=attachments))
        if limit is None or len(out) < limit:
            self._quarantine_orphans(now)
        return out

    def _recover_stale(self) -> None:
        """Claims older than `stale_after` belong to a crashed run: put them back in the inbox."""
        cutoff = time.time_ns() - int(self.stale_after * 1e9)
        for entry in os.scandir(self.claimed_dir):
            stamp, sep, name = entry.name.partition(_SEP)
            if not sep:
                continue
            try:
                claimed_ns = int(stamp.split("-", 1)[0])
            except ValueError:
                continue
            if claimed_ns < cutoff:
                try:
                    os.rename(entry.path, self.root / name)
                    log.warning("re-offering %s: claimed %.0fs ago and never acknowledged", name,
                                (time.time_ns() - claimed_ns) / 1e9)
                except FileNotFoundError:
                    continue

    def _quarantine_orphans(self, now: float) -> None:
        """Pictures no wire file claimed for a long time would pile up: quarantine them with a reason."""
        for entry in os.scandir(self.root):
            try:
                orphan = entry.is_file() and is_image(entry.name) and now - entry.stat().st_mtime > self.orphan_after
            except FileNotFoundError:
                continue
            if orphan:
                try:
                    target = _free_name(self.quarantine_dir, entry.name)
                    os.rename(entry.path, target)
                    target.with_name(target.name + ".reason.txt").write_text(
                        f"orphan picture: no wire file referenced it within {self.orphan_after:.0f}s\n")
                except FileNotFoundError:
                    continue

    def _claimed_paths(self, item: WireFile) -> list[tuple[Path, str]]:
        main = Path(item.handle)
        stamp = main.name.partition(_SEP)[0]
        paths = [(main, item.name)]
        paths += [(self.claimed_dir / f"{stamp}{_SEP}{pic}", pic) for pic in item.attachments]
        return paths

    def _move(self, item: WireFile, dest_dir: Path) -> Path:
        first: Path | None = None
        for path, name in self._claimed_paths(item):
            target = _free_name(dest_dir, name)
            try:
                os.replace(path, target)
            except FileNotFoundError:
                log.warning("%s vanished before it could be moved to %s", path, dest_dir.name)
                continue
            except OSError as exc:
                raise TransientError(f"cannot move {path} to {dest_dir}: {exc}") from exc
            first = first or target
        return first or dest_dir / item.name

    def mark_processed(self, item: WireFile) -> None:
        self._move(item, self.processed_dir)

    def quarantine(self, item: WireFile, reason: str) -> None:
        target = self._move(item, self.quarantine_dir)
        one_line = " ".join(reason.split()) or "rejected"
        target.with_name(target.name + ".reason.txt").write_text(one_line + "\n", encoding="utf-8")


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `name.<n>` variants so a re-sent file never overwrites an earlier one."""
    target = folder / name
    n = 1
    while target.exists():
        stem, dot, ext = name.rpartition(".")
        target = folder / (f"{stem}.{n}.{ext}" if dot and stem else f"{name}.{n}")
        n += 1
    return target
