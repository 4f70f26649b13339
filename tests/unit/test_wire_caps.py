"""Per-file caps: each refusal names its cap and setting; hostile numbers and dates refuse in one line."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import WireLimits, parse_wire
from bench.inbox_memory import _HEAD, _TAIL, paragraph_flood
from flows.settings import Settings

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


def _story(paragraphs: list[str], headline: str = "Rain on the city") -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (_HEAD.format(item="TX-CAP-1", headline=headline) + body + _TAIL).encode()


def _reason(data: bytes, limits: WireLimits | None = None) -> str:
    with pytest.raises(WireError) as info:
        parse_wire(data, "f.xml", limits=limits)
    return info.value.reason


def test_the_250k_paragraph_file_is_refused_before_parsing() -> None:
    data = paragraph_flood(250_000)
    assert len(data) < 5 * 1024 * 1024  # under the size cap: it is the structure that is refused
    why = _reason(data)
    assert "max_markup_nodes" in why and "500" in why


def test_paragraphs_per_story_cap() -> None:
    assert parse_wire(_story(["Rain fell."] * 30), "f.xml", limits=WireLimits(max_paragraphs=30))
    why = _reason(_story(["Rain fell."] * 31), WireLimits(max_paragraphs=30))
    assert why == "story has 31 paragraphs, over the cap of 30 (max_paragraphs)"


def test_characters_per_field_cap_names_the_field() -> None:
    limits = WireLimits(max_field_chars=200)
    assert "paragraph 2 has 201 characters" in _reason(_story(["ok", "x" * 201]), limits)
    assert "headline has 250 characters" in _reason(_story(["ok"], headline="h" * 250), limits)


def test_stories_per_file_cap() -> None:
    item = (FIX / "newsml12-text-rev1.xml").read_text(encoding="utf-8")
    start, end = item.index("<NewsItem"), item.index("</NewsItem>") + len("</NewsItem>")
    items = "".join(item[start:end].replace("<NewsItemId>", f"<NewsItemId>N{i}-", 1) for i in range(4))
    data = (item[:start] + items + item[end:]).encode()
    assert len(parse_wire(data, "f.xml", limits=WireLimits(max_stories=4))) == 4
    assert "holds 4 stories, over the cap of 3 (max_stories_per_file)" in _reason(data, WireLimits(max_stories=3))


def test_settings_carry_the_caps() -> None:
    limits = Settings(max_paragraphs=7, max_stories_per_file=2, max_field_chars=500, max_markup_nodes=900,
                      max_file_bytes=1000).wire_limits()
    assert limits == WireLimits(max_bytes=1000, max_paragraphs=7, max_stories=2, max_field_chars=500, max_nodes=900)


@pytest.mark.parametrize("change, why", [
    (lambda t: t.replace('"version": "2"', '"version": NaN'), ("revision 'nan'",)),
    (lambda t: t.replace('"version": "2"', '"version": "2", "urgency": Infinity'), ("infinity", "overflow")),
    (lambda t: t.replace('"version": "2"', '"version": ' + "9" * 5000), ("digits",)),
    (lambda t: t.replace('"2024-03-10T03:00:00Z"', '"0001-01-01T00:00:00Z"'), ("0001-01-01",)),
])
def test_hostile_json_values_refuse_in_one_line_without_traceback(change, why, caplog) -> None:  # type: ignore[no-untyped-def]
    text = (FIX / "ninjs2.json").read_text(encoding="utf-8")
    json.loads(text)
    assert '"version": "2"' in text and '"2024-03-10T03:00:00Z"' in text
    with caplog.at_level(logging.DEBUG, logger="adapters"):
        reason = _reason(change(text).encode())
    assert any(w in reason.lower() for w in why), reason
    assert "\n" not in reason
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and r.exc_info]
