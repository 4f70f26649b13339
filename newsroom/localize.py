"""Dates, numbers, money, percentages, times and datelines rendered by rule, never by the engine."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.numbers import format_decimal, get_currency_name

from newsroom.model import Dateline
from newsroom.spans import Span, apply_spans, merge_spans

# Indonesian zone names are house style, not CLDR data.
_ID_ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
_ZONE_LABEL = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
               "Asia/Jayapura": "WIT"}
# Symbol -> ISO code, and house-style Indonesian currency names (Babel's are formal: "Dolar Amerika Serikat").
_SYMBOLS = {"US$": "USD", "$": "USD", "A$": "AUD", "S$": "SGD", "HK$": "HKD", "€": "EUR", "£": "GBP",
            "¥": "JPY", "Rp": "IDR"}
_ID_CURRENCY = {"USD": "dolar AS", "EUR": "euro", "GBP": "pound sterling", "JPY": "yen", "CNY": "yuan",
                "IDR": "rupiah", "AUD": "dolar Australia", "SGD": "dolar Singapura",
                "HKD": "dolar Hong Kong", "MYR": "ringgit"}
_EN_WORDS = {"US dollars": "USD", "dollars": "USD", "euros": "EUR", "yen": "JPY", "yuan": "CNY",
             "rupiah": "IDR", "pounds": "GBP", "ringgit": "MYR"}
_EN_SYMBOL_OUT = {"USD": "$", "GBP": "£", "IDR": "Rp", "AUD": "A$", "SGD": "S$", "HKD": "HK$"}


def _lang(code: str) -> str:
    base = code.replace("_", "-").split("-")[0].lower()
    return "id" if base == "in" else base


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def _days(lang: str) -> list[str]:
    """Monday..Sunday in the language, from Babel (CLDR)."""
    names = _locale(lang).days["format"]["wide"]
    return [names[i] for i in range(7)]


def _months(lang: str, width: str = "wide") -> list[str]:
    names = _locale(lang).months["format"][width]
    return [names[i] for i in range(1, 13)]


@lru_cache(maxsize=4)
def _scales(lang: str) -> dict[int, str]:
    """Exponent -> scale word (6 -> 'juta'/'million') from CLDR's long compact number patterns."""
    out: dict[int, str] = {}
    for magnitude, pattern in _locale(lang).compact_decimal_formats["long"]["other"].items():
        exp = len(magnitude) - 1
        if exp % 3 == 0:
            word = re.sub(r"[0#.,\s]+", " ", pattern.pattern).strip()
            out.setdefault(exp, word)
    return out


def _symbols(lang: str) -> tuple[str, str]:
    sym = _locale(lang).number_symbols
    sym = sym.get("latn", sym)
    return sym["group"], sym["decimal"]


def _parse_number(raw: str, lang: str) -> tuple[Decimal, int] | None:
    """Read a number written in `lang`'s convention; returns the value and its decimal places."""
    group, dec = _symbols(lang)
    cleaned = raw.replace(group, "").replace(dec, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    places = len(cleaned.split(".")[1]) if "." in cleaned else 0
    return value, places


def _format_number(value: Decimal, places: int, lang: str) -> str:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=lang)


def _renumber(raw: str, src: str, tgt: str) -> str:
    parsed = _parse_number(raw, src)
    return _format_number(*parsed, tgt) if parsed else raw


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _zone(tz: str | None) -> tuple[tzinfo | None, str | None]:
    """A tz name or an Indonesian zone abbreviation -> (tzinfo, label for display)."""
    if not tz:
        return None, None
    if tz.upper() in _ID_ZONES:
        return timezone(timedelta(hours=_ID_ZONES[tz.upper()])), tz.upper()
    if tz.upper() in ("GMT", "UTC"):
        return timezone.utc, "GMT"
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None, None
    return zone, _ZONE_LABEL.get(tz)


def _ref_date(ref: datetime | None, tz: str | None) -> date | None:
    if ref is None:
        return None
    zone, _ = _zone(tz)
    if zone is not None and ref.tzinfo is not None:
        ref = ref.astimezone(zone)
    return ref.date()


def resolve_weekday(ref: date, weekday: int, mode: str = "on") -> date:
    """The date a wire story means by a weekday: on or before the story date; 'last' before, 'next' after."""
    back = (ref.weekday() - weekday) % 7
    if mode == "last":
        return ref - timedelta(days=back or 7)
    if mode == "next":
        return ref + timedelta(days=((weekday - ref.weekday()) % 7) or 7)
    return ref - timedelta(days=back)


_Rule = Callable[[re.Match[str]], str | None]


class _Ctx:
    def __init__(self, src: str, tgt: str, ref: datetime | None, tz: str | None) -> None:
        self.src, self.tgt, self.tz = src, tgt, tz
        self.day = _ref_date(ref, tz)
        self.ref = ref


# --- English -> Indonesian ---------------------------------------------------------------------

_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ID_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def _en_id_rules(c: _Ctx) -> Iterator[tuple[re.Pattern[str], _Rule]]:
    days_en, days_id = _days("en"), _days("id")
    months_en, months_id = _months("en"), _months("id")
    abbr = {m[:3].lower(): i for i, m in enumerate(months_en)} | {"sept": 8}
    scale_en = {w: e for e, w in _scales("en").items()}
    scale_en |= {"bn": 9, "mn": 6, "tn": 12}
    scale_id = _scales("id")

    def weekday(m: re.Match[str]) -> str:
        lead = (m["lead"] or "").lower()
        wd = days_en.index(m["day"].capitalize())
        mode = {"last": "last", "next": "next"}.get(lead, "on")
        out = days_id[wd]
        if c.day is not None:
            d = resolve_weekday(c.day, wd, mode)
            out += f" ({d.day}/{d.month})"
        if lead == "on":
            out = "pada " + out
        elif mode == "last":
            out += " lalu"
        elif mode == "next":
            out += " mendatang"
        return out

    yield (re.compile(rf"\b(?:(?P<lead>[Oo]n|[Ll]ast|[Nn]ext)\s+)?(?P<day>{_alt(days_en)})\b(?!['’]s\b)"), weekday)

    def month_index(name: str) -> int:
        key = name.rstrip(".").lower()
        return next(i for i, full in enumerate(months_en) if full.lower() == key) \
            if key in (m.lower() for m in months_en) else abbr[key[:4] if key == "sept" else key[:3]]

    month_re = _alt(months_en) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"

    def md(m: re.Match[str]) -> str:
        mi = month_index(m["mon"])
        return f"{int(m['d'])} {months_id[mi]}" + (f" {m['y']}" if m["y"] else "")

    yield (re.compile(rf"\b(?P<mon>{month_re})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"), md)
    yield (re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{month_re})(?:\s+(?P<y>\d{{4}}))?\b"), md)

    scale_alt = _alt(list(scale_en))
    sym_alt = _alt(list(_SYMBOLS))
    word_alt = _alt(list(_EN_WORDS))

    def money(m: re.Match[str]) -> str:
        code = _SYMBOLS.get(m["sym"] or "", "") or _EN_WORDS.get(m["word"] or "", "")
        if not code and m["word"]:
            code = _EN_WORDS.get(m["word"].lower(), "")
        amount = _renumber(m["n"], "en", "id")
        if m["sc"]:
            amount += " " + scale_id[scale_en[m["sc"].lower()]]
        if code == "IDR" and not m["sc"]:
            return "Rp" + amount
        return f"{amount} {_ID_CURRENCY.get(code) or get_currency_name(code, locale='id').lower()}"

    yield (re.compile(rf"(?<![\w$])(?P<sym>{sym_alt})\s?(?P<n>{_EN_NUM})(?:\s?(?P<sc>{scale_alt})\b)?"
                      rf"(?P<word>)"), money)
    yield (re.compile(rf"(?<![\w.,$])(?P<sym>)(?P<n>{_EN_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<word>{word_alt})\b"),
           money)

    def pct(m: re.Match[str]) -> str:
        unit = "poin persentase" if m["pp"] else "persen"
        return f"{_renumber(m['n'], 'en', 'id')} {unit}"

    yield (re.compile(rf"(?<![\w.,])(?P<n>{_EN_NUM})(?:\s?%|\s(?:percent|per\s?cent)(?P<pp>age\spoints?)?)"), pct)

    def scaled(m: re.Match[str]) -> str:
        return f"{_renumber(m['n'], 'en', 'id')} {scale_id[scale_en[m['sc'].lower()]]}"

    yield (re.compile(rf"(?<![\w.,])(?P<n>{_EN_NUM})\s?(?P<sc>{scale_alt})\b"), scaled)

    def time(m: re.Match[str]) -> str:
        return _time_id(m, c)

    yield (re.compile(r"\b(?:(?P<at>at)\s+)?(?P<h>[01]?\d)(?::(?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?m\.?)(?!\w)"
                      r"(?:\s*\((?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\))?"), time)
    yield (re.compile(r"\b(?:(?P<at>at)\s+)?(?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\b(?P<h>)(?P<mi>)(?P<ap>)"),
           time)

    def plain(m: re.Match[str]) -> str | None:
        out = _renumber(m.group(), "en", "id")
        return None if out == m.group() else out

    yield (re.compile(r"(?<![\w.,/:])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w.,]?\d)"), plain)


def _time_id(m: re.Match[str], c: _Ctx) -> str:
    zone, label = _zone(c.tz)
    hour = minute = None
    if m["h"]:
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        minute = int(m["mi"] or 0)
    if m["gh"] is not None and m["gh"] != "":
        gmt_h, gmt_m = int(m["gh"]), int(m["gm"])
        if zone is not None:
            base = c.ref or datetime(2000, 1, 1)
            when = datetime(base.year, base.month, base.day, gmt_h % 24, gmt_m, tzinfo=timezone.utc)
            local = when.astimezone(zone)
            hour, minute = local.hour, local.minute
            label = label or local.tzname()
        elif hour is None:
            hour, minute, label = gmt_h, gmt_m, "GMT"
    out = f"pukul {hour:02d}.{minute:02d}"
    if label and (zone is not None or label == "GMT"):
        out += f" {label}"
    return out


# --- Indonesian -> English ---------------------------------------------------------------------

def _id_en_rules(c: _Ctx) -> Iterator[tuple[re.Pattern[str], _Rule]]:
    days_en, days_id = _days("en"), _days("id")
    months_en, months_id = _months("en"), _months("id")
    scale_id = {w: e for e, w in _scales("id").items()}
    scale_en = _scales("en")
    day_alt = _alt(days_id + ["Jum'at", "Jum’at"])

    def weekday(m: re.Match[str]) -> str | None:
        name = m["day"].replace("’", "'").replace("Jum'at", "Jumat")
        if name == "Minggu" and not (m["pada"] or m["hari"] or m["d"]):
            return None  # "minggu" is also "week"
        out = days_en[days_id.index(name)]
        tail = (m["tail"] or "").lower()
        if tail == "lalu":
            return "last " + out
        if tail in ("mendatang", "depan"):
            return "next " + out
        return ("on " if m["pada"] else "") + out

    yield (re.compile(rf"\b(?:(?P<pada>[Pp]ada)\s+)?(?:(?P<hari>[Hh]ari)\s+)?(?P<day>{day_alt})\b"
                      r"(?:\s*\((?P<d>[0-3]?\d)/(?P<mo>[01]?\d)(?:/\d{2,4})?\))?"
                      r"(?:\s+(?P<tail>lalu|mendatang|depan)\b)?"), weekday)

    def dm(m: re.Match[str]) -> str:
        mi = [x.lower() for x in months_id].index(m["mon"].lower())
        out = f"{months_en[mi]} {int(m['d'])}"
        return out + (f", {m['y']}" if m["y"] else "")

    yield (re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{_alt(months_id)})\b(?:\s+(?P<y>\d{{4}})\b)?"), dm)

    scale_alt = _alt(list(scale_id))
    cur_alt = _alt(list(_ID_CURRENCY.values()) + ["dolar Amerika Serikat"])
    by_name = {v: k for k, v in _ID_CURRENCY.items()} | {"dolar Amerika Serikat": "USD"}

    def money(m: re.Match[str]) -> str:
        code = "IDR" if m["rp"] else by_name.get(m["cur"], "USD")
        amount = _renumber(m["n"], "id", "en")
        if m["sc"]:
            amount += " " + scale_en[scale_id[m["sc"]]]
        if code in _EN_SYMBOL_OUT:
            return f"{_EN_SYMBOL_OUT[code]}{amount}"
        return f"{amount} {get_currency_name(code, count=2, locale='en')}"

    yield (re.compile(rf"(?<![\w.,])(?P<rp>)(?P<n>{_ID_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<cur>{cur_alt})\b"), money)
    yield (re.compile(rf"\b(?P<rp>Rp)\.?\s?(?P<n>{_ID_NUM})(?:\s(?P<sc>{scale_alt}))?(?P<cur>)\b"), money)

    def pct(m: re.Match[str]) -> str:
        return f"{_renumber(m['n'], 'id', 'en')} " + ("percentage points" if m["pp"] else "percent")

    yield (re.compile(rf"(?<![\w.,])(?P<n>{_ID_NUM})(?:\s?%|\s(?:persen|(?P<pp>poin persentase)))\b"), pct)

    def scaled(m: re.Match[str]) -> str:
        return f"{_renumber(m['n'], 'id', 'en')} {scale_en[scale_id[m['sc']]]}"

    yield (re.compile(rf"(?<![\w.,])(?P<n>{_ID_NUM})\s(?P<sc>{scale_alt})\b"), scaled)

    def time(m: re.Match[str]) -> str:
        hour, minute = int(m["h"]), int(m["mi"])
        twelve = hour % 12 or 12
        out = ("at " if m["lead"] else "") + f"{twelve}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
        label = m["z"] or None
        zone, _ = _zone(label or c.tz)
        if zone is not None and (label or "").upper() not in ("GMT", "UTC"):
            base = c.ref or datetime(2000, 1, 1)
            gmt = datetime(base.year, base.month, base.day, hour, minute, tzinfo=zone).astimezone(timezone.utc)
            out += f" ({gmt.hour:02d}{gmt.minute:02d} GMT)"
        elif label:
            out = out.replace(" pm", " pm").rstrip() + " GMT"
        return out

    yield (re.compile(r"\b(?P<lead>(?:pada\s+)?pukul)\s+(?P<h>[0-2]?\d)[.:](?P<mi>[0-5]\d)"
                      r"(?:\s+(?P<z>WIB|WITA|WIT|GMT|UTC))?\b"), time)

    def plain(m: re.Match[str]) -> str | None:
        out = _renumber(m.group(), "id", "en")
        return None if out == m.group() else out

    yield (re.compile(r"(?<![\w.,/:])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\w.,]?\d)"), plain)


def convention_spans(text: str, source: str, target: str, ref: datetime | None, tz: str | None = None) -> list[Span]:
    """Protected spans whose replacement is the target-language rendering (longest wins on overlap)."""
    src, tgt = _lang(source), _lang(target)
    ctx = _Ctx(src, tgt, ref, tz)
    if (src, tgt) == ("en", "id"):
        rules = list(_en_id_rules(ctx))
    elif (src, tgt) == ("id", "en"):
        rules = list(_id_en_rules(ctx))
    else:
        return []
    groups: list[list[Span]] = []
    for rx, render in rules:
        found: list[Span] = []
        for m in rx.finditer(text):
            if m.end() <= m.start():
                continue
            out = render(m)
            if out is not None:
                found.append(Span(m.start(), m.end(), m.group(), out, "convention", render.__name__))
        groups.append(found)
    return merge_spans(*groups)


def localize_text(text: str, source: str, target: str, ref: datetime | None, tz: str | None = None) -> str:
    """Apply the conventions directly (no engine): dry runs, tests, and text already in the target language."""
    return apply_spans(text, convention_spans(text, source, target, ref, tz))


_PROVIDERS = {"afp.com": "AFP", "afp": "AFP", "ap.org": "AP", "reuters.com": "Reuters"}


def _agency(provider: str | None) -> str | None:
    if not provider:
        return None
    p = provider.strip().lower()
    return _PROVIDERS.get(p) or p.split(".")[0].upper()


def _city(dateline: Dateline) -> str | None:
    if dateline.city:
        return dateline.city.strip()
    text = re.sub(r"\((?:[A-Z]{2,}|[A-Za-z]+\.com)\)", "", dateline.text)
    text = re.split(r"\s[-–—]\s?|\s[-–—]$|,", text.strip(), maxsplit=1)[0]
    text = text.strip(" -–—")
    return text or None


def localize_dateline(dateline: Dateline | None, target: str, provider: str | None = None) -> str | None:
    """AFP's 'San Francisco, Nov 20, 2023 (AFP) -' -> 'SAN FRANCISCO -' (id) or 'SAN FRANCISCO (AFP) -' (en)."""
    if dateline is None:
        return None
    city = _city(dateline)
    if not city:
        return None
    if _lang(target) == "en":
        agency = _agency(provider)
        return f"{city.upper()} ({agency}) -" if agency else f"{city.upper()} -"
    return f"{city.upper()} -"
