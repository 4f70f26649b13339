"""TMX 1.4 exchange for the translation memory: editors' post-edits in, the memory out (human work wins)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from adapters.errors import PermanentError
from adapters.tm import HUMAN, Entry, TranslationMemory
from newsroom.languages import canonical

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def lang_code(tag: str | None) -> str | None:
    """"en-US" → "en", "id-ID"/"in" → "id": TMX files spell languages many ways."""
    return canonical(tag)


def export_tmx(tm: TranslationMemory, path: Path, source: str | None = None, target: str | None = None) -> int:
    """Write the memory (or one direction of it) as TMX 1.4; returns the number of units."""
    return write_tmx(path, tm.entries(source, target))


def import_tmx(tm: TranslationMemory, path: Path, origin: str = HUMAN) -> int:
    """Load every pair of a TMX file into the memory (as human work by default); returns the count."""
    pairs = read_tmx(path)
    for src_lang, tgt_lang, src, tgt in pairs:
        tm.store([(src, tgt)], src_lang, tgt_lang, "tmx", None, origin=origin)
    return len(pairs)



def write_tmx(path: Path, rows: Sequence[Entry]) -> int:
    """One <tu> per pair, with its origin and engine as props."""
    root = ET.Element("tmx", version="1.4")
    srclangs = {r[0] for r in rows}
    ET.SubElement(
        root,
        "header",
        creationtool="Kawat",
        creationtoolversion="0.1",
        segtype="paragraph",
        datatype="plaintext",
        adminlang="en",
        srclang=srclangs.pop() if len(srclangs) == 1 else "*all*",
        attrib={"o-tmf": "kawat"},
    )
    body = ET.SubElement(root, "body")
    for src_lang, tgt_lang, src, tgt, engine, origin in rows:
        tu = ET.SubElement(body, "tu", srclang=src_lang)
        ET.SubElement(tu, "prop", type="x-origin").text = origin
        ET.SubElement(tu, "prop", type="x-engine").text = engine
        for lang, text in ((src_lang, src), (tgt_lang, tgt)):
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return len(rows)


def read_tmx(path: Path) -> list[tuple[str, str, str, str]]:
    """(source_lang, target_lang, source_text, target_text) for every usable pair in a TMX file."""
    try:
        root = SafeET.parse(str(path)).getroot()
    except (ET.ParseError, DefusedXmlException) as exc:
        raise PermanentError(f"{path}: not a usable TMX file ({exc})") from exc
    if root.tag != "tmx":
        raise PermanentError(f"{path}: root element is <{root.tag}>, not <tmx>")
    header = root.find("header")
    header_src = lang_code(header.get("srclang")) if header is not None else None
    out: list[tuple[str, str, str, str]] = []
    for tu in root.iter("tu"):
        segs: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = lang_code(tuv.get(_XML_LANG) or tuv.get("lang"))
            seg = tuv.find("seg")
            if lang and seg is not None:
                text = "".join(seg.itertext()).strip()
                if text:
                    segs.setdefault(lang, text)
        src = lang_code(tu.get("srclang")) or header_src
        if src in segs:
            out.extend((src, lang, segs[src], text) for lang, text in segs.items() if lang != src)
        else:  # "*all*": every direction is a valid pair
            out.extend((a, b, segs[a], segs[b]) for a in segs for b in segs if a != b)
    return out
