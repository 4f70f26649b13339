"""In-memory WireSource fake with the same claim/ack semantics as the folder and S3 sources."""

from __future__ import annotations

import threading

from adapters.sources.attachments import is_candidate, referenced_pictures
from adapters.sources.base import WireFile


class MemorySource:
    """A dict inbox for tests and demos; `processed`/`quarantined` record what was acknowledged."""

    def __init__(self, files: dict[str, bytes] | None = None, name: str = "memory") -> None:
        self.name = name
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
                attachments = {p: self.inbox.pop(p) for p in referenced_pictures(data) if p in self.inbox}
                item = WireFile(source=self.name, name=name, data=data, handle=f"memory:{name}", attachments=attachments)
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
