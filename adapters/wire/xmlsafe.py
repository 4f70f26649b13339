"""Hardened XML loading: DOCTYPEs allowed, nothing external ever loaded, entities bounded, namespaces folded."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from adapters.errors import WireError
from adapters.wire.base import refuse_nul

_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_LATIN = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso-8859-15", "windows-1252", "cp1252"}
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
MAX_ENTITIES = 64
MAX_ENTITY_CHARS = 1024
MAX_EXPANDED_BYTES = 16 * 1024 * 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DTD_MODULE = re.compile(r"\.(dtd|ent|mod)$", re.I)
_ENTITY_REF = re.compile(r"&[A-Za-z_:][\w.:-]*;|%[A-Za-z_:][\w.:-]*;")


class _Refused(Exception):
    """A DOCTYPE declaration Kawat will not accept, with the reason for the one-line refusal."""


class _EntityGuard:
    """Checks each entity declaration as expat reads the DOCTYPE; never resolves anything external.

    Real feeds (Kyodo, ATS, NITF) carry a DOCTYPE naming their DTD and sometimes a DTD module as an
    external parameter entity: both are only names here, never fetched. Internal general entities
    are allowed but bounded (count, size, no nesting, total expansion); anything that could pull
    content in (external general entities, remote parameter entities, parameter entities with
    inline values, unparsed entities) is refused.
    """

    def __init__(self, data: bytes) -> None:
        self.count = 0
        self.longest = 0
        self.refs = data.count(b"&")
        self.size = len(data)

    def entity(self, name: str, is_parameter: bool, value: str | None, base: str | None,
               system_id: str | None, public_id: str | None, notation: str | None) -> None:
        if notation is not None:
            raise _Refused(f"unparsed entity {name!r} (NDATA) declared")
        if is_parameter:
            if value is not None:
                raise _Refused(f"parameter entity {name!r} with an inline value declared")
            if system_id is None or _SCHEME.match(system_id) or not _DTD_MODULE.search(system_id):
                raise _Refused(f"parameter entity {name!r} points at {str(system_id)[:60]!r}, not a local DTD module")
            return  # a DTD module reference, like the DOCTYPE's own DTD: never loaded
        if value is None:
            raise _Refused(f"external entity {name!r} ({str(system_id or public_id)[:60]}) declared")
        self.count += 1
        if self.count > MAX_ENTITIES:
            raise _Refused(f"more than {MAX_ENTITIES} entity declarations")
        if len(value) > MAX_ENTITY_CHARS:
            raise _Refused(f"entity {name!r} is {len(value)} characters, over {MAX_ENTITY_CHARS}")
        if _ENTITY_REF.search(value):
            raise _Refused(f"entity {name!r} refers to other entities (nested expansion)")
        self.longest = max(self.longest, len(value.encode("utf-8")))
        if self.size + self.refs * self.longest > MAX_EXPANDED_BYTES:
            raise _Refused(f"entities could expand the document past {MAX_EXPANDED_BYTES // (1024 * 1024)} MiB")

    def unparsed(self, name: str, *_: object) -> None:
        raise _Refused(f"unparsed entity {name!r} (NDATA) declared")


def _parse(data: bytes) -> Element:
    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=False, forbid_external=True)
    guard = _EntityGuard(data)
    parser.parser.EntityDeclHandler = guard.entity
    parser.parser.UnparsedEntityDeclHandler = guard.unparsed
    parser.feed(data)
    return parser.close()


def local(tag: object) -> str:
    """Element or attribute name without its `{namespace}`: feeds vary in how they namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def declared_encoding(data: bytes) -> str | None:
    match = _DECL.match(data)
    return match.group(1).decode("ascii").lower() if match else None


def _utf8_with_non_ascii(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(c) > 127 for c in text)


def normalise_bytes(data: bytes, source: str) -> bytes:
    """UTF-8 bytes with a matching declaration, fixing the common mis-declared-encoding cases."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise WireError(source, f"broken UTF-16 text: {exc}") from exc
        return _redeclare(text.encode("utf-8"))
    declared = declared_encoding(data)
    if declared in _LATIN and _utf8_with_non_ascii(data):
        # Declared Latin-1 but the bytes are valid UTF-8: a mislabelled UTF-8 file, read it as UTF-8.
        return _redeclare(data)
    if declared in (None, "utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            label = "declared UTF-8" if declared else "no encoding declared (UTF-8 assumed)"
            raise WireError(source, f"{label} but byte 0x{data[exc.start]:02X} at offset {exc.start} is not UTF-8") from exc
    return data


def _redeclare(data: bytes) -> bytes:
    if _DECL.match(data):
        return re.sub(rb"encoding\s*=\s*[\"'][A-Za-z0-9._-]+[\"']", b'encoding="utf-8"', data, count=1)
    return data


def load_xml(data: bytes, source: str) -> Element:
    """Parse untrusted XML safely; every failure becomes a one-line `WireError`."""
    data = normalise_bytes(data, source)
    refuse_nul(data, source)
    try:
        root = _parse(data)
    except _Refused as exc:
        raise WireError(source, f"unsafe XML refused: {exc}") from exc
    except DefusedXmlException as exc:
        raise WireError(source, f"unsafe XML refused ({type(exc).__name__}): external content is never loaded") from exc
    except ParseError as exc:
        raise WireError(source, f"malformed XML: {exc}") from exc
    except (ValueError, LookupError) as exc:
        raise WireError(source, f"unreadable XML: {exc}") from exc
    for el in root.iter():
        if isinstance(el.tag, str):
            lang = el.attrib.get(XML_NS + "lang")
            el.tag = local(el.tag)
            if any("}" in k for k in el.attrib):
                el.attrib = {local(k): v for k, v in el.attrib.items()}
            if lang is not None:
                el.attrib["xml:lang"] = lang
    return root


def child(el: Element | None, *path: str) -> Element | None:
    """First descendant along `path` (direct children at each step), or None."""
    cur = el
    for name in path:
        if cur is None:
            return None
        cur = next((c for c in cur if c.tag == name), None)
    return cur


def children(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else [c for c in el if c.tag == name]


def descendants(el: Element | None, name: str) -> list[Element]:
    return [] if el is None else [d for d in el.iter(name) if d is not el]


def first(el: Element | None, name: str) -> Element | None:
    """First descendant with this local name anywhere below `el`."""
    return next(iter(descendants(el, name)), None)


def text_of(el: Element | None) -> str | None:
    """All text inside an element, whitespace collapsed; None when empty."""
    if el is None:
        return None
    value = " ".join("".join(el.itertext()).split())
    return value or None


def attr(el: Element | None, name: str) -> str | None:
    if el is None:
        return None
    value = el.attrib.get(name)
    return value.strip() if value and value.strip() else None


def first_of(el: Element | None, *names: str) -> Element | None:
    """The first descendant named like the first name that occurs (never Element truthiness)."""
    for name in names:
        found = first(el, name)
        if found is not None:
            return found
    return None
