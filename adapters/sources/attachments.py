"""Which picture files a wire file references, read cheaply from its bytes (no full parse)."""

from __future__ import annotations

import re

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff")
SKIP_NAMES = {"index.xml"}
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", ".crdownload", ".swp", "~", ".reason.txt")
_HREF = re.compile(rb"""(?:Href|href|residref)\s*(?:=|"\s*:)\s*["']([^"'<>]{1,300})["']""")


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def is_candidate(name: str) -> bool:
    """A file a poller may offer: not hidden, not partial, not an index or a picture."""
    lower = name.lower()
    return not (name.startswith(".") or lower.endswith(PARTIAL_SUFFIXES) or lower in SKIP_NAMES or is_image(name))


def referenced_pictures(data: bytes) -> list[str]:
    """Bare file names of the pictures a NewsML/G2/ninjs file points at, in order, without duplicates."""
    names: list[str] = []
    for match in _HREF.finditer(data[: 5 * 1024 * 1024]):
        href = match.group(1).decode("utf-8", "replace").split("?")[0]
        name = href.replace("\\", "/").rsplit("/", 1)[-1]
        if name and is_image(name) and not name.startswith(".") and name not in names:
            names.append(name)
    return names
