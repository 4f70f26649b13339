"""What every rendering shares: cleaned blocks, the dateline lead, credits and photo lines."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from newsroom.datelines import city_from_dateline
from newsroom.model import BlockRole, CreditRole, LocalizedArticle, Picture, Rendition, Status
from newsroom.render.labels import credit_line

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_TRAILING_SEPARATOR = re.compile(r"[\s\-\u2010-\u2015:]+$")
_PARENTHESES = re.compile(r"\([^)]*\)")

# The dash that joins the dateline to the first paragraph ("SAN FRANCISCO - Ratusan staf ...").
DATELINE_JOINER = " - "

# Closing credits in newsroom order: editor first, the writer last (as the seed story does).
_CREDIT_ORDER: tuple[tuple[CreditRole, str], ...] = (
    (CreditRole.editor, "editor"),
    (CreditRole.translator, "translator"),
)


def clean(text: str | None) -> str:
    """Wire text is plain text: drop control characters and fold line breaks into single spaces."""
    if not text:
        return ""
    return " ".join(_CONTROL.sub("", text).split())


def dateline_lead(dateline: str | None) -> str:
    """`SAN FRANCISCO` or `SAN FRANCISCO -` both become `SAN FRANCISCO - `; nothing when absent."""
    core = _TRAILING_SEPARATOR.sub("", clean(dateline))
    return f"{core}{DATELINE_JOINER}" if core else ""


def dateline_city(dateline: str | None) -> str | None:
    """The place a rendered dateline names ("San Francisco, Nov 20, 2023 (AFP) -" -> "San Francisco")."""
    return city_from_dateline(_PARENTHESES.sub(" ", clean(dateline)))


def _already_led(core: str) -> re.Pattern[str]:
    """Matches a paragraph that already opens with this dateline and its dash."""
    return re.compile(re.escape(core) + r"\s*(\([^)]*\)\s*)?[\-\u2010-\u2015:]", re.IGNORECASE)


def body_parts(article: LocalizedArticle) -> list[tuple[BlockRole, str]]:
    """Non-empty blocks in order; the dateline leads the first *paragraph*, never a subhead."""
    lead = dateline_lead(article.dateline)
    already = _already_led(lead[: -len(DATELINE_JOINER)]) if lead else None
    parts: list[tuple[BlockRole, str]] = []
    for block in article.body:
        text = clean(block.text)
        if not text:
            continue
        if lead and block.role == BlockRole.paragraph:
            # A localizer may already have prefixed it; never print the dateline twice.
            if already is None or not already.match(text):
                text = lead + text
            lead = ""
        parts.append((block.role, text))
    return parts


def credited_agency(article: LocalizedArticle) -> str | None:
    """The wire agency: its credit, else the copyright holder."""
    for credit in article.credits:
        if credit.role == CreditRole.agency and clean(credit.name):
            return clean(credit.name)
    return clean(article.copyright_holder) or None


def names(article: LocalizedArticle, role: CreditRole) -> list[str]:
    """Credited names for one role, in order, without duplicates."""
    seen: dict[str, str] = {}
    for credit in article.credits:
        name = clean(credit.name)
        if credit.role == role and name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def authors(article: LocalizedArticle) -> list[str]:
    """The writers; an agency story with no named writer is written by the agency ("Penulis: AFP")."""
    found = names(article, CreditRole.author)
    if found:
        return found
    agency = credited_agency(article)
    return [agency] if agency else []


def closing_credits(article: LocalizedArticle, credit_lines: Sequence[str] = ()) -> list[str]:
    """The caller's lines when given (partner templates), else lines built from the credits."""
    given = [clean(line) for line in credit_lines]
    if any(given):
        return [line for line in given if line]
    lines = [
        credit_line(article.language, key, ", ".join(found))
        for role, key in _CREDIT_ORDER
        if (found := names(article, role))
    ]
    writers = authors(article)
    if writers:
        lines.append(credit_line(article.language, "author", ", ".join(writers)))
    return lines


def caption(picture: Picture) -> str:
    """The caption, or the picture's headline when the wire sent no caption."""
    return clean(picture.caption) or clean(picture.headline)


def picture_credit(
    article: LocalizedArticle, picture: Picture, photo_credit: Mapping[str, str] | None = None
) -> str:
    """`Foto: AFP`; `photo_credit` maps picture id (or `*`) to a ready line and wins when present.

    An empty line means the partner's template credits the photo elsewhere (its closing block): none here.
    """
    if photo_credit:
        given = photo_credit.get(picture.id, photo_credit.get("*"))
        if given is not None:
            return clean(given)
    who = clean(picture.credit) or clean(picture.byline) or credited_agency(article)
    return credit_line(article.language, "photo", who) if who else ""


def is_killed(article: LocalizedArticle) -> bool:
    return article.status == Status.canceled


# Which picture file a page shows when sizes are unknown: a screen-sized one, the full file, a thumbnail last.
_SHOW_ORDER = ("web", "preview", "highdef", "hires", "original", "quicklook", "thumbnail")
WEB_MAX_WIDTH = 2048  # px: the widest rendition a page shows; wider files are for print

# Characters a URI reference may carry as they are (RFC 3986 reserved + unreserved + `%`).
_URI_SAFE = "/:@!$&'()*+,;=-._~%?#"


def file_name(href: str) -> str:
    """The last path segment of a wire href (`<sha>.jpg`), whatever the separator."""
    return href.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def rendition_href(href: str, picture_hrefs: Mapping[str, str] | None = None) -> str:
    """Where partners find the file: the caller's mapping (by href or file name), else the file name."""
    name = file_name(href)
    mapped = None
    if picture_hrefs:
        mapped = picture_hrefs.get(href) or picture_hrefs.get(name)
    return quote(clean(mapped) or name, safe=_URI_SAFE)


def shown_rendition(picture: Picture, available: Mapping[str, str] | None = None) -> Rendition | None:
    """The rendition a page shows: the widest web-sized image, else by role; only files that were delivered.

    `available` is the caller's href mapping (by href or file name); when given, renditions whose
    file is not in it are never linked.
    """
    cands = [r for r in picture.renditions
             if available is None or r.href in available or file_name(r.href) in available]
    images = [r for r in cands if r.content_type.startswith("image/")] or cands
    sized = [r for r in images if r.width and r.width <= WEB_MAX_WIDTH]
    if sized:
        return max(sized, key=lambda r: (r.width or 0, r.height or 0))
    by_role = {r.role.casefold(): r for r in reversed(images)}
    for role in _SHOW_ORDER:
        if role in by_role:
            return by_role[role]
    return images[0] if images else None
