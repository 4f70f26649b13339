"""Content sniffing: which wire format a file holds, judged from its bytes and never its name."""

from __future__ import annotations

import json
import re

from adapters.errors import WireError

_PROLOG = re.compile(rb"^(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_NINJS_KEYS = {"uri", "headline", "headlines", "headline_main", "body_text", "body_html", "body_xhtml", "body_main",
               "bodies", "versioncreated", "pubstatus", "type", "guid", "renditions", "associations", "by", "located"}


def _keys(doc: dict) -> set[str]:
    return {str(k).lower() for k in doc}


def _head(data: bytes) -> bytes:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return data
    return data


def root_name(data: bytes) -> str | None:
    """Local name of the first element of an XML/HTML document, or None if it does not start like one."""
    head = _head(data)[:65536]
    rest = head[_PROLOG.match(head).end():]  # type: ignore[union-attr]  # _PROLOG is all-optional: it always matches
    if not rest.startswith(b"<"):
        return None
    match = _ROOT.match(rest)
    return match.group(2).decode("ascii", "replace") if match else None


# The 7901 header line even when the control characters were stripped: "eca00075 3 i 510    dpa 1003".
_7901_HEADER = re.compile(rb"^\s*\x01?[a-z]{2,4}\d{3,5}\s+\d\s+[a-z]\s+\d{2,4}\s+\S+", re.I)
_MAIL_HEADERS = re.compile(rb"^(?:Delivered-To|Return-Path|Received|From|MIME-Version|Message-ID|X-[\w-]+):\s", re.I)


def _is_iptc7901(data: bytes) -> bool:
    """IPTC 7901 (ANPA-style) transmission: SOH header, STX before the text, ETX after it."""
    head = data[:512]
    return (head.lstrip(b"\r\n ").startswith(b"\x01") or (b"\x02" in head and b"\x03" in data[-512:])
            or bool(_7901_HEADER.match(head)))


def _is_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\x1f\x8b", b"PK\x03\x04", b"\xff\xd8\xff", b"%PDF", b"\x89PNG", b"GIF8")):
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls / len(sample) > 0.05


def ninjs_items(doc: object, depth: int = 0) -> list[dict]:
    """ninjs objects in a document: one object, an array, a feed page {"items": […]}, an API reply {"data": {"item": …}}."""
    if isinstance(doc, dict) and _NINJS_KEYS & _keys(doc) and not ({"data", "api_version"} & _keys(doc)):
        return [doc]
    if isinstance(doc, dict) and depth < 3:
        for key in ("items", "item", "data"):
            inner = doc.get(key)
            if isinstance(inner, (dict, list)) and (found := ninjs_items(inner, depth + 1)):
                return found
        return []
    if isinstance(doc, list) and doc and all(isinstance(d, dict) and isinstance(d.get("item"), dict) for d in doc):
        doc = [d["item"] for d in doc]  # AP Media API feed: [{"item": {…}, "meta": …}, …]
    if isinstance(doc, list) and doc and all(isinstance(d, dict) and _NINJS_KEYS & _keys(d) for d in doc):
        return doc
    return []


def detect_format(data: bytes, source: str = "<bytes>") -> str:
    """One of "newsml12", "newsml-g2", "nitf", "ninjs", "iptc7901", "plain"; anything else raises `WireError`."""
    if not data or not data.strip():
        raise WireError(source, "empty file")
    head = _head(data)
    if _is_binary(head):
        raise WireError(source, "binary content, not a wire text format")
    if sum(1 for line in head.lstrip()[:2048].splitlines()[:6] if _MAIL_HEADERS.match(line)) >= 2:
        raise WireError(source, "an e-mail message (RFC 822 headers), not a wire story: extract the story first")
    if _is_iptc7901(head):
        return "iptc7901"
    stripped = head.lstrip()
    if stripped.startswith((b"{", b"[")):
        try:
            doc = json.loads(head.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WireError(source, f"looks like JSON but does not parse: {str(exc)[:120]}") from exc
        if ninjs_items(doc):
            return "ninjs"
        raise WireError(source, "JSON that is not a ninjs object (no uri/headline/body fields)")
    if stripped.startswith(b"<"):
        name = root_name(head)
        if name is None:
            raise WireError(source, "markup with no root element")
        if name == "NewsML":
            return "newsml12"
        if name in {"newsItem", "newsMessage", "packageItem", "conceptItem", "knowledgeItem", "planningItem"}:
            return "newsml-g2"
        if name == "nitf":
            return "nitf"
        if name.lower() in {"html", "body", "article", "div", "p", "h1", "main", "section", "head", "meta"}:
            return "plain"
        raise WireError(source, f"unknown XML format: root element <{name}>")
    return "plain"
