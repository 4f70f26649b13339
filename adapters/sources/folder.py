"""A local drop folder: claim by atomic rename into a short-named claim folder, ack by moving on, retake crashes.

Layout under the configured root:

* `<name>` — new files, as the agency's connection wrote them;
* `.claimed/<token>/` — one claim: `claim.json` (original names), `story` and `a0`, `a1`… (its pictures);
* `processed/`, `quarantine/` — acknowledged files under their original names when those fit
  (else `<token><ext>` with an `.origin.json` beside it), quarantined ones with `<name>.reason.txt`.

Claim folders have short names whatever the original name, so a 255-byte name claims like any other;
a stale claim is retaken *in place* (its folder renamed to a fresh token), never renamed back into the
inbox, so it can never replace a newer file that arrived under the same name meanwhile.
"""

from __future__ import annotations

import errno
import itertools
import json
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from adapters.errors import TransientError
from adapters.sources.attachments import is_candidate, is_image, referenced_pictures
from adapters.sources.base import WireFile
from adapters.sources.safeopen import NAME_MAX, RefusedFile, check_component, display_name, kind_of, read_inside

log = logging.getLogger(__name__)

CLAIMED = ".claimed"
CLAIM_FILE = "claim.json"
STORY = "story"
_OWN = {CLAIMED, "processed", "quarantine"}
_LEGACY_SEP = "~"  # claims of earlier versions: `.claimed/<stamp>~<name>` files
_ROOM = 16  # bytes kept free in a name for `.<n>` variants and `.reason.txt`
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def _hex(name: str) -> str:
    return os.fsencode(name).hex()


def _unhex(value: str) -> str:
    return os.fsdecode(bytes.fromhex(value))


class FolderSource:
    """Files directly in `root` are new; `.claimed/<token>/` are in flight; acks move them on."""

    def __init__(self, root: Path, name: str = "drop", *, stale_after: float = 900.0, min_age: float = 0.0,
                 orphan_after: float = 3600.0, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root)
        self.name = name
        self.stale_after = stale_after
        self.min_age = min_age
        self.orphan_after = orphan_after
        self.max_bytes = max_bytes
        self.claimed_dir = self.root / CLAIMED
        self.processed_dir = self.root / "processed"
        self.quarantine_dir = self.root / "quarantine"
        self._seq = itertools.count()
        for d in (self.root, self.claimed_dir, self.processed_dir, self.quarantine_dir):
            d.mkdir(parents=True, exist_ok=True)
            if os.path.islink(d):
                raise TransientError(f"drop folder {self.root}: {d.name} is a symbolic link")

    # -- polling ---------------------------------------------------------------------------------

    def poll(self, limit: int | None = None) -> list[WireFile]:
        """Crashed runs' claims first (they arrived earlier), then new files oldest first, with their pictures."""
        try:
            if os.path.islink(self.claimed_dir) or not self.claimed_dir.is_dir():
                raise TransientError(f"drop folder {self.root}: {CLAIMED} is not Kawat's folder (a link?)")
            out = self._retake_stale(limit)
            if limit is None or len(out) < limit:
                out += self._claim_new(None if limit is None else limit - len(out))
            return out
        except OSError as exc:
            raise TransientError(f"drop folder {self.root}: {exc}") from exc

    def _token(self) -> str:
        return f"{time.time_ns()}-{os.getpid()}-{next(self._seq)}"

    def _claim_new(self, limit: int | None) -> list[WireFile]:
        now = time.time()
        regular: list[tuple[float, str]] = []
        odd: list[tuple[str, int]] = []
        for entry in os.scandir(self.root):
            name = entry.name
            if name in _OWN or name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # another poller just claimed it
            if stat.S_ISDIR(st.st_mode) or not (is_candidate(name) or is_image(name)):
                continue  # an operator's sub-folder, a partial upload, an index: never read
            if not stat.S_ISREG(st.st_mode):
                odd.append((name, st.st_mode))
            elif is_candidate(name) and now - st.st_mtime >= self.min_age:
                regular.append((st.st_mtime, name))
        regular.sort()
        out: list[WireFile] = []
        for _, name in regular:
            if limit is not None and len(out) >= limit:
                break
            item = self._claim(name)
            if item is not None:
                out.append(item)
        for name, mode in sorted(odd):
            if limit is not None and len(out) >= limit:
                break
            if is_candidate(name):  # a link or pipe posing as a story: claimed, then quarantined by ingest
                item = self._claim(name)
                if item is not None:
                    out.append(item)
            elif os.path.lexists(self.root / name):  # a picture no story took: never read, set aside now
                reason = f"is {kind_of(mode)}, not a regular file; pictures are read only from regular files"
                if self._set_aside(name, reason):
                    log.warning("quarantined %s/%s: %s", self.name, display_name(name), reason)
        if limit is None or len(out) < limit:
            self._quarantine_orphans(now)
        return out

    def _claim(self, name: str) -> WireFile | None:
        """Move `name` into a fresh claim folder (the atomic step that makes it ours) and read it."""
        token = self._token()
        cdir = self.claimed_dir / token
        cdir.mkdir()
        meta: dict[str, Any] = {"name": _hex(name), "shown": display_name(name), "claimed_ns": time.time_ns(),
                                "attachments": []}
        _write_json(cdir / CLAIM_FILE, meta)  # written first: a crash never leaves a nameless claim
        try:
            os.rename(self.root / name, cdir / STORY)
        except FileNotFoundError:
            shutil.rmtree(cdir, ignore_errors=True)
            return None  # another poller won this file
        return self._load(cdir, meta, fresh=True)

    def _load(self, cdir: Path, meta: dict[str, Any], *, fresh: bool) -> WireFile | None:
        shown = str(meta.get("shown") or "unnamed")
        token = cdir.name
        try:
            data = read_inside(self.root, [CLAIMED, token, STORY], self.max_bytes, shown=shown)
        except FileNotFoundError:
            shutil.rmtree(cdir, ignore_errors=True)  # a crash between writing claim.json and the rename
            return None
        except RefusedFile as exc:
            return WireFile(source=self.name, name=shown, data=b"", handle=str(cdir), refused=exc.reason)
        if fresh or "refused" not in meta:  # a run that died before taking the pictures: take them now
            self._take_pictures(cdir, meta, data)
        else:  # ... or while taking them: the ones still in the inbox come along
            for slot, hexname in meta.get("attachments", []):
                if not os.path.lexists(cdir / slot):
                    try:
                        os.rename(self.root / _unhex(hexname), cdir / slot)
                    except OSError:
                        continue
        attachments: dict[str, bytes] = {}
        refused: dict[str, str] = dict(meta.get("refused") or {})
        for slot, hexname in meta.get("attachments", []):
            pic = _unhex(hexname)
            try:
                attachments[pic] = read_inside(self.root, [CLAIMED, token, slot], self.max_bytes, shown=pic)
            except FileNotFoundError:
                continue
            except RefusedFile as exc:
                refused[pic] = exc.reason
        return WireFile(source=self.name, name=shown, data=data, handle=str(cdir), attachments=attachments,
                        refused_attachments=refused)

    def _take_pictures(self, cdir: Path, meta: dict[str, Any], data: bytes) -> None:
        """Claim the pictures a story names into its claim folder; bad names and non-files are refused."""
        wanted: list[tuple[str, str]] = []
        refused: dict[str, str] = {}
        for i, pic in enumerate(referenced_pictures(data)):
            try:
                check_component(pic, pic)
            except RefusedFile as exc:
                refused[pic] = exc.reason
                continue
            try:
                mode = os.lstat(self.root / pic).st_mode
            except FileNotFoundError:
                log.warning("%s references %s, which is not in %s", meta["shown"], pic, self.root)
                continue
            except OSError as exc:
                refused[pic] = f"cannot be examined: {exc.strerror}"
                continue
            if stat.S_ISDIR(mode):
                refused[pic] = "is a directory, not a regular file"  # left where it is: not ours to move
                continue
            wanted.append((f"a{i}", pic))
        meta["attachments"] = [[slot, _hex(pic)] for slot, pic in wanted]
        meta["refused"] = refused
        _write_json(cdir / CLAIM_FILE, meta)
        for slot, pic in wanted:
            try:
                os.rename(self.root / pic, cdir / slot)
            except FileNotFoundError:
                log.warning("%s references %s, which is not in %s", meta["shown"], pic, self.root)

    # -- crashed runs ----------------------------------------------------------------------------

    def _retake_stale(self, limit: int | None) -> list[WireFile]:
        """Claims older than `stale_after` belong to a crashed run: retake them where they are."""
        cutoff = time.time_ns() - int(self.stale_after * 1e9)
        out: list[WireFile] = []
        for entry in sorted(os.scandir(self.claimed_dir), key=lambda e: e.name):
            if limit is not None and len(out) >= limit:
                break
            if _LEGACY_SEP in entry.name:
                self._recover_legacy(entry.name, cutoff)
                continue
            try:
                claimed_ns = int(entry.name.split("-", 1)[0])
            except ValueError:
                continue
            if not entry.is_dir(follow_symlinks=False):
                continue
            if claimed_ns >= cutoff:
                continue
            fresh = self.claimed_dir / self._token()
            try:
                os.rename(entry.path, fresh)  # atomic: of two pollers, exactly one retakes it
            except FileNotFoundError:
                continue
            meta = _read_json(fresh / CLAIM_FILE) or {"shown": f"unnamed claim {entry.name}", "attachments": []}
            log.warning("re-offering %s: claimed %.0fs ago and never acknowledged", meta.get("shown"),
                        (time.time_ns() - claimed_ns) / 1e9)
            item = self._load(fresh, meta, fresh=False)
            if item is not None:
                out.append(item)
        return out

    def _recover_legacy(self, entry_name: str, cutoff: int) -> None:
        """A claim file left by an earlier Kawat: a wire file becomes a claim folder, a picture goes back."""
        stamp, _, name = entry_name.partition(_LEGACY_SEP)
        try:
            if int(stamp.split("-", 1)[0]) >= cutoff or not name:
                return
        except ValueError:
            return
        src = self.claimed_dir / entry_name
        if is_candidate(name):
            # Token time 0: immediately stale, so the next poll retakes it like any crashed claim.
            cdir = self.claimed_dir / f"0-{os.getpid()}-{next(self._seq)}"
            cdir.mkdir()
            _write_json(cdir / CLAIM_FILE, {"name": _hex(name), "shown": display_name(name), "attachments": []})
            try:
                os.rename(src, cdir / STORY)
            except FileNotFoundError:
                shutil.rmtree(cdir, ignore_errors=True)
        elif not _move_no_clobber(src, self.root / name):
            self._move_entry(src, name, self.quarantine_dir, "legacy claim could not be re-offered: name in use")

    # -- acknowledgement -------------------------------------------------------------------------

    def mark_processed(self, item: WireFile) -> None:
        self._ack(item, self.processed_dir, None)

    def quarantine(self, item: WireFile, reason: str) -> None:
        self._ack(item, self.quarantine_dir, " ".join(reason.split()) or "rejected")

    def _ack(self, item: WireFile, dest: Path, reason: str | None) -> None:
        cdir = Path(item.handle)
        meta = _read_json(cdir / CLAIM_FILE)
        if meta is None:
            log.warning("claim of %s vanished before it could be moved to %s", item.name, dest.name)
            return
        refused = {**(meta.get("refused") or {}), **item.refused_attachments}
        try:
            # Pictures first, the story last: a crash in between leaves the story claimed, so the next
            # run re-offers it (a remembered file is acknowledged at once) and nothing is left behind.
            for slot, hexname in meta.get("attachments", []):
                pic = _unhex(hexname)
                if pic in refused:
                    self._move_entry(cdir / slot, pic, self.quarantine_dir,
                                     f"picture of {item.name} refused: {refused[pic]}")
                else:
                    self._move_entry(cdir / slot, pic, dest, None)
            original = _unhex(meta["name"]) if meta.get("name") else item.name
            self._move_entry(cdir / STORY, original, dest, reason)
            shutil.rmtree(cdir, ignore_errors=True)
        except OSError as exc:
            raise TransientError(f"cannot move {item.name} to {dest}: {exc}") from exc

    def _move_entry(self, src: Path, name: str, dest: Path, reason: str | None) -> Path | None:
        """Move one claimed entry under its original name if it fits, else a short one; never overwrite."""
        if not os.path.lexists(src):
            return None
        raw = os.fsencode(name)
        renamed = len(raw) > NAME_MAX - _ROOM or b"/" in raw or raw in (b"", b".", b"..")
        base = name
        if renamed:
            ext = os.path.splitext(display_name(name))[1]
            ext = ext if 1 < len(ext) <= 10 and ext[1:].isalnum() and ext.isascii() else ""
            base = f"{self._token()}{ext}"
        linked = _already_linked(src, dest, base)
        if linked is not None:  # a crash between link and unlink (see _move_no_clobber): finish that move
            os.unlink(src)
            return linked
        target = _free_name(dest, base)
        while not _move_no_clobber(src, target):
            target = _free_name(dest, base)
        if renamed:
            _write_json(target.with_name(target.name + ".origin.json"), {"name": display_name(name),
                                                                          "name_hex": raw.hex()})
        if reason is not None:
            line = reason + (f" (original name: {display_name(name)!r})" if renamed else "")
            target.with_name(target.name + ".reason.txt").write_text(line + "\n", encoding="utf-8")
        return target

    def _set_aside(self, name: str, reason: str) -> bool:
        """Quarantine an inbox entry that was never claimed (a linked or piped picture); False if it vanished."""
        try:
            return self._move_entry(self.root / name, name, self.quarantine_dir, reason) is not None
        except FileNotFoundError:
            return False

    def _quarantine_orphans(self, now: float) -> None:
        """Pictures no wire file claimed for a long time would pile up: quarantine them with a reason."""
        for entry in os.scandir(self.root):
            if not is_image(entry.name) or entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > self.orphan_after:
                self._set_aside(entry.name,
                                f"orphan picture: no wire file referenced it within {self.orphan_after:.0f}s")


def _variants(folder: Path, name: str) -> Iterator[Path]:
    """`name` in `folder`, then `name.1.ext`, `name.2.ext`…: where a re-sent file is kept beside the earlier ones."""
    yield folder / name
    stem, dot, ext = name.rpartition(".")
    for n in itertools.count(1):
        yield folder / (f"{stem}.{n}.{ext}" if dot and stem else f"{name}.{n}")


def _already_linked(src: Path, folder: Path, name: str) -> Path | None:
    """The entry of `folder` (`name` or a `name.<n>` variant) that is `src` itself, hard-linked by a killed move."""
    try:
        st = os.lstat(src)
    except FileNotFoundError:
        return None
    for target in _variants(folder, name):
        if not os.path.lexists(target):
            return None
        there = os.lstat(target)
        if (there.st_dev, there.st_ino) == (st.st_dev, st.st_ino):
            return target
    raise AssertionError("unreachable")  # pragma: no cover


def _free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `name.<n>` variants so a re-sent file never overwrites an earlier one."""
    for target in _variants(folder, name):
        if not (os.path.lexists(target) or os.path.lexists(target.with_name(target.name + ".reason.txt"))):
            return target
    raise AssertionError("unreachable")  # pragma: no cover


def _move_no_clobber(src: Path, target: Path) -> bool:
    """Rename that fails (False) instead of replacing an existing `target`: hard link, then unlink."""
    try:
        os.link(src, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP):
            raise
        if os.path.lexists(target):  # no hard links here (some mounts): a checked rename is the best left
            return False
        os.rename(src, target)
        return True
    os.unlink(src)
    return True


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=True), encoding="ascii")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
