"""Language codes: one spelling per language, whatever a feed, a TMX file, a TBX file or a setting wrote.

"en-GB", "EN_us" and "eng" are English; "id-ID", "in" (the pre-1989 ISO code) and "ind" are Indonesian.
Every normaliser in Kawat is this one, plus, where a caller needs it, a narrower rule on top.
"""

from __future__ import annotations

ALIASES = {"in": "id", "ind": "id", "eng": "en", "fre": "fr", "fra": "fr"}


def primary_subtag(tag: str | None) -> str:
    """The lower-cased primary subtag of a BCP-47-ish tag ("" for none): "en-GB" → "en", "ID_id" → "id"."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()


def canonical(tag: str | None) -> str | None:
    """The one code Kawat uses for a tag's language (legacy and three-letter codes folded); None for none."""
    primary = primary_subtag(tag)
    return ALIASES.get(primary, primary) or None


def is_indonesian(tag: str | None) -> bool:
    """True for every spelling of Indonesian."""
    return canonical(tag) == "id"
