"""AFP NewsML 1.2: text profile (NITF 3.1 body) and multimedia profile (bcNITF2.5 + photo components)."""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import date_id_of, parse_datetime
from adapters.wire.ids import parse_item_id, revision_from_time
from adapters.wire.renditions import finish_renditions
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    blocks_from_xml,
    clean,
    clean_byline,
    drop_byline_paragraph,
    drop_repeated_headline,
    finish_blocks,
    html_to_blocks,
    language_tag,
    looks_like_html,
    make_dateline,
    split_dateline_prefix,
    strip_leading_dateline,
    text_to_blocks,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first, first_of, load_xml, text_of
from newsroom.model import Block, Picture, Rendition, Story, Subject, safe_id

_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|tiff?)$", re.I)
_RENDITION_ROLES = {"highdef", "quicklook", "thumbnail", "preview", "lowdef", "web", "main", "original"}


class NewsML12Parser:
    """Parser for NewsML 1.2 envelopes; one Story per text NewsItem."""

    format = "newsml12"

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
    mime = (_formal(child(ci, "MimeType")) or "").lower()
    if "css" in fmt or "css" in mime:
        return None
    if ("nitf" in fmt or "html" in fmt or media == "text" or "html" in mime or first(data, "p") is not None
            or first(data, "body.content") is not None):
        return data
    return None


def _item(item: Element, source: str) -> Story | None:
    ident = child(item, "Identification", "NewsIdentifier")
    if ident is None:
        raise WireError(source, "NewsItem without Identification/NewsIdentifier")
    public_id = text_of(child(ident, "PublicIdentifier"))
    mgmt = child(item, "NewsManagement")
    provider = sane_id(text_of(child(ident, "ProviderId")), source, "ProviderId")
    item_id = sane_id(_item_id(item, ident), source, "NewsItemId")
    date_id = sane_id(_date_id(ident, mgmt, public_id), source, "DateId")
    stated = text_of(child(ident, "RevisionId"))
    # TASS states no revision: its revision time orders the revisions instead (new copy still signals new).
    version = version_of(stated, source) if stated else (
        revision_from_time(parse_datetime(text_of(child(mgmt, "ThisRevisionCreated")))) or 1)

    status = status_of(_formal(child(mgmt, "Status")))
    urgency_raw = _formal(child(mgmt, "Urgency")) or text_of(child(mgmt, "Urgency"))
    urgency = int(urgency_raw) if urgency_raw and urgency_raw.isdigit() else None
    first_created = parse_datetime(text_of(child(mgmt, "FirstCreated")))
    version_created = parse_datetime(text_of(child(mgmt, "ThisRevisionCreated")))
    embargoed = _embargo(mgmt)
    instruction = " ".join(filter(None, (_formal(i) for i in children(mgmt, "Instruction"))))

    main = child(item, "NewsComponent")
    refs = descendants(item, "NewsItemRef")
    if main is None and not refs:
        raise WireError(source, f"NewsItem {item_id} has no NewsComponent")
    if first(item, "ContentItem") is None and (refs or first(item, "HeadLine") is None):
        what = f"lists {len(refs)} items by reference" if refs else "labels a feed section"
        raise WireError(source, f"NewsML index (NewsItem {item_id} {what}, no story text): a feed folder's index, "
                                "not a story")
    assert main is not None
    comps = [main, *descendants(main, "NewsComponent")]
    picture_comps = _picture_components(main)
    inside_picture = {id(c) for p in picture_comps for c in [p, *descendants(p, "NewsComponent")]}
    text_comps = [c for c in comps if id(c) not in inside_picture]

    lines = _merged_lines(text_comps)
    headline = clean(lines.get("HeadLine")) or _titled(text_comps)
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

    dateline = make_dateline(dateline_text)  # the DateLine's own place; Location metadata is not a dateline
    blocks = drop_repeated_headline(_body_blocks(text_comps), headline)
    if byline_text := lines.get("ByLine"):
        blocks = drop_byline_paragraph(blocks, clean_byline(byline_text))
    if (dateline is None or dateline.city is None) and blocks:  # no DateLine, or one naming only a date
        lead, rest = split_dateline_prefix(blocks[0].text)
        if lead is not None:
            dateline, blocks = lead, ([Block(text=rest)] if rest else []) + blocks[1:]
    blocks = strip_leading_dateline(blocks, dateline)
    body = finish_blocks(blocks)

    signal = derive_signal(status, version if stated else 1, advisory, instruction)
    story = build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version,
        language=language or "en", headline=headline, slugline=clean(lines.get("SlugLine")),
        dateline=dateline, body=body, creators=tuple(creators), byline=clean_byline(lines.get("ByLine")),
        credit_line=clean(lines.get("CreditLine")), copyright_line=clean(lines.get("CopyrightLine")),
        copyright_holder=_holder(text_comps),
        usage_terms=usage_terms, pictures=tuple(_picture(p) for p in picture_comps), status=status,
        signal=signal, embargoed=embargoed, urgency=urgency, subjects=tuple(subjects), keywords=tuple(keywords),
        advisory=advisory, genre=genre, first_created=first_created, version_created=version_created,
        source_uri=public_id or f"urn:newsml:{provider}:{date_id}:{item_id}:{version}", source_format="newsml12",
    )
    return story


def _item_id(item: Element, ident: Element) -> str | None:
    """NewsItemId; TASS sends none, so its item `guid` (or the main component's Duid) stands in, which
    every revision of the item repeats."""
    return (text_of(child(ident, "NewsItemId")) or text_of(first(item, "guid"))
            or attr(child(item, "NewsComponent"), "Duid"))


def _date_id(ident: Element, mgmt: Element | None, public_id: str | None) -> str:
    """DateId as sent; without one (TASS), the date in the PublicIdentifier, else the first revision's day.

    FirstCreated stays the same across revisions, so every revision still gets the same identity.
    """
    date_id = text_of(child(ident, "DateId"))
    if date_id:
        return date_id
    if public_id:
        parsed = parse_item_id(public_id)
        if parsed.date_id != "undated":
            return parsed.date_id
    first = parse_datetime(text_of(child(mgmt, "FirstCreated")))
    return date_id_of(first)


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


# Components that carry something other than the story text: press-release furniture, captions, logos.
_NOT_BODY = {"stylesheet", "headline", "subheadline", "title", "contact", "contacts", "logo", "caption", "byline", "photo",
             "picture", "thumbnail", "quicklook", "highdef", "preview", "boilerplate", "video", "audio", "graphic"}


def _body_blocks(comps: list[Element]) -> list[Block]:
    """The story text: the Body/Main component first, any other text component next; HTML in CDATA as HTML."""
    ranked: list[tuple[int, int, Element]] = []
    for order, comp in enumerate(comps):
        role = _role(comp)
        if role in _NOT_BODY:
            continue
        for ci in children(comp, "ContentItem"):
            data = _text_data(ci)
            if data is None and role in {"body", "main", "text", "lead"}:
                data = child(ci, "DataContent")  # Belga: Role Body, Format "", plain text
            if data is not None:
                ranked.append((-1 if role == "lead" else 0 if role in {"body", "main", "text"} else 1, order, data))
    lead: list[Block] = []
    for rank, _, data in sorted(ranked, key=lambda r: (r[0], r[1])):
        blocks = _data_blocks(data)
        if rank < 0:  # a Lead component opens the Body that follows
            lead = lead or blocks
        elif blocks:
            return lead + blocks
    return lead


def _data_blocks(data: Element) -> list[Block]:
    found = first_of(data, "body.content", "body")
    if found is not None:
        return blocks_from_xml(found)
    if len(data) == 0:  # text only: an HTML body in CDATA (ANA), or plain text
        raw = data.text or ""
        return html_to_blocks(raw) if looks_like_html(raw) else text_to_blocks(raw)
    return blocks_from_xml(data)


def _titled(comps: list[Element]) -> str | None:
    """Belga sends the headline as a component with Role Title."""
    for comp in comps:
        if _role(comp) == "title":
            for ci in children(comp, "ContentItem"):
                if text := clean(text_of(child(ci, "DataContent"))):
                    return text
    return None


def _holder(comps: list[Element]) -> str | None:
    for comp in comps:
        holder = first(child(comp, "RightsMetadata"), "CopyrightHolder")
        if holder is not None and (name := clean(_formal(first(holder, "Party")) or text_of(holder))):
            return name
    return None


def _merged_lines(comps: list[Element]) -> dict[str, str]:
    """NewsLines children by name; the outermost component wins, inner ones fill gaps."""
    out: dict[str, str] = {}
    for comp in comps:
        news_lines = child(comp, "NewsLines")
        for line in [] if news_lines is None else news_lines:
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
        if comp is main or any(comp is f for f in found) or _role(comp) in _NOT_PHOTOS:
            continue
        found.append(comp)
    return found


# A company logo or an icon is artwork, not a news photo: never published with a photo credit.
_NOT_PHOTOS = {"logo", "icon", "banner", "advertisement", "signature"}


def _picture(comp: Element) -> Picture:
    lines = child(comp, "NewsLines")
    caption = None
    found: list[tuple[str, Rendition]] = []
    for sub in [comp, *descendants(comp, "NewsComponent")]:
        role = _role(sub)
        for ci in children(sub, "ContentItem"):
            if role == "caption" or (not _image_item(ci) and child(ci, "DataContent") is not None):
                caption = caption or text_of(child(ci, "DataContent"))
            elif _image_item(ci):
                found.append((attr(ci, "Href") or "", _rendition(ci, role if role and role not in {"photo", "picture"} else "main")))
    renditions = finish_renditions(found)
    first_ci = first(comp, "ContentItem")
    stem = renditions[0].href.rsplit("/", 1)[-1].rsplit(".", 1)[0] if renditions else ""
    pid = attr(comp, "Duid") or attr(comp, "Euid") or attr(first_ci, "Duid") or stem or "photo"
    headline = clean(text_of(child(lines, "HeadLine")))
    if caption is None and headline and len(headline.split()) > 12:
        caption = headline  # Business Wire writes the caption into the photo's HeadLine
    return Picture(id=safe_id(pid), headline=headline, caption=clean(caption),
                   credit=text_of(child(lines, "CreditLine")), byline=text_of(child(lines, "ByLine")),
                   renditions=tuple(renditions))


_IMAGE_USE = {"highres": "HighDef", "viewimage": "Quicklook", "lowres": "Preview", "thumbnail": "Thumbnail"}


def _rendition(ci: Element, role: str) -> Rendition:
    """One file of a picture; a remote URL is kept whole so renditions with one file name stay distinct."""
    href = (attr(ci, "Href") or "").strip()
    chars = child(ci, "Characteristics")
    props = {(_formal(p) or "").lower(): attr(p, "Value") for p in descendants(chars, "Property")}
    use = (props.get("imageuse") or "").lower()
    if use:
        role = _IMAGE_USE.get(use, use)
    props.setdefault("width", props.get("pixelwidth"))
    props.setdefault("height", props.get("pixelheight"))
    size = text_of(child(chars, "SizeInBytes"))
    mime = _formal(child(ci, "MimeType")) or "image/jpeg"
    return Rendition(role={"highdef": "HighDef", "quicklook": "Quicklook", "thumbnail": "Thumbnail"}.get(role, role),
                     href=href, content_type=mime, width=_int(props.get("width")), height=_int(props.get("height")),
                     size_bytes=_int(size))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
