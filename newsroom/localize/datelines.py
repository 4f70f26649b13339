"""Datelines per target language: "SAN FRANCISCO -" (Indonesian) or "SAN FRANCISCO (AFP) -" (English)."""

from __future__ import annotations

from newsroom.agencies import agency_name
from newsroom.datelines import city_of as dateline_city
from newsroom.localize.numbers import lang_of
from newsroom.model import Dateline


def localize_dateline(dateline: Dateline | None, target: str, provider: str | None = None) -> str | None:
    """AFP's 'San Francisco, Nov 20, 2023 (AFP) -' -> 'SAN FRANCISCO -' (id) or 'SAN FRANCISCO (AFP) -' (en)."""
    city = dateline_city(dateline)
    if not city:
        return None
    if lang_of(target) == "en":
        agency = agency_name(provider)
        return f"{city.upper()} ({agency}) -" if agency else f"{city.upper()} -"
    return f"{city.upper()} -"
