"""Datelines per target language: "SAN FRANCISCO -" (Indonesian) or "SAN FRANCISCO (AFP) -" (English)."""

from __future__ import annotations

import re

from newsroom.credits import agency_name
from newsroom.localize.numbers import lang_of
from newsroom.model import Dateline

_AGENCY_TAG = re.compile(r"\((?:[A-Z]{2,}|[A-Za-z]+\.com)\)")
_CITY_END = re.compile(r"\s[-–—]\s?|\s[-–—]$|,")


def dateline_city(dateline: Dateline | None) -> str | None:
    """The place a dateline names: its city field, else the text before the date or the agency tag."""
    if dateline is None:
        return None
    if dateline.city:
        return dateline.city.strip()
    text = _AGENCY_TAG.sub("", dateline.text)
    text = _CITY_END.split(text.strip(), maxsplit=1)[0]
    text = text.strip(" -–—")
    return text or None


def localize_dateline(dateline: Dateline | None, target: str, provider: str | None = None) -> str | None:
    """AFP's 'San Francisco, Nov 20, 2023 (AFP) -' -> 'SAN FRANCISCO -' (id) or 'SAN FRANCISCO (AFP) -' (en)."""
    city = dateline_city(dateline)
    if not city:
        return None
    if lang_of(target) == "en":
        agency = agency_name(provider)
        return f"{city.upper()} ({agency}) -" if agency else f"{city.upper()} -"
    return f"{city.upper()} -"
