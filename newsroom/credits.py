"""Who made the article, from the feed and the outlet's settings, rendered per language and partner."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsroom.agencies import agency_name
from newsroom.model import Credit, CreditRole, Picture, Story

_LABELS = {
    "id": {CreditRole.editor: "Redaktur", CreditRole.author: "Penulis", CreditRole.photographer: "Foto",
           CreditRole.translator: "Penerjemah", CreditRole.agency: "Sumber"},
    "en": {CreditRole.editor: "Editor", CreditRole.author: "Writer", CreditRole.photographer: "Photo",
           CreditRole.translator: "Translated by", CreditRole.agency: "Source"},
}
# Antara style names the translator and the editor only, in that order.
_ORDER = {
    "standard": (CreditRole.editor, CreditRole.author, CreditRole.photographer, CreditRole.translator),
    "antara": (CreditRole.translator, CreditRole.editor),
    "compact": (CreditRole.author, CreditRole.photographer, CreditRole.translator, CreditRole.editor),
}
TEMPLATES = tuple(_ORDER)


def _lang(language: str) -> str:
    return "id" if language.lower().split("-")[0] in ("id", "in") else "en"


def agency_credit(story: Story) -> str | None:
    """The agency to credit: the feed's credit line when it names one, else the provider's name.

    Never a rights notice: "(c) Copyright Thomson Reuters 2014. Click For Restrictions - http://…"
    is not a credit, nor is a bare URL.
    """
    line = (story.credit_line or "").strip()
    if line and len(line) <= 60 and not _NOT_A_NAME.search(line):
        return line
    return agency_name(story.provider)


_NOT_A_NAME = re.compile(r"(?i)https?:|www\.|\.com\b|©|\(c\)|copyright|rights|click for|restriction")


def copyright_holder(story: Story) -> str | None:
    """The rights holder's name: the feed's holder field, else the name in the notice, else the agency."""
    holder = getattr(story, "copyright_holder", None)
    if holder:
        return holder
    if story.copyright_line:
        text = re.sub(r"(?i)https?://\S+|www\.\S+|click for restrictions.*$|all rights reserved.*$|©|\(c\)|copyright",
                      " ", story.copyright_line)
        text = re.sub(r"\b\d{4}(?:\s*[-–/]\s*\d{2,4})?\b", " ", text)
        name = " ".join(text.split()).strip(" ,.-")
        if name and len(name) <= 80:
            return name
    return agency_credit(story)


def _split_names(text: str) -> list[str]:
    """AFP Creator/ByLine: 'Glenn Chapman with Julie Jammot in Paris' -> two names."""
    text = re.sub(r"(?i)^by\s+", "", text.strip())
    parts = re.split(r"\s*(?:,|;|\band\b|\bwith\b|\bdan\b|&)\s*", text)
    names = [re.sub(r"\s+in\s+[A-Z].*$", "", p).strip(" /") for p in parts]
    return [n for n in names if n]


def _photo_parts(picture: Picture, agency: str | None) -> Credit | None:
    """'Josh Edelson / AFP' -> photographer Josh Edelson of AFP; 'AFP' -> the agency itself."""
    raw = picture.byline or picture.credit
    if not raw:
        return None
    bits = [b.strip() for b in re.split(r"\s*/\s*", raw) if b.strip()]
    org = picture.credit if picture.byline and picture.credit else (bits[-1] if len(bits) > 1 else agency)
    name = bits[0]
    return Credit(role=CreditRole.photographer, name=name, organisation=org if org != name else None)


def build_credits(
    story: Story, *, editor: str | None = None, translator: str | None = None, engine: str | None = None,
    machine_translated: bool = True,
) -> tuple[Credit, ...]:
    """Agency, authors, photographers from the feed; editor and translator from configuration."""
    agency = agency_credit(story)
    out: list[Credit] = list(story.credits)

    def add(c: Credit) -> None:
        if not any(o.role == c.role and o.name.casefold() == c.name.casefold() for o in out):
            out.append(c)

    if agency:
        add(Credit(role=CreditRole.agency, name=agency, organisation=agency))
    # The byline as the file states it names the writers; creator fields (often a desk login or the
    # agency itself) only when there is no byline.
    authors = _split_names(story.byline) if story.byline else [n for c in story.creators for n in _split_names(c)]
    for name in authors:
        add(Credit(role=CreditRole.author, name=name, organisation=agency))
    if not any(c.role == CreditRole.author for c in out) and agency:
        add(Credit(role=CreditRole.author, name=agency, organisation=agency))
    for pic in story.pictures:
        credit = _photo_parts(pic, agency)
        if credit:
            add(credit)
    if editor:
        add(Credit(role=CreditRole.editor, name=editor))
    if translator:
        add(Credit(role=CreditRole.translator, name=translator))
    elif machine_translated and engine:
        add(Credit(role=CreditRole.translator, name=engine, organisation="machine translation"))
    return tuple(out)


def _display(credit: Credit) -> str:
    if credit.role == CreditRole.photographer and credit.organisation and credit.organisation != credit.name:
        return f"{credit.organisation}/{credit.name}"
    return credit.name


def disclosure(language: str, engine: str | None = None) -> str:
    """The machine-translation notice a partner can require."""
    via = f" ({engine})" if engine else ""
    if _lang(language) == "id":
        return f"Artikel ini diterjemahkan dengan bantuan mesin penerjemah{via}."
    return f"This article was translated with the help of machine translation{via}."


def credit_lines(
    credits: Sequence[Credit], language: str, *, template: str = "standard", mt_disclosure: bool = False,
    engine: str | None = None,
) -> list[str]:
    """'Redaktur: Lili Lestari', 'Penulis: AFP' … per template; 'compact' gives one line."""
    if template not in _ORDER:
        raise ValueError(f"unknown credit template {template!r}; known: {', '.join(TEMPLATES)}")
    lang = _lang(language)
    labels = _LABELS[lang]
    machine = [c for c in credits if c.role == CreditRole.translator and c.organisation == "machine translation"]
    lines: list[str] = []
    for role in _ORDER[template]:
        chosen = [c for c in credits if c.role == role and c not in machine]
        if role == CreditRole.author and template == "standard" and chosen and all(c.organisation for c in chosen):
            # Agency copy is credited to the agency, as Indonesian outlets print it ("Penulis: AFP");
            # the named reporters stay in the ninjs `by` field.
            names = list(dict.fromkeys(c.organisation for c in chosen if c.organisation))
        else:
            names = [_display(c) for c in chosen]
        if role == CreditRole.photographer:
            names = list(dict.fromkeys(names))
        if names:
            lines.append(f"{labels[role]}: {', '.join(names)}")
    if template == "compact" and lines:
        lines = [" | ".join(lines)]
    if mt_disclosure:
        lines.append(disclosure(lang, engine or (machine[0].name if machine else None)))
    return lines


def photo_credit_line(picture: Picture, language: str) -> str | None:
    """'Foto: AFP/Josh Edelson' style line under a picture."""
    credit = _photo_parts(picture, None)
    if credit is None:
        return None
    label = _LABELS[_lang(language)][CreditRole.photographer]
    if credit.organisation and credit.organisation != credit.name:
        return f"{label}: {credit.organisation}/{credit.name}"
    return f"{label}: {credit.name}"
