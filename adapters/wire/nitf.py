"""Standalone NITF 3.x documents: docdata for identity and dates, body.head/body.content for the copy."""

from __future__ import annotations

import hashlib
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
    is_signoff,
    language_tag,
    make_dateline,
    split_dateline_prefix,
    strip_leading_dateline,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first, load_xml, text_of
from newsroom.model import Block, Story, Subject

_URN = re.compile(r"^urn:newsml:([^:]+):([^:]+):([^:]+)(?::(\d+))?$", re.I)


class NITFParser:
    """Parser for `<nitf>` documents (one story each)."""

    format = "nitf"

    def sniff(self, data: bytes) -> bool:
        from adapters.wire.detect import root_name
        return root_name(data) == "nitf"

    def parse(self, data: bytes, source: str) -> list[Story]:
        root = load_xml(data, source)
        if root.tag != "nitf":
            raise WireError(source, f"expected <nitf>, found <{root.tag}>")
        head = child(root, "head")
        docdata = child(head, "docdata")
        body = child(root, "body")
        bhead = child(body, "body.head")

        issued = parse_datetime(attr(child(docdata, "date.issue"), "norm"))
        released = parse_datetime(attr(child(docdata, "date.release"), "norm"))
        doc_id = child(docdata, "doc-id")
        id_string = attr(doc_id, "id-string")
        version = version_of(attr(child(docdata, "du-key"), "version") or attr(child(docdata, "du-key"), "generation"), source)
        provider = attr(doc_id, "regsrc") or attr(child(head, "pubdata"), "name") or text_of(child(bhead, "distributor")) or "nitf"
        date_id = date_id_of(issued)
        headline = text_of(child(child(bhead, "hedline"), "hl1")) or text_of(child(head, "title"))
        if id_string and (urn := _URN.match(id_string)):
            provider, date_id, item_id, rev = urn.groups()
            if rev and not attr(child(docdata, "du-key"), "version"):
                version = version_of(rev, source)
        elif id_string:
            item_id = id_string
        else:
            if not headline:
                raise WireError(source, "NITF without doc-id and without headline")
            item_id = "h" + hashlib.sha256(headline.encode()).hexdigest()[:16]

        status = status_of(attr(child(docdata, "doc.status"), "value") or attr(child(docdata, "doc.status"), "status"))
        ednote = text_of(child(docdata, "ed-msg")) or attr(child(docdata, "ed-msg"), "info")
        urg = attr(child(docdata, "urgency"), "ed-urg")
        subjects = [Subject(code=c, name=attr(s, "tobject.subject.matter") or attr(s, "tobject.subject.type"))
                    for s in descendants(head, "tobject.subject") if (c := attr(s, "tobject.subject.refnum"))]
        keywords = tuple(k for k in (attr(k, "key") for k in descendants(child(docdata, "key-list"), "keyword")) if k)
        copyright_el = child(docdata, "doc.copyright")
        holder, year = attr(copyright_el, "holder"), attr(copyright_el, "year")
        dl_el = child(bhead, "dateline")
        city = text_of(first(dl_el, "location")) or text_of(first(dl_el, "city"))
        # <dateline> often holds only <story.date>: a timestamp is not a dateline.
        dl_text = " ".join(t for t in (text_of(c) for c in children(dl_el, "location")) if t) or _dateline_text(dl_el)
        dateline = make_dateline(dl_text, city)
        bylines = [b for b in (text_of(b) for b in children(bhead, "byline")) if b and not is_signoff(b)]
        creators = tuple(n for n in (text_of(p) for b in children(bhead, "byline") for p in descendants(b, "person")) if n)
        blocks = blocks_from_xml(child(body, "body.content"))
        if dateline is None and blocks:
            lead, rest = split_dateline_prefix(blocks[0].text)
            if lead is not None:
                dateline, blocks = lead, ([Block(text=rest)] if rest else []) + blocks[1:]
        blocks = strip_leading_dateline(blocks, dateline)
        language = language_tag(attr(root, "xml:lang") or attr(root, "baselang") or attr(body, "xml:lang") or attr(child(body, "body.content"), "xml:lang"))
        if not language:
            meta_lang = next((attr(m, "content") for m in children(head, "meta") if attr(m, "name") in {"language", "lang"}), None)
            language = language_tag(meta_lang)
        return [build_story(
            source, provider=sane_id(provider, source, "provider"), date_id=sane_id(date_id, source, "date id"),
            item_id=sane_id(item_id, source, "item id"), version=version, language=language, headline=clean(headline),
            slugline=attr(child(docdata, "du-key"), "key"), dateline=dateline, body=finish_blocks(blocks),
            creators=creators, byline=next((b for b in bylines if b), None),
            credit_line=text_of(child(bhead, "distributor")),
            copyright_line=(f"© {year} {holder}" if year and holder else holder)
            or text_of(first(bhead, "rights.owner")), status=status,
            signal=derive_signal(status, version, ednote),
            embargoed=released if released and (issued is None or released > issued) else None,
            urgency=int(urg) if urg and urg.isdigit() else None, subjects=tuple(subjects), keywords=keywords,
            advisory=ednote, first_created=issued, version_created=issued, source_uri=id_string,
            source_format="nitf",
        )]


def _dateline_text(el: Element | None) -> str | None:
    """The dateline's own words, without <story.date> (EFE and others put only a timestamp there)."""
    if el is None:
        return None
    parts = [el.text or ""]
    for sub in el:
        if not str(sub.tag).endswith("story.date"):
            parts.append("".join(sub.itertext()))
        parts.append(sub.tail or "")
    return " ".join(" ".join(parts).split()) or None
