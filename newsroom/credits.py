"""Who made the article, from the feed and the outlet's settings, rendered per language and partner."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from newsroom.agencies import agency_name
from newsroom.languages import is_indonesian
from newsroom.model import Credit, CreditRole, Picture, Story
from newsroom.render.labels import label

_KEYS = {CreditRole.editor: "editor", CreditRole.author: "author", CreditRole.photographer: "photographer",
         CreditRole.translator: "translator", CreditRole.agency: "agency"}
DESK = "desk"  # organisation of the configured desk editor, so the source's own editor stays apart
MACHINE = "machine translation"
# The services' public names, as a disclosure must print them (never the internal engine id).
_PUBLIC = {"google": "Google Translate", "deepl": "DeepL", "libre": "LibreTranslate",
           "libretranslate": "LibreTranslate", "mymemory": "MyMemory", "microsoft": "Microsoft Translator",
           "azure": "Microsoft Translator", "bing": "Microsoft Translator"}


@dataclass(frozen=True)
class CreditTemplate:
    """How a partner prints credits: closing roles in order, where photo credits go, whose editor is named."""

    roles: tuple[CreditRole, ...]
    photo: Literal["caption", "closing"] = "caption"  # under each picture, or once in the closing block
    editor_from: Literal["desk", "source"] = "desk"  # the configured desk editor, or the source's own
    one_line: bool = False


_TEMPLATES: dict[str, CreditTemplate] = {
    # The seed article: "Foto: AFP" above the caption; "Redaktur: …" then "Penulis: AFP" at the end.
    "standard": CreditTemplate((CreditRole.editor, CreditRole.author, CreditRole.translator)),
    "source-editor": CreditTemplate((CreditRole.editor, CreditRole.author, CreditRole.translator),
                                    editor_from="source"),
    # Antara style names the translator and the editor only, in that order.
    "antara": CreditTemplate((CreditRole.translator, CreditRole.editor)),
    "compact": CreditTemplate((CreditRole.author, CreditRole.photographer, CreditRole.translator, CreditRole.editor),
                              photo="closing", one_line=True),
}
TEMPLATES = tuple(_TEMPLATES)


def credit_template(name: str) -> CreditTemplate:
    """A partner's credit template by name; an unknown name is a configuration error."""
    if name not in _TEMPLATES:
        raise ValueError(f"unknown credit template {name!r}; known: {', '.join(TEMPLATES)}")
    return _TEMPLATES[name]


def engine_public_name(engine: str | None, kind: str | None = None) -> str | None:
    """"libre" -> "LibreTranslate": the name readers know; None for no engine or a non-engine (memory, dry run)."""
    if not engine or engine in ("dry-run", "original", "human", "none"):
        return None
    for key in (kind, engine):
        if key:
            low = key.lower()
            if low in _PUBLIC:
                return _PUBLIC[low]
            hit = next((v for k, v in _PUBLIC.items() if low.startswith(k)), None)
            if hit:
                return hit
    return engine


def _lang(language: str) -> str:
    return "id" if is_indonesian(language) else "en"


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
    if story.copyright_holder:
        return story.copyright_holder
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


_DESK_WORDS = ("Meja Redaksi", "Tim Redaksi", "Redaksi")  # Indonesian names for a desk, longest first


def desk_editor(editor: str | Mapping[str, str] | None, language: str) -> str | None:
    """The configured desk editor for one language: a per-language table, or one name ("Meja Redaksi Kawat"
    becomes "Kawat Desk" in English: a desk's name is translated, a person's is not)."""
    if editor is None or isinstance(editor, str):
        name = editor
    else:
        name = editor.get(_lang(language)) or editor.get("id") or next(iter(editor.values()), None)
    if name and _lang(language) == "en":
        for desk_id in _DESK_WORDS:  # "Meja Redaksi Kawat" -> "Kawat Desk"; plain "Redaksi" -> "Editorial Desk"
            if name == desk_id:
                return f"Editorial {label('en', 'desk')}"
            if name.startswith(desk_id + " "):
                return f"{name[len(desk_id) + 1:]} {label('en', 'desk')}"
    return name


def build_credits(
    story: Story, *, editor: str | Mapping[str, str] | None = None, translator: str | None = None,
    engine: str | None = None, machine_translated: bool = True, language: str = "id",
) -> tuple[Credit, ...]:
    """Agency, authors, photographers (and the source's editor) from the feed; desk editor and translator from
    configuration. Both editors are kept apart; the partner's template picks one when rendering."""
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
    desk = desk_editor(editor, language)
    if desk:
        out.append(Credit(role=CreditRole.editor, name=desk, organisation=DESK))
    if translator:
        add(Credit(role=CreditRole.translator, name=translator))
    elif machine_translated and engine:
        add(Credit(role=CreditRole.translator, name=engine_public_name(engine) or engine, organisation=MACHINE))
    return tuple(out)


def _display(credit: Credit) -> str:
    if credit.role == CreditRole.photographer and credit.organisation and credit.organisation != credit.name:
        return f"{credit.organisation}/{credit.name}"
    return credit.name


def disclosure(language: str, engine: str | None = None) -> str:
    """The machine-translation notice a partner can require, naming the service as readers know it."""
    public = engine_public_name(engine) if engine else None
    return label(language, "mt_notice") + (f" ({public})." if public else ".")


def _editors(credits: Sequence[Credit], tpl: CreditTemplate) -> list[Credit]:
    """One editor credit: the desk's, or the source's when the template says so (the other as fallback)."""
    desk = [c for c in credits if c.role == CreditRole.editor and c.organisation == DESK]
    source = [c for c in credits if c.role == CreditRole.editor and c.organisation != DESK]
    first, second = (source, desk) if tpl.editor_from == "source" else (desk, source)
    return first[:1] or second[:1]


def credit_lines(
    credits: Sequence[Credit], language: str, *, template: str = "standard", mt_disclosure: bool = False,
    engine: str | None = None,
) -> list[str]:
    """'Redaktur: Lili Lestari', 'Penulis: AFP' … per template; 'compact' gives one line."""
    tpl = credit_template(template)
    lang = _lang(language)
    machine = [c for c in credits if c.role == CreditRole.translator and c.organisation == MACHINE]
    lines: list[str] = []
    for role in tpl.roles:
        if role == CreditRole.editor:
            chosen = _editors(credits, tpl)
        else:
            chosen = [c for c in credits if c.role == role and c not in machine]
        agency_copy = bool(chosen) and all(c.organisation for c in chosen)
        if role == CreditRole.author and not tpl.one_line and agency_copy:
            if lang == "en":
                continue  # English agency copy is credited by its dateline ("SAN FRANCISCO (AFP) -")
            # Agency copy is credited to the agency, as Indonesian outlets print it ("Penulis: AFP");
            # the named reporters stay in the ninjs `by` field.
            names = list(dict.fromkeys(c.organisation for c in chosen if c.organisation))
        else:
            names = list(dict.fromkeys(_display(c) for c in chosen))
        if names:
            lines.append(f"{label(lang, _KEYS[role])}: {', '.join(names)}")
    if tpl.one_line and lines:
        lines = [" | ".join(lines)]
    if mt_disclosure:
        lines.append(disclosure(lang, engine or (machine[0].name if machine else None)))
    return lines


def photo_in_caption(template_name: str) -> bool:
    """Does this template print the photo credit under each picture (not in the closing block)?"""
    return credit_template(template_name).photo == "caption"


def photo_credit_line(picture: Picture, language: str) -> str | None:
    """'Foto: AFP/Josh Edelson' style line under a picture."""
    credit = _photo_parts(picture, None)
    if credit is None:
        return None
    word = label(language, "photo")
    if credit.organisation and credit.organisation != credit.name:
        return f"{word}: {credit.organisation}/{credit.name}"
    return f"{word}: {credit.name}"
