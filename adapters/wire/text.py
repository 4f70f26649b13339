"""Text clean-up shared by every parser: whitespace, sign-offs, datelines, body blocks, HTML."""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element

import lxml.html
import nh3

from newsroom.datelines import city_from_dateline
from newsroom.languages import canonical, primary_subtag
from newsroom.model import Block, BlockRole, Dateline

_WS = re.compile(r"\s+")
# AFP staff initials closing a story: "bur-dar-gl/fz", "jm/ach", "sst-mlm/cl", "(jm/ach)".
_SIGNOFF = re.compile(r"^\(?[a-z]{1,6}(?:[-/][a-z]{1,6})*/[a-z]{1,6}(?:[-/][a-z]{1,6})*\)?$")
# The same desk initials in non-Latin scripts (AFP Arabic: "سب-لال/نور-كام"); never Latin capitals.
_SIGNOFF_ANY = re.compile(r"^\(?[^\W\d_A-Z]{1,6}(?:[-/][^\W\d_A-Z]{1,6})*/[^\W\d_A-Z]{1,6}(?:[-/][^\W\d_A-Z]{1,6})*\)?$")
_TRAILING_SIGNOFF = re.compile(r"(?<=[.!?\"”’)])\s+\(?[a-z]{1,6}(?:[-/][a-z]{1,6})*/[a-z]{1,6}(?:[-/][a-z]{1,6})*\)?$")
# Agency end marks: "==Kyodo", "/ritzau/", "(END)", "-0-", and desk codes after the agency ("dpa wsz jln npr").
_END_MARK = re.compile(r"^(?:={1,3}\s*[A-Za-z]{2,12}|/[A-Za-z]{2,12}/|\((?:END|FIN|ENDS)\)|-?0-|END|ENDS|ENDE|FIN)$", re.I)
_DESK_CODES = re.compile(r"^(?:AAP|AFP|dpa|ANSA|NTB|TT|APA|ATS|SDA|EFE)(?:\s+[A-Za-z0-9]{1,5}){1,5}$")
# ANSA/ANPA routing lines closing a story: "CRO01 1113 APE4800 GEST GEST03 MAE03".
_ROUTING = re.compile(r"^(?:[A-Z0-9]{2,10}\s+){2,}[A-Z0-9]{2,10}$")
# Markup sent as text (an embed snippet): "<div class=…></div><script src=…></script>".
_CODE_PARA = re.compile(r"^\s*<[A-Za-z!/][^>]*>.*>\s*$", re.S)
# Reuters' first paragraph "(Adds comments, detail)" is a note to editors, not copy.
_EDITOR_NOTE = re.compile(r"^\((?:Adds|Updates|Corrects|Recasts|Repeats|Refiles|Changes|Fixes|Rewrites|Writes through"
                          r"|Removes|Inserts|Clarifies|Replaces|Deletes|Resends|Moves|Makes)\b[^()]*\)$", re.I)
_RIGHTS_PARA = re.compile(r"^(?:\(?©|\(c\)\s|copyright\b)", re.I)
_SUBHEAD_TAGS = {"hl1", "hl2", "h1", "h2", "h3", "h4", "h5", "h6"}
_PARA_TAGS = {"p", "li", "blockquote", "dd", "dt", "caption", "figcaption"}
_SKIP_TAGS = {"media", "media-reference", "media-caption", "media-producer", "script", "style", "figure", "img",
              "object", "iframe", "head", "title", "noscript", "tagline", "body.end", "body.head", "header", "nav",
              "aside", "footer", "figcaption", "video", "audio", "svg", "template", "button", "form", "meta", "link"}
_CONTAINERS = {"body", "body.content", "block", "div", "section", "article", "ul", "ol", "dl", "html", "main",
               "DataContent", "nitf", "inlineXML", "tbody", "thead", "tfoot", "center", "font"}
_BOLD = {"b", "strong"}


# A UTF-8 sequence read as Windows-1252: lead byte as "Â".."ï", continuation bytes as cp1252 characters.
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}")


def _redecode(match: re.Match[str]) -> str:
    raw = bytearray()
    for ch in match.group():
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return match.group()
            raw.append(ord(ch))  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: bytes cp1252 leaves undefined
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def unmangle(text: str) -> str:
    """UTF-8 read as Windows-1252 once too often ("Dellâ€™s" → "Dell’s"); anything else is left as sent."""
    return _MOJIBAKE.sub(_redecode, text) if ("Ã" in text or "Â" in text or "â" in text) else text


def clean(value: str | None) -> str | None:
    """Collapse whitespace (incl. NBSP), unescape stray entities, repair double-encoded UTF-8; None for empty."""
    if value is None:
        return None
    text = _WS.sub(" ", unmangle(html.unescape(value)).replace("\u00a0", " ").replace("\u200b", "")).strip()
    return text or None


def is_signoff(text: str) -> bool:
    """AFP-style desk initials closing a story ("bur-dar-gl/fz"), in any script."""
    t = text.strip()
    return bool(_SIGNOFF.match(t)) or (not t.isascii() and bool(_SIGNOFF_ANY.match(t)))


def subhead_text(text: str) -> str:
    """AFP writes subheads as "- Media offices destroyed -": keep only the words."""
    stripped = re.sub(r"^[\s\-–—•*]+|[\s\-–—•*]+$", "", text)
    return stripped or text


# Press-release trailers as wires relay them: keywords, source, publication stamps, links back.
_RELEASE_TRAILER = re.compile(r"^(?:(?:INDUSTRY |SUBJECT )?KEYWORDS?|SOURCE|PUB|DISC|SUBJECT CODE)\s*:|^https?://\S+$"
                              r"|^View (?:source|original) (?:version|content)\b", re.I)
_CONTACTS = re.compile(r"^(?:Media\s+|Press\s+|Investor\s+)?CONTACTS?\s*:", re.I)
_PHOTO_CAPTION = re.compile(r"\((?:Photo|Foto|Graphic|Image)s?(?::| by| credit:?)\s*[^()]{1,60}\)\s*$", re.I)


def _drop_release_trailer(out: list[Block]) -> list[Block]:
    """A relayed press release ends in contacts, keywords and links: copy ends before them."""
    while out and out[-1].role is BlockRole.paragraph and _RELEASE_TRAILER.match(out[-1].text):
        out.pop()
    tail = range(max(0, len(out) - 20), len(out))
    cut = next((i for i in tail if out[i].role is BlockRole.paragraph and _CONTACTS.match(out[i].text)), None)
    if cut is not None and cut > 0:
        out = out[:cut]
        while out and out[-1].role is BlockRole.paragraph and _RELEASE_TRAILER.match(out[-1].text):
            out.pop()
    return out


def _is_end_mark(text: str) -> bool:
    t = text.strip()
    routing = bool(_ROUTING.match(t)) and sum(1 for w in t.split() if any(c.isdigit() for c in w)) >= 2
    return is_signoff(t) or bool(_END_MARK.match(t)) or bool(_DESK_CODES.match(t)) or routing


def is_editor_note(text: str) -> bool:
    """"(Adds comments, detail)", "(Corrects paragraph 3)": Reuters' note to editors above the copy."""
    return bool(_EDITOR_NOTE.match(text.strip()))


def drop_repeated_headline(blocks: list[Block], headline: str | None) -> list[Block]:
    """AP repeats the slug-headline as the first paragraph ("BC-BBN--Top Ten"): print it once."""
    if blocks and headline and blocks[0].text.strip().casefold() == headline.strip().casefold():
        return blocks[1:]
    return blocks


def finish_blocks(blocks: list[Block]) -> tuple[Block, ...]:
    """Drop empty blocks, trailing sign-offs/end marks and rights notices; a body of subheads stays text."""
    out = [b for b in blocks if b.text.strip() and re.search(r"[^\W_]", b.text) and not _CODE_PARA.match(b.text)]
    for _ in range(3):  # end marks, rights lines and release trailers interleave: peel until none is left
        while out and out[-1].role is BlockRole.paragraph and (_is_end_mark(out[-1].text) or _RIGHTS_PARA.match(out[-1].text)):
            out.pop()
        out = _drop_release_trailer(out)
    if out and out[-1].role is BlockRole.paragraph:
        trimmed = _TRAILING_SIGNOFF.sub("", out[-1].text).strip()
        if trimmed != out[-1].text:
            out[-1] = Block(role=BlockRole.paragraph, text=trimmed)
    while out and out[-1].role is BlockRole.subhead and any(b.role is BlockRole.paragraph for b in out):
        out.pop()
    if out and all(b.role is BlockRole.subhead for b in out):
        out = [Block(text=b.text) for b in out]
    return tuple(out)


def _tag(node: object) -> str:
    tag = getattr(node, "tag", "")
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_PAGE_SKIP = frozenset(_SKIP_TAGS - {"figure", "figcaption", "header", "footer"})


def blocks_from_xml(el: Element | None, *, caps_subheads: bool = True, page: bool = False) -> list[Block]:
    """Walk an NITF/XHTML/HTML body in document order: paragraphs, subheads, tables as rows.

    `page` reads a whole published web page, where the photo caption and the header are wanted.
    """
    blocks: list[Block] = []
    if el is not None:
        lead = el.text or ""
        first = next(iter(el), None)
        if lead.strip() and (first is None or _tag(first) not in _INLINE):
            # copy written straight into <body> with no <p> (Reuters sports results): paragraphs and rows
            blocks.extend(text_to_blocks(lead))
            lead = ""
        _walk(el, blocks, caps_subheads, _PAGE_SKIP if page else frozenset(_SKIP_TAGS), lead)
    return blocks


def _is_caps_label(text: str) -> bool:
    """"ON THIS DAY IN SPORT", "BIRTHDAYS": a short all-capitals line is a section label, not a sentence."""
    if len(text.split()) > 8 or text.upper() != text:  # cheap refusals first: most paragraphs are sentences
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and any(c.isupper() for c in letters) and not re.search(r"[.!?;,\"“”]$", text)


def _bold_only(node: Element) -> bool:
    """`<p><b>Industry's smallest tower</b></p>`: a paragraph that is one bold run works as a subhead."""
    kids = [c for c in node if _tag(c)]
    if len(kids) != 1 or _tag(kids[0]) not in _BOLD or clean(node.text) or clean(kids[0].tail):
        return False
    text = clean("".join(kids[0].itertext())) or ""
    return 0 < len(text.split()) <= 14 and not re.search(r"[.!?:;,]$", text)


def _has_image(node: Element) -> bool:
    return any(_tag(d) in {"img", "media", "media-reference"} for d in node.iter())


# Inline markup met outside any paragraph: its words join the text around it in one paragraph.
_INLINE = {"b", "i", "em", "strong", "a", "span", "u", "sub", "sup", "font", "small", "big", "abbr", "cite", "q", "mark",
           "time", "person", "org", "location", "chron", "money", "num", "event", "virtloc", "classifier", "br", "tt",
           "ins", "del", "s", "strike", "var", "code", "kbd", "nobr", "wbr"}


def _walk(el: Element, blocks: list[Block], caps: bool, skip: frozenset[str], lead: str = "") -> None:
    run: list[str] = [lead]
    after_media = False

    def flush() -> None:
        raw = "".join(run)
        run.clear()
        for part in _BREAKS.split(raw):
            if text := clean(part.replace(_BR, " ")):
                blocks.append(Block(text=text))

    for node in el:
        tag = _tag(node)
        if not tag:  # comment or processing instruction: only its tail is copy
            run.append(node.tail or "")
            continue
        if tag in _INLINE and not any(_tag(d) in _PARA_TAGS | _SUBHEAD_TAGS | {"div", "table"} for d in node.iter()):
            run.append(_BR if tag == "br" else _inline_text(node))
            run.append(node.tail or "")
            continue
        figure_div = tag == "div" and skip is not _PAGE_SKIP and _has_image(node)
        if tag in skip or (figure_div and not any(_tag(c) in _SUBHEAD_TAGS for c in node.iter())):
            after_media = after_media or tag in {"media", "img", "figure"} or figure_div
            run.append(node.tail or "")
            continue
        flush()
        if after_media and tag == "p" and _PHOTO_CAPTION.search(_inline_text(node)):
            after_media = False  # the picture's caption printed under it in the copy ("… (Photo: Business Wire)")
            run.append(node.tail or "")
            continue
        after_media = False
        if tag in _SUBHEAD_TAGS:
            text = clean("".join(node.itertext()))
            if text:
                blocks.append(Block(role=BlockRole.subhead, text=subhead_text(text)))
        elif tag == "table":
            _table(node, blocks)
        elif tag == "pre":
            for line in "".join(node.itertext()).splitlines():
                if text := clean(line):
                    blocks.append(Block(text=text))
        elif tag in _PARA_TAGS:
            if any(_tag(c) in _PARA_TAGS | _SUBHEAD_TAGS | {"table", "div", "ul", "ol", "pre"} for c in node):
                _walk(node, blocks, caps, skip, node.text or "")
            elif _bold_only(node):
                blocks.append(Block(role=BlockRole.subhead, text=subhead_text(clean("".join(node.itertext())) or "")))
            else:
                for part in (p for chunk in _BREAKS.split(_inline_text(node)) for p in split_indented(chunk.replace(_BR, " "))):
                    text = clean(part)
                    if not text:
                        continue
                    role = BlockRole.subhead if caps and _is_caps_label(text) else BlockRole.paragraph
                    blocks.append(Block(role=role, text=text))
        elif tag in _CONTAINERS or len(node):
            _walk(node, blocks, caps, skip, node.text or "")
        else:
            text = clean("".join(node.itertext()))
            if text:
                blocks.append(Block(text=text))
        run.append(node.tail or "")
    flush()


def _table(table: Element, blocks: list[Block]) -> None:
    """A table as readable rows: its caption as a subhead, then one paragraph per row, cells split by " | "."""
    for node in table.iter():
        tag = _tag(node)
        if tag == "caption" and (text := clean("".join(node.itertext()))):
            blocks.append(Block(role=BlockRole.subhead, text=text))
        elif tag == "tr":
            cells = [clean("".join(c.itertext())) or "" for c in node if _tag(c) in {"td", "th"}]
            cells = [c for c in cells if c] if not any(cells) else cells
            row = " | ".join(c for c in cells).strip(" |")
            if row:
                blocks.append(Block(text=row))


# A line break inside a paragraph is a wrap (AAP breaks lines mid-sentence); two in a row end a paragraph.
_BR = "\u2028"
_BREAKS = re.compile("\u2028\\s*(?:\u2028\\s*)+")


def _inline_text(el: Element) -> str:
    """Text of a paragraph with inline markup dropped, `<br/>` kept as a line-break mark, line layout kept."""
    parts: list[str] = [el.text or ""]
    for c in el:
        tag = _tag(c)
        if tag in {"script", "style"} or not tag:
            parts.append(c.tail or "")
            continue
        parts.append(_BR if tag == "br" else "")
        parts.append(_inline_text(c))
        parts.append(c.tail or "")
    return "".join(parts)


def split_indented(raw: str) -> list[str]:
    """Hard-wrapped copy whose paragraphs start with an indent (ANSA, IPTC 7901): one string per paragraph.

    Only when continuation lines sit at the left margin and some lines are indented further;
    uniformly indented markup (pretty-printed XML) is one paragraph.
    """
    lines = [line.expandtabs(4) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    content = [line for line in lines if line.strip()]
    if len(content) < 3:
        return [raw]
    indents = [len(line) - len(line.lstrip()) for line in content[1:]]
    base = min(indents)
    if base != 0 or not any(i >= 2 for i in indents):
        return [raw]
    paras: list[list[str]] = [[content[0]]]
    for line, indent in zip(content[1:], indents, strict=True):
        if indent >= base + 2:
            paras.append([line])
        else:
            paras[-1].append(line)
    return [" ".join(p) for p in paras]


def sanitize_html(markup: str) -> str:
    """Strip scripts, event handlers, iframes and styles before anything reads feed HTML."""
    return nh3.clean(markup, tags={"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "b", "i", "em", "strong", "a", "u",
                                   "ul", "ol", "li", "blockquote", "div", "span", "figure", "figcaption", "img",
                                   "section", "article", "header", "footer", "nav", "aside", "main", "table",
                                   "tr", "td", "th", "tbody", "thead", "tfoot", "pre", "hr", "dl", "dt", "dd",
                                   "caption", "sub", "sup"},
                     attributes={"a": {"href"}, "span": {"class"}, "p": {"class"}}, url_schemes={"http", "https", "mailto"},
                     clean_content_tags={"script", "style", "iframe", "noscript", "template", "svg", "object"})


def parse_html(markup: str) -> Element:
    """Feed HTML (CDATA bodies, ninjs body_html) sanitised by nh3, then parsed by lxml's HTML parser."""
    cleaned = sanitize_html(markup)
    root = lxml.html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
    return root


def html_to_blocks(markup: str) -> list[Block]:
    """Paragraphs and subheads of an HTML fragment, in order (tables as rows)."""
    if not markup or not markup.strip():
        return []
    return blocks_from_xml(parse_html(markup))


def html_lines(markup: str) -> list[tuple[str, str]]:
    """Sanitized HTML as (role, text) lines: role "h" for headings, "p" otherwise."""
    return [("h" if b.role is BlockRole.subhead else "p", b.text)
            for b in blocks_from_xml(parse_html(markup), caps_subheads=False, page=True)]


def text_to_blocks(text: str) -> list[Block]:
    """Plain text body: blank-line separated paragraphs, else indented paragraph starts, else lines."""
    if looks_like_html(text):
        return html_to_blocks(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n\s*\n", text):
        chunks = [p for ch in re.split(r"\n\s*\n", text) for p in split_indented(ch)]
    else:
        chunks = split_indented(text)
        if len(chunks) == 1:
            chunks = text.split("\n")
    rows = [(row, len(split) > 1) for ch in chunks for split in [_rows(ch)] for row in split]
    blocks: list[Block] = []
    for chunk, is_row in ((clean(ch), r) for ch, r in rows):
        if chunk:
            sub = bool(blocks) and not is_row and looks_like_subhead(chunk)
            blocks.append(Block(role=BlockRole.subhead if sub else BlockRole.paragraph,
                                text=subhead_text(chunk) if sub else chunk))
    return blocks


def _rows(chunk: str) -> list[str]:
    """A chunk whose lines after the first are all short (results, listings) stays one row per line."""
    lines = [line for line in chunk.split("\n") if line.strip()]
    if len(lines) >= 3 and all(len(line.strip()) <= 50 for line in lines[1:]):
        return lines
    return [chunk]


def looks_like_subhead(line: str) -> bool:
    """A short capitalised line with no closing punctuation between paragraphs ("Penanganan Buruk")."""
    words = line.split()
    return (0 < len(words) <= 8 and len(line) <= 70 and not re.search(r"[.!?,;:\"“”'’)]$", line)
            and not line.startswith(("\"", "“", "'")) and line[:1].isupper() and not is_signoff(line))


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|br|div|h[1-6]|span|b|i|em|strong|a|ul|li)\b[^>]*>", text, re.I))


def make_dateline(text: str | None, city: str | None = None) -> Dateline | None:
    """The feed's dateline words as sent, with its city (the feed's own, else read from the words)."""
    text = clean(text)
    if not text or is_timestamp(text) or not re.search(r"[^\W\d_]", text):
        return None  # a time or a bare date ("4/4/2018") names no place
    place = clean(city)
    if place and place.isupper():
        place = place.title()
    return Dateline(text=text, city=place or city_from_dateline(re.sub(r"\([^()]{1,24}\)", " ", text)))


_TIMESTAMP = re.compile(r"^\d{4}-?\d{2}-?\d{2}(?:[T ]\d{2}:?\d{2}(?::?\d{2})?(?:\.\d+)?)?\s*(?:Z|GMT|UTC)?\s*(?:[+-]\d{2}:?\d{2})?$")


def is_timestamp(text: str) -> bool:
    """"2014-07-16 15:53:10 GMT+00:00": a time is not a dateline (Reuters sends one in <dateline>)."""
    return bool(_TIMESTAMP.match(text.strip()))


def strip_leading_dateline(blocks: list[Block], dateline: Dateline | None) -> list[Block]:
    """Drop the dateline when the first paragraph repeats it ("NEW YORK (AP) — …"), so it is printed once."""
    if not blocks or dateline is None:
        return blocks
    head = blocks[0].text
    lede, rest = split_dateline_prefix(head)
    city = (dateline.city or city_from_dateline(dateline.text) or "").casefold()
    if lede is not None and city and (lede.city or "").casefold() == city:
        return ([Block(text=rest)] if rest else []) + blocks[1:]
    if tag := _AGENCY_ONLY.match(head):  # AP writes the city in the dateline field, "(AP) _ …" in the copy
        rest = head[tag.end():].strip()
        return ([Block(text=rest)] if rest else []) + blocks[1:]
    lead = dateline.text.rstrip(" -–—")
    if lead and head.startswith(lead):
        rest = head[len(lead):].lstrip(" -–—:").strip()
        if tag := _AGENCY_ONLY.match(rest):
            rest = rest[tag.end():].strip()
        return ([Block(text=rest)] if rest else []) + blocks[1:]
    return blocks


def language_tag(value: str | None) -> str | None:
    """BCP47-ish tag to the primary subtag we route on ("en-GB" → "en", legacy "in" → "id")."""
    primary = primary_subtag(value)
    if not primary.isalpha() or not 2 <= len(primary) <= 3:
        return None
    return canonical(primary)


_AGENCY_TAGS = (r"(?:AFP|AP|Reuters|REUTERS|ANTARA|Antara|dpa|DPA|EFE|ANSA|Xinhua|Bernama|BERNAMA|Yonhap|Kyodo|NTB|TT|PA"
                r"|AAP|APA|ATS|SDA|TASS|Belga|BELGA|Ritzau|Lusa|CTK|PAP|MTI|ANA|AA|IANS|PTI|UPI|KUNA|WAFA|IRNA|dpa-AFX"
                r"|أ ف ب|ا ف ب)")
_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
# "SAN FRANCISCO - ", "JAKARTA (AFP) - ", "GROSSETO, Italy (AP) -- ", "NEW YORK (AP) — "
_CAPS_LEDE = re.compile(rf"^(?P<dl>(?P<city>[{_UP}][{_UP}.'’ -]{{1,40}}[{_UP}.])(?:,\s*[\w.,' ]{{1,40}}?)?"
                        rf"(?:\s*\({_AGENCY_TAGS}\))?)\s*[-–—_]{{1,2}}\s+(?=\S)")
# "London (dpa) - ", "Paris, Nov 20, 2023 (AFP) - ", "Tegucigalpa, Jan 2 (EFE).- ", "DAMASCUS (Reuters) - "
_TAGGED_LEDE = re.compile(rf"^(?P<dl>(?P<city>[{_UP}][\w.'’ -]{{1,40}}?)(?:,[^()\n]{{1,60}}?)?\s*\({_AGENCY_TAGS}\))"
                          rf"\s*\.?\s*[-–—:_]{{1,2}}\s*(?=\S)")
# Relayed press releases: "MARLBOROUGH, Mass.--(BUSINESS WIRE)--Dec 5, 2024--"
_RELEASE_LEDE = re.compile(rf"^(?P<dl>(?P<city>[{_UP}][{_UP}.'’ -]{{1,40}}[{_UP}.])(?:,\s*[\w.' ]{{1,30}}?)?\s*-{{2}}\s*"
                           r"\((?:BUSINESS WIRE|Business Wire|PRNewswire|PR Newswire|GLOBE NEWSWIRE|ACCESSWIRE|"
                           r"Marketwired|EQS-News|PRWEB)[^)]{0,30}\)\s*-{2}(?:\s*[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}\s*-{2})?)"
                           r"\s*")
# ANSA puts the agency first: "(ANSA) - Rome, October 11 - "
_AGENCY_FIRST = re.compile(rf"^(?P<dl>\({_AGENCY_TAGS}\)\s*[-–—]\s*(?P<city>[{_UP}][\w.'’ -]{{1,40}}?),\s*"
                           rf"[{_UP}][a-zà-ÿ]{{2,9}}\.?\s+\d{{1,2}})\s*[-–—]\s+(?=\S)")
# Ritzau: "København /ritzau/: "; TASS: "MOSCOW, January 21. /TASS/. "
_SLASHED_LEDE = re.compile(rf"^(?P<dl>(?P<city>[{_UP}][\w.'’ -]{{1,40}}?)(?:,\s*[\w ]{{1,30}}?\.?)?\s*/[a-zA-Z-]{{2,12}}/)"
                           rf"\s*[.:]?\s+(?=\S)")


_AGENCY_ONLY = re.compile(rf"^\({_AGENCY_TAGS}\)\s*[-–—_]{{1,2}}\s+(?=\S)")


def split_dateline_prefix(text: str) -> tuple[Dateline | None, str]:
    """Split a dateline written into the first paragraph off the text it introduces."""
    for pattern in (_RELEASE_LEDE, _AGENCY_FIRST, _TAGGED_LEDE, _SLASHED_LEDE, _CAPS_LEDE):
        match = pattern.match(text)
        if match:
            break
    else:
        return None, text
    raw = match.group("dl").strip()
    city = match.group("city").strip(" -")
    city = city.title() if city.isupper() else city
    return Dateline(text=raw if raw.endswith("-") else raw + " -", city=city or None), text[match.end():].strip()


_BY_WORD = re.compile(r"^(?:by|von|par|por|di|door|af|av|oleh|de|da)\s+(?=\S)", re.I)


_NAME_GLUE = {"and", "und", "et", "og", "och", "e", "y", "with", "of", "for", "de", "da", "di", "van", "von", "der",
              "le", "la", "del", "dos", "das", "in", "at", "the", "staff", "writer", "correspondent", "reporter", "editor",
              "dan", "dari", "bin", "binti", "al", "el", "ibn", "du", "des", "en", "i", "ja"}


def looks_like_sentence(text: str) -> bool:
    """"Situation serious, ready for all scenarios says EC" (ANSA's subtitle in <byline>) is no one's name."""
    lower = [w for w in re.findall(r"[^\W\d_]+", text) if w[:1].islower() and w.lower() not in _NAME_GLUE]
    return len(lower) >= 3


def clean_byline(value: str | None) -> str | None:
    """The byline as the file states it, without the "By"/"Von"/"Par" word: "By Marwan Makdisi" → "Marwan Makdisi"."""
    text = clean(value)
    if not text or is_signoff(text) or looks_like_sentence(text):
        return None
    text = _BY_WORD.sub("", text).strip(" ,;")
    return text or None


def drop_byline_paragraph(blocks: list[Block], byline: str | None) -> list[Block]:
    """Reuters repeats the byline as the first paragraph ("By Toby Davis"): it is not copy."""
    if not blocks or blocks[0].role is not BlockRole.paragraph:
        return blocks
    first = blocks[0].text
    if re.match(r"^by\s+\S", first, re.I) and len(first.split()) <= 8 and not re.search(r"[.!?]$", first):
        if byline is None or (clean_byline(first) or "").casefold() == byline.casefold() or len(first.split()) <= 5:
            return blocks[1:]
    return blocks


def nitf_byline(el: Element | None) -> tuple[str | None, str | None]:
    """NITF `<byline>By BERNARD CONDON<byttl>AP Business Writer</byttl></byline>` → ("BERNARD CONDON", "AP Business Writer")."""
    if el is None:
        return None, None
    title = None
    parts = [el.text or ""]
    for sub in el:
        if _tag(sub) == "byttl":
            title = clean("".join(sub.itertext()))
        else:
            parts.append("".join(sub.itertext()))
        parts.append(sub.tail or "")
    name = clean_byline(" ".join(parts))
    return (name.rstrip(" ,") if name else None), title
