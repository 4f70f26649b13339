"""The domain's nouns: a wire Story and the LocalizedArticle made from it (immutable, no I/O)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from newsroom.hygiene import clean_id, clean_text

STORED = {"stored": True}
"""Validation context for JSON Kawat's own stores wrote: it passed hygiene on the way in (see Frozen._hygiene)."""

# Fields holding identifiers: besides text hygiene they lose zero-width characters.
_ID_FIELDS = frozenset({"provider", "date_id", "item_id", "id", "code", "href", "story_id"})


def _scrub(value: object, is_id: bool) -> object:
    if isinstance(value, str):
        return clean_id(value) if is_id else clean_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub(v, is_id) for v in value)
    return value


class Frozen(BaseModel):
    """Immutable value object: stories are facts, never edited in place."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _hygiene(cls, data: object, info: ValidationInfo) -> object:
        """No control characters, escape sequences or bidi overrides get into any text a partner sees."""
        if info.context is not None and info.context.get("stored"):
            return data  # read back from our own store: cleaned when it was made, not scanned again per read
        if isinstance(data, dict):
            return {k: _scrub(v, k in _ID_FIELDS) for k, v in data.items()}
        return data


class Status(StrEnum):
    """Publication status, the same three words ninjs `pubstatus` uses."""

    usable = "usable"
    withheld = "withheld"
    canceled = "canceled"


class Signal(StrEnum):
    """What a revision means to partners: new copy, an update, a correction, a kill or a hold."""

    new = "new"
    update = "update"
    correction = "correction"
    kill = "kill"
    withheld = "withheld"


class BlockRole(StrEnum):
    paragraph = "paragraph"
    subhead = "subhead"


class Block(Frozen):
    """One body block; order and role survive translation exactly."""

    role: BlockRole = BlockRole.paragraph
    text: str


class Dateline(Frozen):
    """The dateline as sent ("San Francisco, Nov 20, 2023 (AFP) -") and its city."""

    text: str
    city: str | None = None


class CreditRole(StrEnum):
    author = "author"
    photographer = "photographer"
    editor = "editor"
    translator = "translator"
    agency = "agency"


class Credit(Frozen):
    """Who made part of the article: rendered per language ("Penulis: AFP", "Photo: AFP")."""

    role: CreditRole
    name: str
    organisation: str | None = None


class Rendition(Frozen):
    """One picture file (HighDef/Quicklook/Thumbnail) delivered beside the wire XML."""

    role: str
    href: str
    content_type: str = "image/jpeg"
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None


class Picture(Frozen):
    id: str
    headline: str | None = None
    caption: str | None = None
    credit: str | None = None
    byline: str | None = None
    renditions: tuple[Rendition, ...] = ()


class Subject(Frozen):
    code: str
    name: str | None = None


class Editorial(Frozen):
    """What a story and each of its articles share: status, signal, embargo, urgency, topics, times."""

    status: Status = Status.usable
    signal: Signal = Signal.new
    embargoed: datetime | None = None
    urgency: int | None = None
    subjects: tuple[Subject, ...] = ()
    keywords: tuple[str, ...] = ()
    first_created: datetime | None = None
    version_created: datetime | None = None


class Story(Editorial):
    """A wire item at one revision. Identity = provider + date id + item id; revision = version."""

    provider: str
    date_id: str
    item_id: str
    version: int = 1
    language: str
    headline: str
    slugline: str | None = None
    dateline: Dateline | None = None
    body: tuple[Block, ...] = ()
    creators: tuple[str, ...] = ()
    byline: str | None = None
    byline_title: str | None = None
    credit_line: str | None = None
    copyright_line: str | None = None
    copyright_holder: str | None = None
    usage_terms: str | None = None
    credits: tuple[Credit, ...] = ()
    pictures: tuple[Picture, ...] = ()
    advisory: str | None = None
    genre: str | None = None
    source_uri: str | None = None
    source_format: str = "unknown"

    @property
    def story_id(self) -> str:
        """Stable, path-safe id without the revision: every revision of an item shares it."""
        return story_key(self.provider, self.date_id, self.item_id)

    @property
    def content_hash(self) -> str:
        """Digest of everything that reaches partners; a re-sent identical file hashes the same."""
        payload = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    @property
    def body_text(self) -> str:
        return "\n\n".join(b.text for b in self.body)


class TermCheck(Frozen):
    """One glossary concept checked in one article: how often expected and found."""

    source_term: str
    target_term: str
    kind: str = "translate"
    expected: int = 0
    found: int = 0

    @property
    def ok(self) -> bool:
        if self.kind == "forbidden":
            return self.found == 0
        return self.found >= self.expected


class QAReport(Frozen):
    """Why an article may (or may not) go out: glossary terms, leftovers, language check."""

    terms: tuple[TermCheck, ...] = ()
    problems: tuple[str, ...] = ()
    detected_language: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems and all(t.ok for t in self.terms)


class ReviewState(StrEnum):
    ok = "ok"
    needs_review = "needs-review"
    failed = "failed"
    rejected = "rejected"


class Provenance(Frozen):
    """Where the article came from and how it was made, carried into ninjs altids/ednote."""

    source_uri: str | None
    source_version: int
    source_language: str
    engine: str
    glossary_version: str | None = None
    translated_at: datetime
    machine_translated: bool = True
    dry_run: bool = False
    characters_sent: int = 0


class LocalizedArticle(Editorial):
    """A Story rendered into one target language with local conventions, credits and QA."""

    story_id: str
    version: int
    language: str
    headline: str
    slugline: str | None = None
    dateline: str | None = None
    body: tuple[Block, ...] = ()
    pictures: tuple[Picture, ...] = ()
    credits: tuple[Credit, ...] = ()
    copyright_holder: str | None = None
    copyright_notice: str | None = None
    usage_terms: str | None = None
    ednote: str | None = None
    provenance: Provenance
    qa: QAReport = Field(default_factory=QAReport)
    review: ReviewState = ReviewState.ok


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SAFE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?")
DIGEST_SEP = "--"  # between the readable part of a sanitised id and the digest of the raw id
_DIGEST_LEN = 12


def is_safe_id(value: str, max_len: int = 120) -> bool:
    """Already fit for keys and file names: ASCII letters, digits, `._-`, no `..`, no edge dot or dash."""
    return len(value) <= max_len and ".." not in value and _SAFE.fullmatch(value) is not None


def id_digest(value: str) -> str:
    """Short digest of a raw id: what keeps two ids that sanitise alike apart."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:_DIGEST_LEN]


def _readable(value: str) -> str:
    text = unicodedata.normalize("NFKD", clean_id(value)).encode("ascii", "ignore").decode()
    text = _UNSAFE.sub("-", text).strip("-.")
    return re.sub(r"\.{2,}", ".", text)


def digested_id(value: str, max_len: int = 120) -> str:
    """`<readable part>--<digest of value>`: path-safe, and distinct for every distinct `value`."""
    text = _readable(value)
    if not text:
        raise ValueError(f"id {value!r} has no safe characters")
    return f"{text[: max_len - _DIGEST_LEN - len(DIGEST_SEP)].rstrip('-.')}{DIGEST_SEP}{id_digest(value)}"


def safe_id(value: str, max_len: int = 120) -> str:
    """Make an id safe for object keys and file names: no slashes, no `..`, ASCII only.

    A safe id is returned as it is (so the function is idempotent); any other id keeps a short digest
    of its raw form, so `../etc/kwt` and `etc/kwt` can never land on the same key or file.
    """
    if is_safe_id(value, max_len):
        return value
    return digested_id(value, max_len)


def story_key(provider: str, date_id: str, item_id: str) -> str:
    """The story id used in keys, ledgers and the UI: `afp.com-20231120-TX-PAR-WGF71`."""
    return "-".join(safe_id(p) for p in (provider, date_id, item_id) if p)


def without_pictures(story: Story, refused: set[str]) -> Story:
    """The story minus renditions whose file was refused, so partners never see a picture that is not there."""
    if not refused:
        return story

    def keep(r: Rendition) -> bool:
        return r.href.replace("\\", "/").rsplit("/", 1)[-1] not in refused and r.href not in refused

    pictures = tuple(p.model_copy(update={"renditions": tuple(r for r in p.renditions if keep(r))})
                     for p in story.pictures)
    pictures = tuple(p for p in pictures if p.renditions)
    return story if pictures == story.pictures else story.model_copy(update={"pictures": pictures})
