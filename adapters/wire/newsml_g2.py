"""IPTC NewsML-G2: newsItems, packageItems and newsMessages of them; text items, pictures, photo stories."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import parse_datetime
from adapters.wire.ids import parse_item_id, provider_of
from adapters.wire.renditions import finish_renditions
from adapters.wire.signals import derive_signal, explicit_signal, status_of
from adapters.wire.text import (
    blocks_from_xml,
    clean,
    clean_byline,
    drop_byline_paragraph,
    finish_blocks,
    html_to_blocks,
    is_editor_note,
    language_tag,
    looks_like_html,
    make_dateline,
    nitf_byline,
    split_dateline_prefix,
    strip_leading_dateline,
    text_to_blocks,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first_of, load_xml, text_of
from newsroom.agencies import agency_name, known_agency
from newsroom.model import Block, Picture, Rendition, Signal, Status, Story, Subject

_MEDIA = {"picture", "graphic", "photo", "video", "audio", "animated"}
_PICTURES = {"picture", "graphic", "photo"}
_NOT_NEWS = {"knowledgeItem": "a knowledge item (a vocabulary of concepts)", "conceptItem": "a concept item",
             "conceptSet": "a set of concepts", "planningItem": "a planning item (coverage plans)",
             "catalog": "a catalog of vocabularies", "eventsML": "an events list", "eventItem": "an event item"}
_ROLE_NAMES = {"highres": "HighDef", "highdef": "HighDef", "baseimage": "HighDef", "original": "HighDef",
               "preview": "Quicklook", "viewimage": "Quicklook", "web": "Quicklook", "thumbnail": "Thumbnail",
               "thumb": "Thumbnail"}
_PHOTOGRAPHER = re.compile(r"phot|photographer", re.I)


class NewsMLG2Parser:
    """Parser for G2 text items with the pictures of the same message; a picture alone is a photo story."""

    format = "newsml-g2"

    def parse(self, data: bytes, source: str) -> list[Story]:
        root = load_xml(data, source)
        if root.tag in _NOT_NEWS:
            raise WireError(source, f"NewsML-G2 <{root.tag}> is {_NOT_NEWS[root.tag]}, not a news story")
        if root.tag in {"newsItem", "packageItem"}:
            items = [root]
        else:
            items = [i for i in root.iter() if i.tag in {"newsItem", "packageItem"} and i is not root]
        if not items:
            others = sorted({i.tag for i in root.iter() if i.tag in _NOT_NEWS})
            what = f" (only {', '.join(others)})" if others else ""
            raise WireError(source, f"no newsItem or packageItem in <{root.tag}>{what}")
        news = [i for i in items if i.tag == "newsItem"]
        packages = [i for i in items if i.tag == "packageItem"]
        by_guid = {_bare_guid(i): i for i in news if attr(i, "guid")}
        texts: list[Element] = []
        pictures: list[Element] = []
        for pkg in packages:
            refs = [r for r in descendants(pkg, "itemRef") if attr(r, "residref")]
            found = [by_guid[g] for g in (_bare(attr(r, "residref") or "") for r in refs) if g in by_guid]
            if not found and not news:
                raise WireError(source, f"packageItem {attr(pkg, 'guid') or ''} lists {len(refs)} items by reference "
                                        "and none of them is in this file: nothing to publish")
        for item in news:
            cls = _item_class(item)
            if cls in _PICTURES:
                pictures.append(item)
            elif cls not in _MEDIA:
                texts.append(item)
        if texts:
            pics = tuple(p for p in (_picture(i, source) for i in pictures) if p is not None)
            return [_story(i, source, pics) for i in texts]
        if pictures:
            return [_photo_story(i, source) for i in pictures]
        kinds = sorted({_item_class(i) for i in news})
        raise WireError(source, f"only {', '.join(kinds)} items: Kawat publishes text and photo stories")


def _bare(guid: str) -> str:
    return guid.strip()


def _bare_guid(item: Element) -> str:
    return _bare(attr(item, "guid") or "")


def _item_class(item: Element) -> str:
    qcode = attr(child(item, "itemMeta", "itemClass"), "qcode") or "ninat:text"
    return qcode.split(":")[-1].lower()


def _name(el: Element | None) -> str | None:
    """A G2 party's readable name: `<name>`, else its literal."""
    return text_of(child(el, "name")) or attr(el, "literal")


def _identity(item: Element, version: int, source: str) -> tuple[str, str, str]:
    """Provider, date part, item part from the guid without its version: every revision shares them."""
    guid = attr(item, "guid")
    if not guid:
        raise WireError(source, "newsItem without guid")
    parsed = parse_item_id(guid, version)
    meta = child(item, "itemMeta")
    provider_el = child(meta, "provider")
    provider = (parsed.provider or provider_of(attr(provider_el, "literal")) or provider_of(attr(provider_el, "qcode"))
                or provider_of(attr(provider_el, "uri")) or "g2")
    return (sane_id(provider, source, "provider"), sane_id(parsed.date_id, source, "date id"),
            sane_id(parsed.item_id, source, "item id"))


def _credit(cmeta: Element | None, meta: Element | None) -> str | None:
    """The credit line, else the provider's name: never the rights notice."""
    line = (text_of(child(cmeta, "creditline")) or "").strip(" -–—/")  # STT sends "STT–"
    if line:
        return line
    provider = child(meta, "provider")
    if name := text_of(child(provider, "name")):
        return name
    literal = attr(provider, "literal") or attr(provider, "uri")
    if literal and (name := agency_name(literal)):
        return name
    qcode = attr(provider, "qcode")  # a code ("approviderid:z01122") names an agency only when we know it
    return agency_name(qcode) if qcode and known_agency(provider_of(qcode)) else None


def _first_lang(elements: list[Element], prefer: str | None) -> str | None:
    texts = [(attr(e, "xml:lang"), text_of(e)) for e in elements]
    for lang, text in texts:
        if text and prefer and lang and lang.lower().startswith(prefer):
            return text
    return next((t for _, t in texts if t), None)


def _headline(cmeta: Element | None, meta: Element | None) -> str | None:
    heads = children(cmeta, "headline")
    main = [h for h in heads if (attr(h, "role") or "main").split(":")[-1].lower() in {"main", "headline", "hld:main"}]
    chosen = (main or heads)[0] if (main or heads) else None
    return clean(text_of(chosen)) or clean(text_of(child(meta, "title")))


def _ednote(meta: Element | None) -> str | None:
    """Public editorial notes only: not dpa's HTML notepad, contacts, closing lines or non-public notes."""
    notes = []
    for note in children(meta, "edNote"):
        role = (attr(note, "role") or "").lower()
        if len(note) or "nonpublic" in (attr(note, "pubconstraint") or "") or "closing" in role or "contact" in role:
            continue
        if text := text_of(note):
            notes.append(text)
    return " ".join(notes) or None


def _story(item: Element, source: str, pictures: tuple[Picture, ...]) -> Story:
    meta = child(item, "itemMeta")
    cmeta = child(item, "contentMeta")
    version = version_of(attr(item, "version"), source)
    provider, date_id, item_id = _identity(item, version, source)
    status = status_of(attr(child(meta, "pubStatus"), "qcode") or text_of(child(meta, "pubStatus")))
    ednote = _ednote(meta)
    explicit = " ".join(filter(None, (attr(s, "qcode") for s in children(meta, "signal")))) or None
    if explicit_signal(explicit) is Signal.kill and status is Status.usable:
        status = Status.canceled
    language = language_tag(attr(child(cmeta, "language"), "tag")) or language_tag(attr(item, "xml:lang"))
    byline = clean_byline(text_of(child(cmeta, "by")))
    dateline = make_dateline(text_of(child(cmeta, "dateline")))  # never <located>: that is metadata, not a dateline

    byline_title = None
    if byline is None:
        byline, byline_title = nitf_byline(first_of(child(item, "contentSet"), "byline"))
    blocks = drop_byline_paragraph(_body(child(item, "contentSet")), byline)
    notes = [b.text for b in blocks[:2] if is_editor_note(b.text)]
    blocks = blocks[len(notes):] if notes and all(is_editor_note(b.text) for b in blocks[:len(notes)]) else blocks
    ednote = " ".join(filter(None, [ednote, *notes])) or None
    if blocks and byline is None and re.match(r"^by\s", blocks[0].text, re.I):
        byline = clean_byline(blocks[0].text)
    if dateline is None and blocks:
        lead, rest = split_dateline_prefix(blocks[0].text)
        if lead is not None:
            dateline, blocks = lead, ([Block(text=rest)] if rest else []) + blocks[1:]
    blocks = strip_leading_dateline(blocks, dateline)

    creators = [n for n in (_name(c) for c in children(cmeta, "creator")) if n and not re.fullmatch(r"[a-z0-9._-]+", n)]
    subjects: list[Subject] = []
    for s in children(cmeta, "subject"):
        code = attr(s, "qcode") or attr(s, "uri") or attr(s, "literal")
        if code and all(x.code != code for x in subjects):
            subjects.append(Subject(code=code, name=text_of(child(s, "name"))))
    keywords = tuple(k for k in (text_of(k) for k in children(cmeta, "keyword")) if k)
    genre_el = child(cmeta, "genre")
    urgency_raw = text_of(child(cmeta, "urgency"))
    rights = child(item, "rightsInfo")
    holder_el = child(rights, "copyrightHolder")
    body = finish_blocks(blocks)
    if not body and status is Status.usable:
        kind = "only a byline" if _body(child(item, "contentSet")) else "no body text"
        raise WireError(source, f"empty body: newsItem {attr(item, 'guid')} has {kind}, nothing to publish")
    return build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version, language=language,
        headline=_headline(cmeta, meta), slugline=text_of(child(cmeta, "slugline")), dateline=dateline, body=body,
        creators=tuple(creators), byline=byline, byline_title=byline_title, credit_line=_credit(cmeta, meta),
        copyright_line=_first_lang(children(rights, "copyrightNotice"), "en"), copyright_holder=_name(holder_el),
        usage_terms=_first_lang(children(rights, "usageTerms"), "en"), pictures=pictures, status=status,
        signal=derive_signal(status, version, ednote, explicit=explicit),
        embargoed=parse_datetime(text_of(child(meta, "embargoed"))),
        urgency=int(urgency_raw) if urgency_raw and urgency_raw.isdigit() else None, subjects=tuple(subjects),
        keywords=keywords, advisory=ednote, genre=text_of(child(genre_el, "name")) or attr(genre_el, "qcode"),
        first_created=parse_datetime(text_of(child(meta, "firstCreated"))),
        version_created=parse_datetime(text_of(child(meta, "versionCreated"))),
        source_uri=attr(item, "guid"), source_format="newsml-g2",
    )


def _body(content_set: Element | None) -> list[Block]:
    """The text rendition: inline XML (NITF or XHTML) first, then inline data (HTML parsed as HTML)."""
    if content_set is None:
        return []
    for inline in children(content_set, "inlineXML"):
        body = first_of(inline, "body.content", "body")
        if blocks := blocks_from_xml(inline if body is None else body):
            return blocks
    for inline in children(content_set, "inlineData"):
        raw = "".join(inline.itertext())
        ctype = (attr(inline, "contenttype") or "text/plain").lower()
        blocks = html_to_blocks(raw) if "html" in ctype or looks_like_html(raw) else text_to_blocks(raw)
        if blocks:
            return blocks
    return []


def _renditions(content_set: Element | None) -> tuple[Rendition, ...]:
    found: list[tuple[str, Rendition]] = []
    for rc in descendants(content_set, "remoteContent"):
        href = (attr(rc, "href") or attr(rc, "residref") or "").strip()
        if not href:
            continue
        hint = (attr(rc, "rendition") or "").split(":")[-1] or (attr(rc, "residref") or "").rsplit("-", 1)[-1]
        role = _ROLE_NAMES.get(hint.lower(), hint or "main")
        found.append((href, Rendition(role=role, href=href, content_type=attr(rc, "contenttype") or "image/jpeg",
                                      width=_int(attr(rc, "width")), height=_int(attr(rc, "height")),
                                      size_bytes=_int(attr(rc, "size")))))
    return finish_renditions(found)


def _picture(item: Element, source: str) -> Picture | None:
    cmeta = child(item, "contentMeta")
    renditions = _renditions(child(item, "contentSet"))
    if not renditions:
        return None
    descs = {(attr(d, "role") or "").split(":")[-1].lower(): text_of(d) for d in children(cmeta, "description")}
    photographer = clean_byline(text_of(child(cmeta, "by"))) or next(
        (n for c in children(cmeta, "creator") if _PHOTOGRAPHER.search(attr(c, "role") or "") and (n := _name(c))), None)
    guid = attr(item, "guid") or "photo"
    pid = parse_item_id(guid, _int(attr(item, "version"))).item_id
    return Picture(id=sane_id(pid, source, "picture id"), headline=clean(text_of(child(cmeta, "headline"))),
                   caption=clean(descs.get("caption") or next(iter(descs.values()), None)),
                   credit=text_of(child(cmeta, "creditline")), byline=photographer, renditions=renditions)


def _photo_story(item: Element, source: str) -> Story:
    """A picture sent on its own: published as a photo story whose text is the caption."""
    picture = _picture(item, source)
    if picture is None:
        raise WireError(source, f"picture item {attr(item, 'guid')} has no rendition to publish")
    if not picture.caption:
        raise WireError(source, f"picture item {attr(item, 'guid')} has no caption: a photo story needs one")
    meta = child(item, "itemMeta")
    cmeta = child(item, "contentMeta")
    version = version_of(attr(item, "version"), source)
    provider, date_id, item_id = _identity(item, version, source)
    status = status_of(attr(child(meta, "pubStatus"), "qcode"))
    explicit = " ".join(filter(None, (attr(s, "qcode") for s in children(meta, "signal")))) or None
    rights = child(item, "rightsInfo")
    return build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version,
        language=language_tag(attr(child(cmeta, "language"), "tag")) or language_tag(attr(item, "xml:lang")),
        headline=picture.headline or picture.caption[:120], slugline=text_of(child(cmeta, "slugline")),
        body=(Block(text=picture.caption),), byline=picture.byline, credit_line=_credit(cmeta, meta),
        copyright_line=_first_lang(children(rights, "copyrightNotice"), "en"),
        copyright_holder=_name(child(rights, "copyrightHolder")),
        usage_terms=_first_lang(children(rights, "usageTerms"), "en"), pictures=(picture,), status=status,
        signal=derive_signal(status, version, _ednote(meta), explicit=explicit),
        embargoed=parse_datetime(text_of(child(meta, "embargoed"))), genre="Photo",
        keywords=tuple(k for k in (text_of(k) for k in children(cmeta, "keyword")) if k),
        first_created=parse_datetime(text_of(child(meta, "firstCreated"))),
        version_created=parse_datetime(text_of(child(meta, "versionCreated"))),
        source_uri=attr(item, "guid"), source_format="newsml-g2",
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None
