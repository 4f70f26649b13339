"""Dates, numbers, money, percentages, times and datelines rendered by rule, never by the engine."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.numbers import format_decimal, get_currency_name

from newsroom.agencies import agency_name
from newsroom.datelines import city_of
from newsroom.model import Dateline
from newsroom.scan import digit_starts, finditer_at, literal_starts, with_leads
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


@lru_cache(maxsize=4)
def _symbols(lang: str) -> tuple[str, str]:
    """Group and decimal separators; cached because Babel's lookup costs more than the parse it serves."""
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
    """Grouped, with exactly `places` decimals, in `lang`'s symbols; Babel only where its 28-digit context bites."""
    if value.adjusted() < 15 and places <= 10 and value.is_finite() and not value.is_signed():
        # Short enough that Babel neither rounds nor raises: Python's own grouping gives the same string, faster.
        group, dec = _symbols(lang)
        return f"{value:,.{places}f}".translate({44: group, 46: dec})
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=lang)


@lru_cache(maxsize=4096)
def _renumber(raw: str, src: str, tgt: str) -> str:
    """Same digits, target convention; cached because wire copy repeats its figures and Babel is slow."""
    parsed = _parse_number(raw, src)
    return _format_number(*parsed, tgt) if parsed else raw


@lru_cache(maxsize=32)
def _currency_name(code: str, count: int | None, lang: str) -> str:
    """Babel's currency name, cached: its locale lookup costs more than the rest of a money rule."""
    return get_currency_name(code, count=count, locale=lang)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=64)
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


_Render = Callable[[re.Match[str], "_Ctx"], "str | None"]
_Starts = Callable[[str, Sequence[int]], Sequence[int]]


class _Ctx:
    """Per-call facts a renderer needs (story date, zone); the rule tables themselves are shared."""

    def __init__(self, src: str, tgt: str, ref: datetime | None, tz: str | None) -> None:
        self.src, self.tgt, self.tz = src, tgt, tz
        self.day = _ref_date(ref, tz)
        self.ref = ref


@dataclass(frozen=True, slots=True)
class _Rule:
    """A convention compiled once: pattern, renderer, report name and where its matches can start."""

    rx: re.Pattern[str]
    render: _Render
    name: str
    starts: _Starts
    needs: re.Pattern[str]  # a loose pattern every match contains: where it finds nothing, the rule cannot match
    needs_digit: bool = True  # every match holds a digit: a text without one cannot match


def _at_digits(text: str, digits: Sequence[int]) -> Sequence[int]:
    """Starts for patterns that open on a number (after a lookbehind or \\b): the digit runs."""
    return digits


def _at_literals(literals: Sequence[str], leads: Sequence[int] = (), depth: int = 1) -> _Starts:
    """Starts for patterns that need one of `literals`, optionally after lead words of these lengths."""
    # Where a literal occurs, so does any literal that prefixes it: those shorter ones are enough.
    lits = tuple(x for x in dict.fromkeys(literals) if not any(y != x and x.startswith(y) for y in literals))

    def starts(text: str, digits: Sequence[int]) -> Sequence[int]:
        found = literal_starts(text, lits)
        return with_leads(text, found, leads, depth) if leads and found else found

    return starts


def _digits_led(leads: Sequence[int]) -> _Starts:
    """Starts for patterns that open on a number or on a lead word ("at 3 pm") before it."""

    def starts(text: str, digits: Sequence[int]) -> Sequence[int]:
        return with_leads(text, digits, leads) if digits else digits

    return starts


_RULES: dict[tuple[str, str], tuple[_Rule, ...]] = {}
_RULES_LOCK = threading.Lock()


def _rule_table(src: str, tgt: str) -> tuple[_Rule, ...]:
    """Rules for one direction, built once per process (Babel lookups and regex compiles are not free).

    Under a lock: the first stories of a run arrive on many threads at once, and each would build
    the same table (~100 ms of CPU each) while the others wait for the GIL.
    """
    rules = _RULES.get((src, tgt))
    if rules is None:
        with _RULES_LOCK:
            rules = _RULES.get((src, tgt))
            if rules is None:
                if (src, tgt) == ("en", "id"):
                    rules = tuple(_en_id_rules())
                elif (src, tgt) == ("id", "en"):
                    rules = tuple(_id_en_rules())
                else:
                    rules = ()
                _RULES[(src, tgt)] = rules
    return rules


# --- English -> Indonesian ---------------------------------------------------------------------

_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ID_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_EN_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")


def _en_id_rules() -> Iterator[_Rule]:
    days_en, days_id = _days("en"), _days("id")
    months_en, months_id = _months("en"), _months("id")
    abbr = {m[:3].lower(): i for i, m in enumerate(months_en)} | {"sept": 8}
    scale_en = {w: e for e, w in _scales("en").items()}
    scale_en |= {"bn": 9, "mn": 6, "tn": 12}
    scale_id = _scales("id")

    def weekday(m: re.Match[str], c: _Ctx) -> str:
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

    yield _Rule(re.compile(rf"\b(?:(?P<lead>[Oo]n|[Ll]ast|[Nn]ext)\s+)?(?P<day>{_alt(days_en)})\b(?!['’]s\b)"),
                weekday, "weekday", _at_literals(days_en, leads=(2, 4)), re.compile(_alt(days_en)), needs_digit=False)

    def month_index(name: str) -> int:
        key = name.rstrip(".").lower()
        return next(i for i, full in enumerate(months_en) if full.lower() == key) \
            if key in (m.lower() for m in months_en) else abbr[key[:4] if key == "sept" else key[:3]]

    month_re = _alt(months_en) + r"|(?:" + "|".join(_EN_MONTH_ABBR) + r")\.?"
    any_month = re.compile(_alt([*months_en, *_EN_MONTH_ABBR]))  # plain literals: `re` skips ahead to capitals

    def md(m: re.Match[str], c: _Ctx) -> str:
        mi = month_index(m["mon"])
        return f"{int(m['d'])} {months_id[mi]}" + (f" {m['y']}" if m["y"] else "")

    yield _Rule(re.compile(rf"\b(?P<mon>{month_re})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
                md, "md", _at_literals((*months_en, *_EN_MONTH_ABBR)), any_month)
    yield _Rule(re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{month_re})(?:\s+(?P<y>\d{{4}}))?\b"), md, "md", _at_digits,
                any_month)

    scale_alt = _alt(list(scale_en))
    sym_alt = _alt(list(_SYMBOLS))
    word_alt = _alt(list(_EN_WORDS))

    def money(m: re.Match[str], c: _Ctx) -> str:
        code = _SYMBOLS.get(m["sym"] or "", "") or _EN_WORDS.get(m["word"] or "", "")
        if not code and m["word"]:
            code = _EN_WORDS.get(m["word"].lower(), "")
        amount = _renumber(m["n"], "en", "id")
        if m["sc"]:
            amount += " " + scale_id[scale_en[m["sc"].lower()]]
        if code == "IDR" and not m["sc"]:
            return "Rp" + amount
        return f"{amount} {_ID_CURRENCY.get(code) or _currency_name(code, None, 'id').lower()}"

    yield _Rule(re.compile(rf"(?<![\w$])(?P<sym>{sym_alt})\s?(?P<n>{_EN_NUM})(?:\s?(?P<sc>{scale_alt})\b)?"
                           rf"(?P<word>)"), money, "money", _at_literals(list(_SYMBOLS)),
                re.compile(rf"(?:{sym_alt})\s?\d"))
    yield _Rule(re.compile(rf"(?<![\w.,$])(?P<sym>)(?P<n>{_EN_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<word>{word_alt})\b"),
                money, "money", _at_digits, re.compile(rf"\d(?:\s(?:{scale_alt}))?\s(?:{word_alt})"))

    def pct(m: re.Match[str], c: _Ctx) -> str:
        unit = "poin persentase" if m["pp"] else "persen"
        return f"{_renumber(m['n'], 'en', 'id')} {unit}"

    yield _Rule(re.compile(rf"(?<![\w.,])(?P<n>{_EN_NUM})(?:\s?%|\s(?:percent|per\s?cent)(?P<pp>age\spoints?)?)"),
                pct, "pct", _at_digits, re.compile(r"\d(?:\s?%|\s(?:percent|per\s?cent))"))

    def scaled(m: re.Match[str], c: _Ctx) -> str:
        return f"{_renumber(m['n'], 'en', 'id')} {scale_id[scale_en[m['sc'].lower()]]}"

    yield _Rule(re.compile(rf"(?<![\w.,])(?P<n>{_EN_NUM})\s?(?P<sc>{scale_alt})\b"), scaled, "scaled", _at_digits,
                re.compile(rf"\d\s?(?:{scale_alt})"))

    yield _Rule(re.compile(r"\b(?:(?P<at>at)\s+)?(?P<h>[01]?\d)(?::(?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?m\.?)(?!\w)"
                           r"(?:\s*\((?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\))?"),
                _time_id, "time", _digits_led((2,)), re.compile(r"\d\s?[ap]\.?m"))
    yield _Rule(re.compile(r"\b(?:(?P<at>at)\s+)?(?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\b"
                           r"(?P<h>)(?P<mi>)(?P<ap>)"), _time_id, "time", _digits_led((2,)), re.compile("GMT|UTC"))

    def plain(m: re.Match[str], c: _Ctx) -> str | None:
        out = _renumber(m.group(), "en", "id")
        return None if out == m.group() else out

    yield _Rule(re.compile(r"(?<![\w.,/:])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w.,]?\d)"),
                plain, "plain", _at_digits, re.compile(r"\d[,.]\d"))


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

def _id_en_rules() -> Iterator[_Rule]:
    days_en, days_id = _days("en"), _days("id")
    months_en, months_id = _months("en"), _months("id")
    months_id_lower = [x.lower() for x in months_id]
    scale_id = {w: e for e, w in _scales("id").items()}
    scale_en = _scales("en")
    day_names = days_id + ["Jum'at", "Jum’at"]

    def weekday(m: re.Match[str], c: _Ctx) -> str | None:
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

    yield _Rule(re.compile(rf"\b(?:(?P<pada>[Pp]ada)\s+)?(?:(?P<hari>[Hh]ari)\s+)?(?P<day>{_alt(day_names)})\b"
                           r"(?:\s*\((?P<d>[0-3]?\d)/(?P<mo>[01]?\d)(?:/\d{2,4})?\))?"
                           r"(?:\s+(?P<tail>lalu|mendatang|depan)\b)?"),
                weekday, "weekday", _at_literals(day_names, leads=(4,), depth=2), re.compile(_alt(day_names)),
                needs_digit=False)

    def dm(m: re.Match[str], c: _Ctx) -> str:
        mi = months_id_lower.index(m["mon"].lower())
        out = f"{months_en[mi]} {int(m['d'])}"
        return out + (f", {m['y']}" if m["y"] else "")

    yield _Rule(re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{_alt(months_id)})\b(?:\s+(?P<y>\d{{4}})\b)?"),
                dm, "dm", _at_digits, re.compile(rf"\d\s+(?:{_alt(months_id)})"))

    scale_alt = _alt(list(scale_id))
    cur_alt = _alt(list(_ID_CURRENCY.values()) + ["dolar Amerika Serikat"])
    by_name = {v: k for k, v in _ID_CURRENCY.items()} | {"dolar Amerika Serikat": "USD"}

    def money(m: re.Match[str], c: _Ctx) -> str:
        code = "IDR" if m["rp"] else by_name.get(m["cur"], "USD")
        amount = _renumber(m["n"], "id", "en")
        if m["sc"]:
            amount += " " + scale_en[scale_id[m["sc"]]]
        if code in _EN_SYMBOL_OUT:
            return f"{_EN_SYMBOL_OUT[code]}{amount}"
        return f"{amount} {_currency_name(code, 2, 'en')}"

    yield _Rule(re.compile(rf"(?<![\w.,])(?P<rp>)(?P<n>{_ID_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<cur>{cur_alt})\b"),
                money, "money", _at_digits, re.compile(rf"\d(?:\s(?:{scale_alt}))?\s(?:{cur_alt})"))
    yield _Rule(re.compile(rf"\b(?P<rp>Rp)\.?\s?(?P<n>{_ID_NUM})(?:\s(?P<sc>{scale_alt}))?(?P<cur>)\b"),
                money, "money", _at_literals(("Rp",)), re.compile(r"Rp\.?\s?\d"))

    def pct(m: re.Match[str], c: _Ctx) -> str:
        return f"{_renumber(m['n'], 'id', 'en')} " + ("percentage points" if m["pp"] else "percent")

    yield _Rule(re.compile(rf"(?<![\w.,])(?P<n>{_ID_NUM})(?:\s?%|\s(?:persen|(?P<pp>poin persentase)))\b"),
                pct, "pct", _at_digits, re.compile(r"\d(?:\s?%|\s(?:persen|poin persentase))"))

    def scaled(m: re.Match[str], c: _Ctx) -> str:
        return f"{_renumber(m['n'], 'id', 'en')} {scale_en[scale_id[m['sc']]]}"

    yield _Rule(re.compile(rf"(?<![\w.,])(?P<n>{_ID_NUM})\s(?P<sc>{scale_alt})\b"), scaled, "scaled", _at_digits,
                re.compile(rf"\d\s(?:{scale_alt})"))

    def time(m: re.Match[str], c: _Ctx) -> str:
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

    yield _Rule(re.compile(r"\b(?P<lead>(?:pada\s+)?pukul)\s+(?P<h>[0-2]?\d)[.:](?P<mi>[0-5]\d)"
                           r"(?:\s+(?P<z>WIB|WITA|WIT|GMT|UTC))?\b"),
                time, "time", _at_literals(("pukul",), leads=(4,)), re.compile(r"pukul\s+\d"))

    def plain(m: re.Match[str], c: _Ctx) -> str | None:
        out = _renumber(m.group(), "id", "en")
        return None if out == m.group() else out

    yield _Rule(re.compile(r"(?<![\w.,/:])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\w.,]?\d)"),
                plain, "plain", _at_digits, re.compile(r"\d[.,]\d"))


def convention_spans(text: str, source: str, target: str, ref: datetime | None, tz: str | None = None) -> list[Span]:
    """Protected spans whose replacement is the target-language rendering (longest wins on overlap)."""
    src, tgt = _lang(source), _lang(target)
    ctx = _Ctx(src, tgt, ref, tz)
    rules = _rule_table(src, tgt)
    if not rules:
        return []
    digits = digit_starts(text)
    groups: list[list[Span]] = []
    for rule in rules:
        found: list[Span] = []
        groups.append(found)
        if (rule.needs_digit and not digits) or rule.needs.search(text) is None:
            continue
        for m in finditer_at(rule.rx, text, rule.starts(text, digits)):
            if m.end() <= m.start():
                continue
            out = rule.render(m, ctx)
            if out is not None:
                found.append(Span(m.start(), m.end(), m.group(), out, "convention", rule.name))
    return merge_spans(*groups)


def localize_text(text: str, source: str, target: str, ref: datetime | None, tz: str | None = None) -> str:
    """Apply the conventions directly (no engine): dry runs, tests, and text already in the target language."""
    return apply_spans(text, convention_spans(text, source, target, ref, tz))


def localize_dateline(dateline: Dateline | None, target: str, provider: str | None = None) -> str | None:
    """AFP's 'San Francisco, Nov 20, 2023 (AFP) -' -> 'SAN FRANCISCO -' (id) or 'SAN FRANCISCO (AFP) -' (en)."""
    if dateline is None:
        return None
    city = city_of(dateline)
    if not city:
        return None
    if _lang(target) == "en":
        agency = agency_name(provider)
        return f"{city.upper()} ({agency}) -" if agency else f"{city.upper()} -"
    return f"{city.upper()} -"
