"""Indonesian/English newsroom conventions, table-driven, both directions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from newsroom.localize import convention_spans, localize_dateline, localize_text, resolve_weekday
from newsroom.model import Dateline

MON_20_NOV = datetime(2023, 11, 20, 12, 0)


@pytest.mark.parametrize(("ref", "text", "expected"), [
    (MON_20_NOV, "quit on Monday", "quit pada Senin (20/11)"),
    (MON_20_NOV, "fired on Friday", "fired pada Jumat (17/11)"),
    (datetime(2023, 12, 1), "said on Thursday", "said pada Kamis (30/11)"),  # month boundary
    (datetime(2024, 1, 2), "met on Saturday", "met pada Sabtu (30/12)"),  # year boundary
    (datetime(2024, 3, 1), "on Thursday", "pada Kamis (29/2)"),  # leap day
    (MON_20_NOV, "last Monday", "Senin (13/11) lalu"),
    (MON_20_NOV, "next Wednesday", "Rabu (22/11) mendatang"),
    (None, "on Monday", "pada Senin"),
    (MON_20_NOV, "on Nov 20, 2023", "on 20 November 2023"),
    (MON_20_NOV, "on August 17", "on 17 Agustus"),
    (MON_20_NOV, "more than $10 billion", "more than 10 miliar dolar AS"),
    (MON_20_NOV, "US$2.5 million", "2,5 juta dolar AS"),
    (MON_20_NOV, "€1,250.75", "1.250,75 euro"),
    (MON_20_NOV, "3 billion US dollars", "3 miliar dolar AS"),
    (MON_20_NOV, "5.08 million people", "5,08 juta people"),
    (MON_20_NOV, "1,500 troops", "1.500 troops"),
    (MON_20_NOV, "1,234,567.89 tonnes", "1.234.567,89 tonnes"),
    (MON_20_NOV, "a 0.05 percent rise", "a 0,05 persen rise"),
    (MON_20_NOV, "up 15%", "up 15 persen"),
    (MON_20_NOV, "1.5 percentage points", "1,5 poin persentase"),
    (MON_20_NOV, "2.50 trillion", "2,50 triliun"),
    (MON_20_NOV, "in 2023, 770 staff", "in 2023, 770 staff"),  # years and small integers untouched
])
def test_english_to_indonesian(ref: datetime | None, text: str, expected: str) -> None:
    assert localize_text(text, "en", "id", ref) == expected


@pytest.mark.parametrize(("text", "tz", "expected"), [
    ("at 3:00 pm (0800 GMT)", "Asia/Jakarta", "pukul 15.00 WIB"),
    ("at 0100 GMT", "Asia/Makassar", "pukul 09.00 WITA"),
    ("at 0100 GMT", None, "pukul 01.00 GMT"),
    ("at 9 am", "WIT", "pukul 09.00 WIT"),
    ("at 9:30 pm", None, "pukul 21.30"),
])
def test_times_into_indonesian(text: str, tz: str | None, expected: str) -> None:
    assert localize_text(text, "en", "id", MON_20_NOV, tz) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("keluar pada Senin (20/11)", "keluar on Monday"),
    ("dipecat pada hari Jumat (17/11)", "dipecat on Friday"),
    ("Senin (20/11) malam", "Monday malam"),
    ("Minggu lalu", "Minggu lalu"),  # "last week", not a weekday
    ("pada Minggu (19/11)", "on Sunday"),
    ("Rabu (22/11) mendatang", "on Wednesday"),  # dated, two days ahead: "next" would blur it
    ("Rabu mendatang", "next Wednesday"),
    ("lebih dari 10 miliar dolar AS", "lebih dari $10 billion"),
    ("5,08 juta orang", "5.08 million orang"),
    ("1.500 tentara", "1,500 tentara"),
    ("naik 0,05 persen", "naik 0.05 percent"),
    ("Rp15.984", "15,984 rupiah"),  # AFP: the amount, then "rupiah"
    ("2 miliar euro", "2 billion euros"),
    ("20 November 2023", "November 20, 2023"),
    ("1 Januari", "January 1"),
    ("pukul 15.00 WIB", "at 3:00 pm (0800 GMT)"),
    ("pukul 07.30 WIT", "at 7:30 am (2230 GMT)"),
])
def test_indonesian_to_english(text: str, expected: str) -> None:
    assert localize_text(text, "id", "en", MON_20_NOV) == expected


@pytest.mark.parametrize("text", ["on Monday", "$10 billion", "5.08 million", "15%", "1,500"])
def test_round_trip_is_stable(text: str) -> None:
    there = localize_text(text, "en", "id", MON_20_NOV, "Asia/Jakarta")
    back = localize_text(there, "id", "en", MON_20_NOV, "Asia/Jakarta")
    assert back.replace(" percent", "%") == text.replace(" percent", "%")


def test_spans_point_at_source_and_do_not_overlap() -> None:
    text = "On Monday the firm raised $10 billion, up 15% from 5.08 million."
    spans = convention_spans(text, "en", "id", MON_20_NOV)
    assert len(spans) == 4
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_aware_reference_is_read_in_story_zone() -> None:
    # 20:00 UTC Sunday is already Monday in Jakarta.
    ref = datetime(2023, 11, 19, 20, 0, tzinfo=UTC)
    assert localize_text("on Monday", "en", "id", ref, "Asia/Jakarta") == "pada Senin (20/11)"
    assert resolve_weekday(ref.date(), 0) == datetime(2023, 11, 13).date()


def test_unsupported_pair_and_same_language_do_nothing() -> None:
    assert convention_spans("on Monday $5 billion", "en", "en", MON_20_NOV) == []
    assert convention_spans("on Monday", "en", "fr", MON_20_NOV) == []


@pytest.mark.parametrize(("dateline", "target", "provider", "expected"), [
    (Dateline(text="San Francisco, Nov 20, 2023 (AFP) -"), "id", "afp.com", "SAN FRANCISCO -"),
    (Dateline(text="Gaza City, Palestinian Territories, May 16, 2021 (AFP) -"), "id", None, "GAZA CITY -"),
    (Dateline(text="whatever", city="Paris"), "en", "afp.com", "PARIS (AFP) -"),
    (Dateline(text="JAKARTA - "), "en", "afp.com", "JAKARTA (AFP) -"),
    (Dateline(text="Jakarta, 20/11 (AFP) -"), "en", "afp.com", "JAKARTA (AFP) -"),
    (None, "id", "afp.com", None),
])
def test_datelines(dateline: Dateline | None, target: str, provider: str | None, expected: str | None) -> None:
    assert localize_dateline(dateline, target, provider) == expected
