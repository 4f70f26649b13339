"""Wire variants seen in real agency feeds: undeclared languages, timestamp-only datelines, nested bcNITF."""

from __future__ import annotations

from pathlib import Path

from adapters.wire import parse_wire

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


def _one(name: str):  # type: ignore[no-untyped-def]
    (story,) = parse_wire((FIXTURES / name).read_bytes(), name)
    return story


def test_nitf_baselang_dateline_in_first_paragraph_and_initials_byline() -> None:
    story = _one("nitf-agency-baselang.xml")
    assert story.language == "en"  # from <nitf baselang="en-US">
    assert story.dateline is not None and story.dateline.city == "Tegucigalpa"
    assert not story.dateline.text[0].isdigit(), "a <story.date> timestamp is not a dateline"
    assert story.body[0].text.startswith("The president of Honduras"), "dateline split off the first paragraph"
    assert story.byline is None, "staff initials (gr/bp) are a sign-off, not a byline"
    assert story.copyright_line == "Agencia EFE"
    assert story.urgency == 5 and story.keywords == ("HONDURAS GOVERNMENT",)


def test_nitf_without_any_language_is_left_to_detection() -> None:
    data = (FIXTURES / "nitf-agency-baselang.xml").read_bytes().replace(b' baselang="en-US"', b"")
    (story,) = parse_wire(data, "nolang.xml")
    assert story.language == "und"


def test_newsml12_nested_component_with_bare_bcnitf_paragraphs_in_latin1() -> None:
    story = _one("newsml12-bcnitf-nested-latin1.xml")
    assert story.story_id == "afp.com-20240710-240710125902.qpsp2jzk"
    assert story.language == "en" and story.copyright_line == "© 2024 AFP"
    assert story.dateline is not None and story.dateline.city == "Strasbourg"
    assert [b.text[:11] for b in story.body] == ["Dockworkers", '"This is a ', "The strike "]


def test_ninjs_feed_page_and_array_yield_every_item() -> None:
    import json

    item = json.loads((FIXTURES / "ninjs2.json").read_text())
    other = {**item, "uri": item["uri"] + "-b"}
    for doc in ({"total": 2, "items": [item, other]}, [item, other]):
        stories = parse_wire(json.dumps(doc).encode(), "page.json")
        assert len({s.story_id for s in stories}) == 2
    import pytest

    from adapters.errors import WireError

    with pytest.raises(WireError, match="not a ninjs"):
        parse_wire(json.dumps({"items": [{"foo": 1}]}).encode(), "junk.json")


def test_picture_only_newsitem_beside_a_text_item_is_skipped_not_fatal() -> None:
    import re

    import pytest

    from adapters.errors import WireError

    text = (FIXTURES / "newsml12-text-rev1.xml").read_text()
    start, end = text.index("<NewsItem"), text.index("</NewsItem>") + len("</NewsItem>")
    photo = re.sub(r"<ContentItem>.*?</ContentItem>",
                   '<ContentItem Href="x.jpg"><MediaType FormalName="Photo"/></ContentItem>',
                   text[start:end].replace("TX-PAR", "PH-PAR"), flags=re.S)
    (story,) = parse_wire((text[:end] + photo + text[end:]).encode(), "two.xml")
    assert "TX-PAR" in story.item_id
    with pytest.raises(WireError, match="empty body"):
        parse_wire((text[:start] + photo + text[end:]).encode(), "photo-only.xml")
