"""IPTC NewsML-G2 news items (newsItem or a newsMessage of them) with an inlineXML/inlineData body."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import date_id_of, parse_datetime
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    blocks_from_xml,
    clean,
    finish_blocks,
    html_to_blocks,
    language_tag,
    make_dateline,
    strip_leading_dateline,
    text_to_blocks,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first, load_xml, text_of
from newsroom.model import Picture, Rendition, Story, Subject

_URN = re.compile(r"^urn:newsml:([^:]+):(\d{8}|[^:]+):([^:]+)(?::(\d+))?$", re.I)
_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp)$", re.I)


class NewsMLG2Parser:
    """Parser for G2 text items; picture items in the same message become the story's pictures."""

    format = "newsml-g2"

    def sniff(self, data: bytes) -> bool:
        from adapters.wire.detect import root_name
        return root_name(data) in {"newsItem", "newsMessage"}

    def parse(self, data: bytes, source: str) -> list[Story]:
        root = load_xml(data, source)
        items = [root] if root.tag == "newsItem" else descendants(root, "newsItem")
        if not items:
            raise WireError(source, f"no newsItem in <{root.tag}>")
        pictures = [_picture(i) for i in items if _item_class(i) in {"picture", "graphic", "photo"}]
        texts = [i for i in items if _item_class(i) not in {"picture", "graphic", "photo", "video", "audio"}]
        if not texts:
            raise WireError(source, "no text newsItem (only media items)")
        return [_story(i, source, tuple(p for p in pictures if p is not None)) for i in texts]


def _item_class(item: Element) -> str:
    qcode = attr(child(item, "itemMeta", "itemClass"), "qcode") or "ninat:text"
    return qcode.split(":")[-1].lower()


def _qcode_or_literal(el: Element | None) -> str | None:
    return attr(el, "qcode") or attr(el, "literal") or attr(el, "uri") or text_of(child(el, "name"))


def _identity(item: Element, meta: Element | None, source: str) -> tuple[str, str, str, int | None]:
    guid = attr(item, "guid")
    if not guid:
        raise WireError(source, "newsItem without guid")
    match = _URN.match(guid)
    if match:
        provider, date_id, item_id, rev = match.groups()
        return provider, date_id, item_id, int(rev) if rev else None
    provider = _qcode_or_literal(child(meta, "provider")) or "unknown"
    provider = provider.split(":")[-1] if ":" in provider and not provider.startswith("http") else provider
    created = parse_datetime(text_of(child(meta, "firstCreated"))) or parse_datetime(text_of(child(meta, "versionCreated")))
    tail = re.split(r"[/:#]", guid.rstrip("/"))[-1] or guid
    return provider, date_id_of(created), tail, None


def _story(item: Element, source: str, pictures: tuple[Picture, ...]) -> Story:
    meta = child(item, "itemMeta")
    cmeta = child(item, "contentMeta")
    provider, date_id, item_id, urn_rev = _identity(item, meta, source)
    version = version_of(attr(item, "version") or urn_rev, source)
    status = status_of(attr(child(meta, "pubStatus"), "qcode") or text_of(child(meta, "pubStatus")))
    ednote = " ".join(filter(None, (text_of(e) for e in children(meta, "edNote")))) or None
    explicit = " ".join(filter(None, (attr(s, "qcode") for s in children(meta, "signal")))) or None
    headline = text_of(child(cmeta, "headline")) or text_of(child(meta, "title"))
    dateline = make_dateline(text_of(child(cmeta, "dateline")), text_of(child(child(cmeta, "located"), "name")))
    language = (language_tag(attr(child(cmeta, "language"), "tag")) or language_tag(attr(item, "xml:lang")))

    creators = [n for n in (text_of(child(c, "name")) or attr(c, "literal") for c in children(cmeta, "creator")) if n]
    subjects: list[Subject] = []
    for s in children(cmeta, "subject"):
        code = attr(s, "qcode") or attr(s, "uri") or attr(s, "literal")
        if code:
            subjects.append(Subject(code=code, name=text_of(child(s, "name"))))
    keywords = tuple(k for k in (text_of(k) for k in children(cmeta, "keyword")) if k)
    genre_el = child(cmeta, "genre")
    genre = text_of(child(genre_el, "name")) or attr(genre_el, "qcode")
    urgency_raw = text_of(child(cmeta, "urgency"))
    rights = child(item, "rightsInfo")
    holder = text_of(child(child(rights, "copyrightHolder"), "name")) or attr(child(rights, "copyrightHolder"), "literal")
    notice = text_of(child(rights, "copyrightNotice"))

    blocks = _body(child(item, "contentSet"))
    blocks = strip_leading_dateline(blocks, dateline)
    signal = derive_signal(status, version, ednote, explicit=explicit)
    return build_story(
        source, provider=sane_id(provider, source, "provider"), date_id=sane_id(date_id, source, "date id"),
        item_id=sane_id(item_id, source, "item id"), version=version, language=language, headline=clean(headline),
        slugline=text_of(child(cmeta, "slugline")), dateline=dateline, body=finish_blocks(blocks),
        creators=tuple(creators), byline=text_of(child(cmeta, "by")), credit_line=text_of(child(cmeta, "creditline")),
        copyright_line=notice or (f"© {holder}" if holder else None),
        usage_terms=text_of(child(rights, "usageTerms")), pictures=pictures, status=status, signal=signal,
        embargoed=parse_datetime(text_of(child(meta, "embargoed"))),
        urgency=int(urgency_raw) if urgency_raw and urgency_raw.isdigit() else None, subjects=tuple(subjects),
        keywords=keywords, advisory=ednote, genre=genre,
        first_created=parse_datetime(text_of(child(meta, "firstCreated"))),
        version_created=parse_datetime(text_of(child(meta, "versionCreated"))),
        source_uri=attr(item, "guid"), source_format="newsml-g2",
    )


def _body(content_set: Element | None) -> list:  # -> list[Block]
    if content_set is None:
        return []
    for inline in children(content_set, "inlineXML"):
        body = first(inline, "body.content") or first(inline, "body") or inline
        blocks = blocks_from_xml(body)
        if blocks:
            return blocks
    for inline in children(content_set, "inlineData"):
        raw = "".join(inline.itertext())
        ctype = (attr(inline, "contenttype") or "text/plain").lower()
        blocks = html_to_blocks(raw) if "html" in ctype else text_to_blocks(raw)
        if blocks:
            return blocks
    return []


def _picture(item: Element) -> Picture | None:
    cmeta = child(item, "contentMeta")
    renditions = []
    for rc in descendants(child(item, "contentSet"), "remoteContent"):
        href = attr(rc, "href") or attr(rc, "residref") or ""
        name = href.replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            continue
        role = (attr(rc, "rendition") or "rnd:main").split(":")[-1]
        renditions.append(Rendition(
            role={"highres": "HighDef", "highdef": "HighDef", "preview": "Quicklook", "thumbnail": "Thumbnail"}.get(
                role.lower(), role), href=name, content_type=attr(rc, "contenttype") or "image/jpeg",
            width=_int(attr(rc, "width")), height=_int(attr(rc, "height")), size_bytes=_int(attr(rc, "size"))))
    if not renditions:
        return None
    descs = {(attr(d, "role") or "").split(":")[-1]: text_of(d) for d in children(cmeta, "description")}
    return Picture(id=sane_id(re.split(r"[/:#]", attr(item, "guid") or "photo")[-1] or "photo", "g2", "picture id"),
                   headline=text_of(child(cmeta, "headline")), caption=descs.get("caption") or next(iter(descs.values()), None),
                   credit=text_of(child(cmeta, "creditline")), byline=text_of(child(cmeta, "by")),
                   renditions=tuple(renditions))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
