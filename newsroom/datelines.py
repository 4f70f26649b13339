"""The city a dateline names: one rule for parsers and localizers, so both agree on "SAN FRANCISCO"."""

from __future__ import annotations

import re

from newsroom.model import Dateline

# "(AFP)", "(dpa)", "(Reuters)", "(AP)", "(أ ف ب)": the agency tag after the place.
_AGENCY_TAG = re.compile(r"\s*\([^()]{1,24}\)")
# The place ends at the first comma, the agency tag, a spaced dash or a colon/slash marker ("/ritzau/:").
_PLACE_END = re.compile(r",|\(|\s[-–—]+(?:\s|$)|\s/|:\s|\s[-–—]$")


def city_from_dateline(text: str | None) -> str | None:
    """"Gaza City, Palestinian Territories, May 16 (AFP) -" → "Gaza City"; "SAN FRANCISCO -" → "San Francisco"."""
    if not text:
        return None
    if text.lstrip().startswith("("):
        return None  # "(ANSA) - Rome, …": the agency tag comes first; city_of reads past it
    head = _PLACE_END.split(text.strip().lstrip(" -–—"), maxsplit=1)[0].strip(" -–—.:/")
    if not head or len(head) > 60 or any(ch.isdigit() for ch in head):
        return None
    return head.title() if head.isupper() else head


def city_of(dateline: Dateline | None) -> str | None:
    """The dateline's city: the one the feed named, else the place its text starts with."""
    if dateline is None:
        return None
    if dateline.city and dateline.city.strip():
        return dateline.city.strip()
    return city_from_dateline(_AGENCY_TAG.sub(" ", dateline.text))
