"""Wire parsers: every format and profile, revisions and signals, embargo, encodings, hostile input."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import detect_format, parse_wire
from newsroom.model import BlockRole, CreditRole, Signal, Status

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "wire"


def one(name: str):
    stories = parse_wire((FIX / name).read_bytes(), name)
    assert len(stories) == 1
    return stories[0]


@pytest.mark.parametrize("name, fmt", [
    ("newsml12-text-rev1.xml", "newsml12"), ("mmd/newsml12-mmd.xml", "newsml12"), ("g2-newsitem.xml", "newsml-g2"),
    ("nitf-doc.xml", "nitf"), ("ninjs1.json", "ninjs"), ("ninjs2.json", "ninjs"), ("plain-article.html", "plain"),
])
def test_detects_format_by_content(name: str, fmt: str, tmp_path: Path) -> None:
    data = (FIX / name).read_bytes()
    assert detect_format(data) == fmt
    renamed = tmp_path / "misleading.txt"  # the name must not matter
    renamed.write_bytes(data)
    assert detect_format(renamed.read_bytes()) == fmt


def test_newsml12_text_profile() -> None:
    s = one("newsml12-text-rev1.xml")
    assert (s.provider, s.date_id, s.item_id, s.version) == ("afp.com", "20240304", "TX-PAR-FIX01", 1)
    assert s.story_id == "afp.com-20240304-TX-PAR-FIX01"  # no revision in the key
    assert s.source_uri and s.source_uri.endswith(":1")
    assert s.dateline and s.dateline.city == "Lyon" and s.dateline.text.startswith("Lyon, March 4")
    roles = [b.role for b in s.body]
    assert roles.count(BlockRole.subhead) == 1
    sub = next(b for b in s.body if b.role is BlockRole.subhead)
    assert sub.text == "Warnings ignored"  # AFP's "- … -" dashes dropped
    assert all("mab-dl" not in b.text for b in s.body)  # sign-off removed
    assert all(b.text.strip() for b in s.body)  # empty <p/> dropped
    assert "statement." in s.body[1].text and "<i>" not in s.body[1].text
    assert s.creators == ("Marc Albert",)
    assert s.copyright_line == "© 2023 AFP"
    assert s.language == "en" and s.signal is Signal.new and s.status is Status.usable
    assert s.urgency == 4 and s.keywords == ("flood", "dam") and s.subjects[0].code == "04016000"
    assert s.first_created == datetime(2024, 3, 4, 6, 0, tzinfo=UTC)
    assert s.version_created and s.version_created.tzinfo is not None
    assert s.genre == "Article" and s.usage_terms and "partner" in s.usage_terms


def test_three_revisions_share_identity_and_signal_update_then_correction() -> None:
    r1, r2, r3 = (one(f"newsml12-text-rev{i}.xml") for i in (1, 2, 3))
    assert r1.story_id == r2.story_id == r3.story_id
    assert [r.version for r in (r1, r2, r3)] == [1, 2, 3]
    assert r2.signal is Signal.update and r2.advisory and "UPDATES" in r2.advisory
    assert r3.signal is Signal.correction
    assert "350" in r3.body[0].text and r1.content_hash != r3.content_hash


def test_kill_is_canceled() -> None:
    s = one("newsml12-kill.xml")
    assert s.status is Status.canceled and s.signal is Signal.kill and s.version == 4
    assert s.story_id == one("newsml12-text-rev1.xml").story_id


def test_embargo_read_from_newsml12_g2_and_ninjs() -> None:
    assert one("newsml12-embargoed.xml").embargoed == datetime(2024, 3, 5, 13, 0, tzinfo=UTC)
    assert one("g2-newsitem.xml").embargoed == datetime(2099, 1, 1, tzinfo=UTC)
    assert one("ninjs1.json").embargoed == datetime(2024, 3, 9, 15, 0, tzinfo=UTC)
    assert one("newsml12-text-rev1.xml").embargoed is None


def test_latin1_file() -> None:
    s = one("newsml12-latin1.xml")
    assert s.headline == "Les députés adoptent la réforme des retraites"
    assert s.language == "fr" and s.creators == ("Zoé Lefèvre",)
    assert "« C'est une journée historique »" in s.body_text


def test_multimedia_profile_picture_and_renditions() -> None:
    s = one("mmd/newsml12-mmd.xml")
    assert len(s.body) == 2 and all("media" not in b.text for b in s.body)
    (pic,) = s.pictures
    assert pic.credit == "AFP" and pic.byline == "Prakash Mathema"
    assert pic.caption and pic.caption.startswith("Villagers wade")
    assert {r.role for r in pic.renditions} == {"HighDef", "Quicklook", "Thumbnail"}
    for r in pic.renditions:
        path = FIX / "mmd" / r.href
        assert path.exists() and r.size_bytes == path.stat().st_size and path.read_bytes()[:2] == b"\xff\xd8"
    assert s.headline == "Floods cut off mountain villages"  # not the picture's headline


def test_newsml_g2_item() -> None:
    s = one("g2-newsitem.xml")
    assert (s.provider, s.date_id, s.item_id, s.version) == ("afp.com", "20240307", "doc-fixg2a", 3)
    assert s.language == "en" and s.signal is Signal.correction and s.urgency == 3
    assert [b.role for b in s.body] == [BlockRole.paragraph, BlockRole.subhead, BlockRole.paragraph]
    assert "region at the peak" in s.body[2].text  # <br/> becomes a space
    assert s.dateline and s.dateline.city == "Nairobi"
    assert s.creators == ("Aisha Otieno",) and s.keywords == ("tea", "wages")
    assert s.usage_terms == "Not for resale." and "AFP" in (s.copyright_line or "")
    assert s.version_created == datetime(2024, 3, 7, 8, 12, tzinfo=UTC)


def test_nitf_document() -> None:
    s = one("nitf-doc.xml")
    assert s.story_id == "afp.com-20240308-doc-fixnitf" and s.version == 2 and s.signal is Signal.update
    assert s.dateline and s.dateline.city == "Chennai"
    assert s.body[-1].text == "She took 41 moves and less than an hour."
    assert s.creators == ("Ravi Menon",) and s.copyright_line == "© 2024 AFP"


def test_ninjs1_html_is_sanitized_and_dateline_split() -> None:
    s = one("ninjs1.json")
    text = s.body_text + json.dumps(s.model_dump(mode="json"))
    assert "alert" not in text and "iframe" not in text and "onclick" not in text
    assert s.dateline and s.dateline.city == "Tokyo"
    assert s.body[0].text.startswith("A Kenyan runner")
    assert s.pictures[0].renditions[0].href == "f1-thumb.jpg"


def test_ninjs2_withheld_main_headline_and_array_associations() -> None:
    s = one("ninjs2.json")
    assert s.headline == "Banjir rendam ribuan rumah di Semarang"
    assert s.status is Status.withheld and s.signal is Signal.withheld and s.language == "id"
    assert s.pictures[0].renditions[0].role == "HighDef"
    assert s.dateline and s.dateline.city == "Semarang" and s.body[0].text.startswith("Banjir")


def test_plain_html_article_drops_page_furniture() -> None:
    s = one("plain-article.html")
    assert s.headline == "Wildfire forces evacuation of coastal resort"
    assert s.dateline and s.dateline.city == "Marbella"
    dumped = json.dumps(s.model_dump(mode="json"))
    for junk in ("Pengaturan Font", "Komentar", "tracker", "steal", "evil", "Redaktur", "Home World"):
        assert junk not in dumped
    assert [b.role for b in s.body].count(BlockRole.subhead) == 1
    roles = {(c.role, c.name) for c in s.credits}
    assert (CreditRole.editor, "Dewi Sartika") in roles and (CreditRole.agency, "AFP") in roles
    assert s.provider == "afp.com" and s.pictures[0].caption.startswith("Firefighters")


def test_seed_article(shared_dir: Path) -> None:
    data = (shared_dir / "examples" / "seed-article-id.txt").read_bytes()
    assert detect_format(data) == "plain"
    s = parse_wire(data, "seed")[0]
    assert s.headline.startswith("Ratusan Staf OpenAI")
    assert s.language == "id" and s.provider == "afp.com"
    assert s.dateline and s.dateline.city == "San Francisco"
    assert s.body[0].text.startswith("Ratusan staf di OpenAI")
    assert [b.text for b in s.body if b.role is BlockRole.subhead] == ["Penanganan Buruk"]
    body = s.body_text
    for junk in ("Nasional Mondial", "Pengaturan Font", "Komentar", "Redaktur", "Penulis", "Foto :"):
        assert junk not in body
    assert s.body[-1].text.startswith("Namun teknologi ini")
    assert s.pictures and s.pictures[0].credit == "AFP" and "Satya Nadella" in (s.pictures[0].caption or "")
    assert (CreditRole.editor, "Lili Lestari") in {(c.role, c.name) for c in s.credits}
    again = parse_wire(data, "seed-copy")[0]
    assert again.story_id == s.story_id and again.content_hash == s.content_hash


def test_several_newsitems_in_one_envelope() -> None:
    a = (FIX / "newsml12-text-rev1.xml").read_text()
    b = (FIX / "newsml12-embargoed.xml").read_text()
    item_b = b[b.index("<NewsItem"): b.index("</NewsItem>") + len("</NewsItem>")]
    merged = a.replace("</NewsItem>", "</NewsItem>\n" + item_b, 1)
    stories = parse_wire(merged.encode(), "envelope.xml")
    assert [s.item_id for s in stories] == ["TX-PAR-FIX01", "TX-PAR-FIX02"]


def test_samples_parse() -> None:
    found = {p.name: parse_wire(p.read_bytes(), p.name) for p in SAMPLES.iterdir() if p.suffix in (".xml", ".json")}
    assert len(found) >= 5
    langs = {s.language for stories in found.values() for s in stories}
    assert langs == {"en", "id"}
    assert any(s.pictures and all((SAMPLES / r.href).exists() for r in s.pictures[0].renditions)
               for stories in found.values() for s in stories)


HOSTILE = {
    "xxe.xml": "entit", "billion-laughs.xml": "entit", "truncated.xml": "malformed",
    "empty-body.xml": "empty body", "nul-bytes.xml": "NUL", "wrong-encoding.xml": "UTF-8",
    "unknown-root.xml": "rss", "not-ninjs.json": "ninjs", "binary.bin": "binary",
}


@pytest.mark.parametrize("name, why", sorted(HOSTILE.items()))
def test_hostile_files_are_rejected_with_one_line_reason(name: str, why: str) -> None:
    started = time.monotonic()
    with pytest.raises(WireError) as info:
        parse_wire((FIX / "hostile" / name).read_bytes(), name)
    assert info.value.source == name
    assert why.lower() in info.value.reason.lower()
    assert "\n" not in str(info.value) and "root:" not in str(info.value)
    assert time.monotonic() - started < 2  # nothing was expanded


def test_path_traversal_ids_are_sanitized() -> None:
    s = parse_wire((FIX / "hostile" / "path-traversal-id.xml").read_bytes(), "t.xml")[0]
    for part in (s.item_id, s.story_id):
        assert "/" not in part and ".." not in part
    assert s.item_id.startswith("etc-passwd--")  # readable part, then a digest of the raw id


def test_mislabelled_utf8_reads_as_utf8() -> None:
    s = parse_wire((FIX / "hostile" / "mislabelled-utf8.xml").read_bytes(), "m.xml")[0]
    assert s.headline == "Café society returns"


def test_size_limit_default_and_configurable() -> None:
    big = b"<NewsML>" + b" " * (20 * 1024 * 1024) + b"</NewsML>"
    with pytest.raises(WireError, match="limit"):
        parse_wire(big, "big.xml")
    small = (FIX / "newsml12-text-rev1.xml").read_bytes()
    with pytest.raises(WireError, match="limit"):
        parse_wire(small, "small.xml", max_bytes=100)
    assert parse_wire(small, "small.xml", max_bytes=len(small))


def test_duplicate_file_parses_to_identical_story() -> None:
    data = (FIX / "newsml12-text-rev2.xml").read_bytes()
    a, b = parse_wire(data, "a.xml")[0], parse_wire(bytes(data), "b.xml")[0]
    assert a.content_hash == b.content_hash and a.story_id == b.story_id


@pytest.mark.parametrize("data", [b"", b"   \n", b"{not json", b"[1, 2]", b"<?xml version='1.0'?>"])
def test_junk_raises_wire_error_only(data: bytes) -> None:
    with pytest.raises(WireError):
        parse_wire(data, "junk")


def test_kill_without_body_is_accepted() -> None:
    text = (FIX / "newsml12-kill.xml").read_text()
    start, end = text.index("<body.content>"), text.index("</body.content>")
    s = parse_wire((text[:start] + "<body.content>" + text[end:]).encode(), "k.xml")[0]
    assert s.signal is Signal.kill and s.body == ()


def test_external_doctype_reference_is_not_fetched_but_file_is_accepted() -> None:
    text = (FIX / "newsml12-text-rev1.xml").read_text()
    with_doctype = text.replace("<NewsML ", '<!DOCTYPE NewsML SYSTEM "http://127.0.0.1:9/NewsML_1.2.dtd">\n<NewsML ', 1)
    assert parse_wire(with_doctype.encode(), "d.xml")[0].item_id == "TX-PAR-FIX01"


def test_utf16_with_bom_is_read() -> None:
    text = (FIX / "g2-newsitem.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    s = parse_wire(text.encode("utf-16"), "u16.xml")[0]
    assert s.headline == "Kenyan tea pickers win pay rise after strike"
