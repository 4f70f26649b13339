"""IPTC ninjs 1.x (headline/body_text/body_html, object maps) and 2.x (headlines/bodies, arrays)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.dates import date_id_of, parse_datetime
from adapters.wire.detect import ninjs_items
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    clean,
    finish_blocks,
    html_to_blocks,
    language_tag,
    make_dateline,
    split_dateline_prefix,
    strip_leading_dateline,
    text_to_blocks,
)
from newsroom.model import Block, Picture, Rendition, Story, Subject

_URN = re.compile(r"^urn:newsml:([^:]+):([^:]+):([^:]+)(?::(\d+))?$", re.I)


class NinjsParser:
    """Parser for one ninjs JSON object (text item with picture associations)."""

    format = "ninjs"

    def sniff(self, data: bytes) -> bool:
        return data.lstrip().startswith(b"{")

    def parse(self, data: bytes, source: str) -> list[Story]:
        if b"\x00" in data:
            raise WireError(source, "contains NUL bytes (binary or corrupt file)")
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise WireError(source, f"ninjs must be UTF-8: byte 0x{data[exc.start]:02X} at offset {exc.start}") from exc
        except ValueError as exc:
            raise WireError(source, f"malformed JSON: {str(exc)[:160]}") from exc
        items = ninjs_items(doc)
        if not items:
            raise WireError(source, "JSON that is not a ninjs object (no uri/headline/body fields)")
        return [_story(item, source) for item in items]


def _str(value: Any) -> str | None:
    return clean(value) if isinstance(value, str) else None


def _headline(doc: dict) -> str | None:
    heads = doc.get("headlines")
    if isinstance(heads, list):
        for h in heads:
            if isinstance(h, dict) and (h.get("role") in (None, "main")) and _str(h.get("value")):
                return _str(h.get("value"))
        for h in heads:
            if isinstance(h, dict) and _str(h.get("value")):
                return _str(h.get("value"))
    return _str(doc.get("headline"))


def _body(doc: dict) -> list[Block]:
    bodies = doc.get("bodies")
    if isinstance(bodies, list):
        ranked = sorted((b for b in bodies if isinstance(b, dict) and isinstance(b.get("value"), str)),
                        key=lambda b: (b.get("role") not in (None, "main"), "html" not in str(b.get("contenttype", ""))))
        for b in ranked:
            ctype = str(b.get("contenttype", "text/plain")).lower()
            blocks = html_to_blocks(b["value"]) if "html" in ctype else text_to_blocks(b["value"])
            if blocks:
                return blocks
    if isinstance(doc.get("body_html"), str):
        blocks = html_to_blocks(doc["body_html"])
        if blocks:
            return blocks
    if isinstance(doc.get("body_text"), str):
        return text_to_blocks(doc["body_text"])
    return []


def _by(doc: dict) -> tuple[str | None, tuple[str, ...]]:
    by = doc.get("by")
    if isinstance(by, str):
        return _str(by), ()
    if isinstance(by, list):  # some producers send [{name: ...}]
        names = tuple(n for n in (_str(p.get("name")) for p in by if isinstance(p, dict)) if n)
        return (", ".join(names) or None), names
    return _str(doc.get("byline")), ()


def _identity(doc: dict, source: str, created: Any) -> tuple[str, str, str, int | None]:
    uri = _str(doc.get("uri")) or _str(doc.get("guid"))
    if uri and (urn := _URN.match(uri)):
        p, d, i, r = urn.groups()
        return p, d, i, int(r) if r else None
    provider = None
    for alt in doc.get("altids") or []:
        if isinstance(alt, dict) and alt.get("role") in ("provider", "source"):
            provider = _str(alt.get("value"))
    infos = doc.get("infosources")
    if not provider and isinstance(infos, list) and infos and isinstance(infos[0], dict):
        provider = _str(infos[0].get("name")) or _str(infos[0].get("uri"))
    if uri:
        host = re.match(r"^[a-z]+://([^/]+)/", uri)
        provider = provider or (host.group(1) if host else None)
        item = re.split(r"[/:#?]", uri.rstrip("/"))[-1] or hashlib.sha256(uri.encode()).hexdigest()[:16]
    else:
        head = _headline(doc)
        if not head:
            raise WireError(source, "ninjs without uri and without headline")
        item = "h" + hashlib.sha256(head.encode()).hexdigest()[:16]
    return provider or "ninjs", date_id_of(created), item, None


def _subjects(doc: dict) -> tuple[Subject, ...]:
    out: list[Subject] = []
    for s in (doc.get("subjects") or doc.get("subject") or []):
        if isinstance(s, dict):
            code = _str(s.get("code")) or _str(s.get("uri")) or _str(s.get("literal")) or _str(s.get("name"))
            if code:
                out.append(Subject(code=code, name=_str(s.get("name"))))
    return tuple(out)


def _pictures(doc: dict) -> tuple[Picture, ...]:
    assoc = doc.get("associations")
    items: list[tuple[str, dict]] = []
    if isinstance(assoc, dict):
        items = [(k, v) for k, v in assoc.items() if isinstance(v, dict)]
    elif isinstance(assoc, list):
        items = [(str(v.get("name") or f"picture{n}"), v) for n, v in enumerate(assoc) if isinstance(v, dict)]
    pics: list[Picture] = []
    for name, item in items:
        if item.get("type") not in (None, "picture", "image", "graphic"):
            continue
        rends = item.get("renditions")
        pairs = list(rends.items()) if isinstance(rends, dict) else [
            (str(r.get("name", "")), r) for r in (rends or []) if isinstance(r, dict)]
        renditions = []
        for role, r in pairs:
            href = _str(r.get("href")) if isinstance(r, dict) else None
            if not href:
                continue
            renditions.append(Rendition(role=role or "main", href=href.split("?")[0].rsplit("/", 1)[-1],
                                        content_type=_str(r.get("contenttype") or r.get("mimetype")) or "image/jpeg",
                                        width=_num(r.get("width")), height=_num(r.get("height")),
                                        size_bytes=_num(r.get("sizeinbytes"))))
        descs = item.get("descriptions")
        caption = _str(item.get("description_text"))
        if isinstance(descs, list):
            caption = caption or next((_str(d.get("value")) for d in descs if isinstance(d, dict) and d.get("value")), None)
        pic_by, _ = _by(item)
        pics.append(Picture(id=safe_or(name, item), headline=_headline(item), caption=caption,
                            credit=_str(item.get("creditline")) or _str(item.get("copyrightnotice")),
                            byline=pic_by, renditions=tuple(renditions)))
    return tuple(pics)


def safe_or(name: str, item: dict) -> str:
    from newsroom.model import safe_id
    for cand in (name, str(item.get("uri", "")), "picture"):
        try:
            return safe_id(cand.rsplit("/", 1)[-1])
        except ValueError:
            continue
    return "picture"


def _num(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _story(doc: dict, source: str) -> Story:
    created = parse_datetime(_str(doc.get("firstcreated"))) or parse_datetime(_str(doc.get("versioncreated")))
    provider, date_id, item_id, urn_rev = _identity(doc, source, created)
    version = version_of(doc.get("version") if doc.get("version") is not None else urn_rev, source)
    status = status_of(_str(doc.get("pubstatus")))
    ednote = _str(doc.get("ednote"))
    located = _str(doc.get("located"))
    dateline = make_dateline(located, None) if located else None
    blocks = _body(doc)
    if blocks:
        lead, rest = split_dateline_prefix(blocks[0].text)
        if lead is not None:
            dateline = lead
            blocks = ([Block(text=rest)] if rest else []) + blocks[1:]
    by, creators = _by(doc)
    genre = doc.get("genre")
    genre_name = None
    if isinstance(genre, list) and genre and isinstance(genre[0], dict):
        genre_name = _str(genre[0].get("name")) or _str(genre[0].get("code"))
    keywords = tuple(k for k in (_str(k) for k in doc.get("keywords") or []) if k)
    holder, notice = _str(doc.get("copyrightholder")), _str(doc.get("copyrightnotice"))
    urgency = _num(doc.get("urgency"))
    signals = doc.get("signals") or doc.get("signal")
    explicit = " ".join(str(s.get("code") or s.get("name") or "") if isinstance(s, dict) else str(s)
                        for s in (signals if isinstance(signals, list) else [signals] if signals else []))
    return build_story(
        source, provider=sane_id(provider, source, "provider"), date_id=sane_id(date_id, source, "date id"),
        item_id=sane_id(item_id, source, "item id"), version=version, language=language_tag(_str(doc.get("language"))),
        headline=_headline(doc), slugline=_str(doc.get("slugline")), dateline=dateline,
        body=finish_blocks(strip_leading_dateline(blocks, dateline)), creators=creators, byline=by,
        copyright_line=notice or (f"© {holder}" if holder else None), usage_terms=_str(doc.get("usageterms")),
        pictures=_pictures(doc), status=status, signal=derive_signal(status, version, ednote, explicit=explicit or None),
        embargoed=parse_datetime(_str(doc.get("embargoed"))), urgency=urgency, subjects=_subjects(doc),
        keywords=keywords, advisory=ednote, genre=genre_name, first_created=created,
        version_created=parse_datetime(_str(doc.get("versioncreated"))), source_uri=_str(doc.get("uri")),
        source_format="ninjs",
    )
