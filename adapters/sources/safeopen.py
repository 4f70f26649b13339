"""The one way Kawat reads an inbox file: regular files only, no links, bounded size, never a blocking open."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from adapters.errors import PermanentError

NAME_MAX = 255  # bytes per path component on every file system Kawat runs on
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class RefusedFile(PermanentError):
    """An inbox entry Kawat will not read (link, pipe, device, too big, bad name); says which and why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def display_name(name: str | bytes) -> str:
    """A file name fit for logs and reports: undecodable bytes shown as `\\xNN`, never raised on."""
    raw = os.fsencode(name)
    return raw.decode("utf-8", "backslashreplace")


def kind_of(mode: int) -> str:
    """What an entry is, in the words an operator reads in a reason."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def check_component(part: str | bytes, shown: str) -> None:
    """One path component must be a plain name: no separator, no `.`/`..`, no NUL, within NAME_MAX."""
    raw = os.fsencode(part)
    if raw in (b"", b".", b".."):
        raise RefusedFile(shown, f"name {raw.decode('ascii', 'replace')!r} is not a file name")
    if b"/" in raw or b"\0" in raw:
        raise RefusedFile(shown, "name contains a path separator or NUL byte")
    if len(raw) > NAME_MAX:
        raise RefusedFile(shown, f"name is {len(raw)} bytes, over the {NAME_MAX}-byte limit")


def _refusal_for(exc: OSError, shown: str, what: str) -> RefusedFile | None:
    if exc.errno == errno.ELOOP:
        return RefusedFile(shown, f"{what} is a symbolic link; only regular files inside the inbox are read")
    if exc.errno == errno.ENOTDIR:
        return RefusedFile(shown, f"{what} is not a directory")
    if exc.errno in (errno.ENAMETOOLONG,):
        return RefusedFile(shown, "name too long")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return RefusedFile(shown, "permission denied")
    return None


def read_inside(root: Path, parts: Sequence[str | bytes], max_bytes: int, *, shown: str | None = None) -> bytes:
    """Bytes of `root/parts…`, refusing links anywhere below `root`, non-regular files and oversize files.

    `root` is the operator's configured folder and is trusted as given; every component below it is
    opened relative to its parent's descriptor with O_NOFOLLOW, so a link swapped in at any level is
    refused rather than followed. The file is opened non-blocking (a FIFO never hangs the run), checked
    with fstat (type, size) and read at most `max_bytes + 1` bytes.
    FileNotFoundError is passed through: a vanished file is not a refusal.
    """
    shown = shown or display_name(parts[-1])
    for part in parts:
        check_component(part, shown)
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)))
        for part in parts[:-1]:
            try:
                fds.append(os.open(part, _DIR_FLAGS, dir_fd=fds[-1]))
            except OSError as exc:
                what = f"folder {display_name(part)!r} on its path"
                if exc.errno in (errno.ENOTDIR, errno.ELOOP) and _is_link(part, fds[-1]):
                    raise RefusedFile(shown, f"{what} is a symbolic link; links inside the inbox are never followed") from exc
                refusal = _refusal_for(exc, shown, what)
                if refusal:
                    raise refusal from exc
                raise
        try:
            fd = os.open(parts[-1], _READ_FLAGS, dir_fd=fds[-1])
        except OSError as exc:
            refusal = _refusal_for(exc, shown, "the file")
            if refusal:
                raise refusal from exc
            raise
        fds.append(fd)
        return _read_fd(fd, shown, max_bytes)
    finally:
        for d in reversed(fds):
            os.close(d)


def _is_link(name: str | bytes, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def read_regular(path: Path, max_bytes: int) -> bytes:
    """For a path an operator names on the command line: links are followed, but only to a regular file."""
    shown = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise RefusedFile(shown, "no such file") from exc
        raise RefusedFile(shown, f"cannot open: {exc.strerror}") from exc
    try:
        return _read_fd(fd, shown, max_bytes)
    finally:
        os.close(fd)


def _read_fd(fd: int, shown: str, max_bytes: int) -> bytes:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise RefusedFile(shown, f"is {kind_of(st.st_mode)}, not a regular file")
    if st.st_size > max_bytes:
        raise RefusedFile(shown, f"is {st.st_size} bytes, over the {max_bytes}-byte limit")
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise RefusedFile(shown, f"grew past the {max_bytes}-byte limit while being read")
    return b"".join(chunks)


def entry_mode(root: Path, name: str) -> int | None:
    """lstat mode of `root/name` (never following a link), or None when it vanished."""
    try:
        return os.lstat(os.path.join(root, name)).st_mode
    except FileNotFoundError:
        return None
