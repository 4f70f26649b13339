"""A published web article (text or HTML): strip site chrome, recover headline, photo, dateline, credits."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import lxml.etree
import lxml.html

from adapters.errors import WireError
from adapters.wire.assemble import build_story, sane_id
from adapters.wire.base import refuse_nul
from adapters.wire.text import (
    clean,
    finish_blocks,
    html_lines,
    looks_like_html,
    looks_like_subhead,
    split_dateline_prefix,
)
from newsroom.agencies import provider_for
from newsroom.model import Block, BlockRole, Credit, CreditRole, Dateline, Picture, Story

_CREDIT = re.compile(
    r"^(?P<label>Redaktur|Editor|Penyunting|Penulis|Pewarta|Reporter|Writer|Author|Oleh|By|Foto|Photo|Fotografer"
    r"|Penerjemah|Translator|Sumber|Source)\s*:\s*(?P<value>.+)$", re.I)
_ROLE = {"redaktur": CreditRole.editor, "editor": CreditRole.editor, "penyunting": CreditRole.editor,
         "penulis": CreditRole.author, "pewarta": CreditRole.author, "reporter": CreditRole.author,
         "writer": CreditRole.author, "author": CreditRole.author, "oleh": CreditRole.author, "by": CreditRole.author,
         "foto": CreditRole.photographer, "photo": CreditRole.photographer, "fotografer": CreditRole.photographer,
         "penerjemah": CreditRole.translator, "translator": CreditRole.translator,
         "sumber": CreditRole.agency, "source": CreditRole.agency}
_WIDGETS = re.compile(
    r"^(?:(?:A\s+){2,}A?\s*Pengaturan Font|Pengaturan Font|Komentar|Komentar\s*\(\d*\)|\(\s*\d*\s*\)|Top|Kembali ke atas"
    r"|Bagikan|Share|Share this|Tweet|Baca [Jj]uga:?.*|Read [Aa]lso:?.*|Tags?:?.*|Topik:?.*|Iklan|Advertisement"
    r"|Scroll to continue.*|Gulir ke bawah.*|Follow us.*|Ikuti kami.*|Copyright\b.*|Hak [Cc]ipta.*|Loading\.*"
    r"|Berita Terkait|Related( Articles| News)?|Terpopuler|Most Popular|Selengkapnya|Lihat Semua|Login|Masuk|Daftar)$")
_DATE_DMY = re.compile(r"\b(\d{1,2})\s+(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November"
                       r"|Desember|January|February|March|May|June|July|August|October|December|Nopember|Pebruari)\s+(\d{4})\b", re.I)
_DATE_MDY = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
                       r"\s+(\d{1,2}),\s+(\d{4})\b")
_DATE_ISO = re.compile(r"\b(20\d{2}|19\d{2})-(\d{2})-(\d{2})\b")
_MONTHS = {m: i for i, names in enumerate([
    ("januari", "january"), ("februari", "february", "pebruari"), ("maret", "march"), ("april",), ("mei", "may"),
    ("juni", "june"), ("juli", "july"), ("agustus", "august"), ("september",), ("oktober", "october"),
    ("november", "nopember"), ("desember", "december")], start=1) for m in names}
_ID_WORDS = {"yang", "dan", "di", "ke", "dari", "pada", "untuk", "dengan", "ini", "itu", "tidak", "akan", "kata",
             "dalam", "adalah", "bahwa", "telah", "oleh", "para", "juga", "mereka", "kami", "saya", "sebagai"}
_EN_WORDS = {"the", "and", "of", "to", "in", "is", "that", "for", "with", "said", "on", "was", "by", "it", "as",
             "from", "at", "has", "have", "be", "are", "were", "his", "her", "their"}


class PlainArticleParser:
    """Parser for a single published article page saved as text or HTML."""

    format = "plain"

    def parse(self, data: bytes, source: str) -> list[Story]:
        refuse_nul(data, source)
        text = decode_text(data)
        canonical = None
        if looks_like_html(text) or re.match(r"\s*<(!doctype|html)", text, re.I):
            lines = [(role, t) for role, t in html_lines(text)]
            canonical = canonical_url(text)
        else:
            lines = [("p", c) for c in (clean(line) for line in text.replace("\r", "\n").split("\n")) if c]
        return [_article(lines, source, canonical)]


def canonical_url(page: str) -> str | None:
    """The page's own permanent address (`<link rel="canonical">`, `og:url`): the outlet's id for the article."""
    try:
        doc = lxml.html.document_fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return None
    for href in doc.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content'):
        url = str(href).strip()
        if re.match(r"^https?://[^\s/]+/\S*$", url):
            return url.split("#", 1)[0]
    return None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1: text files carry no declared charset."""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _is_nav(line: str) -> bool:
    """Menu rows: many capitalised words, no sentence punctuation ("Nasional Mondial Ekonomi …")."""
    words = line.split()
    if len(words) < 5 or re.search(r"[.,:;!?\"“”()]", line):
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return caps / len(words) >= 0.9


def headline_key(headline: str) -> str:
    """The item id of a story that states none: its headline, case and spacing aside, so a re-send matches."""
    return "h" + hashlib.sha256(" ".join(headline.lower().split()).encode()).hexdigest()[:16]


def guess_language(text: str) -> str:
    """Indonesian or English by common function words: enough to route a story with no declared language."""
    words = re.findall(r"[a-z]+", text.lower())
    ind = sum(1 for w in words if w in _ID_WORDS)
    eng = sum(1 for w in words if w in _EN_WORDS)
    return "id" if ind > eng else "en"


_DAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6,
         "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
# Indonesian house style dates the story by weekday and day/month: "pada Senin (20/11)".
_DAY_DM = re.compile(r"\b(Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday"
                     r"|Saturday|Sunday)\s*\((\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\)", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d{2})\b")


def _full_dates(text: str) -> list[date]:
    found: list[date] = []
    for m in _DATE_ISO.finditer(text):
        found.extend(_safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DATE_DMY.finditer(text):
        found.extend(_safe_date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in _DATE_MDY.finditer(text):
        found.extend(_safe_date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
    return found


def _safe_date(y: int, m: int, d: int) -> list[date]:
    try:
        return [date(y, m, d)]
    except ValueError:
        return []


def _weekday_dates(body: str, years: list[int]) -> list[date]:
    """ "Senin (20/11)" dated in a year the article mentions, kept only when the weekday agrees."""
    found: list[date] = []
    for m in _DAY_DM.finditer(body):
        weekday = _DAYS[m.group(1).lower()]
        day, month = int(m.group(2)), int(m.group(3))
        stated = int(m.group(4)) if m.group(4) else None
        stated = stated + 2000 if stated is not None and stated < 100 else stated
        for year in ([stated] if stated else years):
            for d in _safe_date(year, month, day):
                if d.weekday() == weekday:
                    found.append(d)
                    break
            else:
                continue
            break
    return found


def _date_id(body: str, whole: str) -> str:
    """The story's own date: its weekday dates ("Senin (20/11)") or full dates in the body, else anywhere.

    The photo caption above the story often dates the *picture* ("pada 6 November 2023"), so it
    only counts when the story text names no date of its own.
    """
    years = sorted({int(y) for y in _YEAR.findall(whole)}, key=lambda y: (-whole.count(str(y)), -y))
    for found in (_weekday_dates(body, years), _full_dates(body), _full_dates(whole)):
        if found:
            return max(found).strftime("%Y%m%d")
    return "undated"


def _article(lines: list[tuple[str, str]], source: str, canonical: str | None = None) -> Story:
    kept: list[tuple[str, str]] = []
    credits: list[Credit] = []
    photo_credit: str | None = None
    dateline: Dateline | None = None
    dateline_at: int | None = None
    for role, line in lines:
        if _WIDGETS.match(line) or _is_nav(line):
            continue
        credit = _CREDIT.match(line)
        if credit and len(line) <= 120:
            label, value = credit.group("label").lower(), clean(credit.group("value")) or ""
            value = value.strip(" -–—")
            if not value:
                continue
            crole = _ROLE[label]
            if crole is CreditRole.photographer and dateline_at is None and photo_credit is None:
                photo_credit = value
            if crole is CreditRole.author and provider_for(value):
                credits.append(Credit(role=CreditRole.agency, name=value, organisation=value))
            elif all(c.role is not crole or c.name != value for c in credits):
                credits.append(Credit(role=crole, name=value))
            continue
        if dateline_at is None and role != "h":
            lead, rest = split_dateline_prefix(line)
            if lead is not None and rest:
                dateline, dateline_at = lead, len(kept)
                kept.append(("p", rest))
                continue
        kept.append((role, line))
    if not kept:
        raise WireError(source, "empty article: nothing left after removing page furniture")

    start = dateline_at if dateline_at is not None else 1
    preamble = kept[:start]
    if not preamble:
        raise WireError(source, "no headline before the story body")
    headline = next((t for r, t in preamble if r == "h"), preamble[0][1])
    caption_lines = [t for _, t in preamble if t != headline]
    caption = max(caption_lines, key=len) if caption_lines else None
    body: list[Block] = []
    for role, line in kept[start:]:
        sub = role == "h" or (looks_like_subhead(line) and bool(body))
        body.append(Block(role=BlockRole.subhead if sub else BlockRole.paragraph, text=line))
    body_tuple = finish_blocks(body)
    if not body_tuple:
        raise WireError(source, "empty body: headline but no story text")

    agency = next((c for c in credits if c.role is CreditRole.agency), None)
    provider = (provider_for(agency.name) or agency.name.lower()) if agency else "web"
    pictures: tuple[Picture, ...] = ()
    if photo_credit or caption:
        pictures = (Picture(id="photo0", caption=caption, credit=photo_credit),)
        if photo_credit and all(c.role is not CreditRole.photographer for c in credits):
            credits.append(Credit(role=CreditRole.photographer, name=photo_credit))
    full = "\n".join(t for _, t in kept)
    story_text = "\n".join(b.text for b in body_tuple)
    # The page's canonical address when it has one (a re-edited headline keeps the story); the headline otherwise.
    key = f"u{hashlib.sha256(canonical.encode()).hexdigest()[:16]}" if canonical else None
    return build_story(
        source, provider=sane_id(provider, source, "provider"), date_id=_date_id(story_text, full),
        item_id=key or headline_key(headline),
        version=1, language=guess_language(full), headline=headline, dateline=dateline, body=body_tuple,
        byline=next((c.name for c in credits if c.role is CreditRole.author), None),
        credit_line=agency.name if agency else None, credits=tuple(credits), pictures=pictures,
        source_format="plain",
    )
