"""Weekdays in time (tense, the story's clock), dates on first mention only, numbers that are not numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsroom.localize import Mentions, convention_spans, localize_text, story_zone
from newsroom.spans import apply_spans

TUE_21_NOV = datetime(2023, 11, 21, 10, 0, tzinfo=UTC)
MON_20_NOV = datetime(2023, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    # Future markers point forward from the story date (Tuesday 21 November 2023).
    ("The board will hold a meeting on Thursday.", "The board will hold a meeting pada Kamis (23/11)."),
    ("Lawmakers are due to vote on Tuesday.", "Lawmakers are due to vote pada Selasa (21/11)."),
    ("He'll travel to Paris on Monday.", "He'll travel to Paris pada Senin (27/11)."),
    ("She said on Monday that she will resign.", "She said pada Senin (20/11) that she will resign."),
    ("The vote, which will take place on Saturday, is close.",
     "The vote, which will take place pada Sabtu (25/11), is close."),
    # Reported speech and plain past point back.
    ("The board fired him on Friday.", "The board fired him pada Jumat (17/11)."),
    ("Altman said on Thursday he was happy.", "Altman said pada Kamis (16/11) he was happy."),
    ("They met this Friday.", "They met Jumat (24/11) ini."),
])
def test_weekdays_follow_tense(text: str, expected: str) -> None:
    assert localize_text(text, "en", "id", TUE_21_NOV, "Asia/Jakarta") == expected


def test_weekday_is_read_on_the_story_clock() -> None:
    # 23:00 GMT on Thursday 23 November is 06:00 WIB on Friday 24 November in Jakarta: "on Friday" is today.
    filed = datetime(2023, 11, 23, 23, 0, tzinfo=UTC)
    assert localize_text("Police said on Friday", "en", "id", filed, "Asia/Jakarta") == "Police said pada Jumat (24/11)"
    assert localize_text("Police said on Friday", "en", "id", filed, "Europe/London") == "Police said pada Jumat (17/11)"


@pytest.mark.parametrize(("city", "provider", "default", "zone"), [
    ("SAN FRANCISCO", "afp.com", None, "America/Los_Angeles"),
    ("Makassar", None, None, "Asia/Makassar"),
    ("JAYAPURA", None, None, "Asia/Jayapura"),
    ("Denpasar", None, None, "Asia/Makassar"),
    ("Washington", "ap.org", None, "America/New_York"),
    ("Nowhere-on-Sea", "antaranews.com", "Europe/Paris", "Asia/Jakarta"),
    (None, "afp.com", "Europe/Paris", "Europe/Paris"),
    (None, None, None, "Asia/Jakarta"),
])
def test_story_zone_from_dateline_city_then_provider_then_setting(
        city: str | None, provider: str | None, default: str | None, zone: str) -> None:
    assert story_zone(city, provider, default) == zone


def test_date_on_first_mention_only_and_never_inside_quotes() -> None:
    paragraphs = [
        "Hundreds of staff threatened to quit on Monday.",
        "Altman, who was fired on Friday, joined Microsoft.",
        '"That was the case on Friday," Nadella said.',
        "On Monday, there was talk of a return.",
        "The drama gripped Silicon Valley on Monday.",
    ]
    mentions = Mentions()
    out = [apply_spans(p, convention_spans(p, "en", "id", MON_20_NOV, "Asia/Jakarta", mentions=mentions))
           for p in paragraphs]
    assert out == [
        "Hundreds of staff threatened to quit pada Senin (20/11).",
        "Altman, who was fired pada Jumat (17/11), joined Microsoft.",
        '"That was the case pada hari Jumat," Nadella said.',
        "Pada Senin, there was talk of a return.",
        "The drama gripped Silicon Valley pada Senin.",
    ]


def test_quote_that_continues_from_the_previous_paragraph_is_still_a_quote() -> None:
    text = "“It happened on Friday. And it will happen again"
    assert localize_text(text, "en", "id", MON_20_NOV) == "“It happened pada hari Jumat. And it will happen again"


def test_headline_weekdays_carry_no_date() -> None:
    spans = convention_spans("Strike on Monday", "en", "id", MON_20_NOV, headline=True)
    assert apply_spans("Strike on Monday", spans) == "Strike pada Senin"


@pytest.mark.parametrize(("text", "expected"), [
    ("said today, Friday August 29", "said today, Jumat, 29 Agustus"),
    ("on Monday, July 8, 2013", "pada Senin, 8 Juli 2013"),
    ("Friday, 29 August 2025", "Jumat, 29 Agustus 2025"),
    ("a £66BN deal", "a 66 miliar pound sterling deal"),
    ("a $5bn loan", "a 5 miliar dolar AS loan"),
    ("Rp 1.5 trillion for flood relief", "Rp1,5 triliun for flood relief"),
    ("1.5 trillion rupiah", "Rp1,5 triliun"),
    ("Rp15,984", "Rp15.984"),
    ("GPT-3.5 and GPT-4.5 beat 3.5 percent", "GPT-3.5 and GPT-4.5 beat 3,5 persen"),
    ("version 2.5 of the app", "version 2.5 of the app"),
    ("gpt-3.5-turbo costs 1.25 dollars", "gpt-3.5-turbo costs 1,25 dolar AS"),
    ("release v1.2 shipped", "release v1.2 shipped"),
])
def test_english_to_indonesian_slips(text: str, expected: str) -> None:
    assert localize_text(text, "en", "id", datetime(2025, 8, 29, 8, tzinfo=UTC), "Asia/Jakarta") == expected


def test_explicit_date_counts_as_its_first_mention() -> None:
    mentions = Mentions()
    first = localize_text("on Monday, November 20, 2023", "en", "id", MON_20_NOV, mentions=mentions)
    later = localize_text("quit on Monday", "en", "id", MON_20_NOV, mentions=mentions)
    assert (first, later) == ("pada Senin, 20 November 2023", "quit pada Senin")


@pytest.mark.parametrize(("text", "expected"), [
    ("Rp1,5 triliun untuk banjir", "1.5 trillion rupiah untuk banjir"),
    ("Rp 5.000", "5,000 rupiah"),
    ("GPT-3,5 dan versi 2,1", "GPT-3,5 dan versi 2,1"),
    ("keluar pada Senin (13/11)", "keluar on November 13"),  # a week before the story date
    ("keluar pada Kamis (16/11)", "keluar on Thursday"),
    ("pada Senin, 8 Juli 2013", "on Monday, July 8, 2013"),
])
def test_indonesian_to_english_dates_and_money(text: str, expected: str) -> None:
    assert localize_text(text, "id", "en", MON_20_NOV, "Asia/Jakarta") == expected


@pytest.mark.parametrize(("tz", "expected"), [
    ("Asia/Jakarta", "pukul 15.00 WIB"),
    ("Europe/Paris", "pukul 09.00 waktu setempat"),
    ("Asia/Jayapura", "pukul 17.00 WIT"),
])
def test_gmt_times_are_read_on_the_story_clock(tz: str, expected: str) -> None:
    assert localize_text("at 0800 GMT", "en", "id", MON_20_NOV, tz) == expected


def test_acronym_first_then_full_name_is_one_unit_too() -> None:
    from glossary import load_glossary

    spans = load_glossary().find("BNPB (Badan Nasional Penanggulangan Bencana) mencatat", "id", "en")
    assert [(s.text, s.replacement) for s in spans] == [
        ("BNPB (Badan Nasional Penanggulangan Bencana)", "National Disaster Mitigation Agency (BNPB)")]


def test_a_standards_number_keeps_its_dot() -> None:
    assert localize_text("two USB 3.0 ports, 3.5 km apart", "en", "id", None) == "two USB 3.0 ports, 3,5 km apart"
