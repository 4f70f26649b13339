"""Terms in context: negative contexts, senses, acronyms once, case, clitics on names, forbidden forms by stem."""

from __future__ import annotations

import pickle

import pytest

from glossary import Glossary, lint, load_glossary, protect, restore, verify
from glossary.io import parse_csv_text


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def _pairs(house: Glossary, text: str, src: str = "en", tgt: str = "id", **kw: object) -> list[tuple[str, str]]:
    return [(s.text, s.replacement) for s in house.find(text, src, tgt, **kw)]  # type: ignore[arg-type]


def test_negative_context_keeps_on_board_out_of_the_boardroom(house: Glossary) -> None:
    assert ("board", "dewan direksi") not in _pairs(house, "Twelve people were on board a rescue boat.")
    assert ("board", "dewan direksi") in _pairs(house, "The board fired Altman on Friday.")


def test_sense_words_decide_magnitude_and_which_house(house: Glossary) -> None:
    assert _pairs(house, "the magnitude of the crisis") == []
    assert ("magnitude", "magnitudo") in _pairs(house, "a quake of magnitude 6.2 struck")
    us = "The House of Representatives in Washington voted."
    assert ("House of Representatives", "DPR AS") in _pairs(house, us)
    jakarta = "The House of Representatives in Jakarta voted."
    assert ("House of Representatives", "DPR") in _pairs(house, jakarta)
    # The sense word may sit anywhere in the story.
    story = "Republicans met on Monday.\nThe House of Representatives voted."
    assert ("House of Representatives", "DPR AS") in _pairs(house, "The House of Representatives voted.", scope=story)


def test_told_afp_is_one_unit(house: Glossary) -> None:
    assert _pairs(house, '"We will rebuild," she told AFP.') == [("she told AFP", "katanya kepada AFP")]


def test_acronym_rows_never_double(house: Glossary) -> None:
    text = "The National Disaster Mitigation Agency (BNPB) said 12 died."
    assert _pairs(house, text) == [("National Disaster Mitigation Agency (BNPB)",
                                    "Badan Nasional Penanggulangan Bencana (BNPB)")]
    seen: set[str] = set()
    first = _pairs(house, "Badan Nasional Penanggulangan Bencana (BNPB) mencatat 12 korban.", "id", "en",
                   introduced=seen)
    later = _pairs(house, "BNPB menambahkan bahwa ...", "id", "en", introduced=seen)
    assert first == [("Badan Nasional Penanggulangan Bencana (BNPB)", "National Disaster Mitigation Agency (BNPB)")]
    assert later == [("BNPB", "BNPB")]
    bare = _pairs(house, "BNPB mencatat 12 korban.", "id", "en", introduced=set())
    assert bare == [("BNPB", "National Disaster Mitigation Agency (BNPB)")]


def test_acronym_unit_counts_once_in_verification(house: Glossary) -> None:
    src = ["Badan Nasional Penanggulangan Bencana (BNPB) mencatat korban. BNPB menambahkan data."]
    out = ["The National Disaster Mitigation Agency (BNPB) recorded victims. BNPB added data."]
    checks, problems = verify(src, out, "id", "en", house)
    assert problems == ()
    assert [(c.expected, c.found >= c.expected) for c in checks if "Disaster" in c.target_term] == [(2, True)]


@pytest.mark.parametrize(("text", "term"), [
    ("Generative AI is booming.", "generative AI"),
    ("The UN security council met.", "UN Security Council"),
    ("SECURITY COUNCIL VOTES", "Security Council"),
])
def test_case_does_not_hide_names(house: Glossary, text: str, term: str) -> None:
    assert [house.entries[i].key for i, *_ in house.occurrences(text, "en")][0] == term


def test_lower_case_us_is_not_the_country(house: Glossary) -> None:
    assert _pairs(house, "tell us more") == []


def test_sentence_initial_titles_stay_titles(house: Glossary) -> None:
    assert _pairs(house, "Finance Minister Sri Mulyani said so.") == [("Finance Minister", "Menteri Keuangan")]


def test_headline_title_case_survives_restored_terms(house: Glossary) -> None:
    assert _pairs(house, "Startup Raises Funds", title=True) == [("Startup", "Perusahaan Rintisan")]


def test_clitic_on_a_name_is_hyphenated(house: Glossary) -> None:
    masked = protect("OpenAI's board", house.find("OpenAI's board", "en", "id"))
    tokens = list(masked.slots)
    glued = f"{tokens[1]} {tokens[0]}nya"  # the engine glued -nya to the name's token
    assert restore(glued, masked).text == "Dewan direksi OpenAI-nya"
    _, problems = verify(["OpenAI said"], ["OpenAInya berkata"], "en", "id", house)
    assert any("OpenAI" in p for p in problems)
    _, problems = verify(["OpenAI said"], ["OpenAI-nya berkata"], "en", "id", house)
    assert problems == ()


@pytest.mark.parametrize("bad", ["milyaran", "beresiko", "diijinkan", "menganalisa", "perijinannya"])
def test_forbidden_roots_are_caught_with_affixes(house: Glossary, bad: str) -> None:
    _, problems = verify(["x"], [f"Mereka {bad} hal itu."], "en", "id", house)
    assert any(bad in p and "forbidden" in p for p in problems), problems


@pytest.mark.parametrize("good", ["miliaran", "berisiko", "diizinkan", "menganalisis", "perizinan"])
def test_correct_forms_pass(house: Glossary, good: str) -> None:
    _, problems = verify(["x"], [f"Mereka {good} hal itu."], "en", "id", house)
    assert problems == ()


def test_affixed_target_term_is_found(house: Glossary) -> None:
    checks, problems = verify(["The startup grew."], ["Perusahaan rintisannya tumbuh."], "en", "id", house)
    assert problems == ()


def test_term_shortfall_is_a_problem_in_words(house: Glossary) -> None:
    _, problems = verify(["The board met the CEO."], ["Papan bertemu CEO."], "en", "id", house)
    assert problems == ("term 'board of directors': expected 'dewan direksi' 1x, found 0x",)


def test_lint_rejects_a_negative_context_without_the_term() -> None:
    g = Glossary(tuple(parse_csv_text(
        "en,id,type,case_sensitive,pos,note,domain,not_in,context\n"
        "board,dewan direksi,translate,no,noun,,x,on deck,\n", "t.csv")))
    assert any("never applies" in f.message and f.severity == "error" for f in lint(g))


def test_derived_tables_live_in_the_glossary_cache_not_its_dict(house: Glossary) -> None:
    verify(["The board met."], ["Dewan direksi bertemu."], "en", "id", house)
    assert not any(k.startswith("_verify") or k in ("_pairs", "_matchers") for k in vars(house))
    again = pickle.loads(pickle.dumps(house))
    assert again.version == house.version and again.find("the board", "en", "id")


@pytest.mark.parametrize(("src", "out"), [
    ("National Electric Vehicle Sweden said", "National Electric Vehicle Sweden mengatakan"),
    ("the National Coalition opposition group", "kelompok oposisi National Coalition"),
])
def test_a_term_skipped_inside_a_name_is_not_expected_either(house: Glossary, src: str, out: str) -> None:
    assert verify([src], [out], "en", "id", house)[1] == ()


def test_a_word_memo_cleared_by_another_thread_never_loses_the_verdict_in_hand() -> None:
    """Stories run on threads sharing one Morphology: a full memo cleared between store and read is harmless."""
    from glossary.morphology import Morphology

    class Forgetful(dict):  # what a concurrent clear() looks like to the thread that just stored a verdict
        def __setitem__(self, key: object, value: object) -> None:
            pass

    morph = Morphology(["analisa"])
    roots = {"analisa": "analisis"}
    probe, _memo = morph._table(roots)
    morph._tables[frozenset(roots)] = (probe, Forgetful())
    assert morph.forbidden_forms("Tim itu menganalisa data.", roots) == [("menganalisa", "analisa")]
