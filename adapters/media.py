"""Picture files that arrived beside a wire file, kept until every partner has its copy."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from newsroom.model import safe_id


class MediaStore(Protocol):
    def put(self, story_id: str, name: str, data: bytes) -> None: ...
    def get(self, story_id: str, name: str) -> bytes | None: ...


class FileMediaStore:
    """`<root>/<story>/<file>`: names are sanitized so a feed cannot write outside the root."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, story_id: str, name: str) -> Path:
        return self.root / safe_id(story_id) / safe_id(name)

    def put(self, story_id: str, name: str, data: bytes) -> None:
        path = self._path(story_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get(self, story_id: str, name: str) -> bytes | None:
        path = self._path(story_id, name)
        return path.read_bytes() if path.exists() else None


class MemoryMediaStore:
    """Fake for unit tests."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], bytes] = {}

    def put(self, story_id: str, name: str, data: bytes) -> None:
        self.files[(story_id, name)] = data

    def get(self, story_id: str, name: str) -> bytes | None:
        return self.files.get((story_id, name))
