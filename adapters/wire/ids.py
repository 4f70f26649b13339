"""Agency item identifiers without their version: the key every revision of one item shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# urn:newsml:dpa.com:20090101:221011-930-4303[:3]
_URN = re.compile(r"^urn:newsml:(?P<provider>[^:]+):(?P<date>\d{4}-?\d{2}-?\d{2}T\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|[^:]+)"
                  r":(?P<item>.+?)(?::(?P<rev>\d+))?$", re.I)
# tag:reuters.com,0000:newsml_L4N0BT5PJ  /  tag:ansa.it,2017-10-11:40e5…
_TAG = re.compile(r"^tag:(?P<provider>[^,:]+),(?P<date>[\d-]{4,10}):(?P<item>.+)$", re.I)
_HTTP = re.compile(r"^[a-z][a-z0-9+.-]*://(?P<host>[^/?#]+)(?P<path>[^?#]*)", re.I)


@dataclass(frozen=True)
class ItemId:
    """Provider, date part and item part of an agency id; `revision` only when the id carried one."""

    provider: str | None
    date_id: str
    item_id: str
    revision: int | None = None


def _date(text: str | None) -> str:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) >= 8 and digits[:8] != "00000000" and 1900 <= int(digits[:4]) <= 2200:
        return digits[:8]
    if len(digits) == 4 and digits != "0000":
        return digits
    return "undated"


def parse_item_id(value: str, version: int | None = None) -> ItemId:
    """Split an agency id into its parts, dropping a trailing version (`…:5`, `…_5` when `version` is 5)."""
    text = value.strip()
    if version is not None:
        for sep in (":", "_", "/", "."):
            if text.endswith(f"{sep}{version}") and len(text) > len(str(version)) + 1:
                text = text[: -len(f"{sep}{version}")]
                break
    if match := _URN.match(text):
        rev = match.group("rev")
        return ItemId(match.group("provider"), _date(match.group("date")), match.group("item"), int(rev) if rev else None)
    if match := _TAG.match(text):
        return ItemId(match.group("provider"), _date(match.group("date")), match.group("item"))
    if match := _HTTP.match(text):
        host = match.group("host").lower()
        path = match.group("path").strip("/")
        return ItemId(re.sub(r"^www\d?\.", "", host), "undated", path.replace("/", "-") or host)
    if match := re.match(r"^urn:[A-Za-z0-9-]+:(?P<provider>[^:]+\.[A-Za-z]{2,}):(?P<item>.+)$", text, re.I):
        return ItemId(match.group("provider"), "undated", match.group("item"))  # urn:publicid:ap.org:…
    if match := re.match(r"^[A-Za-z][A-Za-z0-9]{1,9}:(?P<item>[^:/\s].*)$", text):  # "tt:b7c1…": a short scheme prefix
        return ItemId(None, "undated", match.group("item"))
    return ItemId(None, "undated", text)


def revision_from_time(value: datetime | None) -> int | None:
    """A revision number for feeds that state none: the revision time as YYYYMMDDhhmmss, so later wins."""
    return int(value.strftime("%Y%m%d%H%M%S")) if value else None


def provider_of(value: str | None) -> str | None:
    """A provider id from a G2 qcode/literal/uri or a ninjs field: "nprov:dpa" → "dpa", "http://www.x.com/a" → "x.com"."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if match := _HTTP.match(text):
        return re.sub(r"^www\d?\.", "", match.group("host").lower())
    if ":" in text:
        text = text.rsplit(":", 1)[-1]
    return text.strip() or None
