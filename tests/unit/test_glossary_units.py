"""Adjacent terms masked as one unit in target order; what the rule cannot order is an order risk."""

from __future__ import annotations

import pytest

from glossary import Glossary, load_glossary, protect
from glossary.units import merge_adjacent, order_risks
from newsroom.localize import convention_spans
from newsroom.spans import merge_spans


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def _units(house: Glossary, text: str, src: str, tgt: str) -> tuple[list[tuple[str, str]], list[str]]:
    spans = merge_spans(convention_spans(text, src, tgt, None), house.find(text, src, tgt))
    units = merge_adjacent(text, spans, src, tgt, house)
    return [(s.text, s.replacement) for s in units.spans], units.risks


@pytest.mark.parametrize(("text", "src", "tgt", "unit"), [
    ("said Microsoft CEO Satya Nadella.", "en", "id", ("Microsoft CEO Satya Nadella", "CEO Microsoft Satya Nadella")),
    ("OpenAI's interim CEO quit.", "en", "id", ("OpenAI's interim CEO", "CEO sementara OpenAI")),
    ("the startup's board met", "en", "id", ("startup's board", "dewan direksi perusahaan rintisan")),
    ("US President Joe Biden", "en", "id", ("US President", "Presiden AS")),
    ("kata CEO Microsoft Satya Nadella.", "id", "en", ("CEO Microsoft Satya Nadella", "Microsoft chief executive Satya Nadella")),
    ("CEO sementara OpenAI mundur.", "id", "en", ("CEO sementara OpenAI", "OpenAI interim CEO")),
    ("dewan direksi perusahaan rintisan itu", "id", "en", ("dewan direksi perusahaan rintisan", "startup's board of directors")),
])
def test_adjacent_terms_become_one_unit_in_target_order(house: Glossary, text: str, src: str, tgt: str,
                                                        unit: tuple[str, str]) -> None:
    spans, risks = _units(house, text, src, tgt)
    assert unit in spans and risks == []


def test_possessive_of_a_lone_name_is_left_to_the_engine(house: Glossary) -> None:
    spans, _ = _units(house, "Hamas' political wing", "en", "id")
    assert spans == [("Hamas", "Hamas")]
    assert protect("Hamas' political wing", house.find("Hamas' political wing", "en", "id")).text.endswith(
        "' political wing")


def test_company_name_with_a_country_in_it_is_not_translated(house: Glossary) -> None:
    assert house.find("National Electric Vehicle Sweden signed a deal", "en", "id") == []
    assert [s.replacement for s in house.find("In Sweden, it rained.", "en", "id")] == ["Swedia"]


def test_two_common_nouns_side_by_side_are_head_final(house: Glossary) -> None:
    """'climate change refugee' is a refugee of climate change: Indonesian puts the head first."""
    spans, risks = _units(house, "the climate change refugee crisis", "en", "id")
    assert ("climate change refugee", "pengungsi perubahan iklim") in spans and risks == []
    spans, risks = _units(house, "Opposition lawmakers walked out", "en", "id")
    assert risks == [] and len(spans) == 1 and spans[0][0] == "Opposition lawmakers"
    assert spans[0][1].lower().endswith(" oposisi"), spans


def test_separate_tokens_report_every_adjacent_run(house: Glossary) -> None:
    text = "said Microsoft CEO Satya Nadella"
    risks = order_risks(text, house.find(text, "en", "id"))
    assert risks and "'Microsoft'" in risks[0] and "'CEO'" in risks[0]


def test_inject_writes_target_terms_as_text_and_keeps_conventions_as_tokens(house: Glossary) -> None:
    text = "Microsoft CEO Satya Nadella spoke on Monday."
    spans = merge_spans(convention_spans(text, "en", "id", None), house.find(text, "en", "id"))
    masked = protect(text, spans, inline=frozenset({"term", "keep"}))
    assert masked.text.startswith("Microsoft CEO Satya Nadella spoke ZX")
    assert [s.replacement for s in masked.slots.values()] == ["pada Senin"]


def test_names_side_by_side_stay_separate_and_unflagged(house: Glossary) -> None:
    spans, risks = _units(house, "Microsoft's Satya Nadella spoke", "en", "id")
    assert spans == [("Microsoft", "Microsoft"), ("Satya Nadella", "Satya Nadella")] and risks == []


@pytest.mark.parametrize(("text", "absent"), [
    ("the Western-backed National Coalition opposition group", "Coalition"),
    ("the Federal Reserve Board met", "Board"),
])
def test_common_words_inside_names_are_not_terms(house: Glossary, text: str, absent: str) -> None:
    assert absent not in [s.text for s in house.find(text, "en", "id")]
    assert "Presiden" in [s.replacement for s in house.find("US President Joe Biden", "en", "id")]


def test_an_amount_before_a_term_is_an_order_risk(house: Glossary) -> None:
    _, risks = _units(house, "a Rp 1.5 trillion flood fund", "en", "id")
    assert risks == ["order risk: amount 'Rp 1.5 trillion' before 'flood' may stay in English order"]
    _, fine = _units(house, "an earthquake of magnitude 6.1 struck", "en", "id")
    assert fine == []


def test_a_run_the_rule_cannot_order_is_an_order_risk(house: Glossary) -> None:
    spans, risks = _units(house, "dewan direksi perusahaan rintisan AI itu", "id", "en")
    assert ("dewan direksi", "board of directors") in spans and ("perusahaan rintisan", "startup") in spans
    assert len(risks) == 1 and "'dewan direksi'" in risks[0] and "'AI'" in risks[0]
