"""Locale facts both directions share: day and month names, scale words, separators, number formats (Babel/CLDR)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal, get_currency_name

from newsroom.languages import canonical

# Symbol -> ISO code, and house-style Indonesian currency names (Babel's are formal: "Dolar Amerika Serikat").
SYMBOLS = {"US$": "USD", "$": "USD", "A$": "AUD", "S$": "SGD", "HK$": "HKD", "€": "EUR", "£": "GBP",
           "¥": "JPY", "Rp": "IDR"}
ID_CURRENCY = {"USD": "dolar AS", "EUR": "euro", "GBP": "pound sterling", "JPY": "yen", "CNY": "yuan",
               "IDR": "rupiah", "AUD": "dolar Australia", "SGD": "dolar Singapura",
               "HKD": "dolar Hong Kong", "MYR": "ringgit"}
EN_WORDS = {"US dollars": "USD", "dollars": "USD", "euros": "EUR", "yen": "JPY", "yuan": "CNY",
            "rupiah": "IDR", "pounds": "GBP", "ringgit": "MYR"}
EN_SYMBOL_OUT = {"USD": "$", "GBP": "£", "AUD": "A$", "SGD": "S$", "HKD": "HK$"}

EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
ID_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


def lang_of(code: str) -> str:
    """'id-ID', 'in' and 'ID' are Indonesian; any other code keeps its primary subtag."""
    return canonical(code) or ""


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def days(lang: str) -> list[str]:
    """Monday..Sunday in the language, from Babel (CLDR)."""
    names = _locale(lang).days["format"]["wide"]
    return [names[i] for i in range(7)]


def months(lang: str, width: str = "wide") -> list[str]:
    names = _locale(lang).months["format"][width]
    return [names[i] for i in range(1, 13)]


@lru_cache(maxsize=4)
def scales(lang: str) -> dict[int, str]:
    """Exponent -> scale word (6 -> 'juta'/'million') from CLDR's long compact number patterns."""
    out: dict[int, str] = {}
    for magnitude, pattern in _locale(lang).compact_decimal_formats["long"]["other"].items():
        exp = len(magnitude) - 1
        if exp % 3 == 0:
            word = re.sub(r"[0#.,\s]+", " ", pattern.pattern).strip()
            out.setdefault(exp, word)
    return out


@lru_cache(maxsize=4)
def separators(lang: str) -> tuple[str, str]:
    """Group and decimal separators; cached because Babel's lookup costs more than the parse it serves."""
    sym = _locale(lang).number_symbols
    sym = sym.get("latn", sym)
    return sym["group"], sym["decimal"]


def parse_number(raw: str, lang: str) -> tuple[Decimal, int] | None:
    """Read a number written in `lang`'s convention; returns the value and its decimal places."""
    group, dec = separators(lang)
    cleaned = raw.replace(group, "").replace(dec, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    places = len(cleaned.split(".")[1]) if "." in cleaned else 0
    return value, places


def format_number(value: Decimal, places: int, lang: str) -> str:
    """Grouped, with exactly `places` decimals, in `lang`'s symbols; Babel only where its 28-digit context bites."""
    if value.adjusted() < 15 and places <= 10 and value.is_finite() and not value.is_signed():
        # Short enough that Babel neither rounds nor raises: Python's own grouping gives the same string, faster.
        group, dec = separators(lang)
        return f"{value:,.{places}f}".translate({44: group, 46: dec})
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=lang)


@lru_cache(maxsize=4096)
def renumber(raw: str, src: str, tgt: str) -> str:
    """Same digits, target convention; cached because wire copy repeats its figures and Babel is slow."""
    parsed = parse_number(raw, src)
    return format_number(*parsed, tgt) if parsed else raw


@lru_cache(maxsize=32)
def currency_name(code: str, count: int | None, lang: str) -> str:
    """Babel's currency name, cached: its locale lookup costs more than the rest of a money rule."""
    return get_currency_name(code, count=count, locale=lang)


def alt(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation, longest first so a prefix never wins."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
