"""The port every wire source (drop folder, S3 inbox) implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class WireFile:
    """One claimed wire file with the picture files it references (by file name).

    `refused` is set (and `data` empty) when the source would not read the entry itself — a link, a
    pipe, an oversized file: the ingest step quarantines it with that reason. `refused_attachments`
    names referenced pictures that were not read, each with its reason.
    """

    source: str
    name: str
    data: bytes
    handle: str
    attachments: dict[str, bytes] = field(default_factory=dict)
    refused: str | None = None
    refused_attachments: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # which copy of an S3 object was read: a newer one under the same key is not ours


class WireSource(Protocol):
    name: str

    def poll(self, limit: int | None = None) -> list[WireFile]:
        """Claim new files (each exactly once, even across concurrent pollers)."""
        ...

    def mark_processed(self, item: WireFile) -> None:
        """Move the file (and its attachments) to `processed/`."""
        ...

    def quarantine(self, item: WireFile, reason: str) -> None:
        """Move the file to `quarantine/` with a `<name>.reason.txt` beside it."""
        ...
