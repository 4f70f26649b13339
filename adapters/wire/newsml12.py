"""AFP NewsML 1.2: text profile (NITF 3.1 body) and multimedia profile (bcNITF2.5 + photo components)."""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import parse_datetime
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    blocks_from_xml,
    clean,
    finish_blocks,
    language_tag,
    make_dateline,
    strip_leading_dateline,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first, load_xml, text_of
from newsroom.model import Picture, Rendition, Story, Subject

_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|tiff?)$", re.I)
_RENDITION_ROLES = {"highdef", "quicklook", "thumbnail", "preview", "lowdef", "web", "main", "original"}


class NewsML12Parser:
    """Parser for NewsML 1.2 envelopes; one Story per text NewsItem."""

    format = "newsml12"

    def sniff(self, data: bytes) -> bool:
        from adapters.wire.detect import root_name
        return root_name(data) == "NewsML"

    def parse(self, data: bytes, source: str) -> list[Story]:
        root = load_xml(data, source)
        if root.tag != "NewsML":
            raise WireError(source, f"expected a NewsML root, found <{root.tag}>")
        items = descendants(root, "NewsItem")
        if not items:
            raise WireError(source, "NewsML envelope holds no NewsItem")
        stories: list[Story] = []
        skipped: list[WireError] = []
        for item in items:
            try:
                story = _item(item, source)
            except WireError as exc:
                # A picture-only NewsItem beside text items carries no copy of its own: skip just it.
                if len(items) > 1 and exc.reason.startswith("empty body"):
                    skipped.append(exc)
                    continue
                raise
            if story is not None:
                stories.append(story)
        if not stories and skipped:
            raise skipped[0]
        return stories


def _formal(el: Element | None) -> str | None:
    return attr(el, "FormalName")


def _role(comp: Element) -> str:
    return (_formal(child(comp, "Role")) or "").lower()


def _image_item(ci: Element) -> bool:
    href = attr(ci, "Href") or ""
    media = (_formal(child(ci, "MediaType")) or "").lower()
    mime = (_formal(child(ci, "MimeType")) or "").lower()
    return bool(href) and (media in {"photo", "image", "graphic"} or mime.startswith("image/") or bool(_IMAGE.search(href)))


def _text_data(ci: Element) -> Element | None:
    data = child(ci, "DataContent")
    if data is None:
        return None
    fmt = (_formal(child(ci, "Format")) or "").lower()
    media = (_formal(child(ci, "MediaType")) or "").lower()
    if "nitf" in fmt or media == "text" or first(data, "p") is not None or first(data, "body.content") is not None:
        return data
    return None


def _item(item: Element, source: str) -> Story | None:
    ident = child(item, "Identification", "NewsIdentifier")
    if ident is None:
        raise WireError(source, "NewsItem without Identification/NewsIdentifier")
    provider = sane_id(text_of(child(ident, "ProviderId")), source, "ProviderId")
    date_id = sane_id(text_of(child(ident, "DateId")), source, "DateId")
    item_id = sane_id(text_of(child(ident, "NewsItemId")), source, "NewsItemId")
    version = version_of(text_of(child(ident, "RevisionId")), source)
    public_id = text_of(child(ident, "PublicIdentifier"))

    mgmt = child(item, "NewsManagement")
    status = status_of(_formal(child(mgmt, "Status")))
    urgency_raw = _formal(child(mgmt, "Urgency"))
    urgency = int(urgency_raw) if urgency_raw and urgency_raw.isdigit() else None
    first_created = parse_datetime(text_of(child(mgmt, "FirstCreated")))
    version_created = parse_datetime(text_of(child(mgmt, "ThisRevisionCreated")))
    embargoed = _embargo(mgmt)
    instruction = " ".join(filter(None, (_formal(i) for i in children(mgmt, "Instruction"))))

    main = child(item, "NewsComponent")
    if main is None:
        raise WireError(source, f"NewsItem {item_id} has no NewsComponent")
    comps = [main, *descendants(main, "NewsComponent")]
    picture_comps = _picture_components(main)
    inside_picture = {id(c) for p in picture_comps for c in [p, *descendants(p, "NewsComponent")]}
    text_comps = [c for c in comps if id(c) not in inside_picture]

    lines = _merged_lines(text_comps)
    headline = clean(lines.get("HeadLine"))
    dateline_text = lines.get("DateLine")
    advisory = _advisory(text_comps)

    language = language_tag(attr(item, "xml:lang"))
    creators: list[str] = []
    subjects: list[Subject] = []
    keywords: list[str] = []
    genre = city = None
    usage_terms = None
    for comp in text_comps:
        language = language or language_tag(attr(comp, "xml:lang"))
        desc = child(comp, "DescriptiveMetadata")
        if desc is not None:
            language = language or language_tag(_formal(child(desc, "Language")))
            genre = genre or _formal(child(desc, "Genre"))
            for sc in descendants(desc, "SubjectCode"):
                for s in sc:
                    code = _formal(s)
                    if code and all(x.code != code for x in subjects):
                        subjects.append(Subject(code=code, name=attr(s, "Explanation") or None))
            for prop in descendants(desc, "Property"):
                name = (_formal(prop) or "").lower()
                value = clean(attr(prop, "Value"))
                if name == "keyword" and value and value not in keywords:
                    keywords.append(value)
                elif name == "city" and value:
                    city = city or value
        admin = child(comp, "AdministrativeMetadata")
        for party in descendants(child(admin, "Creator"), "Party"):
            who = clean(_formal(party) or text_of(party))
            if who and who not in creators:
                creators.append(who)
        rights = child(comp, "RightsMetadata")
        usage_terms = usage_terms or text_of(first(rights, "Limitations")) or text_of(first(rights, "UsageType"))
        if not language:
            for ci in children(comp, "ContentItem"):
                language = language or language_tag(_formal(child(ci, "Language")))

    body_el = None
    for comp in text_comps:
        for ci in children(comp, "ContentItem"):
            data = _text_data(ci)
            if data is not None and body_el is None:
                body_el = first(data, "body.content") or first(data, "body") or data
    dateline = make_dateline(dateline_text, city)
    blocks = strip_leading_dateline(blocks_from_xml(body_el), dateline)
    body = finish_blocks(blocks)

    signal = derive_signal(status, version, advisory, instruction)
    story = build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version,
        language=language or "en", headline=headline, slugline=clean(lines.get("SlugLine")),
        dateline=dateline, body=body, creators=tuple(creators), byline=clean(lines.get("ByLine")),
        credit_line=clean(lines.get("CreditLine")), copyright_line=clean(lines.get("CopyrightLine")),
        usage_terms=usage_terms, pictures=tuple(_picture(p) for p in picture_comps), status=status,
        signal=signal, embargoed=embargoed, urgency=urgency, subjects=tuple(subjects), keywords=tuple(keywords),
        advisory=advisory, genre=genre, first_created=first_created, version_created=version_created,
        source_uri=public_id or f"urn:newsml:{provider}:{date_id}:{item_id}:{version}", source_format="newsml12",
    )
    return story


def _embargo(mgmt: Element | None) -> datetime | None:
    """NewsML 1.2 holds copy with StatusWillChange (or an Embargoed status with a release time)."""
    will = child(mgmt, "StatusWillChange")
    when = parse_datetime(text_of(child(will, "DateAndTime")))
    if when:
        return when
    for prop in descendants(mgmt, "Property"):
        if "embargo" in (_formal(prop) or "").lower():
            return parse_datetime(attr(prop, "Value"))
    return None


def _merged_lines(comps: list[Element]) -> dict[str, str]:
    """NewsLines children by name; the outermost component wins, inner ones fill gaps."""
    out: dict[str, str] = {}
    for comp in comps:
        for line in child(comp, "NewsLines") or []:
            value = text_of(line)
            if value and line.tag not in out:
                out[line.tag] = value
    return out


def _advisory(comps: list[Element]) -> str | None:
    notes: list[str] = []
    for comp in comps:
        for nl in descendants(child(comp, "NewsLines"), "NewsLine"):
            kind = (_formal(child(nl, "NewsLineType")) or "").lower()
            value = text_of(child(nl, "NewsLineText"))
            if value and kind in {"advisoryline", "advisory", "ednote", "editorialnote"} and value not in notes:
                notes.append(value)
    return " ".join(notes) or None


def _picture_components(main: Element) -> list[Element]:
    """Components that are pictures: the non-rendition component above each image ContentItem."""
    parent = {c: p for p in main.iter() for c in p}
    found: list[Element] = []
    for ci in main.iter("ContentItem"):
        if not _image_item(ci):
            continue
        comp = parent.get(ci)
        if comp is None:
            continue
        if _role(comp) in _RENDITION_ROLES and parent.get(comp) is not None and parent[comp] is not main:
            comp = parent[comp]
        if comp is main or any(comp is f for f in found):
            continue
        found.append(comp)
    return found


def _picture(comp: Element) -> Picture:
    lines = child(comp, "NewsLines")
    caption = None
    renditions: list[Rendition] = []
    for sub in [comp, *descendants(comp, "NewsComponent")]:
        role = _role(sub)
        for ci in children(sub, "ContentItem"):
            if role == "caption" or (not _image_item(ci) and child(ci, "DataContent") is not None):
                caption = caption or text_of(child(ci, "DataContent"))
            elif _image_item(ci):
                renditions.append(_rendition(ci, role or "main"))
    pid = attr(comp, "Duid") or attr(comp, "Euid") or (renditions[0].href.rsplit(".", 1)[0] if renditions else "photo")
    return Picture(id=pid, headline=text_of(child(lines, "HeadLine")), caption=clean(caption),
                   credit=text_of(child(lines, "CreditLine")), byline=text_of(child(lines, "ByLine")),
                   renditions=tuple(renditions))


def _rendition(ci: Element, role: str) -> Rendition:
    href = (attr(ci, "Href") or "").replace("\\", "/").rsplit("/", 1)[-1]
    chars = child(ci, "Characteristics")
    props = {(_formal(p) or "").lower(): attr(p, "Value") for p in descendants(chars, "Property")}
    size = text_of(child(chars, "SizeInBytes"))
    mime = _formal(child(ci, "MimeType")) or "image/jpeg"
    return Rendition(role={"highdef": "HighDef", "quicklook": "Quicklook", "thumbnail": "Thumbnail"}.get(role, role),
                     href=href, content_type=mime, width=_int(props.get("width")), height=_int(props.get("height")),
                     size_bytes=_int(size))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
