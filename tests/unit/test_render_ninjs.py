"""ninjs 2.2 rendering: valid against IPTC's schema, provenance in standard fields, kills bare."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from newsroom.model import Block, BlockRole, Credit, CreditRole, LocalizedArticle, Rendition
from newsroom.ninjs_schema import validate_ninjs
from newsroom.render import to_ninjs, tombstone_ninjs
from tests.support import render_articles as arts

URI = "urn:kawat:afp.com-20231120-TX-PAR-WGF71:id"

VARIANTS: dict[str, Callable[[], LocalizedArticle]] = {
    "indonesian-text-only": arts.indonesian,
    "english-text-only": arts.english,
    "indonesian-photo": arts.with_photo,
    "english-photo": lambda: arts.english(pictures=(arts.picture(),)),
    "dry-run": arts.dry_run,
    "withheld": arts.withheld,
    "embargoed": lambda: arts.indonesian(embargoed=datetime(2023, 11, 21, 6, 0)),
    "killed": arts.killed,
    "empty-body": lambda: arts.indonesian(body=(), credits=(), copyright_holder=None, dateline=None),
    "naive-times": lambda: arts.indonesian(
        first_created=datetime(2023, 11, 20, 9, 0), version_created=None,
        provenance=arts.provenance(translated_at=datetime(2023, 11, 20, 9, 30)),
    ),
}


@pytest.fixture(scope="module")
def shared_validator(shared_dir: Path) -> Draft202012Validator:
    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _docs() -> list[tuple[str, dict[str, Any]]]:
    docs = [(name, to_ninjs(make(), uri=URI, outlet="Kawat")) for name, make in VARIANTS.items()]
    docs.append(("photo-with-hrefs", to_ninjs(
        arts.with_photo(), uri=URI, picture_hrefs={"wire/2023/1f3a9c.jpg": "media/photo0-highdef.jpg"}
    )))
    docs.append(("tombstone", tombstone_ninjs(
        arts.STORY_ID, "en", 4, uri=URI, reason="Legal", when=datetime(2023, 11, 21, tzinfo=UTC)
    )))
    return docs


@pytest.mark.parametrize(("name", "doc"), _docs(), ids=[n for n, _ in _docs()])
def test_every_rendering_is_valid_ninjs(name: str, doc: dict[str, Any], shared_validator: Draft202012Validator) -> None:
    assert validate_ninjs(doc) == []
    assert [e.message for e in shared_validator.iter_errors(doc)] == []
    assert json.loads(json.dumps(doc)) == doc, "must be plain JSON data"


def _body(doc: dict[str, Any], contenttype: str) -> str:
    return next(b["value"] for b in doc["bodies"] if b["contenttype"] == contenttype)


def test_core_fields_follow_the_article() -> None:
    article = arts.indonesian()
    doc = to_ninjs(article, uri=URI)
    assert doc["uri"] == URI
    assert doc["type"] == "text"
    assert doc["version"] == "3" and isinstance(doc["version"], str)
    assert doc["language"] == "id"
    assert doc["pubstatus"] == "usable"
    assert doc["headlines"][0]["role"] == "main"
    assert doc["headlines"][0]["value"] == article.headline
    assert doc["slugline"] == article.slugline
    assert doc["urgency"] == 4
    assert doc["copyrightholder"] == "AFP"
    assert doc["copyrightnotice"] == article.copyright_notice
    assert doc["usageterms"] == article.usage_terms
    assert doc["firstcreated"] == "2023-11-20T09:00:00Z"
    assert doc["versioncreated"] == "2023-11-20T13:00:00Z"
    assert doc["located"] == "San Francisco"
    assert doc["by"] == "AFP"
    assert "embargoed" not in doc and "associations" not in doc


def test_bodies_hold_escaped_html_and_plain_text_with_dateline_once() -> None:
    body = (
        Block(role=BlockRole.subhead, text="Lead <subhead>"),
        Block(text='Staff said "<script>alert(1)</script>" & left.'),
        Block(text="Second paragraph."),
    )
    doc = to_ninjs(arts.indonesian(body=body), uri=URI)
    html = _body(doc, "text/html")
    plain = _body(doc, "text/plain")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert html.count("<h2>") == 1 and html.startswith("<h2>Lead &lt;subhead&gt;</h2>")
    assert "<p>SAN FRANCISCO - Staff said" in html
    assert html.count("SAN FRANCISCO") == 1
    assert html.rstrip().endswith('<p class="credits">Redaktur: Lili Lestari<br>Penulis: AFP</p>')
    assert plain.split("\n\n")[0] == "Lead <subhead>"
    assert plain.split("\n\n")[1].startswith('SAN FRANCISCO - Staff said "<script>')
    assert plain.endswith("Redaktur: Lili Lestari\nPenulis: AFP")
    for b in doc["bodies"]:
        assert b["wordcount"] > 0 and b["charcount"] > b["wordcount"]


def test_caller_credit_lines_replace_derived_ones() -> None:
    doc = to_ninjs(arts.indonesian(), uri=URI, credit_lines=["Redaktur : Ana", "Penulis : AFP"])
    assert _body(doc, "text/plain").endswith("Redaktur : Ana\nPenulis : AFP")
    assert "Lili" not in _body(doc, "text/html")


def test_provenance_is_carried_in_altids_and_infosources() -> None:
    doc = to_ninjs(arts.indonesian(), uri=URI, outlet="Kawat")
    alt = {a["role"]: a["value"] for a in doc["altids"]}
    assert alt["story-id"] == arts.STORY_ID
    assert alt["source-uri"] == "urn:newsml:afp.com:20231120:TX-PAR-WGF71:3"
    assert alt["source-version"] == "3"
    assert alt["engine"] == "google"
    assert alt["glossary-version"] == "glossary-2023-11"
    assert alt["translated-at"] == "2023-11-20T14:05:09Z"
    assert alt["machine-translated"] == "true"
    roles = {(s["name"], s["role"]) for s in doc["infosources"]}
    assert {("AFP", "source"), ("google", "translator"), ("Kawat", "distributor")} <= roles
    assert "Machine translated" in doc["ednote"] and "google" in doc["ednote"]


def test_dry_run_ednote_says_not_translated() -> None:
    doc = to_ninjs(arts.dry_run(), uri=URI)
    assert "NOT translated" in doc["ednote"]
    alt = {a["role"]: a["value"] for a in doc["altids"]}
    assert alt["dry-run"] == "true" and alt["machine-translated"] == "false"
    assert not any(s["role"] == "translator" for s in doc.get("infosources", []))


def test_embargo_is_converted_to_utc() -> None:
    wib = timezone(timedelta(hours=7))
    doc = to_ninjs(arts.indonesian(embargoed=datetime(2023, 11, 21, 6, 0, tzinfo=wib)), uri=URI)
    assert doc["embargoed"] == "2023-11-20T23:00:00Z"


def test_withheld_keeps_status_and_warns_staff() -> None:
    doc = to_ninjs(arts.withheld(), uri=URI)
    assert doc["pubstatus"] == "withheld"
    assert "WITHHELD" in doc["ednote"]


def test_killed_article_becomes_a_tombstone_without_text() -> None:
    article = arts.killed()
    doc = to_ninjs(article, uri=URI)
    assert doc["pubstatus"] == "canceled"
    assert "bodies" not in doc and "associations" not in doc
    dumped = json.dumps(doc, ensure_ascii=False)
    for block in article.body:
        assert block.text not in dumped
    assert "Legal reasons" in doc["ednote"]
    assert doc["version"] == str(article.version)


def test_tombstone_shape() -> None:
    doc = tombstone_ninjs(arts.STORY_ID, "id", 7, uri=URI, reason=None, when=datetime(2023, 11, 21, 8, 0))
    assert doc["uri"] == URI and doc["version"] == "7" and doc["language"] == "id"
    assert doc["pubstatus"] == "canceled" and "bodies" not in doc
    assert doc["versioncreated"] == "2023-11-21T08:00:00Z"
    assert {"role": "story-id", "value": arts.STORY_ID} in doc["altids"]


def test_picture_association_carries_caption_credit_and_renditions() -> None:
    doc = to_ninjs(arts.with_photo(), uri=URI, picture_hrefs={"wire/2023/9be01d.jpg": "media/quick.jpg"})
    assert doc["profile"] == "text-photo"
    (assoc,) = doc["associations"]
    pic = arts.picture()
    assert assoc["type"] == "picture" and assoc["name"] == "photo0"
    assert assoc["uri"] != URI and assoc["uri"].startswith(URI)
    assert assoc["headlines"][0]["value"] == pic.headline
    descriptions = {d["role"]: d["value"] for d in assoc["descriptions"]}
    assert descriptions["caption"] == pic.caption
    assert descriptions["credit"] == "Foto: AFP"
    assert assoc["by"] == "JUSTIN SULLIVAN"
    assert assoc["copyrightholder"] == "AFP"
    renditions = {r["name"]: r for r in assoc["renditions"]}
    # With a mapping (what was delivered), a rendition without a delivered file is never linked.
    assert set(renditions) == {"Quicklook"} and renditions["Quicklook"]["href"] == "media/quick.jpg"
    renditions = {r["name"]: r for r in to_ninjs(arts.with_photo(), uri=URI)["associations"][0]["renditions"]}
    assert renditions["HighDef"]["href"] == "1f3a9c.jpg"  # no mapping at all: the original file name
    assert renditions["HighDef"]["sizeinbytes"] == 812345
    assert renditions["Thumbnail"]["contenttype"] == "image/jpeg"
    assert "sizeinbytes" not in renditions["Thumbnail"]


def test_rendition_file_names_with_spaces_stay_valid_uris() -> None:
    pic = arts.picture(renditions=(Rendition(role="HighDef", href="dir\\my photo.jpg"),))
    doc = to_ninjs(arts.indonesian(pictures=(pic,)), uri=URI)
    href = doc["associations"][0]["renditions"][0]["href"]
    assert href == "my%20photo.jpg"
    assert validate_ninjs(doc) == []


def test_subjects_and_keywords() -> None:
    doc = to_ninjs(arts.indonesian(), uri=URI)
    subjects = doc["subjects"]
    assert {"name": "computing", "rel": "about", "literal": "04003005",
            "uri": "http://cv.iptc.org/newscodes/subjectcode/04003005"} in subjects
    assert any(s.get("uri") == "http://cv.iptc.org/newscodes/mediatopic/20000763" for s in subjects)
    keywords = [s["name"] for s in subjects if s.get("rel") == "keyword"]
    assert keywords == ["OpenAI", "Microsoft"]


@pytest.mark.parametrize(
    ("dateline", "city"),
    [
        ("SAN FRANCISCO", "San Francisco"),
        ("San Francisco, Nov 20, 2023 (AFP) -", "San Francisco"),
        ("JAKARTA (AFP) -", "Jakarta"),
        ("Gaza City, Palestinian Territories, May 16, 2021 (AFP) -", "Gaza City"),
        ("Nov 20, 2023 (AFP) -", None),
        (None, None),
    ],
)
def test_located_comes_from_the_dateline_city(dateline: str | None, city: str | None) -> None:
    doc = to_ninjs(arts.indonesian(dateline=dateline), uri=URI)
    assert doc.get("located") == city


def test_located_override_and_author_credit() -> None:
    article = arts.english(credits=(Credit(role=CreditRole.author, name="A. Writer"),
                                    Credit(role=CreditRole.author, name="B. Writer")))
    doc = to_ninjs(article, uri=URI, located="Jakarta, Indonesia")
    assert doc["located"] == "Jakarta, Indonesia"
    assert doc["by"] == "A. Writer, B. Writer"
    assert _body(doc, "text/plain").endswith("Writer: A. Writer, B. Writer")


@pytest.mark.parametrize("bad", ["", "no scheme", "kawat id", "urn:kawat:has space"])
def test_bad_uri_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        to_ninjs(arts.indonesian(), uri=bad)
    with pytest.raises(ValueError):
        tombstone_ninjs("x", "id", 1, uri=bad, reason=None, when=datetime.now(UTC))


def test_several_pictures_get_distinct_association_uris() -> None:
    pics = (arts.picture(), arts.picture(), arts.picture(id="###", renditions=()))
    doc = to_ninjs(arts.indonesian(pictures=pics), uri="https://kawat.example/items/abc")
    uris = [a["uri"] for a in doc["associations"]]
    assert len(set(uris)) == 3
    assert all(u.startswith("https://kawat.example/items/abc/") for u in uris)
    assert "renditions" not in doc["associations"][2]
    assert validate_ninjs(doc) == []
