"""Every real agency file in ../shared/corpus: parsed with the facts right, or refused with one line.

Each expectation below was written by reading the file itself (its headline, paragraphs, byline,
credit, dateline, identifiers), never from what Kawat printed. The corpus is read in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import parse_wire
from newsroom.credits import build_credits, photo_credit_line
from newsroom.model import BlockRole, CreditRole, Signal, Status, Story


@dataclass(frozen=True)
class Pic:
    """A picture as the file describes it."""

    credit: str | None = None
    byline: str | None = None
    caption_starts: str | None = None
    renditions: int | None = None


@dataclass(frozen=True)
class Expect:
    """What one corpus file says, read by hand."""

    refused: str | None = None  # a word the one-line reason must contain
    story_id: str | None = None
    version: int | None = None
    headline: str | None = None
    language: str | None = None
    paragraphs: int | None = None
    subheads: tuple[str, ...] = ()
    first: str | None = None  # the first paragraph starts so (dateline and byline removed)
    last: str | None = None  # the last paragraph starts so (sign-offs removed)
    byline: str | None = "?"  # "?" = not checked; None = the file states none
    byline_title: str | None = None
    agency: str | None = None  # the agency credit
    dateline: str | None = "?"
    city: str | None = None
    status: Status = Status.usable
    signal: Signal | None = None
    embargo: str | None = None
    pictures: tuple[Pic, ...] = ()
    absent: tuple[str, ...] = ()  # text that must not be published anywhere in the story
    extra: dict[str, object] = field(default_factory=dict)


C = {
    # --- NewsML 1.2 -------------------------------------------------------------------------------------
    "nml12-afp-en-gaza.xml": Expect(
        story_id="afp.com-20210516T080625Z-TX-PAR-WGF71", version=1, language="en",
        headline="Israel strikes key Hamas targets as UN Security Council to meet", paragraphs=38,
        subheads=("Media offices destroyed", "'Grave concern'", "'They're striking our children'"),
        first="Israel's army said Sunday it had bombed the home of the poli",
        last="Pro-Palestinian demonstrators have repeatedly staged protests", agency="AFP",
        dateline="Gaza City, Palestinian Territories, May 16, 2021 (AFP) -", city="Gaza City", signal=Signal.new,
        absent=("bur-dar-gl/fz",)),
    "nml12-afp-sd-afp.xml": Expect(
        story_id="afp.com-20140829T135002Z-TX-PAR-FXW86", headline="Sweden court accepts receivership for Saab carmaker",
        paragraphs=9, first="A Chinese-owned company set up to take over Saab's assets", agency="AFP",
        dateline="STOCKHOLM, Aug 29, 2014 (AFP) -", city="Stockholm", absent=("hh/ph/ts/hd",)),
    "nml12-afp-belga.xml": Expect(
        story_id="afp.com-20190121T104233Z-TX-PAR-RHO61", language="fr", paragraphs=9,
        headline="France: deux ex-policiers aux frontières devant la justice pour trafic de cocaïne",
        first="Le procès de deux anciens fonctionnaires de la police aux fr", dateline="Paris, 21 jan 2019 (AFP) -",
        city="Paris", agency="AFP", absent=("asl/tib/pid/cac",)),
    "nml12-afp-ar-EXO77.xml": Expect(
        story_id="afp.com-20231126T213636Z-TX-PAR-EXO77", language="ar", paragraphs=34, subheads=('"صفر تسامح"',),
        first="أكد رئيس سيراليون جوليوس مادا بيو", city="فريتاون", agency="AFP"),
    "nml12-afpmmd-ar-1te647-rev3.xml": Expect(
        story_id="afp.com-20200613-doc-1te647", version=3, language="ar", paragraphs=13, signal=Signal.update,
        first="\u062f\u0634\u0651\u064e\u0646 برشلونة المتصدر وحامل اللقب", city="مدريد", agency="AFP",
        pictures=(Pic(credit="ا ف ب/ا ف ب", byline="خايمي رينا", caption_starts="لاعبو برشلونة يحتفلون", renditions=3),)),
    "nml12-ana1.xml": Expect(  # HTML inside CDATA; the closing © paragraph is a rights notice, not copy
        story_id="ana-mpe.gr-20180404-19336333", headline="Wage employment balance positive in Jan-March",
        paragraphs=3, first="Wage employment in the private sector grew in March",
        last="In the same period last year, the balance was positive by 33,638", agency="ΑΠΕ-ΜΠΕ",
        dateline=None, absent=("<P>", "Τα πνευματικά δικαιώματα")),
    "nml12-kyodo-belga.xml": Expect(  # a DOCTYPE with an external parameter entity (a DTD module, never loaded)
        story_id="kyodonews.jp-20190723-20161021KW___0003800010", language="en",
        headline="Ex-Chinese Premier Li Peng dies aged 90: Xinhua", paragraphs=6,
        first="Former Chinese Premier Li Peng, who led a military crackdown",
        last="Li traveled to Japan in 1989 and 1997", agency="Kyodo", dateline="BEIJING, July 23", city="Beijing",
        absent=("==Kyodo",)),
    "nml12-businesswire.xml": Expect(  # a press release: the Body component, not the HeadLine/Contact/Logo ones
        story_id="businesswire.com-20010714-20130515006361",
        headline="Dell Redefines Workstation Computing Boundaries with Smallest Tower and Most Powerful Rack Workstations",
        first="Dell today announced an expanded and stronger Dell Precision workstation portfolio",
        subheads=("Industry’s Smallest Entry-Level Tower Workstations",
                  "New Rack Workstation Offers Ultimate Performance and Dependability for Remote & Virtualized Environments"),
        agency="Business Wire", dateline="ROUND ROCK, Texas", city="Round Rock",
        pictures=(Pic(caption_starts="The next generation Dell Precision R7610", renditions=4),
                  Pic(caption_starts="Offering powerful workstation performance at about", renditions=4)),
        absent=("dell_blue_rgb", "lauren_mauro@dell.com", ".bwlistitemmargb", "â€"), extra={"min_paragraphs": 20}),
    # --- NewsML-G2 --------------------------------------------------------------------------------------
    "g2-iptc-L1-newsitem.xml": Expect(refused="empty body"),  # its inlineXML holds only comments
    "g2-iptc-L2-text.xml": Expect(
        story_id="acmenews.com-20161121-US-FINANCE-FED", version=11, headline='Fed to halt QE to avert "bubble"',
        paragraphs=2, first="(New York, NY - October 21) Et, sent luptat luptat", byline="Meredith Jameson",
        byline_title="Staff Reporter", dateline=None, absent=("18 Acme",)),
    "g2-iptc-L3-photo.xml": Expect(  # a picture on its own: a photo story (caption as its text)
        story_id="gettyimages.com-2010-GYI0062134533", version=11,
        headline="Variety Of Recessionary Forces Leave Las Vegas Economy Scarred", paragraphs=1,
        first="A general view of part of downtown, including Las Vegas Boulevard", byline="Spencer Platt",
        agency="Getty Images",
        pictures=(Pic(credit="Getty Images", byline="Spencer Platt", caption_starts="A general view of part of downtown",
                      renditions=3),)),
    "g2-iptc-L6-package.xml": Expect(refused="packageItem"),  # both items only referenced, none included
    "g2-dpa-msg.xml": Expect(
        story_id="dpa.com-20090101-221011-930-4303", language="de", paragraphs=3,
        headline="Eintracht in London: Hintereggers Tränen und Attacke auf Reporter",
        first="2019 gab es bittere Tränen in der Kurve", last="Sportlich weckt der 2:1-Erfolg", agency="dpa",
        dateline="London (dpa) -", city="London",
        absent=("Notizblock", "reichardt.patrick@dpa.com", "nicht zur Veröffentlichung", "dpa pre yyhe")),
    "g2-reuters-picture.xml": Expect(
        story_id="reuters.com-undated-newsml_GM1E9341HD701", version=360624134,
        headline="A woman casts her ballot inside a polling station in Kenya's town of Gatundu", paragraphs=1,
        byline="MARKO DJURICA", agency="REUTERS", signal=Signal.new,
        pictures=(Pic(credit="REUTERS", byline="MARKO DJURICA", caption_starts="A woman casts her ballot", renditions=3),)),
    "g2-reuters-text.xml": Expect(refused="byline"),  # its whole body is "By Toby Davis"
    "g2-ansa-it.xml": Expect(  # plain-text CDATA holding a <p>: indented lines start paragraphs
        story_id="ansa.it-20171011-40e5fb1034e7e2b21942ea09718fc85a", language="it",
        headline="Catalan independence declaration unacceptable - Alfano", paragraphs=4,
        first="Italian Foreign Minister Angelino Alfano has said that the Catalan", last="Catalan leader Carles Puigdemont",
        agency="ANSA", city="Rome", absent=("<p>", "</p>", "Click For Restrictions")),
    "g2-reuters-KBN0FL0NN-v5.xml": Expect(
        story_id="reuters.com-undated-tag_reuters.com_2014_newsml_KBN0FL0NN", version=5,
        headline="Confident Assad launches new term in stronger position", paragraphs=24, subheads=("STILL STANDING",),
        first="Bashar al-Assad was sworn in for a new term", last="(Additional reporting by Sylvia Westall",
        byline="Marwan Makdisi", agency="Reuters", dateline="DAMASCUS (Reuters) -", city="Damascus",
        signal=Signal.update, absent=("Bangalore", "BANGALORE", "Click For Restrictions")),
    # --- NITF -------------------------------------------------------------------------------------------
    "nitf-ntb-no.xml": Expect(
        story_id="NTB-undated-NTB5df9281a-a270-4dc5-a618-869bbc3bbca7", language="nb", paragraphs=17,
        headline="Pandemien herjer på den legeløse indiske landsbygda",
        subheads=("Det skjulte India", "Myndighetene patruljerer langs elvebredden", "Ingen fagfolk",
                  "Amatørleger uten utstyr"),
        first="Koronapandemien herjer også i landsbyer", last="Derfor regner man med at Indias offisielle",
        byline="NTB-AFP-DPA", agency="NTB", dateline="Unnao", city="Unnao", absent=("(©NTB)",)),
    "nitf-ap.xml": Expect(
        story_id=None, headline="Can trading pollution like stocks help fight climate change?", paragraphs=27,
        first="The gas produced by hog manure at farms across the U.S.", last="Bernard Condon can be reached at",
        byline="BERNARD CONDON", byline_title="AP Business Writer", agency="The Associated Press",
        dateline="NEW YORK", city="New York", absent=("(AP) —", "___", "CONDONAP")),
    "nitf-efe-es.xml": Expect(
        story_id="agencia-efe-undated-22751909", language="en", headline="Honduran president announces Cabinet changes",
        paragraphs=1, first="Test body.", byline=None, agency="Agencia EFE", city="Tegucigalpa", absent=("gr/bp",)),
    "nitf-pa1-latin1.xml": Expect(  # ISO-8859-1; all-capitals section labels are subheads
        story_id="PA-undated-af1f7ad5-5619-49de-84cc-2e608538c77fSSS-3-1", headline="PA SPORT TRIVIA (OCTOBER 14)",
        paragraphs=38, subheads=("ON THIS DAY IN SPORT", "BIRTHDAYS", "PA SPORT TV LISTINGS", "PA SPORT QUIZ"),
        first="1878: Two local teams took part in the first football match", last="Answers: 1. Al-Saadi Gaddafi",
        agency="PA", dateline=None),
    "nitf-aap.xml": Expect(
        story_id="AAP-undated-AAP.115314987.5417374", headline="The main stories on today's 1900 ABC TV news",
        paragraphs=12, first="The main stories on ABC television's 1900 news:", last="5. The Syrian conflict report",
        byline="John Doe", agency="AAP", dateline="Sydney", city="Sydney", absent=("AAP RTV ar",)),
    "nitf-mapping-latin1.xml": Expect(  # declared ISO-8859-1 but written in UTF-8
        story_id="ritzau.dk-undated-20160512-RTZ-8883-0--*", version=4, paragraphs=3,  # colons: a digest keeps it unique
        first="En 41-årig mand, der onsdag blev anholdt", last="Det oplyser Københavns Vestegns Politi.",
        agency="Ritzau", city="København", signal=Signal.update, absent=("Ã¥", "/ritzau/:")),
    # --- ninjs ------------------------------------------------------------------------------------------
    "ninjs14-simple-text.json": Expect(  # body_xhtml wins over body_text: four paragraphs, not one
        story_id="ninjs.example.com-undated-newsitems-20130709simp123", paragraphs=4,
        headline="Captain of wrecked cruise ship on trial in Italy", first="The trial of the captain of the shipwrecked",
        last="Pepe said some 1,000 witnesses", byline="Paulo Santalucia and Frances d'Emilio",
        dateline="GROSSETO, Italy (AP) -", city="Grosseto"),
    "ninjs14-complex1.json": Expect(
        story_id="ninjs.example.com-undated-newsitems-20130709cplx123", paragraphs=4, language="en",
        headline="Captain of wrecked cruise ship on trial in Italy", city="Grosseto",
        byline="Paulo Santalucia and Frances d'Emilio",
        pictures=(Pic(byline="Paulo Santalucia", caption_starts="The Costa Concordia cruise ship lies on its side",
                      renditions=2),),
        absent=("tna org", "www.tna.org")),
    "ninjs16-simple-text.json": Expect(  # headline_main and body_{name}: body_richtext is the marked-up one
        story_id="ninjs.example.com-undated-newsitems-20130709simp123", paragraphs=4,
        headline="Captain of wrecked cruise ship on trial in Italy", first="The trial of the captain of the shipwrecked",
        city="Grosseto"),
    "ninjs21-dpa-text.json": Expect(
        story_id="dpa.com-20090101-190510-99-167362", version=2, language="de", paragraphs=9,
        headline="Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
        first="Für Lucien Favre war es «der größte Skandal", byline="Christian Hollmann, dpa", agency="dpa"),
    "ninjs22-complex-text.json": Expect(  # bodies[]: the xhtml "richtext" body beats the text/plain "main" one
        story_id="ninjs.example.com-undated-newsitems-20130709med123", paragraphs=4,
        headline="Captain of wrecked cruise ship on trial in Italy", byline="Paulo Santalucia and Frances d'Emilio",
        city="Grosseto", absent=("tna org",)),
    "ninjs-sd-embargoed.json": Expect(
        story_id="ninjs-undated-fd8e441b-a698-4411-9246-7d5de21cced9", version=11,
        headline="Trouble is brewing for the future of beer", first="What does torched earth taste like?",
        last="Originally published under Creative Commons by 360info", dateline=None,
        byline="Aaron J. Staples, Michigan State University", embargo="2022-06-29T02:30:00+00:00",
        pictures=(Pic(credit="360info", byline="Pea", caption_starts="There’s nothing quite like a cold beer",
                      renditions=2),),
        absent=("bit.ly", "CC-BY 4.0/")),
    "ninjs-bbc-text.json": Expect(refused="advisory"),
    "ninjs-swp-killtest-v2.json": Expect(
        story_id="localhost-20190528-34bedd17-9d28-4f89-afc3-dff84f44a17d", version=2, paragraphs=1,
        headline="kill correction test", first="kill correction test body"),
    "ninjs-swp-killtest-v3-corrected.json": Expect(
        story_id="localhost-20190528-34bedd17-9d28-4f89-afc3-dff84f44a17d", version=3, paragraphs=1,
        first="kill correction test body corrected"),
    "apmedia-text-item.json": Expect(refused="no body"),  # the story text is only a linked NITF/ANPA download
    # --- text -------------------------------------------------------------------------------------------
    "plain-dpa-iptc7901.txt": Expect(  # IPTC 7901: the copy between STX and the notebook "not for publication"
        story_id="dpa.com-undated-h2f58b7620a7163e7", version=1, language="en",
        headline="Germany Social Democrats: Coalition talks with Merkel could fail", paragraphs=5,
        first="Negotiations between German conservatives headed by Chancellor Angela Merkel",
        last="The SPD plans to seek approval for any coalition deal", byline=None, agency="dpa",
        dateline="Berlin (dpa) -", city="Berlin",
        absent=("NOTEBOOK", "not for publication", "englishservice@dpa.com", "Wolfgang Schmidt", "wsz jln", "GMT",
                "Germany-politics/", "=")),
}

_GARBAGE = re.compile(r"(?i)https?:|www\.|click for|restriction|©|\(c\)|copyright|^\d+\s")
_PLACEHOLDERS = {"WWW", "NINJS", "WEB", "NITF", "G2", "UNKNOWN"}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


def test_every_corpus_file_has_an_expectation(corpus: Path) -> None:
    files = sorted(p.name for p in corpus.iterdir() if p.suffix in {".xml", ".json", ".txt"})
    assert files == sorted(C), "a corpus file was added or removed: read it and write its expectation"


def _stories(corpus: Path, name: str) -> list[Story]:
    return parse_wire((corpus / name).read_bytes(), name)


@pytest.mark.parametrize("name", sorted(n for n, e in C.items() if e.refused))
def test_refused_files_get_one_line_saying_why(corpus: Path, name: str) -> None:
    with pytest.raises(WireError) as info:
        _stories(corpus, name)
    reason = info.value.reason
    assert C[name].refused.lower() in reason.lower()
    assert "\n" not in reason and len(reason) < 300


@pytest.mark.parametrize("name", sorted(n for n, e in C.items() if not e.refused))
def test_corpus_file_parses_with_the_facts_right(corpus: Path, name: str) -> None:
    e = C[name]
    stories = _stories(corpus, name)
    assert len(stories) == 1
    s = stories[0]
    paras = [b.text for b in s.body if b.role is BlockRole.paragraph]
    subs = tuple(b.text for b in s.body if b.role is BlockRole.subhead)
    if e.story_id and e.story_id.endswith("*"):
        assert s.story_id.startswith(e.story_id[:-1])
    elif e.story_id:
        assert s.story_id == e.story_id
    if e.version is not None:
        assert s.version == e.version
    if e.headline:
        assert s.headline == e.headline
    if e.language:
        assert s.language == e.language
    if e.paragraphs is not None:
        assert len(paras) == e.paragraphs
    if "min_paragraphs" in e.extra:
        assert len(paras) >= int(e.extra["min_paragraphs"])  # type: ignore[call-overload]
    for sub in e.subheads:
        assert sub in subs
    if e.subheads and not e.extra.get("more_subheads"):
        assert [x for x in subs if x in e.subheads] == list(e.subheads)  # in document order
    if e.first:
        assert s.body[0].text.startswith(e.first) if s.body[0].role is BlockRole.paragraph else paras[0].startswith(e.first)
    if e.last:
        assert paras[-1].startswith(e.last)
    if e.byline != "?":
        assert s.byline == e.byline
    if e.byline_title:
        assert s.byline_title == e.byline_title
    if e.dateline != "?":
        assert (s.dateline.text if s.dateline else None) == e.dateline
    if e.city:
        assert s.dateline is not None and s.dateline.city == e.city
    assert s.status is e.status
    if e.signal:
        assert s.signal is e.signal
    if e.embargo:
        assert s.embargoed is not None and s.embargoed.isoformat() == e.embargo
    assert len(s.pictures) == len(e.pictures)
    for got, want in zip(s.pictures, e.pictures, strict=True):
        if want.credit:
            assert got.credit == want.credit
        if want.byline:
            assert got.byline == want.byline
        if want.caption_starts:
            assert (got.caption or "").startswith(want.caption_starts)
        if want.renditions is not None:
            assert len(got.renditions) == want.renditions
            assert len({r.href for r in got.renditions}) == want.renditions  # no two renditions share a file
            assert len({r.role for r in got.renditions}) == want.renditions
    published = " ".join(filter(None, [
        s.headline, s.byline, s.credit_line, s.dateline.text if s.dateline else None, *(b.text for b in s.body),
        *(x for p in s.pictures for x in (p.headline, p.caption, p.credit, p.byline, *(r.href for r in p.renditions)))]))
    for junk in e.absent:
        assert junk not in published
    credits = build_credits(s, machine_translated=False)
    agency = next((c.name for c in credits if c.role is CreditRole.agency), None)
    if e.agency:
        assert agency == e.agency
    for credit in credits:
        assert not _GARBAGE.search(credit.name), credit
        assert credit.name.upper() not in _PLACEHOLDERS, credit
    for picture in s.pictures:
        for language in ("id", "en"):
            line = photo_credit_line(picture, language) or ""
            assert not _GARBAGE.search(line.split(":", 1)[-1].strip()), line


def test_nitf_without_doc_id_keys_on_provider_day_and_headline(corpus: Path) -> None:
    """AP's NITF names no doc-id or du-key: the fallback key is provider + issue day + headline, stable on re-send."""
    first = _stories(corpus, "nitf-ap.xml")[0]
    again = _stories(corpus, "nitf-ap.xml")[0]
    assert first.story_id == again.story_id and first.story_id.startswith("AP-20151210-h")


def test_revisions_of_one_item_share_an_identity(corpus: Path) -> None:
    v2 = _stories(corpus, "ninjs-swp-killtest-v2.json")[0]
    v3 = _stories(corpus, "ninjs-swp-killtest-v3-corrected.json")[0]
    assert v2.story_id == v3.story_id and (v2.version, v3.version) == (2, 3)
    assert v3.body[0].text != v2.body[0].text


def test_photo_credits_are_rendered_per_language(corpus: Path) -> None:
    photo = _stories(corpus, "g2-iptc-L3-photo.xml")[0].pictures[0]
    assert photo_credit_line(photo, "id") == "Foto: Getty Images/Spencer Platt"
    assert photo_credit_line(photo, "en") == "Photo: Getty Images/Spencer Platt"
