"""Term base files: the CSV we keep in git and TBX (ISO 30042) for exchange with CAT tools."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as DET

from glossary.entries import Entry, Glossary, norm
from newsroom.languages import canonical

COLUMNS = ("en", "id", "type", "case_sensitive", "pos", "note", "domain", "not_in", "context")
_TRUE = {"yes", "y", "true", "1", "case-sensitive", "cs"}
_FALSE = {"", "no", "n", "false", "0"}
TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {"translate": "preferredTerm-admn-sts", "keep": "preferredTerm-admn-sts",
           "forbidden": "deprecatedTerm-admn-sts"}
_KEEP_NOTE = "do-not-translate"
_NOT_IN, _CONTEXT = "x-negativeContext", "x-senseContext"  # Kawat's sense data, as TBX private descrip types


class GlossaryFormatError(ValueError):
    """A term-base file we cannot read; names the file and the line or element."""


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(t for t in (norm(p) for p in (cell or "").split("|")) if t)


def parse_csv_text(text: str, origin: str = "<csv>") -> list[Entry]:
    """Parse CSV content; the header must name at least `en`, `id` and `type`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = {"en", "id", "type"} - set(header)
    if missing:
        raise GlossaryFormatError(f"{origin}: missing columns {sorted(missing)}")
    reader.fieldnames = header
    entries: list[Entry] = []
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(cells.values()) or cells.get("en", "").startswith("#"):
            continue
        cs = cells.get("case_sensitive", "").lower()
        if cs not in _TRUE | _FALSE:
            raise GlossaryFormatError(f"{origin}:{line}: case_sensitive must be yes/no, got {cs!r}")
        entries.append(Entry(
            en=_split(cells.get("en")), id=_split(cells.get("id")),
            type=cells.get("type", "").lower() or "translate", case_sensitive=cs in _TRUE,
            pos=cells.get("pos", ""), note=cells.get("note", ""), domain=cells.get("domain", ""),
            not_in=_split(cells.get("not_in")), context=_split(cells.get("context")), line=line, origin=origin,
        ))
    return entries


def read_csv(path: Path) -> Glossary:
    return Glossary(tuple(parse_csv_text(Path(path).read_text(encoding="utf-8"), str(path))), str(path))


def write_csv(glossary: Glossary, path: Path) -> None:
    """Write one row per concept; variants joined with '|', the preferred term first."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in glossary.entries:
        w.writerow(["|".join(e.en), "|".join(e.id), e.type, "yes" if e.case_sensitive else "no",
                    e.pos, e.note, e.domain, "|".join(e.not_in), "|".join(e.context)])
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def load_glossary(directory: Path | None = None) -> Glossary:
    """Every *.csv (and *.tbx) in the directory, in name order; default: the packaged terms."""
    root = Path(directory) if directory else Path(__file__).parent / "terms"
    if not root.is_dir():
        raise GlossaryFormatError(f"{root}: glossary directory not found")
    entries: list[Entry] = []
    for f in sorted(root.iterdir()):
        if f.suffix.lower() == ".csv":
            entries += read_csv(f).entries
        elif f.suffix.lower() == ".tbx":
            entries += read_tbx(f).entries
    return Glossary(tuple(entries), str(root))


# --- TBX -------------------------------------------------------------------------------------

def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def write_tbx(glossary: Glossary, path: Path) -> None:
    """TBX-Basic style (ISO 30042:2019 DCA): conceptEntry > langSec > termSec."""
    ET.register_namespace("", TBX_NS)
    q = lambda t: f"{{{TBX_NS}}}{t}"  # noqa: E731
    root = ET.Element(q("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    header = ET.SubElement(root, q("tbxHeader"))
    fd = ET.SubElement(header, q("fileDesc"))
    sd = ET.SubElement(fd, q("sourceDesc"))
    ET.SubElement(sd, q("p")).text = f"Kawat term base, version {glossary.version}"
    body = ET.SubElement(ET.SubElement(root, q("text")), q("body"))
    for n, e in enumerate(glossary.entries, 1):
        ce = ET.SubElement(body, q("conceptEntry"), {"id": f"c{n}"})
        if e.domain:
            ET.SubElement(ce, q("descrip"), {"type": "subjectField"}).text = e.domain
        if e.note:
            ET.SubElement(ce, q("note")).text = e.note
        for phrase in e.not_in:
            ET.SubElement(ce, q("descrip"), {"type": _NOT_IN}).text = phrase
        for word in e.context:
            ET.SubElement(ce, q("descrip"), {"type": _CONTEXT}).text = word
        for lang, terms in (("en", e.en), ("id", e.id)):
            if not terms:
                continue
            ls = ET.SubElement(ce, q("langSec"), {XML_LANG: lang})
            for i, term in enumerate(terms):
                ts = ET.SubElement(ls, q("termSec"))
                ET.SubElement(ts, q("term")).text = term
                status = _STATUS[e.type] if i == 0 or e.type == "forbidden" else "admittedTerm-admn-sts"
                ET.SubElement(ts, q("termNote"), {"type": "administrativeStatus"}).text = status
                if e.pos:
                    ET.SubElement(ts, q("termNote"), {"type": "partOfSpeech"}).text = e.pos
                if e.type == "keep":
                    ET.SubElement(ts, q("termNote"), {"type": "transferComment"}).text = _KEEP_NOTE
                if e.case_sensitive:
                    ET.SubElement(ts, q("termNote"), {"type": "usageNote"}).text = "case-sensitive"
    ET.indent(root)
    Path(path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def read_tbx(path: Path) -> Glossary:
    """Read TBX v3 (conceptEntry/langSec/termSec) or v2 (martif: termEntry/langSet/tig|ntig)."""
    try:
        root = DET.parse(str(path)).getroot()
    except (ET.ParseError, DET.DefusedXmlException) as exc:
        raise GlossaryFormatError(f"{path}: {exc}") from exc
    entries: list[Entry] = []
    for n, ce in enumerate((el for el in root.iter() if _local(el.tag) in ("conceptEntry", "termEntry")), 1):
        terms: dict[str, list[str]] = {"en": [], "id": []}
        statuses: list[str] = []
        notes: list[str] = []
        not_in: list[str] = []
        context: list[str] = []
        keep = cs = False
        pos = domain = ""
        for child in ce.iter():
            name, typ = _local(child.tag), child.get("type", "")
            text = norm(child.text or "")
            if name == "descrip" and typ == "subjectField":
                domain = text
            elif name == "descrip" and typ == _NOT_IN and text:
                not_in.append(text)
            elif name == "descrip" and typ == _CONTEXT and text:
                context.append(text)
            elif name == "note" and text:
                notes.append(text)
        for ls in (el for el in ce if _local(el.tag) in ("langSec", "langSet")):
            lang = canonical(ls.get(XML_LANG) or ls.get("lang")) or ""
            for ts in (el for el in ls.iter() if _local(el.tag) in ("termSec", "tig", "ntig")):
                term = next((norm(el.text or "") for el in ts.iter() if _local(el.tag) == "term"), "")
                for tn in (el for el in ts.iter() if _local(el.tag) == "termNote"):
                    typ, val = tn.get("type", ""), norm(tn.text or "")
                    if typ == "administrativeStatus":
                        statuses.append(val)
                    elif typ == "partOfSpeech":
                        pos = pos or val
                    elif typ == "transferComment" and val == _KEEP_NOTE:
                        keep = True
                    elif typ == "usageNote" and val == "case-sensitive":
                        cs = True
                if term and lang in terms:
                    terms[lang].append(term)
        kind = "keep" if keep else "forbidden" if any(s.startswith("deprecated") for s in statuses) \
            else "translate"
        entries.append(Entry(tuple(terms["en"]), tuple(terms["id"]), kind, cs, pos, "; ".join(notes), domain,
                             not_in=tuple(not_in), context=tuple(context), line=n, origin=str(path)))
    return Glossary(tuple(entries), str(path))
