"""English -> Indonesian conventions: "pada Senin (20/11)", "10 miliar dolar AS", "Rp1,5 triliun", "pukul 15.00 WIB"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from newsroom.localize.numbers import (
    EN_NUM,
    EN_WORDS,
    ID_CURRENCY,
    SYMBOLS,
    alt,
    currency_name,
    days,
    months,
    renumber,
    scales,
)
from newsroom.localize.rules import Ctx, Dated, Rule, at_digits, at_literals, digits_led
from newsroom.localize.timezones import zone
from newsroom.localize.weekdays import in_quote, points_forward, resolve_weekday

_EN_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
# A number that names a version, a model or a code ("GPT-3.5", "version 2.1", "3.5-turbo") keeps its dot.
_VERSION_BEFORE = (r"(?<![A-Za-z][-‐])(?<![A-Za-z])(?<!\bv)(?<!\bversion )(?<!\bVersion )(?<!\brelease )"
                   r"(?<![A-Z]{2} )")  # "USB 3.0", "HDMI 2.1": a standard's number
_VERSION_AFTER = r"(?![-‐]?[A-Za-z])(?!\.\d)"


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def rules() -> Iterator[Rule]:
    days_en, days_id = days("en"), days("id")
    months_en, months_id = months("en"), months("id")
    abbr = {m[:3].lower(): i for i, m in enumerate(months_en)} | {"sept": 8}
    scale_en = {w: e for e, w in scales("en").items()}
    scale_en |= {"bn": 9, "mn": 6, "tn": 12}
    scale_id = scales("id")

    def month_index(name: str) -> int:
        key = name.rstrip(".").lower()
        return next(i for i, full in enumerate(months_en) if full.lower() == key) \
            if key in (m.lower() for m in months_en) else abbr[key[:4] if key == "sept" else key[:3]]

    month_re = alt(months_en) + r"|(?:" + "|".join(_EN_MONTH_ABBR) + r")\.?"
    any_month = re.compile(alt([*months_en, *_EN_MONTH_ABBR]))  # plain literals: `re` skips ahead to capitals

    def explicit(m: re.Match[str], c: Ctx) -> tuple[str, date | None]:
        mon, d, y = (m["mon"], m["d"], m["y"]) if m["mon"] else (m["mon2"], m["d2"], m["y2"])
        mi = month_index(mon)
        text = f"{int(d)} {months_id[mi]}" + (f" {y}" if y else "")
        year = int(y) if y else (c.day.year if c.day else None)
        return text, _safe_date(year, mi + 1, int(d)) if year else None

    def weekday(m: re.Match[str], c: Ctx) -> str | Dated:
        lead = (m["lead"] or "").lower()
        wd = days_en.index(m["day"].capitalize())
        name = days_id[wd]
        pada = "pada " if lead == "on" else ""
        if m["mon"] or m["mon2"]:  # "Monday, July 8, 2013": the date is given, no "(8/7)" beside it
            text, when = explicit(m, c)
            return Dated(when, f"{pada}{name}, {text}", f"{pada}{name}, {text}", record_only=True)
        quoted = in_quote(m.string, m.start())
        if lead == "last":
            mode, tail = "last", " lalu"
        elif lead == "next":
            mode, tail = "next", " mendatang"
        else:
            mode = "ahead" if lead == "this" or points_forward(m.string, m.start(), m.end()) else "on"
            tail = " ini" if lead == "this" else ""
        plain = f"{pada}hari {name}{tail}" if pada and quoted else f"{pada}{name}{tail}"
        if c.day is None or c.headline or quoted:
            return plain
        when = resolve_weekday(c.day, wd, mode)
        return Dated(when, f"{pada}{name} ({when.day}/{when.month}){tail}", plain)

    full_date = (rf"(?:,?\s+(?:(?P<mon>{month_re})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
                 rf"|(?P<d2>[0-3]?\d)\s+(?P<mon2>{month_re})(?:\s+(?P<y2>\d{{4}}))?\b))?")
    yield Rule(re.compile(rf"\b(?:(?P<lead>[Oo]n|[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<day>{alt(days_en)})\b(?!['’]s\b)"
                          + full_date),
               weekday, "weekday", at_literals(days_en, leads=(2, 4)), re.compile(alt(days_en)), needs_digit=False)

    def md(m: re.Match[str], c: Ctx) -> Dated:
        mi = month_index(m["mon"])
        text = f"{int(m['d'])} {months_id[mi]}" + (f" {m['y']}" if m["y"] else "")
        year = int(m["y"]) if m["y"] else (c.day.year if c.day else None)
        when = _safe_date(year, mi + 1, int(m["d"])) if year else None
        return Dated(when, text, text, record_only=True)

    yield Rule(re.compile(rf"\b(?P<mon>{month_re})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
               md, "md", at_literals((*months_en, *_EN_MONTH_ABBR)), any_month)
    yield Rule(re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{month_re})(?:\s+(?P<y>\d{{4}}))?\b"), md, "md", at_digits,
               any_month)

    scale_alt = alt(list(scale_en))
    sym_alt = alt(list(SYMBOLS))
    word_alt = alt(list(EN_WORDS))

    def money(m: re.Match[str], c: Ctx) -> str:
        code = SYMBOLS.get(m["sym"] or "", "") or EN_WORDS.get(m["word"] or "", "")
        if not code and m["word"]:
            code = EN_WORDS.get(m["word"].lower(), "")
        amount = renumber(m["n"], "en", "id")
        if m["sc"]:
            amount += " " + scale_id[scale_en[m["sc"].lower()]]
        if code == "IDR":  # EYD V: the symbol before the figure, no space ("Rp1,5 triliun", "Rp15.984")
            return "Rp" + amount
        return f"{amount} {ID_CURRENCY.get(code) or currency_name(code, None, 'id').lower()}"

    yield Rule(re.compile(rf"(?<![\w$])(?P<sym>{sym_alt})\s?(?P<n>{EN_NUM})(?:\s?(?P<sc>(?i:{scale_alt}))\b)?"
                          rf"(?P<word>)"), money, "money", at_literals(list(SYMBOLS)),
               re.compile(rf"(?:{sym_alt})\s?\d"))
    yield Rule(re.compile(rf"(?<![\w.,$])(?P<sym>)(?P<n>{EN_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<word>{word_alt})\b"),
               money, "money", at_digits, re.compile(rf"\d(?:\s(?:{scale_alt}))?\s(?:{word_alt})"))

    def pct(m: re.Match[str], c: Ctx) -> str:
        unit = "poin persentase" if m["pp"] else "persen"
        return f"{renumber(m['n'], 'en', 'id')} {unit}"

    yield Rule(re.compile(rf"(?<![\w.,])(?P<n>{EN_NUM})(?:\s?%|\s(?:percent|per\s?cent)(?P<pp>age\spoints?)?)"),
               pct, "pct", at_digits, re.compile(r"\d(?:\s?%|\s(?:percent|per\s?cent))"))

    def scaled(m: re.Match[str], c: Ctx) -> str:
        return f"{renumber(m['n'], 'en', 'id')} {scale_id[scale_en[m['sc'].lower()]]}"

    yield Rule(re.compile(rf"(?<![\w.,])(?P<n>{EN_NUM})\s?(?P<sc>(?i:{scale_alt}))\b"), scaled, "scaled", at_digits,
               re.compile(rf"(?i)\d\s?(?:{scale_alt})"))

    yield Rule(re.compile(r"\b(?:(?P<at>at)\s+)?(?P<h>[01]?\d)(?::(?P<mi>[0-5]\d))?\s?(?P<ap>[ap]\.?m\.?)(?!\w)"
                          r"(?:\s*\((?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\))?"),
               _time, "time", digits_led((2,)), re.compile(r"\d\s?[ap]\.?m"))
    yield Rule(re.compile(r"\b(?:(?P<at>at)\s+)?(?P<gh>[0-2]\d)(?P<gm>[0-5]\d)\s+(?:GMT|UTC)\b"
                          r"(?P<h>)(?P<mi>)(?P<ap>)"), _time, "time", digits_led((2,)), re.compile("GMT|UTC"))

    def plain(m: re.Match[str], c: Ctx) -> str | None:
        out = renumber(m.group(), "en", "id")
        return None if out == m.group() else out

    yield Rule(re.compile(r"(?<![\w.,/:])" + _VERSION_BEFORE + r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)"
                          r"(?![\w.,]?\d)" + _VERSION_AFTER),
               plain, "plain", at_digits, re.compile(r"\d[,.]\d"))


def _time(m: re.Match[str], c: Ctx) -> str:
    found, label = zone(c.tz)
    hour = minute = None
    if m["h"]:
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        minute = int(m["mi"] or 0)
    if m["gh"] is not None and m["gh"] != "":
        gmt_h, gmt_m = int(m["gh"]), int(m["gm"])
        if found is not None:
            base = c.ref or datetime(2000, 1, 1)
            when = datetime(base.year, base.month, base.day, gmt_h % 24, gmt_m, tzinfo=UTC)
            local = when.astimezone(found)
            hour, minute = local.hour, local.minute
            label = label or "waktu setempat"  # a foreign clock: Indonesian copy says "local time"
        elif hour is None:
            hour, minute, label = gmt_h, gmt_m, "GMT"
    out = f"pukul {hour:02d}.{minute:02d}"
    if label and (found is not None or label == "GMT"):
        out += f" {label}"
    return out
