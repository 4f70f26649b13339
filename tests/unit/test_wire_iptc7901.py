"""IPTC 7901 transmissions: the copy between STX and ETX, never the notebook; a clear refusal otherwise."""

from __future__ import annotations

import pytest

from adapters.errors import WireError
from adapters.wire import detect_format, parse_wire

HEAD = b"\x01eca017 4 i 140 ccccb   dpa 017\r\n\r\nEurope-weather/\r\n"
TEXT = (b"\x02Storms close airports across northern Europe =\r\n\r\n"
        b"   Hamburg (dpa) - Storms closed airports in Hamburg and Bremen on\r\nMonday, stranding thousands.\r\n\r\n"
        b"   Rail services were also cut.\r\n\r\n"
        b"# dpa NOTEBOOK\r\n\r\nThe following information is not for publication\r\n- Reporting by: Anna Berg\r\n"
        b"Tel: +49 40 4113 0\r\n\r\ndpa ab cd\r\n\x03041012 GMT Mar 04\r\n\x04")


def test_a_transmission_is_read_as_a_story_without_its_notebook() -> None:
    assert detect_format(HEAD + TEXT) == "iptc7901"
    s = parse_wire(HEAD + TEXT, "in.txt")[0]
    assert s.headline == "Storms close airports across northern Europe"
    assert [b.text for b in s.body] == ["Storms closed airports in Hamburg and Bremen on Monday, stranding thousands.",
                                        "Rail services were also cut."]
    assert s.dateline is not None and s.dateline.city == "Hamburg"
    assert s.provider == "dpa.com" and s.source_format == "iptc7901" and s.language == "en"
    published = " ".join([s.headline, *(b.text for b in s.body)])
    for leak in ("NOTEBOOK", "not for publication", "Anna Berg", "+49", "ab cd", "GMT", "Europe-weather", "="):
        assert leak not in published


def test_a_transmission_whose_control_characters_were_stripped_still_reads() -> None:
    stripped = (HEAD + TEXT).replace(b"\x01", b"").replace(b"\x02", b"").replace(b"\x03", b"").replace(b"\x04", b"")
    s = parse_wire(stripped, "in.txt")[0]
    assert s.headline == "Storms close airports across northern Europe" and len(s.body) == 2


def test_the_same_headline_is_the_same_story_and_another_is_not() -> None:
    a = parse_wire(HEAD + TEXT, "a.txt")[0]
    b = parse_wire(HEAD + TEXT.replace(b"Rail services", b"Ferry services"), "b.txt")[0]
    c = parse_wire(HEAD + TEXT.replace(b"Storms close", b"Gales close"), "c.txt")[0]
    assert a.story_id == b.story_id != c.story_id


@pytest.mark.parametrize("text, reason", [
    (b"\x02   Hamburg (dpa) - Storms closed airports.\r\n\x03", "no headline"),
    (b"\x02Storms close airports =\r\n\r\n# dpa NOTEBOOK\r\nnot for publication\r\n\x03", "no copy"),
    (b"\x02 =\r\n\r\n   Hamburg (dpa) - Storms closed airports.\r\n\x03", "empty headline"),
])
def test_a_transmission_without_headline_or_copy_is_refused_naming_why(text: bytes, reason: str) -> None:
    with pytest.raises(WireError, match=reason) as err:
        parse_wire(HEAD + text, "bad.txt")
    assert "bad.txt" in str(err.value) and "IPTC 7901" in str(err.value)
