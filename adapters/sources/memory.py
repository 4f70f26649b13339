"""In-memory WireSource fake with the same claim/ack semantics as the folder and S3 sources."""

from __future__ import annotations

import threading

from adapters.sources.attachments import is_candidate, referenced_pictures
from adapters.sources.base import WireFile


class MemorySource:
    """A dict inbox for tests and demos; `processed`/`quarantined` record what was acknowledged."""

    def __init__(self, files: dict[str, bytes] | None = None, name: str = "memory", *,
                 max_bytes: int = 5 * 1024 * 1024) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.inbox: dict[str, bytes] = dict(files or {})
        self.claimed: dict[str, WireFile] = {}
        self.processed: dict[str, bytes] = {}
        self.quarantined: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def add(self, name: str, data: bytes) -> None:
        with self._lock:
            self.inbox[name] = data

    def poll(self, limit: int | None = None) -> list[WireFile]:
        out: list[WireFile] = []
        with self._lock:
            for name in sorted(self.inbox):
                if limit is not None and len(out) >= limit:
                    break
                if not is_candidate(name) or name not in self.inbox:
                    continue
                data = self.inbox.pop(name)
                handle = f"memory:{name}"
                if len(data) > self.max_bytes:  # the same size rule as the real sources: refused unread
                    item = WireFile(source=self.name, name=name, data=b"", handle=handle,
                                    refused=f"is {len(data)} bytes, over the {self.max_bytes}-byte limit")
                    self.claimed[handle] = item
                    out.append(item)
                    continue
                attachments: dict[str, bytes] = {}
                refused: dict[str, str] = {}
                for p in referenced_pictures(data):
                    if p not in self.inbox:
                        continue
                    blob = self.inbox.pop(p)
                    if len(blob) > self.max_bytes:
                        refused[p] = f"is {len(blob)} bytes, over the {self.max_bytes}-byte limit"
                    else:
                        attachments[p] = blob
                item = WireFile(source=self.name, name=name, data=data, handle=handle, attachments=attachments,
                                refused_attachments=refused)
                self.claimed[item.handle] = item
                out.append(item)
        return out

    def release_unacked(self) -> None:
        """What a staleness timeout does: put claimed-but-unacknowledged files back in the inbox."""
        with self._lock:
            for item in self.claimed.values():
                self.inbox[item.name] = item.data
                self.inbox.update(item.attachments)
            self.claimed.clear()

    def mark_processed(self, item: WireFile) -> None:
        with self._lock:
            self.claimed.pop(item.handle, None)
            self.processed[item.name] = item.data
            self.processed.update(item.attachments)

    def quarantine(self, item: WireFile, reason: str) -> None:
        with self._lock:
            self.claimed.pop(item.handle, None)
            self.quarantined[item.name] = (item.data, " ".join(reason.split()))
            for name, data in item.attachments.items():
                self.quarantined[name] = (data, f"attachment of {item.name}")
