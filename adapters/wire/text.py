"""Text clean-up shared by every parser: whitespace, sign-offs, datelines, body blocks, HTML."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import nh3

from newsroom.model import Block, BlockRole, Dateline

_WS = re.compile(r"\s+")
# AFP staff initials closing a story: "bur-dar-gl/fz", "jm/ach", "sst-mlm/cl", "(jm/ach)".
_SIGNOFF = re.compile(r"^\(?[a-z]{1,6}(?:[-/][a-z]{1,6})*/[a-z]{1,6}(?:[-/][a-z]{1,6})*\)?$")
_TRAILING_SIGNOFF = re.compile(r"(?<=[.!?\"”’)])\s+\(?[a-z]{1,6}(?:[-/][a-z]{1,6})*/[a-z]{1,6}(?:[-/][a-z]{1,6})*\)?$")
_SUBHEAD_TAGS = {"hl1", "hl2", "h1", "h2", "h3", "h4", "h5", "h6"}
_PARA_TAGS = {"p", "li", "blockquote", "pre", "dd", "dt", "td", "caption"}
_SKIP_TAGS = {"media", "media-reference", "media-caption", "script", "style", "table", "figure", "img", "object",
              "iframe", "head", "title", "noscript", "tagline", "body.end", "body.head"}
_CONTAINERS = {"body", "body.content", "block", "div", "section", "article", "ul", "ol", "dl", "html", "main",
               "DataContent", "nitf", "inlineXML", "tr", "tbody", "thead"}


def clean(value: str | None) -> str | None:
    """Collapse whitespace (incl. NBSP), unescape stray entities; None for empty."""
    if value is None:
        return None
    text = _WS.sub(" ", html.unescape(value).replace("\u00a0", " ").replace("\u200b", "")).strip()
    return text or None


def is_signoff(text: str) -> bool:
    return bool(_SIGNOFF.match(text.strip()))


def subhead_text(text: str) -> str:
    """AFP writes subheads as "- Media offices destroyed -": keep only the words."""
    stripped = re.sub(r"^[\s\-–—•*]+|[\s\-–—•*]+$", "", text)
    return stripped or text


def finish_blocks(blocks: list[Block]) -> tuple[Block, ...]:
    """Drop empty blocks and the trailing staff sign-off (as its own paragraph or glued to the last one)."""
    out = [b for b in blocks if b.text.strip()]
    while out and out[-1].role is BlockRole.paragraph and is_signoff(out[-1].text):
        out.pop()
    if out and out[-1].role is BlockRole.paragraph:
        trimmed = _TRAILING_SIGNOFF.sub("", out[-1].text).strip()
        if trimmed != out[-1].text:
            out[-1] = Block(role=BlockRole.paragraph, text=trimmed)
    while out and out[-1].role is BlockRole.subhead:
        out.pop()
    return tuple(out)


def blocks_from_xml(el: Element | None) -> list[Block]:
    """Walk an NITF/XHTML body in document order: `<p>` → paragraph, `<hl2>`/`<hN>` → subhead."""
    blocks: list[Block] = []
    if el is None:
        return blocks
    _walk(el, blocks)
    return blocks


def _walk(el: Element, blocks: list[Block]) -> None:
    for node in el:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP_TAGS:
            _tail(node, blocks)
            continue
        if tag in _SUBHEAD_TAGS:
            text = clean("".join(node.itertext()))
            if text:
                blocks.append(Block(role=BlockRole.subhead, text=subhead_text(text)))
        elif tag in _PARA_TAGS:
            if any(isinstance(c.tag, str) and c.tag in _PARA_TAGS | _SUBHEAD_TAGS for c in node):
                _walk(node, blocks)
            else:
                text = clean(_inline_text(node))
                if text:
                    blocks.append(Block(text=text))
        elif tag in _CONTAINERS or len(node):
            if node.text and clean(node.text):
                blocks.append(Block(text=clean(node.text) or ""))
            _walk(node, blocks)
        else:
            text = clean("".join(node.itertext()))
            if text:
                blocks.append(Block(text=text))
        _tail(node, blocks)


def _tail(node: Element, blocks: list[Block]) -> None:
    text = clean(node.tail)
    if text:
        blocks.append(Block(text=text))


def _inline_text(el: Element) -> str:
    """Text of a paragraph with inline markup dropped, but `<br/>` kept as a space."""
    parts: list[str] = [el.text or ""]
    for c in el:
        if isinstance(c.tag, str) and c.tag in {"script", "style"}:
            parts.append(c.tail or "")
            continue
        parts.append(" " if c.tag == "br" else "")
        parts.append(_inline_text(c))
        parts.append(c.tail or "")
    return "".join(parts)


class _HTMLBlocks(HTMLParser):
    """Block splitter for sanitized HTML: paragraphs, headings, line breaks."""

    _BLOCK = {"p", "div", "li", "blockquote", "section", "article", "tr", "dd", "dt", "pre", "br", "ul", "ol",
              "table", "header", "footer", "nav", "aside", "figure", "figcaption", "main", "hr", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, str]] = []
        self._buf: list[str] = []
        self._role = "p"
        self._skip = 0

    def _flush(self) -> None:
        text = clean("".join(self._buf))
        if text:
            self.lines.append((self._role, text))
        self._buf = []
        self._role = "p"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template", "noscript", "iframe", "svg"}:
            self._skip += 1
        elif tag in _SUBHEAD_TAGS:
            self._flush()
            self._role = "h"
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template", "noscript", "iframe", "svg"}:
            self._skip = max(0, self._skip - 1)
        elif tag in _SUBHEAD_TAGS or tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def sanitize_html(markup: str) -> str:
    """Strip scripts, event handlers, iframes and styles before anything reads feed HTML."""
    return nh3.clean(markup, tags={"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "em", "strong", "a",
                                   "ul", "ol", "li", "blockquote", "div", "span", "figure", "figcaption",
                                   "section", "article", "header", "footer", "nav", "aside", "main", "table",
                                   "tr", "td", "th", "tbody", "thead", "pre", "hr", "dl", "dt", "dd", "caption"},
                     attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                     clean_content_tags={"script", "style", "iframe", "noscript", "template", "svg", "object"})


def html_lines(markup: str) -> list[tuple[str, str]]:
    """Sanitized HTML as (role, text) lines: role "h" for headings, "p" otherwise."""
    parser = _HTMLBlocks()
    parser.feed(sanitize_html(markup))
    parser.close()
    return parser.lines


def html_to_blocks(markup: str) -> list[Block]:
    return [Block(role=BlockRole.subhead if r == "h" else BlockRole.paragraph,
                  text=subhead_text(t) if r == "h" else t) for r, t in html_lines(markup)]


def text_to_blocks(text: str) -> list[Block]:
    """Plain text body: blank-line separated paragraphs (single lines when there are no blank lines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    blocks: list[Block] = []
    for chunk in (clean(ch) for ch in chunks):
        if chunk:
            sub = bool(blocks) and looks_like_subhead(chunk)
            blocks.append(Block(role=BlockRole.subhead if sub else BlockRole.paragraph,
                                text=subhead_text(chunk) if sub else chunk))
    return blocks


def looks_like_subhead(line: str) -> bool:
    """A short capitalised line with no closing punctuation between paragraphs ("Penanganan Buruk")."""
    words = line.split()
    return (0 < len(words) <= 8 and len(line) <= 70 and not re.search(r"[.!?,;:\"“”'’)]$", line)
            and not line.startswith(("\"", "“", "'")) and line[:1].isupper() and not is_signoff(line))


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|br|div|h[1-6]|span|b|i|em|strong|a|ul|li)\b[^>]*>", text, re.I))


def city_from_dateline(text: str) -> str | None:
    """"Gaza City, Palestinian Territories, May 16 (AFP) -" → "Gaza City"; "SAN FRANCISCO -" → "San Francisco"."""
    head = re.split(r",|\(|\s[-–—]+(?:\s|$)", text, maxsplit=1)[0].strip(" -–—")
    if not head or len(head) > 60 or any(ch.isdigit() for ch in head):
        return None
    return head.title() if head.isupper() else head


def make_dateline(text: str | None, city: str | None = None) -> Dateline | None:
    text = clean(text)
    if not text:
        return Dateline(text=city, city=city) if city else None
    return Dateline(text=text, city=clean(city) or city_from_dateline(text))


def strip_leading_dateline(blocks: list[Block], dateline: Dateline | None) -> list[Block]:
    """Drop the dateline when the first paragraph repeats it, so it is not printed twice."""
    if not blocks or dateline is None:
        return blocks
    head = blocks[0].text
    lead = dateline.text.rstrip(" -–—")
    if lead and head.startswith(lead):
        rest = head[len(lead):].lstrip(" -–—:").strip()
        return ([Block(text=rest)] if rest else []) + blocks[1:]
    return blocks


def language_tag(value: str | None) -> str | None:
    """BCP47-ish tag to the primary subtag we route on ("en-GB" → "en", legacy "in" → "id")."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower())[0]
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        return None
    return {"in": "id", "ind": "id", "eng": "en", "fre": "fr", "fra": "fr"}.get(primary, primary)


# "SAN FRANCISCO - ", "JAKARTA (AFP) - ", "GROSSETO, Italy (AP) -- ", "Paris, Nov 20, 2023 (AFP) - "
_LEAD_DATELINE = re.compile(
    r"^(?P<dl>(?P<city>[A-Z][A-Z.'’ ]{1,40}[A-Z.])(?:,\s*[A-Za-z0-9.,' ]{1,40}?)?(?:\s*\([A-Za-z]{2,10}\))?)\s*[-–—]{1,2}\s+(?=\S)"
    r"|^(?P<dl2>(?P<city2>[A-Z][\w.'’ ]{1,40}),[^()\n]{1,60}\((?:AFP|AP|Reuters|ANTARA|dpa|EFE|ANSA|Xinhua|Bernama|Yonhap|Kyodo)\))"
    r"\.?\s*[-–—]{1,2}\s+(?=\S)")


def split_dateline_prefix(text: str) -> tuple[Dateline | None, str]:
    """Split a dateline written into the first paragraph off the text it introduces."""
    match = _LEAD_DATELINE.match(text)
    if not match:
        return None, text
    raw = match.group("dl") or match.group("dl2")
    city = (match.group("city") or match.group("city2") or "").strip()
    city = city.title() if city.isupper() else city
    return Dateline(text=raw.strip() + " -", city=city or None), text[match.end():].strip()
