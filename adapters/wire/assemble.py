"""The last step of every parser: check the essentials and build a valid `Story` or say why not."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from adapters.errors import WireError
from adapters.wire.limits import check_fields, current
from newsroom.hygiene import has_zero_width
from newsroom.model import DIGEST_SEP, Status, Story, digested_id, is_safe_id

log = logging.getLogger(__name__)
_EARLIEST = 1900  # year: an older date is a placeholder (0001-01-01) or corruption, not a wire story


def sane_id(value: str | None, source: str, what: str) -> str:
    """A path-safe id that no other raw id can share; control characters or nothing usable reject the file.

    A clean id (letters, digits, `._-`, no `--`) is kept as sent. Any other — separators, dots, zero-width
    or non-ASCII characters, a `--` that could pose as a digest — becomes `<readable>--<digest of raw>`,
    so `../etc/kwt`, `etc/kwt` and `etc-kwt` are three stories, never one.
    """
    if not value or not value.strip():
        raise WireError(source, f"missing {what}")
    raw = value.strip()
    for ch in raw:
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            raise WireError(source, f"{what} {raw[:40]!r} contains control character U+{ord(ch):04X}")
    if is_safe_id(raw) and DIGEST_SEP not in raw:
        return raw
    try:
        sane = digested_id(raw)
    except ValueError as exc:
        raise WireError(source, f"unusable {what} {raw[:40]!r}: no letters or digits") from exc
    why = "zero-width characters" if has_zero_width(raw) else "characters unsafe in keys"
    log.debug("%s: %s %r has %s; using %s", source, what, raw[:80], why, sane)
    return sane


MAX_VERSION = 2**63 - 1  # the largest version a 64-bit database column holds


def version_of(value: object, source: str, default: int = 1) -> int:
    """The agency's revision number as sent: 0..2^63-1 (Reuters sends 978556838, AP Media sends 0)."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        return default
    text = str(value).strip()
    if isinstance(value, float):
        if not value.is_integer():
            raise WireError(source, f"revision {text[:24]!r} is not a whole number")
        text = str(int(value))
    if not text.isascii() or not text.lstrip("+").isdigit():
        raise WireError(source, f"revision {text[:24]!r} is not a whole number")
    if len(text) > 20 or int(text) > MAX_VERSION:
        raise WireError(source, f"revision {text[:24]} is larger than 2^63-1")
    return int(text)


def build_story(source: str, **fields: Any) -> Story:
    """Validate headline/body presence (kills and holds may be empty) and construct the Story."""
    status = fields.get("status", Status.usable)
    body = fields.get("body") or ()
    if not fields.get("headline"):
        fallback = fields.get("slugline") or (body[0].text[:120] if body else None)
        if not fallback:
            raise WireError(source, "no headline and no body")
        fields["headline"] = fallback
    if not body and status is Status.usable:
        raise WireError(source, "empty body: no paragraphs in the story")
    if not fields.get("language"):
        fields["language"] = "und"  # undeclared (BCP 47): language routing detects it from the body
    fields = {k: v for k, v in fields.items() if v is not None or k in {"embargoed"}}
    check_fields(fields, source, current())
    for name in ("first_created", "version_created", "embargoed"):
        when = fields.get(name)
        if isinstance(when, datetime) and when.year < _EARLIEST:
            raise WireError(source, f"{name} {when.date().isoformat()} is not a plausible date for wire copy")
    try:
        return Story(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise WireError(source, f"invalid story field {where}: {first.get('msg')}") from exc
