"""The indexed matcher and the anchored token scans agree with their plain definitions on random text."""

from __future__ import annotations

import random
import re
import string
import sys

import pytest

from glossary import Glossary, load_glossary
from glossary.mask import LEFTOVER, _leftover_iter, _token_hits, _token_regex, _token_starts, token
from glossary.matcher import Matcher, MatchItem, _norm_key, term_pattern
from glossary.prefilter import FOLD_TRAPS, lowered

_EXTRA = ["$5 note", "’s-Hertogenbosch", "(Twitter) feed", "İstanbul", "Straße", "Kelvin scale", "e-commerce",
          "spy", "by", "U.S.", "“Quote”", "ΣΑΣ", "x", "_under", "9/11", "Café", "-ish"]
_ASCII_EXTRA = ["agency", "spy", "by", "U.S.", "Kiss", "Ibu", "x-ray", "9/11", "_under", "o'clock", "Café"]
_NOISE = ["K", "ſ", "İ", "ı", "ß", "ẞ", "’", "'", "–", "-", "“", "”", "Σ", "ς", "é", "e\u0301", "$", "(", ")",
          ".", ",", " ", "  ", "\n", "\u00a0", "s", "es", "ies", "nya", "-nya", "’s", "the", "a", "1", "_"]


def _reference_rx(it: MatchItem, language: str) -> re.Pattern[str]:
    """Case-sensitive names of several words match in any case; one word also capitalised or in capitals."""
    if not it.case_sensitive or len(it.surface.split()) > 1:
        return re.compile(rf"(?<!\w)(?:{term_pattern(it.surface, language)})(?!\w)", re.I)
    forms = {it.surface, it.surface[:1].upper() + it.surface[1:]}
    if len(it.surface) >= 3:
        forms.add(it.surface.upper())
    return re.compile("|".join(rf"(?<!\w)(?:{term_pattern(f, language)})(?!\w)" for f in sorted(forms)))


def _reference(items: list[MatchItem], language: str, text: str) -> list[tuple[int, int, int, str]]:
    """The matcher's contract spelled out: at each start, the first (longest) term whose key fits and matches."""
    ordered = sorted(items, key=lambda it: (-len(it.surface), it.surface))
    keys: list[tuple[str, str] | None] = []
    for it in ordered:
        first = it.surface.split()[0] if it.surface.split() else ""
        if not first:
            keys.append(None)
        elif not re.match(r"\w", first[0]):
            keys.append(("one", _norm_key(first[0])))
        elif len(first) == 1 or not re.match(r"\w", first[1]):
            keys.append(("one", _norm_key(first[0])))
        else:
            keys.append(("two", _norm_key(first[:2])))
    others = "".join(re.escape(_norm_key(it.surface.split()[0][0])) for it in ordered
                     if it.surface.split() and not re.match(r"\w", it.surface.split()[0][0]))
    starts = re.compile(r"(?<!\w)\w" + (f"|[{others}]" if others else ""))
    rxs = [_reference_rx(it, language) for it in ordered]
    out: list[tuple[int, int, int, str]] = []
    end = 0
    for s in starts.finditer(text):
        pos = s.start()
        if pos < end:
            continue
        raw = text[pos:pos + 2]
        for it, key, rx in zip(ordered, keys, rxs, strict=True):
            if key is None or key[1] != (_norm_key(raw) if key[0] == "two" else _norm_key(raw[:1])):
                continue
            m = rx.match(text, pos)
            if m:
                out.append((it.key, m.start(), m.end(), m.group()))
                end = m.end()
                break
    return out


def _random_text(rng: random.Random, surfaces: list[str]) -> str:
    """Terms in odd cases and inflections among Unicode case-folding traps, quotes, dashes and spaces."""
    parts = []
    for _ in range(rng.randrange(1, 30)):
        if rng.random() < 0.4:
            s = rng.choice(surfaces)
            s = rng.choice([s, s.upper(), s.lower(), s.title(), s.replace("'", "’"), s.replace(" ", "  ")])
            parts.append(s + rng.choice(["", "", "s", "'s", "’s", "nya", "-nya", "es", "ies"]))
        else:
            parts.append(rng.choice(_NOISE))
        parts.append(rng.choice(["", " ", " ", ", ", ". ", "\n"]))
    return "".join(parts)


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


@pytest.mark.parametrize(("language", "types", "seed"), [
    ("en", ("translate", "keep"), 1), ("id", ("translate", "keep"), 2), ("id", ("forbidden",), 3),
    ("en", ("forbidden",), 4),
])
@pytest.mark.parametrize("extra", ["unicode", "ascii"])
def test_matcher_agrees_with_reference(house: Glossary, language: str, types: tuple[str, ...], seed: int,
                                       extra: str) -> None:
    items = [MatchItem(i, t, e.case_sensitive) for i, e in enumerate(house.entries) if e.type in types
             for t in e.terms(language) if t.strip()]
    items += [MatchItem(1000 + i, t, i % 3 == 0) for i, t in enumerate(_EXTRA if extra == "unicode" else _ASCII_EXTRA)]
    matcher = Matcher(items, language)
    assert (matcher._words is None) == (extra == "unicode")  # both the word-start search and the plain scan run
    surfaces = [it.surface for it in items]
    rng = random.Random(seed)
    hits = 0
    for _ in range(150):
        text = _random_text(rng, surfaces)
        expected = _reference(items, language, text)
        assert [(m.key, m.start, m.end, m.text) for m in matcher.finditer(text)] == expected, text
        counts: dict[int, int] = {}
        for key, *_ in expected:
            counts[key] = counts.get(key, 0) + 1
        assert matcher.count(text) == counts
        hits += len(expected)
    assert hits > 100


def test_small_matchers_agree_with_reference() -> None:
    rng = random.Random(5)
    for _ in range(200):
        language = rng.choice(["en", "id"])
        pool = _EXTRA + ["the board", "board", "Board of directors", "kata", "Kata dia"]
        items = [MatchItem(i, rng.choice(pool), rng.random() < 0.3) for i in range(rng.randrange(1, 4))]
        matcher = Matcher(items, language)
        for _ in range(5):
            text = _random_text(rng, [it.surface for it in items])
            got = [(m.key, m.start, m.end, m.text) for m in matcher.finditer(text)]
            assert got == _reference(items, language, text), text


_TOKEN_NOISE = ["ZX001Q", "zx001q", "ZX 001Q", "Z X 0 0 1 Q", "ZX0010Q", "ZX001", "ZX002Q", "( ZX001Q )", "“ ZX001Q ,",
                "[ZX001Q]", "aZX001Q", "_ZX001Q", "Zebra", "z", "Z", "x1", " ", "  ", ".", ",", "(", "«", "\u00a0",
                "ZX\u200b001Q", "zx_001q", "ZX-001-Q", "1ZX001Q", "zX001Q9"]


def test_anchored_token_scans_match_finditer() -> None:
    rng = random.Random(6)
    for _ in range(3000):
        text = "".join(rng.choice(_TOKEN_NOISE) for _ in range(rng.randrange(1, 12)))
        for tok in (token(1), token(2), token(10, 4)):
            rx = _token_regex(tok)
            hits = _token_hits(rx, text, _token_starts(text))
            assert [m.span() for m in hits] == [m.span() for m in rx.finditer(text)], text
        assert [m.span() for m in _leftover_iter(text)] == [m.span() for m in LEFTOVER.finditer(text)], text


def test_fold_traps_are_every_non_ascii_character_re_folds_onto_ascii() -> None:
    everything = "".join(map(chr, range(128, sys.maxunicode + 1)))
    found: set[str] = set()
    for letter in string.ascii_lowercase:
        found.update(re.findall(f"(?i){letter}", everything))
    assert found == {ch for ch in FOLD_TRAPS.pattern if ord(ch) > 127}


def test_lowering_one_character_keeps_it_a_word_character_or_not() -> None:
    word = re.compile(r"\w")
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        low = ch.lower()
        assert len(low) != 1 or bool(word.match(ch)) == bool(word.match(low)), hex(cp)


def test_quick_reject_never_hides_a_match(house: Glossary) -> None:
    items = [MatchItem(i, t, e.case_sensitive) for i, e in enumerate(house.entries) if e.type == "forbidden"
             for t in e.terms("id") if t.strip()]
    items += [MatchItem(900 + i, t, i % 2 == 0) for i, t in enumerate(["agency", "U.S.", "Kiss", "Ibu", "x-ray"])]
    matcher = Matcher(items, "en")
    assert matcher._quick is not None
    rng = random.Random(8)
    rejected = 0
    for _ in range(1500):
        text = _random_text(rng, [it.surface for it in items] + ["agencies", "KİSS", "ıbu", "X–ray"])
        expected = _reference(items, "en", text)
        assert [(m.key, m.start, m.end, m.text) for m in matcher.finditer(text)] == expected, text
        low = lowered(text)
        rejected += low is not None and matcher._quick is not None and matcher._quick.search(low) is None
    assert rejected > 50


def test_glossary_with_built_matchers_still_pickles_and_copies(house: Glossary) -> None:
    import copy
    import pickle

    text = "The White House said the Security Council would meet; Rumah Putih, milyar."
    before = [(m.key, m.start, m.end) for m in house.matcher("en").finditer(text)]
    house.matcher("id", ("forbidden",)).count(text)
    for clone in (pickle.loads(pickle.dumps(house)), copy.deepcopy(house)):
        assert [(m.key, m.start, m.end) for m in clone.matcher("en").finditer(text)] == before
        assert clone.matcher("id", ("forbidden",)).count(text) == house.matcher("id", ("forbidden",)).count(text)


def test_only_z_folds_onto_z() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(re.findall("(?i)z", everything)) == {"z", "Z"}
