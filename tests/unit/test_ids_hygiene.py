"""Ids that cannot collide and text that cannot steer a terminal: the model boundary's two promises."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import parse_wire
from adapters.wire.assemble import sane_id
from newsroom.model import Block, Story, id_digest, safe_id

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
ZWSP, RLO, ESC = "\u200b", "\u202e", "\x1b"


def _with_item_id(raw: str) -> bytes:
    """The rev1 NewsML fixture with its NewsItemId replaced (XML-escaped as an agency would send it)."""
    data = (FIX / "newsml12-text-rev1.xml").read_text(encoding="utf-8")
    start = data.index("<NewsItemId>") + len("<NewsItemId>")
    end = data.index("</NewsItemId>")
    return (data[:start] + raw.replace("&", "&amp;").replace("<", "&lt;") + data[end:]).encode()


RAW_IDS = ["../etc/kwt", "etc/kwt", "etc-kwt", "etc kwt", "./etc/kwt", "etc\\kwt", "TX-PAR-KWT02",
           "TX-PAR-KWT02" + ZWSP, ZWSP + "TX-PAR-KWT02", "TX-PAR-KWT\u200d02", "TX-PAR-KWT02\u2060",
           "TX-PAR-KWTO2", "tx-par-kwt02", "Jakarta-é", "Jakarta-e\u0301", "a..b", "a.b",
           "etc-kwt--" + id_digest("etc/kwt")]


def test_different_raw_ids_never_sanitise_to_one_id() -> None:
    sane = {raw: sane_id(raw, "t.xml", "NewsItemId") for raw in RAW_IDS}
    assert len(set(sane.values())) == len(RAW_IDS), sane
    for value in sane.values():
        assert safe_id(value) == value  # already key-safe: later layers never change it again
        assert "/" not in value and ".." not in value and value.isascii()
    assert sane["TX-PAR-KWT02"] == "TX-PAR-KWT02" and sane["etc-kwt"] == "etc-kwt"  # clean ids kept as sent
    assert sane["../etc/kwt"].startswith("etc-kwt--")  # readable, then the digest of the raw id
    assert ZWSP not in sane["TX-PAR-KWT02" + ZWSP]


def test_two_files_whose_ids_differ_only_before_sanitising_are_two_stories() -> None:
    ids = set()
    for raw in ("../etc/kwt", "etc/kwt", "TX-PAR-KWT02", "TX-PAR-KWT02" + ZWSP):
        (story,) = parse_wire(_with_item_id(raw), f"{raw!r}.xml")
        ids.add(story.story_id)
    assert len(ids) == 4


@pytest.mark.parametrize("raw, why", [("TX\x07PAR", "control character U+0007"), ("../..", "no letters or digits"),
                                      ("   ", "missing")])
def test_unusable_ids_refuse_the_file_with_their_reason(raw: str, why: str) -> None:
    with pytest.raises(WireError) as info:
        sane_id(raw, "t.xml", "NewsItemId")
    assert why in info.value.reason


def test_safe_id_keeps_safe_ids_and_digests_others() -> None:
    assert safe_id("afp.com-20231120-TX-PAR-WGF71") == "afp.com-20231120-TX-PAR-WGF71"
    names = ["a b.jpg", "a-b.jpg", "a/b.jpg", "a_b.jpg"]
    assert len({safe_id(n) for n in names}) == len(names)
    assert all(safe_id(safe_id(n)) == safe_id(n) for n in names)
    long = "x" * 300
    assert len(safe_id(long)) <= 120 and safe_id(long) != safe_id(long + "y")


def test_text_hygiene_strips_controls_escapes_and_bidi_overrides_keeping_tab_and_newline() -> None:
    dirty = f"Harga {RLO}naik{ESC}[31m merah{ESC}[0m\r\nbaris\tdua\x00\x85\u2066x\u2069"
    block = Block(text=dirty)
    assert block.text == "Harga naik merah\nbaris\tduax"
    story = Story(provider="afp.com", date_id="20240101", item_id="TX" + ZWSP + "1", language="en",
                  headline=f"{RLO}Head{ESC}]0;title\x07line", keywords=(f"k{RLO}w",), body=(Block(text="ok"),))
    assert story.headline == "Headline" and story.keywords == ("kw",) and story.item_id == "TX1"
    again = Story.model_validate_json(story.model_dump_json())
    assert again == story


def test_hygiene_reaches_every_text_field_of_a_parsed_story() -> None:
    data = (FIX / "newsml12-text-rev1.xml").read_text(encoding="utf-8")  # XML 1.0 allows C1 and bidi, not ESC
    data = data.replace("<HeadLine>", f"<HeadLine>{RLO}&#x9b;2J", 1).replace("<p>", f"<p>{RLO}&#x85;", 1)
    (story,) = parse_wire(data.encode(), "dirty.xml")
    every = " ".join([story.headline, *(b.text for b in story.body)])
    assert not any(ch in every for ch in (RLO, "\x9b", "\x85")), every
    assert "2J" not in story.headline
    doc = json.loads((FIX / "ninjs2.json").read_text(encoding="utf-8"))  # JSON carries raw ESC sequences
    doc["headlines"][1]["value"] = f"{RLO}Banjir{ESC}[31m rendam{ESC}[0m"
    doc["bodies"][0]["value"] = f"Hujan{ESC}]0;owned{ESC}\\ deras\u0007 turun.\n\nParagraf {RLO}dua."
    (ninjs,) = parse_wire(json.dumps(doc).encode(), "dirty.json")
    assert ninjs.headline == "Banjir rendam"
    assert [b.text for b in ninjs.body] == ["Hujan deras turun.", "Paragraf dua."]


def test_ids_in_combination_stay_distinct() -> None:
    stories = {}
    for a, b in itertools.product(["etc/kwt", "etc-kwt", "../etc/kwt"], repeat=2):
        stories[(a, b)] = Story(provider="afp.com", date_id=sane_id(a, "t", "d"), item_id=sane_id(b, "t", "i"),
                                language="en", headline="h", body=(Block(text="x"),)).story_id
    assert len(set(stories.values())) == len(stories)
