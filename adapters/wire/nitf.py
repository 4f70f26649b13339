"""Standalone NITF 3.x documents: docdata for identity and dates, body.head/body.content for the copy."""

from __future__ import annotations

import hashlib
import re
from xml.etree.ElementTree import Element

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import date_id_of, parse_datetime
from adapters.wire.ids import parse_item_id, revision_from_time
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    blocks_from_xml,
    clean,
    drop_repeated_headline,
    finish_blocks,
    is_signoff,
    language_tag,
    make_dateline,
    nitf_byline,
    split_dateline_prefix,
    strip_leading_dateline,
)
from adapters.wire.xmlsafe import attr, child, children, descendants, first, load_xml, text_of
from newsroom.model import Block, Story, Subject


class NITFParser:
    """Parser for `<nitf>` documents (one story each)."""

    format = "nitf"

    def parse(self, data: bytes, source: str) -> list[Story]:
        root = load_xml(data, source)
        if root.tag != "nitf":
            raise WireError(source, f"expected <nitf>, found <{root.tag}>")
        return [_story(root, source)]


def _provider(head: Element | None, docdata: Element | None, bhead: Element | None) -> str | None:
    """Who sent it: doc-id's registering source, the delivery list's source, the publisher, the distributor."""
    doc_id = child(docdata, "doc-id")
    for value in (attr(doc_id, "regsrc"), attr(first(child(docdata, "del-list"), "from-src"), "src-name"),
                  attr(child(head, "pubdata"), "name"), text_of(child(bhead, "distributor")),
                  attr(child(docdata, "doc.rights"), "owner"), attr(child(docdata, "doc.rights"), "agent")):
        if value and value.strip():
            # A display name ("Agencia EFE") becomes a plain token, so the key stays readable
            return re.sub(r"\s+", "-", value.strip().lower()) if " " in value.strip() else value.strip()
    return None


def _identity(head: Element | None, docdata: Element | None, bhead: Element | None, headline: str | None,
              issued: object, source: str) -> tuple[str, str, str, int | None]:
    """The doc-id without its version, else the du-key (NITF's id for every version), else a last-resort digest."""
    doc_id = child(docdata, "doc-id")
    id_string = attr(doc_id, "id-string")
    du_key = attr(child(docdata, "du-key"), "key")
    provider = _provider(head, docdata, bhead)
    if id_string:
        parsed = parse_item_id(id_string)
        if parsed.provider and id_string.lower().startswith("urn:"):
            return parsed.provider, parsed.date_id, parsed.item_id, parsed.revision
        return provider or "nitf", "undated", _unversioned(id_string, head), None
    date_id = date_id_of(issued)  # type: ignore[arg-type]
    if du_key:
        return provider or "nitf", date_id, "k-" + du_key, None
    # AP keeps the first version's headline in <hl2 id="originalHeadline"> through every writethru: the
    # relation it declares between revisions, so a writethru with a new headline stays the same story.
    original = next((text_of(h) for h in children(child(bhead, "hedline"), "hl2")
                     if (attr(h, "id") or "").lower() == "originalheadline" and text_of(h)), None)
    headline = original or headline
    if not headline:
        raise WireError(source, "NITF without doc-id, du-key or headline: nothing to identify the story by")
    # No agency id at all: provider + issue day + (original) headline. A later revision can only follow it if it
    # declares a doc-id or du-key; this fallback never replaces one.
    digest = hashlib.sha256(f"{provider}|{date_id}|{' '.join(headline.lower().split())}".encode()).hexdigest()[:16]
    return provider or "nitf", date_id, "h" + digest, None


def _unversioned(id_string: str, head: Element | None) -> str:
    """NTB's doc-id carries a take suffix ("NTB5df…_00") that its NTBID meta lacks: key on the stable part."""
    match = re.match(r"^(.+?)[_-]\d{1,3}$", id_string)
    if match and any(attr(m, "content") == match.group(1) for m in children(head, "meta")):
        return match.group(1)
    return id_string


def _story(root: Element, source: str) -> Story:
    head = child(root, "head")
    docdata = child(head, "docdata")
    body = child(root, "body")
    bhead = child(body, "body.head")

    issued = parse_datetime(attr(child(docdata, "date.issue"), "norm"))
    released = parse_datetime(attr(child(docdata, "date.release"), "norm"))
    headline = clean(text_of(child(child(bhead, "hedline"), "hl1")) or text_of(child(head, "title")))
    provider, date_id, item_id, urn_rev = _identity(head, docdata, bhead, headline, issued, source)
    du = child(docdata, "du-key")
    stated = attr(du, "version") or attr(du, "generation") or urn_rev
    # No version stated (AP): the issue time orders writethrus; new copy still signals new.
    version = version_of(stated, source) if stated else (revision_from_time(issued) or 1)

    doc_status = child(docdata, "doc.status")
    status = status_of(attr(docdata, "management-status") or attr(doc_status, "value") or attr(doc_status, "status"))
    ed_msg = child(docdata, "ed-msg")
    ednote = text_of(ed_msg) or attr(ed_msg, "info")
    urg = attr(child(docdata, "urgency"), "ed-urg")
    subjects = [Subject(code=c, name=attr(s, "tobject.subject.matter") or attr(s, "tobject.subject.type"))
                for s in descendants(head, "tobject.subject") if (c := attr(s, "tobject.subject.refnum"))]
    keywords = tuple(k for k in (attr(k, "key") for k in descendants(child(docdata, "key-list"), "keyword")) if k)
    copyright_el = child(docdata, "doc.copyright")
    holder, year = attr(copyright_el, "holder"), attr(copyright_el, "year")

    dl_el = child(bhead, "dateline")
    city = text_of(first(dl_el, "city"))  # else read from the location words ("PORTLAND, Maine" → Portland)
    dl_text = " ".join(t for t in (text_of(c) for c in children(dl_el, "location")) if t) or _dateline_text(dl_el)
    dateline = make_dateline(dl_text, city)
    bylines = [b for b in children(bhead, "byline") if not is_signoff(text_of(b) or "")]
    byline, byline_title = nitf_byline(bylines[0]) if bylines else (None, None)
    creators = tuple(n for n in (text_of(p) for b in bylines for p in descendants(b, "person")) if n)

    blocks = drop_repeated_headline(blocks_from_xml(child(body, "body.content")), headline)
    if dateline is None and blocks:
        lead, rest = split_dateline_prefix(blocks[0].text)
        if lead is not None:
            dateline, blocks = lead, ([Block(text=rest)] if rest else []) + blocks[1:]
    blocks = strip_leading_dateline(blocks, dateline)
    language = language_tag(attr(root, "xml:lang") or attr(root, "baselang") or attr(body, "xml:lang")
                            or attr(child(body, "body.content"), "xml:lang"))
    if not language:
        meta_lang = next((attr(m, "content") for m in children(head, "meta") if attr(m, "name") in {"language", "lang"}), None)
        language = language_tag(meta_lang)
    distributor = text_of(child(bhead, "distributor"))
    return build_story(
        source, provider=sane_id(provider, source, "provider"), date_id=sane_id(date_id, source, "date id"),
        item_id=sane_id(item_id, source, "item id"), version=version, language=language, headline=headline,
        slugline=attr(du, "key"), dateline=dateline, body=finish_blocks(blocks), creators=creators, byline=byline,
        byline_title=byline_title, credit_line=distributor or _credit_from_provider(provider),
        copyright_line=(f"© {year} {holder}" if year and holder else holder) or text_of(first(bhead, "rights.owner")),
        copyright_holder=holder or text_of(first(bhead, "rights.owner")), status=status,
        signal=derive_signal(status, version if stated else 1, ednote),
        embargoed=released if released and (issued is None or released > issued) else None,
        urgency=int(urg) if urg and urg.isdigit() else None, subjects=tuple(subjects), keywords=keywords,
        advisory=ednote, first_created=issued, version_created=issued,
        source_uri=attr(child(docdata, "doc-id"), "id-string"), source_format="nitf",
    )


def _credit_from_provider(provider: str | None) -> str | None:
    from newsroom.agencies import agency_name
    return agency_name(provider) if provider and not re.fullmatch(r"nitf", provider, re.I) else None


def _dateline_text(el: Element | None) -> str | None:
    """The dateline's own words, without <story.date> (EFE and others put only a timestamp there)."""
    if el is None:
        return None
    parts = [el.text or ""]
    for sub in el:
        if isinstance(sub.tag, str) and not sub.tag.endswith("story.date"):
            parts.append("".join(sub.itertext()))
        parts.append(sub.tail or "")
    return " ".join(" ".join(parts).split()) or None
