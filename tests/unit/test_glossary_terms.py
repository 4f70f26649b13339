"""Term base: packaged data, lint, longest-match lookup with inflections, CSV/TBX exchange, versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary import (
    Glossary,
    affected_by_change,
    has_errors,
    lint,
    load_glossary,
    read_csv,
    read_tbx,
    write_csv,
    write_tbx,
)
from glossary.io import parse_csv_text

HEADER = "en,id,type,case_sensitive,pos,note,domain\n"


def gl(rows: str) -> Glossary:
    return Glossary(tuple(parse_csv_text(HEADER + rows)))


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def test_packaged_term_base_is_large_and_lint_clean(house: Glossary) -> None:
    assert len(house.entries) >= 150
    types = {e.type for e in house.entries}
    assert types == {"translate", "keep", "forbidden"}
    assert not has_errors(lint(house)), [f.message for f in lint(house) if f.severity == "error"]


@pytest.mark.parametrize(("text", "src", "tgt", "expected"), [
    ("The UN Security Council met.", "en", "id", [("UN Security Council", "Dewan Keamanan PBB")]),
    ("the White House's reply", "en", "id", [("White House", "Gedung Putih")]),  # the possessive stays for the engine
    ("two boards of directors", "en", "id", [("boards of directors", "dewan direksi")]),
    ("sent 10 US dollars", "en", "id", [("US dollars", "dolar AS")]),
    ("OpenAI's chief executive", "en", "id", [("OpenAI", "OpenAI"), ("chief executive", "CEO")]),
    ("a post on X (Twitter) today", "en", "id", [("X (Twitter)", "X (Twitter)")]),
    ("Kata Gedung Putihnya.", "id", "en", [("Gedung Putihnya", "White House")]),
    ("Dewan Keamanan PBB dan dewan direksi", "id", "en",
     [("Dewan Keamanan PBB", "UN Security Council"), ("dewan direksi", "board of directors")]),
    ("thus us and US", "en", "id", [("US", "AS")]),  # case-sensitive entry: "us" is not "US"
    ("Microsofts", "en", "id", [("Microsofts", "Microsoft")]),
    ("subboard and boardroom", "en", "id", []),  # word boundaries
])
def test_find_longest_first_with_inflections(house: Glossary, text: str, src: str, tgt: str,
                                             expected: list[tuple[str, str]]) -> None:
    spans = house.find(text, src, tgt)
    assert [(s.text, s.replacement) for s in spans] == expected
    for s in spans:
        assert text[s.start:s.end] == s.text


def test_capitalised_title_mid_sentence_keeps_capital(house: Glossary) -> None:
    (span,) = house.find("said President Joko", "en", "id")[:1]
    assert span.replacement == "Presiden"
    (span,) = house.find("President Joko said", "en", "id")[:1]
    assert span.replacement == "presiden"


def test_pairs_for_native_glossary(house: Glossary) -> None:
    pairs = dict(house.pairs("en", "id"))
    assert pairs["White House"] == "Gedung Putih"
    assert pairs["OpenAI"] == "OpenAI"
    assert not any(v in ("Rumah Putih", "milyar") for v in pairs.values())
    back = dict(house.pairs("id", "en"))
    assert back["Gedung Putih"] == "White House"


@pytest.mark.parametrize(("rows", "needle"), [
    ("board,dewan direksi,translate,no,,,\nboard,papan,translate,no,,,\n", "conflicting"),
    ("board,dewan direksi,translate,no,,,\nboard,dewan direksi,translate,no,,,\n", "duplicate"),
    ("board,,translate,no,,,\n", "empty id"),
    ("board,dewan,translate,no,,,\n,dewan,forbidden,no,,,\n", "forbidden"),
    ("board,dewan,transl8,no,,,\n", "unknown type"),
])
def test_lint_errors(rows: str, needle: str) -> None:
    findings = lint(gl(rows))
    assert has_errors(findings)
    assert any(needle in f.message for f in findings if f.severity == "error"), findings


def test_lint_warns_on_masking_substrings() -> None:
    findings = lint(gl("council,dewan,translate,no,,,\nSecurity Council,Dewan Keamanan,translate,yes,,,\n"))
    assert not has_errors(findings)
    assert any("inside" in f.message for f in findings)


def test_bad_case_flag_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_csv_text(HEADER + "a,b,translate,maybe,,,\n")


def test_csv_and_tbx_round_trip(house: Glossary, tmp_path: Path) -> None:
    write_csv(house, tmp_path / "g.csv")
    write_tbx(house, tmp_path / "g.tbx")
    assert read_csv(tmp_path / "g.csv").version == house.version
    from_tbx = read_tbx(tmp_path / "g.tbx")
    assert from_tbx.version == house.version
    assert [e.canonical() for e in from_tbx.entries] == [e.canonical() for e in house.entries]


def test_reads_tbx_v2_martif(tmp_path: Path) -> None:
    (tmp_path / "old.tbx").write_text(
        '<?xml version="1.0"?><martif type="TBX"><text><body>'
        '<termEntry id="1"><langSet xml:lang="en"><tig><term>ceasefire</term></tig></langSet>'
        '<langSet xml:lang="id"><tig><term>gencatan senjata</term></tig></langSet></termEntry>'
        "</body></text></martif>", encoding="utf-8")
    g = read_tbx(tmp_path / "old.tbx")
    assert dict(g.pairs("en", "id")) == {"ceasefire": "gencatan senjata"}


def test_version_and_affected_by_change() -> None:
    old = gl("board,dewan direksi,translate,no,,,\nceasefire,gencatan senjata,translate,no,,,\n")
    new = gl("board,direksi,translate,no,,,\nceasefire,gencatan senjata,translate,no,,,\n")
    assert old.version != new.version
    assert gl("ceasefire,gencatan senjata,translate,no,,,\nboard,dewan direksi,translate,no,,,\n").version \
        == old.version  # order does not matter
    assert affected_by_change(old, new, ["The board met."], "en")
    assert not affected_by_change(old, new, ["A ceasefire held."], "en")
    assert not affected_by_change(old, old, ["The board met."], "en")
