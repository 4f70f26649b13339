"""Masking against a scripted engine that mangles tokens; verification of the restored output."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest

from glossary import Glossary, load_glossary, protect, restore, verify
from glossary.mask import LEFTOVER
from newsroom.localize import convention_spans
from newsroom.spans import merge_spans

SOURCE = "The White House said the Security Council would meet. OpenAI's board fired its chief executive."
TOKEN = re.compile(r"ZX\d+Q")


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def fake_translate(masked: str) -> str:
    """A word-for-word 'engine' that leaves tokens alone, like a well-behaved MT engine."""
    words = {"The": "", "said": "mengatakan", "the": "", "would": "akan", "meet.": "bertemu.",
             "fired": "memecat", "its": "", }
    return " ".join(w for w in (words.get(x, x) for x in masked.split()) if w)


def _mangle(fn: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: fn(fake_translate(text))


def spaced(text: str) -> str:  # "ZX001Q" -> "ZX 00 1Q"
    return TOKEN.sub(lambda m: m.group()[:2] + " " + m.group()[2:4] + " " + m.group()[4:], text)


def lowered(text: str) -> str:
    return TOKEN.sub(lambda m: m.group().lower(), text)


def moved(text: str) -> str:  # first token jumps to the end of the text
    first = TOKEN.search(text)
    assert first
    return (text[:first.start()] + text[first.end():]).replace("  ", " ") + " " + first.group()


def punct_spaced(text: str) -> str:
    return re.sub(r"(ZX\d+Q)([.,])", r"\1 \2", text)


@pytest.mark.parametrize("engine", [fake_translate, _mangle(spaced), _mangle(lowered), _mangle(moved),
                                    _mangle(punct_spaced)], ids=["clean", "spaces", "case", "moved", "punct"])
def test_restore_tolerates_engine_mangling(house: Glossary, engine: Callable[[str], str]) -> None:
    masked = protect(SOURCE, house.find(SOURCE, "en", "id"))
    assert "White House" not in masked.text and "OpenAI" not in masked.text
    assert len(masked.slots) == 5
    restored = restore(engine(masked.text), masked)
    assert restored.problems == ()
    for needed in ("Gedung Putih", "Dewan Keamanan", "OpenAI", "dewan direksi", "CEO"):
        assert needed.lower() in restored.text.lower()
    assert not LEFTOVER.search(restored.text)
    checks, problems = verify([SOURCE], [restored.text], "en", "id", house)
    assert problems == ()
    assert checks and all(c.ok for c in checks)
    assert " ." not in restored.text


def test_dropped_token_is_flagged_never_silent(house: Glossary) -> None:
    masked = protect(SOURCE, house.find(SOURCE, "en", "id"))
    out = fake_translate(masked.text)
    victim = next(t for t, s in masked.slots.items() if s.original == "Security Council")
    restored = restore(out.replace(victim, ""), masked)
    assert any("Security Council" in p and "lost" in p for p in restored.problems)
    checks, _ = verify([SOURCE], [restored.text], "en", "id", house)
    bad = [c for c in checks if not c.ok]
    assert [c.target_term for c in bad] == ["Dewan Keamanan"]


def test_split_token_leaves_a_visible_leftover(house: Glossary) -> None:
    masked = protect("The White House said.", house.find("The White House said.", "en", "id"))
    (tok,) = masked.slots
    restored = restore(f"{tok[:3]} lalu {tok[3:]} mengatakan.", masked)
    assert any("lost" in p for p in restored.problems)
    assert any("leftover" in p for p in restored.problems)
    _, problems = verify(["The White House said."], [restored.text], "en", "id", house)
    assert any("leftover" in p for p in problems)


def test_duplicated_token_is_reported(house: Glossary) -> None:
    masked = protect("The White House said.", house.find("The White House said.", "en", "id"))
    (tok,) = masked.slots
    restored = restore(f"{tok} mengatakan {tok}.", masked)
    assert restored.text.count("Gedung Putih") == 2
    assert any("duplicated" in p for p in restored.problems)


def test_sentence_initial_replacement_is_capitalised(house: Glossary) -> None:
    text = "The board met."
    masked = protect(text, house.find(text, "en", "id"))
    (tok,) = masked.slots
    assert restore(f"{tok} bertemu.", masked).text == "Dewan direksi bertemu."


def test_tokens_survive_clitics_and_numbering_offsets(house: Glossary) -> None:
    masked = protect("The White House said.", house.find("The White House said.", "en", "id"), start=1200)
    (tok,) = masked.slots
    assert "1200" in tok
    assert restore(f"Kata {tok}nya.", masked).text == "Kata Gedung Putihnya."


def test_verify_flags_forbidden_and_missing_terms(house: Glossary) -> None:
    checks, problems = verify(["The White House said."], ["Rumah Putih mengatakan."], "en", "id", house)
    by_kind = {c.kind: c for c in checks}
    assert by_kind["forbidden"].found == 1 and not by_kind["forbidden"].ok
    assert by_kind["translate"].expected == 1 and by_kind["translate"].found == 0
    assert any("Rumah Putih" in p for p in problems)


def test_verify_accepts_clitics_case_and_unicode_forms(house: Glossary) -> None:
    checks, problems = verify(["The board met."], ["DEWAN DIREKSINYA bertemu."], "en", "id", house)
    assert problems == () and all(c.ok for c in checks)
    from glossary.io import parse_csv_text
    accented = Glossary(tuple(parse_csv_text("en,id,type\nElysée Palace,Istana Élysée,translate\n")))
    decomposed = "Istana E\u0301lyse\u0301e berkata."
    checks, _ = verify(["The Elysée Palace said."], [decomposed], "en", "id", accented)
    assert [(c.expected, c.found) for c in checks] == [(1, 1)]


def test_verify_reverse_direction(house: Glossary) -> None:
    checks, problems = verify(["Dewan Keamanan PBB bertemu pada Senin."], ["The UN Security Council met."],
                              "id", "en", house)
    assert problems == () and [c.target_term for c in checks] == ["UN Security Council"]


def test_conventions_and_terms_mask_together(house: Glossary) -> None:
    text = "The board fired Altman on Friday after OpenAI raised $10 billion."
    spans = merge_spans(house.find(text, "en", "id"),
                        convention_spans(text, "en", "id", datetime(2023, 11, 20)))
    masked = protect(text, spans)
    assert "$" not in masked.text and "Friday" not in masked.text
    out = restore(masked.text, masked)
    assert "pada Jumat (17/11)" in out.text and "10 miliar dolar AS" in out.text
