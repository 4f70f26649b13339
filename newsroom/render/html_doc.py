"""The HTML editions: a whole HTML5 page, and the body fragment ninjs carries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

import nh3

from newsroom.model import BlockRole, LocalizedArticle, Picture, Status
from newsroom.render.layout import (
    body_parts,
    caption,
    clean,
    closing_credits,
    picture_credit,
    rendition_href,
    shown_rendition,
)
from newsroom.render.plain_text import kill_notice, warnings

# The only markup a ninjs body may carry; anything else is stripped even if escaping ever failed.
_FRAGMENT_TAGS = {"p", "h2", "br"}
_FRAGMENT_ATTRIBUTES = {"p": {"class"}}


def _e(text: str) -> str:
    """Article text is plain text from the wire: escape it, quotes included."""
    return escape(text, quote=True)


def _blocks(article: LocalizedArticle) -> list[str]:
    return [
        f"<h2>{_e(text)}</h2>" if role == BlockRole.subhead else f"<p>{_e(text)}</p>"
        for role, text in body_parts(article)
    ]


def _credits(lines: Sequence[str]) -> list[str]:
    return ['<p class="credits">' + "<br>".join(_e(line) for line in lines) + "</p>"] if lines else []


def html_body(article: LocalizedArticle, credit_lines: Sequence[str] = ()) -> str:
    """Paragraphs (`<p>`), subheads (`<h2>`) and a `<p class="credits">` block, sanitised."""
    parts = _blocks(article) + _credits(closing_credits(article, credit_lines))
    return nh3.clean("\n".join(parts), tags=_FRAGMENT_TAGS, attributes=_FRAGMENT_ATTRIBUTES)


def _figure(
    article: LocalizedArticle,
    picture: Picture,
    photo_credit: Mapping[str, str] | None,
    picture_hrefs: Mapping[str, str] | None,
) -> str:
    rows = ["<figure>"]
    text = caption(picture)
    rendition = shown_rendition(picture, picture_hrefs)
    if rendition is not None:
        size = "".join(
            f' {name}="{value}"'
            for name, value in (("width", rendition.width), ("height", rendition.height))
            if value
        )
        alt = clean(picture.headline) or text
        rows.append(f'<img src="{_e(rendition_href(rendition.href, picture_hrefs))}" alt="{_e(alt)}"{size}>')
    credit = picture_credit(article, picture, photo_credit)
    inner = []
    if credit:
        inner.append(f'<span class="credit">{_e(credit)}</span>')
    if text:
        inner.append(f'<span class="caption">{_e(text)}</span>')
    if inner:
        rows.append("<figcaption>" + " ".join(inner) + "</figcaption>")
    rows.append("</figure>")
    return "\n".join(rows)


def to_html(
    article: LocalizedArticle,
    *,
    credit_lines: Sequence[str] = (),
    photo_credit: Mapping[str, str] | None = None,
    picture_hrefs: Mapping[str, str] | None = None,
    notice: str | None = None,
    embargoed: datetime | None = None,
) -> str:
    """A small, complete HTML5 page; every piece of article text is escaped.

    `picture_hrefs` maps wire hrefs to where the files are relative to the page; `embargoed` prints
    the embargo time at the top (for partners who receive embargoed copy early).
    """
    headline = clean(article.headline)
    parts = [f'<p class="notice warning">{_e(w)}</p>' for w in warnings(article, embargoed)]
    parts.append(f"<h1>{_e(headline)}</h1>")
    if article.status == Status.canceled:
        parts.extend(f'<p class="notice">{_e(line)}</p>' for line in kill_notice(article))
    else:
        parts.extend(_figure(article, p, photo_credit, picture_hrefs) for p in article.pictures)
        parts.extend(_blocks(article))
        if clean(notice):
            parts.append(f'<p class="notice">{_e(clean(notice))}</p>')
        parts.extend(_credits(closing_credits(article, credit_lines)))
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{_e(clean(article.language) or "und")}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(headline)}</title>",
            "</head>",
            "<body>",
            "<article>",
            *parts,
            "</article>",
            "</body>",
            "</html>",
            "",
        ]
    )
