"""The partner bucket contract: deterministic object keys, metadata and change-feed lines (pure)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from newsroom.model import safe_id

FORMATS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ninjs": ("json", "application/json; charset=utf-8"),
    "html": ("html", "text/html; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
})
"""format -> (file extension, content type) for the article bodies a partner may take."""

LATEST = "latest.json"
PICTURES_DIR = "pictures"
FEED_DIR = "feed"


@dataclass(frozen=True)
class PictureFile:
    """One picture rendition file delivered under its story (name is made key-safe)."""

    name: str
    data: bytes
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class Publication:
    """One article version for one language, already rendered: what goes into a partner bucket."""

    story_id: str
    version: int
    language: str
    pubstatus: str
    published: datetime
    files: Mapping[str, bytes]
    pictures: tuple[PictureFile, ...] = ()
    embargoed: datetime | None = None
    signal: str | None = None

    def __post_init__(self) -> None:
        if "ninjs" not in self.files:
            raise ValueError("a Publication needs its ninjs rendering")
        unknown = set(self.files) - set(FORMATS)
        if unknown:
            raise ValueError(f"unknown formats {sorted(unknown)}; known: {sorted(FORMATS)}")
        if self.version < 1:
            raise ValueError("version must be >= 1")
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    @property
    def checksum(self) -> str:
        """One digest of every file and picture, so the ledger can tell an unchanged re-delivery."""
        h = hashlib.sha256()
        for name, data in sorted(self.files.items()):
            h.update(f"file:{name}:{sha256_hex(data)}\n".encode())
        for pic in sorted(self.pictures, key=lambda p: p.name):
            h.update(f"pic:{pic.name}:{sha256_hex(pic.data)}\n".encode())
        h.update(f"embargo:{iso(self.embargoed) if self.embargoed else ''}\n".encode())
        return h.hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iso(when: datetime) -> str:
    """UTC ISO-8601 with a Z: one spelling of time in keys, metadata and feed lines."""
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _prefix(prefix: str) -> str:
    parts = [p for p in prefix.strip().split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"prefix {prefix!r} may not contain '.' or '..' segments")
    return "/".join(parts)


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _lang(lang: str) -> str:
    if not _LANG.match(lang):
        raise ValueError(f"language {lang!r} is not a BCP-47 tag")
    return lang.lower()


def story_dir(prefix: str, lang: str, published: datetime, story_id: str) -> str:
    """`{prefix}/{lang}/{yyyy}/{mm}/{dd}/{story}`; `published` must be the story's first-publication time."""
    day = _utc(published)
    return _join(_prefix(prefix), _lang(lang), f"{day:%Y}", f"{day:%m}", f"{day:%d}", safe_id(story_id))


def article_key(prefix: str, lang: str, published: datetime, story_id: str, version: int, ext: str = "json") -> str:
    """Immutable key of one version in one format: `…/{story}/v{version}.{ext}`."""
    if version < 1:
        raise ValueError("version must be >= 1")
    return f"{story_dir(prefix, lang, published, story_id)}/v{int(version)}.{safe_id(ext)}"


def format_key(prefix: str, lang: str, published: datetime, story_id: str, version: int, fmt: str) -> str:
    """Key of a version in a named format (ninjs -> .json, html -> .html, text -> .txt)."""
    return article_key(prefix, lang, published, story_id, version, FORMATS[fmt][0])


def latest_key(prefix: str, lang: str, published: datetime, story_id: str) -> str:
    """The mutable pointer partners read first: a copy of the current ninjs (or a kill tombstone)."""
    return f"{story_dir(prefix, lang, published, story_id)}/{LATEST}"


def picture_key(prefix: str, lang: str, published: datetime, story_id: str, name: str) -> str:
    """Pictures live under their story: `…/{story}/pictures/{name}`."""
    return f"{story_dir(prefix, lang, published, story_id)}/{PICTURES_DIR}/{safe_id(name)}"


def feed_prefix(prefix: str) -> str:
    return _join(_prefix(prefix), FEED_DIR) + "/"


def feed_key(prefix: str, when: datetime, run_id: str) -> str:
    """`{prefix}/feed/{yyyy}/{mm}/{dd}/{timestamp}-{run}.ndjson`: lexical order is time order."""
    t = _utc(when)
    stamp = t.strftime("%Y%m%dT%H%M%S") + f"{t.microsecond:06d}Z"
    return _join(_prefix(prefix), FEED_DIR, f"{t:%Y}", f"{t:%m}", f"{t:%d}", f"{stamp}-{safe_id(run_id, 60)}.ndjson")


def is_body_key(key: str) -> bool:
    """True for version objects and pictures (what a kill removes), false for latest and feed."""
    name = key.rsplit("/", 1)[-1]
    return bool(re.fullmatch(r"v\d+\.[A-Za-z0-9]+", name)) or f"/{PICTURES_DIR}/" in key


def version_of_key(key: str) -> int | None:
    m = re.fullmatch(r"v(\d+)\.[A-Za-z0-9]+", key.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None


def feed_line(
    story_id: str,
    version: int,
    language: str,
    key: str,
    pubstatus: str,
    *,
    at: datetime,
    checksum: str | None = None,
    signal: str | None = None,
) -> str:
    """One change as a compact JSON line (no newline): what moved, where to read it, and its state."""
    row: dict[str, object] = {
        "story": story_id,
        "version": int(version),
        "lang": language,
        "key": key,
        "pubstatus": pubstatus,
        "at": iso(at),
    }
    if checksum:
        row["sha256"] = checksum
    if signal:
        row["signal"] = signal
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def feed_document(lines: list[str]) -> bytes:
    """NDJSON body: one line per change, each ending in a newline."""
    return "".join(line + "\n" for line in lines).encode()


def object_metadata(
    story_id: str, version: int, language: str, pubstatus: str, checksum: str, *, kind: str,
    embargoed: datetime | None = None,
) -> dict[str, str]:
    """S3 user metadata every object carries (ASCII only, as S3 requires)."""
    meta = {
        "story": safe_id(story_id),
        "version": str(int(version)),
        "lang": language,
        "pubstatus": pubstatus,
        "sha256": checksum,
        "kind": kind,
    }
    if embargoed is not None:
        meta["embargoed"] = iso(embargoed)
    return meta


def story_uri(story_id: str, language: str) -> str:
    """Fallback ninjs `uri` for a tombstone when the delivered article's own uri is unknown."""
    return f"urn:kawat:{safe_id(story_id)}:{_lang(language)}"


def tombstone(uri: str, version: int, language: str, *, at: datetime, reason: str | None = None) -> bytes:
    """A kill notice that is itself valid ninjs 2.2: uri, pubstatus canceled, no bodies."""
    doc: dict[str, object] = {
        "uri": uri,
        "version": str(int(version)),
        "pubstatus": "canceled",
        "language": language,
        "versioncreated": iso(at),
    }
    if reason:
        doc["ednote"] = reason
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2).encode()
