"""Indonesian -> English conventions: "on Monday", "$10 billion", "1.5 trillion rupiah", "at 3:00 pm (0800 GMT)"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from newsroom.localize.numbers import (
    EN_SYMBOL_OUT,
    ID_CURRENCY,
    ID_NUM,
    alt,
    currency_name,
    days,
    months,
    renumber,
    scales,
)
from newsroom.localize.rules import Ctx, Dated, Rule, at_digits, at_literals
from newsroom.localize.timezones import zone

_VERSION_BEFORE = r"(?<![A-Za-z][-‐])(?<![A-Za-z])(?<!\bv)(?<!\bversi )(?<!\bVersi )"
_VERSION_AFTER = r"(?![-‐]?[A-Za-z])(?!,\d)"


def _near(c: Ctx, d: int, mo: int) -> date | None:
    """The date "(13/11)" names, in the story's year (or the one before, across New Year)."""
    if c.day is None:
        return None
    for year in (c.day.year, c.day.year - 1, c.day.year + 1):
        try:
            when = date(year, mo, d)
        except ValueError:
            return None
        if abs((when - c.day).days) <= 183:
            return when
    return None


def rules() -> Iterator[Rule]:
    days_en, days_id = days("en"), days("id")
    months_en, months_id = months("en"), months("id")
    months_id_lower = [x.lower() for x in months_id]
    scale_id = {w: e for e, w in scales("id").items()}
    scale_en = scales("en")
    day_names = days_id + ["Jum'at", "Jum’at"]

    def weekday(m: re.Match[str], c: Ctx) -> str | Dated | None:
        name = m["day"].replace("’", "'").replace("Jum'at", "Jumat")
        if name == "Minggu" and not (m["pada"] or m["hari"] or m["d"] or m["mon"]):
            return None  # "minggu" is also "week"
        out = days_en[days_id.index(name)]
        on = "on " if m["pada"] else ""
        if m["mon"]:  # "Senin, 8 Juli 2013"
            mi = months_id_lower.index(m["mon"].lower())
            return f"{on}{out}, {months_en[mi]} {int(m['dd'])}" + (f", {m['y']}" if m["y"] else "")
        tail = (m["tail"] or "").lower()
        when = _near(c, int(m["d"]), int(m["mo"])) if m["d"] else None
        if when is not None and c.day is not None:
            if abs((when - c.day).days) > 6:
                # A weekday more than a week away is ambiguous in English: AFP gives the date instead.
                return f"{on}{months_en[when.month - 1]} {when.day}"
            return f"on {out}" if tail else on + out  # dated within the week: "next"/"last" would only blur it
        if tail == "lalu":
            return "last " + out
        if tail in ("mendatang", "depan"):
            return "next " + out
        return on + out

    yield Rule(re.compile(rf"\b(?:(?P<pada>[Pp]ada)\s+)?(?:(?P<hari>[Hh]ari)\s+)?(?P<day>{alt(day_names)})\b"
                          r"(?:\s*\((?P<d>[0-3]?\d)/(?P<mo>[01]?\d)(?:/\d{2,4})?\)"
                          rf"|,\s+(?P<dd>[0-3]?\d)\s+(?P<mon>{alt(months_id)})\b(?:\s+(?P<y>\d{{4}})\b)?)?"
                          r"(?:\s+(?P<tail>lalu|mendatang|depan)\b)?"),
               weekday, "weekday", at_literals(day_names, leads=(4,), depth=2), re.compile(alt(day_names)),
               needs_digit=False)

    def dm(m: re.Match[str], c: Ctx) -> str:
        mi = months_id_lower.index(m["mon"].lower())
        out = f"{months_en[mi]} {int(m['d'])}"
        return out + (f", {m['y']}" if m["y"] else "")

    yield Rule(re.compile(rf"\b(?P<d>[0-3]?\d)\s+(?P<mon>{alt(months_id)})\b(?:\s+(?P<y>\d{{4}})\b)?"),
               dm, "dm", at_digits, re.compile(rf"\d\s+(?:{alt(months_id)})"))

    scale_alt = alt(list(scale_id))
    cur_alt = alt(list(ID_CURRENCY.values()) + ["dolar Amerika Serikat"])
    by_name = {v: k for k, v in ID_CURRENCY.items()} | {"dolar Amerika Serikat": "USD"}

    def money(m: re.Match[str], c: Ctx) -> str:
        code = "IDR" if m["rp"] else by_name.get(m["cur"], "USD")
        amount = renumber(m["n"], "id", "en")
        if m["sc"]:
            amount += " " + scale_en[scale_id[m["sc"]]]
        if code == "IDR":  # AFP writes "1.5 trillion rupiah", never "Rp1.5 trillion"
            return f"{amount} rupiah"
        if code in EN_SYMBOL_OUT:
            return f"{EN_SYMBOL_OUT[code]}{amount}"
        return f"{amount} {currency_name(code, 2, 'en')}"

    yield Rule(re.compile(rf"(?<![\w.,])(?P<rp>)(?P<n>{ID_NUM})(?:\s(?P<sc>{scale_alt}))?\s(?P<cur>{cur_alt})\b"),
               money, "money", at_digits, re.compile(rf"\d(?:\s(?:{scale_alt}))?\s(?:{cur_alt})"))
    yield Rule(re.compile(rf"\b(?P<rp>Rp)\.?\s?(?P<n>{ID_NUM})(?:\s(?P<sc>{scale_alt}))?(?P<cur>)\b"),
               money, "money", at_literals(("Rp",)), re.compile(r"Rp\.?\s?\d"))

    def pct(m: re.Match[str], c: Ctx) -> str:
        return f"{renumber(m['n'], 'id', 'en')} " + ("percentage points" if m["pp"] else "percent")

    yield Rule(re.compile(rf"(?<![\w.,])(?P<n>{ID_NUM})(?:\s?%|\s(?:persen|(?P<pp>poin persentase)))\b"),
               pct, "pct", at_digits, re.compile(r"\d(?:\s?%|\s(?:persen|poin persentase))"))

    def scaled(m: re.Match[str], c: Ctx) -> str:
        return f"{renumber(m['n'], 'id', 'en')} {scale_en[scale_id[m['sc']]]}"

    yield Rule(re.compile(rf"(?<![\w.,])(?P<n>{ID_NUM})\s(?P<sc>{scale_alt})\b"), scaled, "scaled", at_digits,
               re.compile(rf"\d\s(?:{scale_alt})"))

    yield Rule(re.compile(r"\b(?P<lead>(?:pada\s+)?pukul)\s+(?P<h>[0-2]?\d)[.:](?P<mi>[0-5]\d)"
                          r"(?:\s+(?P<z>WIB|WITA|WIT|GMT|UTC))?\b"),
               _time, "time", at_literals(("pukul",), leads=(4,)), re.compile(r"pukul\s+\d"))

    def plain(m: re.Match[str], c: Ctx) -> str | None:
        out = renumber(m.group(), "id", "en")
        return None if out == m.group() else out

    yield Rule(re.compile(r"(?<![\w.,/:])" + _VERSION_BEFORE + r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)"
                          r"(?![\w.,]?\d)" + _VERSION_AFTER),
               plain, "plain", at_digits, re.compile(r"\d[.,]\d"))


def _time(m: re.Match[str], c: Ctx) -> str:
    hour, minute = int(m["h"]), int(m["mi"])
    twelve = hour % 12 or 12
    out = ("at " if m["lead"] else "") + f"{twelve}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
    label = m["z"] or None
    found, _ = zone(label or c.tz)
    if found is not None and (label or "").upper() not in ("GMT", "UTC"):
        base = c.ref or datetime(2000, 1, 1)
        gmt = datetime(base.year, base.month, base.day, hour, minute, tzinfo=found).astimezone(UTC)
        out += f" ({gmt.hour:02d}{gmt.minute:02d} GMT)"
    elif label:
        out = out.rstrip() + " GMT"
    return out
