"""The plain-text edition in the house style partners paste from (see the seed story)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from newsroom.model import LocalizedArticle, Status
from newsroom.render.labels import label
from newsroom.render.layout import body_parts, caption, clean, closing_credits, picture_credit
from newsroom.times import iso


def plain_body(article: LocalizedArticle, credit_lines: Sequence[str] = ()) -> str:
    """Dateline-led paragraphs and subheads separated by blank lines, closing credits last."""
    sections = [text for _, text in body_parts(article)]
    credits = closing_credits(article, credit_lines)
    if credits:
        sections.append("\n".join(credits))
    return "\n\n".join(sections)


def warnings(article: LocalizedArticle, embargoed: datetime | None = None) -> list[str]:
    """Notices that must travel with the copy itself, not only in metadata (the embargo when given)."""
    out: list[str] = []
    if embargoed is not None:
        out.append(f"{label(article.language, 'embargo')} {iso(embargoed)}")
    if article.provenance.dry_run:
        out.append(label(article.language, "dry_run"))
    if article.status == Status.withheld:
        out.append(label(article.language, "withheld"))
    return out


def kill_notice(article: LocalizedArticle) -> list[str]:
    """What a killed story says instead of its text."""
    lines = [label(article.language, "killed")]
    if clean(article.ednote):
        lines.append(f"{label(article.language, 'reason')}: {clean(article.ednote)}")
    return lines


def to_text(
    article: LocalizedArticle,
    *,
    credit_lines: Sequence[str] = (),
    photo_credit: Mapping[str, str] | None = None,
    notice: str | None = None,
    embargoed: datetime | None = None,
) -> str:
    """Embargo and warnings, headline, photo credit and caption, dateline-led body, `notice`, credits."""
    sections = [*warnings(article, embargoed), clean(article.headline)]
    if article.status == Status.canceled:
        sections.extend(kill_notice(article))
        return "\n\n".join(s for s in sections if s) + "\n"
    for picture in article.pictures:
        sections.append(picture_credit(article, picture, photo_credit))
        sections.append(caption(picture))
    sections.extend(text for _, text in body_parts(article))
    sections.append(clean(notice))
    credits = closing_credits(article, credit_lines)
    if credits:
        sections.append("\n".join(credits))
    return "\n\n".join(s for s in sections if s) + "\n"
