"""The partner bucket contract: deterministic object keys, editions, metadata and feed lines (pure).

Kawat keeps its *edition* of an article apart from the agency's *revision*: revision 3 is first
published as edition 1 (`v3.1.json`); an editor's correction, a term-base change or a rerun with
another engine that changes the bytes becomes edition 2 (`v3.2.json`), and a kill is an edition of
its own. Editions order by (revision, edition); no key is ever written twice with different bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from newsroom.model import safe_id
from newsroom.times import iso, utc

FORMATS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "ninjs": ("json", "application/json; charset=utf-8"),
    "html": ("html", "text/html; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
})
"""format -> (file extension, content type) for the article bodies a partner may take."""

FEED_CONTENT_TYPE = "application/x-ndjson; charset=utf-8"
LATEST = "latest.json"
PICTURES_DIR = "pictures"
FEED_DIR = "feed"
SEQ_WIDTH = 12  # zero-padded feed numbers: lexical order is numeric order up to 10^12 changes

CACHE_LATEST = "public, max-age=60"
"""latest.json changes on every update: caches may keep it one minute."""
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
"""Version, picture and feed objects never change once written."""

__all__ = [
    "CACHE_IMMUTABLE", "CACHE_LATEST", "FEED_CONTENT_TYPE", "FEED_DIR", "FORMATS", "LATEST", "PICTURES_DIR",
    "SEQ_WIDTH", "Edition", "PictureFile", "Publication", "article_key", "edition_of_key", "feed_document",
    "feed_key", "feed_line", "feed_prefix", "format_key", "is_body_key", "iso", "latest_key", "ninjs_bytes",
    "object_metadata", "picture_key", "seq_of_key", "sha256_hex", "stamp_edition", "story_dir", "story_uri",
    "tombstone", "version_of_key",
]


@dataclass(frozen=True, order=True)
class Edition:
    """Kawat's edition `edition` of agency revision `revision`; orders as the pair, spelled `3.2`."""

    revision: int
    edition: int = 1

    def __post_init__(self) -> None:
        if self.revision < 0 or self.edition < 1:
            raise ValueError("revision must be >= 0 (agencies start at 0 or 1) and edition >= 1")

    @property
    def label(self) -> str:
        return f"{int(self.revision)}.{int(self.edition)}"

    @classmethod
    def parse(cls, text: str | None) -> Edition | None:
        """`3.2` -> Edition(3, 2); anything else (a bare agency revision, garbage) -> None."""
        m = re.fullmatch(r"(\d+)\.(\d+)", (text or "").strip())
        if not m or int(m.group(2)) < 1:
            return None
        return cls(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class PictureFile:
    """One picture rendition file delivered under its story (name is made key-safe)."""

    name: str
    data: bytes
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class Publication:
    """One agency revision for one language, already rendered: what goes into a partner bucket.

    `files["ninjs"]` carries the revision as its version; the publisher stamps the edition it
    allocates (`stamp_edition`), so `checksum` identifies the content, whatever the edition.
    """

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
        if self.version < 0:
            raise ValueError("version must be >= 0")
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    @property
    def revision(self) -> int:
        return self.version

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


def ninjs_bytes(doc: Mapping[str, Any]) -> bytes:
    """The one serialisation of a ninjs document: sorted keys, 2-space indent, UTF-8, no trailing newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode()


# A top-level member sits on its own line at exactly two spaces (ninjs_bytes); a string can hold no newline.
_TOP_VERSION = re.compile(rb'\n  "version": ("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null)(?=,?\n)')


def stamp_edition(ninjs: bytes, edition: Edition) -> bytes:
    """The ninjs of a Publication with its `version` set to the edition label (`3.2`).

    The one top-level line is replaced in place (the bytes `ninjs_bytes` gives for the edited document,
    without parsing and re-encoding a whole article per edition); anything else takes the long way.
    """
    label = b'\n  "version": ' + json.dumps(edition.label).encode()
    stamped, found = _TOP_VERSION.subn(lambda _m: label, ninjs)
    if found == 1 and ninjs.startswith(b"{\n"):
        return stamped
    doc = json.loads(ninjs)
    doc["version"] = edition.label
    return ninjs_bytes(doc)


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
    day = utc(published)
    return _join(_prefix(prefix), _lang(lang), f"{day:%Y}", f"{day:%m}", f"{day:%d}", safe_id(story_id))


def article_key(prefix: str, lang: str, published: datetime, story_id: str, edition: Edition,
                ext: str = "json") -> str:
    """Immutable key of one edition in one format: `…/{story}/v{revision}.{edition}.{ext}`."""
    if not isinstance(edition, Edition):
        raise TypeError("article_key takes an Edition (revision and Kawat's edition)")
    return f"{story_dir(prefix, lang, published, story_id)}/v{edition.label}.{safe_id(ext)}"


def format_key(prefix: str, lang: str, published: datetime, story_id: str, edition: Edition, fmt: str) -> str:
    """Key of an edition in a named format (ninjs -> .json, html -> .html, text -> .txt)."""
    return article_key(prefix, lang, published, story_id, edition, FORMATS[fmt][0])


def latest_key(prefix: str, lang: str, published: datetime, story_id: str) -> str:
    """The mutable pointer partners read first: a copy of the newest edition's ninjs (or its tombstone)."""
    return f"{story_dir(prefix, lang, published, story_id)}/{LATEST}"


def picture_key(prefix: str, lang: str, published: datetime, story_id: str, name: str) -> str:
    """Pictures live under their story: `…/{story}/pictures/{name}`."""
    return f"{story_dir(prefix, lang, published, story_id)}/{PICTURES_DIR}/{safe_id(name)}"


def feed_prefix(prefix: str) -> str:
    return _join(_prefix(prefix), FEED_DIR) + "/"


def feed_key(prefix: str, seq: int) -> str:
    """`{prefix}/feed/{seq:012d}.ndjson`: the partner's gap-free change number, zero-padded."""
    if seq < 1:
        raise ValueError("feed sequence numbers start at 1")
    return f"{feed_prefix(prefix)}{int(seq):0{SEQ_WIDTH}d}.ndjson"


def seq_of_key(key: str) -> int | None:
    m = re.fullmatch(rf"(\d{{{SEQ_WIDTH}}})\.ndjson", key.rsplit("/", 1)[-1])
    return int(m.group(1)) if m else None


_VERSION_NAME = re.compile(r"v(\d+)\.(\d+)\.([A-Za-z0-9]+)")


def edition_of_key(key: str) -> Edition | None:
    """The edition a version key holds (`…/v3.2.html` -> 3.2); None for latest, pictures, feed."""
    m = _VERSION_NAME.fullmatch(key.rsplit("/", 1)[-1])
    return Edition(int(m.group(1)), int(m.group(2))) if m and int(m.group(2)) else None


def version_of_key(key: str) -> int | None:
    """The agency revision a version key holds."""
    ed = edition_of_key(key)
    return ed.revision if ed else None


def is_body_key(key: str) -> bool:
    """True for version objects and pictures (what a kill removes), false for latest and feed."""
    return edition_of_key(key) is not None or f"/{PICTURES_DIR}/" in key


def feed_line(
    story_id: str,
    edition: Edition,
    language: str,
    key: str,
    pubstatus: str,
    *,
    seq: int,
    at: datetime,
    checksum: str,
    signal: str | None = None,
    embargoed: datetime | None = None,
) -> str:
    """One change as a compact JSON line (no newline): its number, what moved, where to read it, its state."""
    row: dict[str, object] = {
        "seq": int(seq),
        "story": story_id,
        "version": int(edition.revision),
        "edition": int(edition.edition),
        "lang": language,
        "key": key,
        "pubstatus": pubstatus,
        "at": iso(at),
        "sha256": checksum,
    }
    if signal:
        row["signal"] = signal
    if embargoed is not None:
        row["embargoed"] = iso(embargoed)
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def feed_document(lines: list[str]) -> bytes:
    """NDJSON body: one line per change, each ending in a newline."""
    return "".join(line + "\n" for line in lines).encode()


def object_metadata(
    story_id: str, edition: Edition, language: str, pubstatus: str, checksum: str, *, kind: str,
    embargoed: datetime | None = None,
) -> dict[str, str]:
    """S3 user metadata every object carries (ASCII only, as S3 requires)."""
    meta = {
        "story": safe_id(story_id),
        "version": str(int(edition.revision)),
        "edition": str(int(edition.edition)),
        "lang": language,
        "pubstatus": pubstatus,
        "sha256": checksum,
        "kind": kind,
    }
    if embargoed is not None:
        meta["embargoed"] = iso(embargoed)
    return meta


def story_uri(story_id: str, language: str) -> str:
    """The ninjs `uri` of one story in one language: what partners key their copy on."""
    return f"urn:kawat:{safe_id(story_id)}:{_lang(language)}"


def tombstone(story_id: str, edition: Edition, language: str, *, at: datetime, reason: str | None = None,
              uri: str | None = None) -> bytes:
    """A kill notice that is itself valid ninjs 2.2 (the one tombstone format, see render.ninjs_doc)."""
    from newsroom.render.ninjs_doc import tombstone_ninjs

    doc = tombstone_ninjs(story_id, language, edition.label, uri=uri or story_uri(story_id, language),
                          reason=reason, when=at)
    return ninjs_bytes(doc)
