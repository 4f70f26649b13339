"""Anchored convention scans find exactly what a plain finditer finds, on adversarial random text."""

from __future__ import annotations

import random

import pytest

from newsroom.localize import default_rulebook
from newsroom.scan import digit_starts, finditer_at, literal_starts, with_leads

_PIECES = [
    "0", "7", "12", "2023", "1,234", "1,234,567.89", "3.5", "0,4", "1.250,75", "5.000", "٣", "١٢", "9:30", "0800",
    "$", "US$", "A$", "HK$", "Rp", "Rp.", "€", "£", "¥", "%", "percent", "per cent", "percentage points",
    "million", "bn", "billion", "dollars", "US dollars", "yen", "juta", "miliar", "triliun", "dolar AS", "rupiah",
    "persen", "poin persentase", "Monday", "Friday's", "On", "on", "last", "Next", "at", "am", "p.m.", "pm",
    "(0800 GMT)", "GMT", "UTC", "WIB", "WITA", "Nov", "Sept.", "March", "May", "20th", "Senin", "Jum'at", "Jum’at",
    "Minggu", "pada", "Pada", "hari", "Hari", "pukul", "lalu", "depan", "(20/11)", "Desember", "Mei", "the", "x",
    "Z", "’", "'s", ".", ",", "/", ":", "(", ")", "-", "\u00a0",
]
_GAPS = ["", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2009"]


def _texts(count: int, seed: int) -> list[str]:
    """Number, currency, date and lead-word fragments glued with odd spacing: where anchoring could slip."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rng.choice(_PIECES) + rng.choice(_GAPS) for _ in range(rng.randrange(1, 24))]
        out.append("".join(parts))
    return out


@pytest.mark.parametrize(("src", "tgt", "seed"), [("en", "id", 11), ("id", "en", 12)])
def test_anchored_rules_match_plain_finditer(src: str, tgt: str, seed: int) -> None:
    rules = default_rulebook().rules(src, tgt)
    assert rules
    hits: set[int] = set()
    for text in _texts(1500, seed):
        digits = digit_starts(text)
        for i, rule in enumerate(rules):
            skip = (rule.needs_digit and not digits) or rule.needs.search(text) is None
            starts = [] if skip else rule.starts(text, digits)
            fast = [(m.span(), m.groupdict()) for m in finditer_at(rule.rx, text, starts)]
            slow = [(m.span(), m.groupdict()) for m in rule.rx.finditer(text)]
            assert fast == slow, (rule.name, text)
            hits.update(i for _ in slow[:1])
    assert hits == set(range(len(rules)))  # the random text exercised every rule


def test_literal_starts_include_overlaps() -> None:
    assert literal_starts("aaa", ["aa"]) == [0, 1]
    assert literal_starts("US$5 and $6", ["$", "US$"]) == [0, 2, 9]


def test_with_leads_walks_back_over_whitespace() -> None:
    text = "pada  hari Senin"
    assert with_leads(text, [11], (4,), depth=2) == [0, 6, 11]
    assert with_leads("Senin", [0], (4,)) == [0]


def test_number_fast_path_matches_babel() -> None:
    from decimal import Decimal

    from babel.numbers import format_decimal

    from newsroom.localize.numbers import format_number as _format_number

    rng = random.Random(7)
    raws = ["0", "000", "0.0", "0.05", "007.50", "1", "999", "1000", "123456789012345", "999999999999999.9999999999"]
    for _ in range(3000):
        whole = str(rng.randrange(10 ** rng.randrange(1, 16))).zfill(rng.choice([1, 1, 3]))
        frac = "".join(rng.choice("0123456789") for _ in range(rng.choice([0, 0, 1, 2, 3, 6, 10])))
        raws.append(whole + ("." + frac if frac else ""))
    for raw in raws:
        value, places = Decimal(raw), len(raw.split(".")[1]) if "." in raw else 0
        for lang in ("en", "id"):
            pattern = "#,##0" + ("." + "0" * places if places else "")
            assert _format_number(value, places, lang) == format_decimal(value, format=pattern, locale=lang), raw
