"""IPTC ninjs 1.0–1.6 (headline/body_*), 2.x (headlines/bodies) and 3.x (camelCase) text and picture items."""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id, version_of
from adapters.wire.base import refuse_nul
from adapters.wire.dates import parse_datetime
from adapters.wire.detect import ninjs_items
from adapters.wire.ids import parse_item_id, provider_of, revision_from_time
from adapters.wire.renditions import finish_renditions
from adapters.wire.signals import derive_signal, status_of
from adapters.wire.text import (
    clean,
    clean_byline,
    drop_byline_paragraph,
    finish_blocks,
    html_to_blocks,
    language_tag,
    looks_like_html,
    make_dateline,
    split_dateline_prefix,
    strip_leading_dateline,
    text_to_blocks,
)
from newsroom.agencies import agency_name
from newsroom.model import Block, Picture, Rendition, Story, Subject

_TEXT_TYPES = {None, "text", "composite", "article", "story", "component"}
_PICTURE_TYPES = {"picture", "image", "graphic", "photo"}
_MARKUP_KEYS = ("body_xhtml", "body_html", "body_richtext", "body_nitf")
_URL = re.compile(r"\s*(?:,\s*)?(?:available\s+(?:at|from)\s+)?(?:https?://|www\.)\S*", re.I)
_PHOTO_WORDS = re.compile(r"^(?:photograph(?:ed)?|photo|picture|image|foto)\s+(?:by|:)\s*", re.I)


class NinjsParser:
    """Parser for ninjs JSON: one object, an array, or a feed/API page of them."""

    format = "ninjs"

    def parse(self, data: bytes, source: str) -> list[Story]:
        refuse_nul(data, source)
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise WireError(source, f"ninjs must be UTF-8: byte 0x{data[exc.start]:02X} at offset {exc.start}") from exc
        except ValueError as exc:
            raise WireError(source, f"malformed JSON: {str(exc)[:160]}") from exc
        items = ninjs_items(doc)
        if not items:
            raise WireError(source, "JSON that is not a ninjs object (no uri/headline/body fields)")
        return [_item(_lower(item), source) for item in items]


def _lower(value: Any) -> Any:
    """ninjs 3.x writes `versionCreated`, `contentType`: read every generation's keys alike."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower(v) for v in value]
    return value


def _str(value: Any) -> str | None:
    return clean(value) if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    """A string, or a list of strings / {value|name} objects (ninjs 2.x usageterms, infosources…)."""
    if isinstance(value, str):
        return [v for v in [_str(value)] if v]
    if isinstance(value, list):
        out = []
        for v in value:
            text = _str(v) if isinstance(v, str) else _str(v.get("value") or v.get("name")) if isinstance(v, dict) else None
            if text:
                out.append(text)
        return out
    return []


def _headline(doc: dict) -> str | None:
    heads = doc.get("headlines")
    if isinstance(heads, list):
        values = [(h.get("role"), _str(h.get("value"))) for h in heads if isinstance(h, dict)]
        for role, value in values:
            if value and role in (None, "main", "headline"):
                return value
        if any(v for _, v in values):
            return next(v for _, v in values if v)
    return _str(doc.get("headline")) or _str(doc.get("headline_main")) or _str(doc.get("title"))


def _blocks(value: str, contenttype: str | None) -> list[Block]:
    ctype = (contenttype or "").lower()
    markup = "html" in ctype or "xml" in ctype or "nitf" in ctype or looks_like_html(value)
    return html_to_blocks(value) if markup else text_to_blocks(value)


def _body(doc: dict) -> list[Block]:
    """Marked-up bodies before plain ones, so paragraphs survive: bodies[], body_xhtml/html/richtext, body_text."""
    candidates: list[tuple[int, str, str | None]] = []
    bodies = doc.get("bodies")
    if isinstance(bodies, list):
        for b in bodies:
            if isinstance(b, dict) and isinstance(b.get("value"), str):
                declared = str(b.get("contenttype") or "")
                marked = "html" in declared.lower() or "xml" in declared.lower() or looks_like_html(b["value"])
                candidates.append((0 if marked else 2, b["value"], declared))
    for key in _MARKUP_KEYS:
        if isinstance(doc.get(key), str):
            candidates.append((0, doc[key], "text/html"))
    for key, value in doc.items():  # ninjs 1.x body_{name}: body_main, body_richtext…
        if key.startswith("body_") and key not in _MARKUP_KEYS and key != "body_text" and isinstance(value, str):
            candidates.append((1 if looks_like_html(value) else 3, value, None))
    if isinstance(doc.get("body_text"), str):
        candidates.append((4, doc["body_text"], "text/plain"))
    for _, value, ctype in sorted(candidates, key=lambda c: c[0]):
        if blocks := _blocks(value, ctype):
            return blocks
    return []


def _description(doc: dict) -> str | None:
    """A picture's caption: description_text, descriptions[] (plain first), description_xhtml/html."""
    if text := _str(doc.get("description_text")):
        return text
    descs = doc.get("descriptions")
    if isinstance(descs, list):
        values = [d for d in descs if isinstance(d, dict) and isinstance(d.get("value"), str)]
        for d in sorted(values, key=lambda d: "html" in str(d.get("contenttype", "")).lower()):
            text = " ".join(b.text for b in _blocks(d["value"], str(d.get("contenttype") or "")))
            if text:
                return text
    for key in ("description_xhtml", "description_html", "body_text"):
        if isinstance(doc.get(key), str):
            text = " ".join(b.text for b in _blocks(doc[key], "text/html" if "html" in key else None))
            if text:
                return text
    return None


def _by(doc: dict) -> tuple[str | None, tuple[str, ...]]:
    by = doc.get("by") if doc.get("by") is not None else doc.get("byline")
    if isinstance(by, str):
        return clean_byline(by), ()
    if isinstance(by, list):  # some producers send [{name: ...}]
        names = tuple(n for n in (_str(p.get("name")) for p in by if isinstance(p, dict)) if n)
        return (", ".join(names) or None), names
    return None, ()


def _photographer(doc: dict) -> str | None:
    """"Photograph by Pea, available at https://bit.ly/…" → "Pea": a name, never a URL."""
    raw = doc.get("by") if doc.get("by") is not None else doc.get("byline")
    if not isinstance(raw, str):
        return _by(doc)[0]
    name = _PHOTO_WORDS.sub("", _URL.sub("", clean(raw) or "")).strip(" ,;:-")
    return clean_byline(name)


def _credit(doc: dict) -> str | None:
    """Credit fields only (creditline, infosources, provider, source), never copyright notices or URLs."""
    for value in (doc.get("creditline"), doc.get("credit")):
        if text := _str(value):
            return text
    for info in doc.get("infosources") or []:
        if isinstance(info, dict) and (name := _str(info.get("name"))):
            return name
    provider = doc.get("provider")
    name = _str(provider.get("name")) if isinstance(provider, dict) else _str(provider)
    if name:
        return agency_name(name) or name
    source = _str(doc.get("source"))
    if source and not re.search(r"(?i)superdesk|publisher|ninjs", source):
        return source
    return None


# A version the uri's own syntax marks: `;v=3`/`;version=3`, `/v3`, `:v3`, `@3`. A bare `-3` or `:3` is not one:
# `…:midnight-1` names the story at every revision, so stripping it only when it equals the version splits one story.
_URI_VERSION = re.compile(r"(?:;(?:v|ver|version|rev|revision)=\d+|[/:]v\d+|@v?\d+)$", re.I)


def _version_stripped(uri: str) -> str:
    """The ninjs uri without what marks a version (query, fragment, `;v=`, `/v3`, `@3`), whatever the version field says."""
    text = uri.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    while (stripped := _URI_VERSION.sub("", text).rstrip("/")) != text and stripped:
        text = stripped
    return text


def _identity(doc: dict, source: str) -> tuple[str, str, str]:
    """Provider, date and item id from the uri/guid alone: never from `version`, so every revision shares them."""
    altids = doc.get("altids")
    alt = altids if isinstance(altids, dict) else {a.get("role"): a.get("value") for a in altids or [] if isinstance(a, dict)}
    uri = _str(doc.get("uri")) or _str(doc.get("guid"))
    explicit = _str(doc.get("provider")) if isinstance(doc.get("provider"), str) else None
    if isinstance(doc.get("provider"), dict):
        explicit = _str(doc["provider"].get("name")) or _str(doc["provider"].get("uri"))
    item_alt = next((_str(alt.get(k)) for k in ("itemid", "guid", "id") if _str(alt.get(k))), None)
    if uri:
        parsed = parse_item_id(_version_stripped(uri))
        provider = parsed.provider if uri.lower().startswith("urn:") else (provider_of(explicit) or parsed.provider)
        item_id = item_alt if (item_alt and "?" in uri) else parsed.item_id
        return (sane_id(provider or "ninjs", source, "provider"), sane_id(parsed.date_id, source, "date id"),
                sane_id(item_id, source, "item id"))
    if item_alt:
        return sane_id(provider_of(explicit) or "ninjs", source, "provider"), "undated", sane_id(item_alt, source, "item id")
    raise WireError(source, "ninjs without uri, guid or altids item id: no agency identifier to follow revisions by")


def _subjects(doc: dict) -> tuple[Subject, ...]:
    out: list[Subject] = []
    for s in (doc.get("subjects") or doc.get("subject") or []):
        if isinstance(s, dict):
            code = _str(s.get("code")) or _str(s.get("uri")) or _str(s.get("literal")) or _str(s.get("name"))
            if code and all(x.code != code for x in out):
                out.append(Subject(code=code, name=_str(s.get("name"))))
    return tuple(out)


def _rendition_list(item: dict) -> list[tuple[str, dict]]:
    rends = item.get("renditions")
    if isinstance(rends, dict):
        return [(str(k), v) for k, v in rends.items() if isinstance(v, dict)]
    if isinstance(rends, list):
        return [(str(r.get("name") or r.get("rel") or f"r{n}"), r) for n, r in enumerate(rends) if isinstance(r, dict)]
    return []


def _picture(name: str, item: dict, source: str) -> Picture:
    found: list[tuple[str, Rendition]] = []
    for role, r in _rendition_list(item):
        href = _str(r.get("href"))
        ctype = _str(r.get("contenttype") or r.get("mimetype")) or "image/jpeg"
        if not href or not ctype.startswith("image"):
            continue
        found.append((href, Rendition(role=role or "main", href=href, content_type=ctype.replace("image/jpg", "image/jpeg"),
                                      width=_num(r.get("width")), height=_num(r.get("height")),
                                      size_bytes=_num(r.get("sizeinbytes")))))
    renditions = finish_renditions(found)
    uri = _str(item.get("uri")) or _str(item.get("guid")) or ""
    stem = uri.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    pid = name if name and not name.startswith("picture") else (stem or name or "picture")
    return Picture(id=sane_id(re.sub(r"\.[A-Za-z]{3,4}$", "", pid), source, "picture id"), headline=_headline(item),
                   caption=_description(item) or _headline(item), credit=_credit(item), byline=_photographer(item),
                   renditions=tuple(renditions))


def _pictures(doc: dict, source: str) -> tuple[Picture, ...]:
    assoc = doc.get("associations")
    items: list[tuple[str, dict]] = []
    if isinstance(assoc, dict):
        items = [(k, v) for k, v in assoc.items() if isinstance(v, dict)]
    elif isinstance(assoc, list):
        items = [(str(v.get("name") or f"picture{n}"), v) for n, v in enumerate(assoc) if isinstance(v, dict)]
    return tuple(_picture(name, item, source) for name, item in items
                 if (item.get("type") or "picture") in _PICTURE_TYPES and _rendition_list(item))


def _num(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _located(doc: dict, byline: str | None) -> str | None:
    """ninjs `located`; a value that merely repeats the byline (Superdesk does that) names no place."""
    located = _str(doc.get("located"))
    if located and byline and (byline.startswith(located) or located.split(",")[0] in byline):
        return None
    return located


def _item(doc: dict, source: str) -> Story:
    kind = _str(doc.get("type"))
    kind = kind.lower() if kind else None
    if kind == "advisory":
        raise WireError(source, "ninjs item of type advisory: a note to editors, not a story to publish")
    if kind in _PICTURE_TYPES:
        return _photo_story(doc, source)
    if kind not in _TEXT_TYPES:
        raise WireError(source, f"ninjs item of type {kind}: Kawat publishes text and photo stories")
    raw_version = doc.get("version")
    version = version_of(raw_version, source) if raw_version is not None else None
    provider, date_id, item_id = _identity(doc, source)
    urn_rev = parse_item_id(_str(doc.get("uri")) or "").revision
    stated = version is not None or urn_rev is not None
    if version is None:  # no version stated: the uri's, else the revision time orders revisions
        version = urn_rev if urn_rev is not None else (
            revision_from_time(parse_datetime(_str(doc.get("versioncreated")))) or 1)
    status = status_of(_str(doc.get("pubstatus")))
    ednote = _str(doc.get("ednote"))
    by, creators = _by(doc)
    blocks = drop_byline_paragraph(_body(doc), by)
    if not blocks and not (kind == "composite" and _pictures(doc, source)):
        renditions = [n for n, r in _rendition_list(doc) if not str(r.get("contenttype") or r.get("mimetype") or "").startswith("image")]
        where = f" (the text is only a linked rendition: {', '.join(renditions)})" if renditions else ""
        if status.value == "usable":
            raise WireError(source, f"empty body: ninjs text item with no body{where}")
    dateline = None
    if blocks:
        lead, rest = split_dateline_prefix(blocks[0].text)
        if lead is not None:
            dateline, blocks = lead, ([Block(text=rest)] if rest else []) + blocks[1:]
    if dateline is None and (located := _located(doc, by)):
        dateline = make_dateline(located)
        blocks = strip_leading_dateline(blocks, dateline)
    genre = doc.get("genre")
    genre_name = None
    if isinstance(genre, list) and genre and isinstance(genre[0], dict):
        genre_name = _str(genre[0].get("name")) or _str(genre[0].get("code"))
    signals = doc.get("signals") if doc.get("signals") is not None else doc.get("signal")
    explicit = " ".join(str(s.get("code") or s.get("name") or "") if isinstance(s, dict) else str(s)
                        for s in (signals if isinstance(signals, list) else [signals] if signals else []))
    created = parse_datetime(_str(doc.get("firstcreated")))
    holder = _str(doc.get("copyrightholder"))
    notice = _str(doc.get("copyrightnotice"))
    return build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version,
        language=language_tag(_str(doc.get("language"))), headline=_headline(doc), slugline=_str(doc.get("slugline")),
        dateline=dateline, body=finish_blocks(blocks), creators=creators, byline=by, credit_line=_credit(doc),
        copyright_line=notice or (f"© {holder}" if holder else None), copyright_holder=holder,
        usage_terms=" ".join(_texts(doc.get("usageterms"))) or None, pictures=_pictures(doc, source), status=status,
        signal=derive_signal(status, version if stated else 1, ednote, explicit=explicit or None),
        embargoed=parse_datetime(_str(doc.get("embargoed")) or _str(doc.get("embargoeduntil"))),
        urgency=_num(doc.get("urgency")), subjects=_subjects(doc),
        keywords=tuple(k for k in (_str(k) for k in doc.get("keywords") or []) if k), advisory=ednote,
        genre=genre_name, first_created=created, version_created=parse_datetime(_str(doc.get("versioncreated"))),
        source_uri=_str(doc.get("uri")) or _str(doc.get("guid")), source_format="ninjs",
    )


def _photo_story(doc: dict, source: str) -> Story:
    """A ninjs picture item on its own: a photo story whose text is the caption."""
    raw_version = doc.get("version")
    version = version_of(raw_version, source) if raw_version is not None else 1
    provider, date_id, item_id = _identity(doc, source)
    picture = _picture(item_id, doc, source)
    if not picture.renditions:
        raise WireError(source, "ninjs picture item without an image rendition to publish")
    if not picture.caption:
        raise WireError(source, "ninjs picture item without a caption: a photo story needs one")
    status = status_of(_str(doc.get("pubstatus")))
    holder = _str(doc.get("copyrightholder"))
    return build_story(
        source, provider=provider, date_id=date_id, item_id=item_id, version=version,
        language=language_tag(_str(doc.get("language"))), headline=picture.headline or picture.caption[:120],
        body=(Block(text=picture.caption),), byline=picture.byline, credit_line=_credit(doc),
        copyright_line=_str(doc.get("copyrightnotice")) or (f"© {holder}" if holder else None), copyright_holder=holder,
        usage_terms=" ".join(_texts(doc.get("usageterms"))) or None, pictures=(picture,), status=status,
        signal=derive_signal(status, version, _str(doc.get("ednote"))), genre="Photo",
        embargoed=parse_datetime(_str(doc.get("embargoed"))), first_created=parse_datetime(_str(doc.get("firstcreated"))),
        version_created=parse_datetime(_str(doc.get("versioncreated"))), source_uri=_str(doc.get("uri")),
        source_format="ninjs",
    )
