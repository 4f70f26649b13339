"""The bucket contract's keys and feed lines are deterministic, path-safe and sortable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsroom import contract
from tests.support.storage_pubs import pub

T = datetime(2023, 11, 20, 23, 30, tzinfo=UTC)


E3 = contract.Edition(3, 1)


def test_article_key_layout_and_utc_day() -> None:
    key = contract.article_key("/partners/a/", "id", T, "afp.com-20231120-TX-PAR-WGF71", contract.Edition(3, 2))
    assert key == "partners/a/id/2023/11/20/afp.com-20231120-TX-PAR-WGF71/v3.2.json"
    # The same instant in Jakarta time (next local day) lands in the same UTC folder.
    jkt = T.astimezone(timezone(timedelta(hours=7)))
    assert contract.article_key("partners/a", "id", jkt, "afp.com-20231120-TX-PAR-WGF71", contract.Edition(3, 2)) == key


def test_editions_order_by_revision_then_edition_and_round_trip() -> None:
    assert contract.Edition(3, 9) < contract.Edition(3, 10) < contract.Edition(4, 1)
    assert contract.Edition.parse("3.10") == contract.Edition(3, 10) and contract.Edition(3, 10).label == "3.10"
    assert contract.Edition.parse("3") is None and contract.Edition.parse("x.1") is None
    assert contract.edition_of_key("a/v12.3.html") == contract.Edition(12, 3)
    assert contract.edition_of_key("a/v12.html") is None and contract.edition_of_key("a/latest.json") is None
    assert contract.Edition(0, 1).label == "0.1"  # AP numbers its first revision 0
    with pytest.raises(ValueError):
        contract.Edition(1, 0)
    with pytest.raises(ValueError):
        contract.Edition(-1, 1)


def test_stamping_an_edition_changes_only_the_version_field() -> None:
    raw = pub(version=3).files["ninjs"]
    stamped = json.loads(contract.stamp_edition(raw, contract.Edition(3, 2)))
    assert stamped == {**json.loads(raw), "version": "3.2"}
    assert contract.stamp_edition(raw, contract.Edition(3, 2)) == contract.stamp_edition(raw, contract.Edition(3, 2))


def test_latest_and_pictures_sit_in_the_story_folder() -> None:
    v = contract.format_key("", "en", T, "s1", contract.Edition(2, 1), "html")
    latest = contract.latest_key("", "en", T, "s1")
    pic = contract.picture_key("", "en", T, "s1", "../evil name.jpg")
    assert v.endswith("/s1/v2.1.html") and not v.startswith("/")
    assert latest.rsplit("/", 1)[0] == v.rsplit("/", 1)[0]
    assert pic.startswith(latest.rsplit("/", 1)[0] + "/pictures/") and ".." not in pic and " " not in pic


def test_unsafe_inputs_are_rejected_or_neutralised() -> None:
    with pytest.raises(ValueError):
        contract.article_key("a/../b", "id", T, "s", E3)
    with pytest.raises(ValueError):
        contract.article_key("", "id/../x", T, "s", E3)
    with pytest.raises(TypeError):
        contract.article_key("", "id", T, "s", 3)  # type: ignore[arg-type]
    assert "/" not in contract.story_dir("", "id", T, "a/b/../c").split("/", 4)[-1]


def test_feed_keys_are_zero_padded_numbers_that_sort_numerically() -> None:
    keys = [contract.feed_key("p", n) for n in (1, 2, 9, 10, 11, 100, 999_999)]
    assert keys[0] == "p/feed/000000000001.ndjson" and keys == sorted(keys)
    assert [contract.seq_of_key(k) for k in keys] == [1, 2, 9, 10, 11, 100, 999_999]
    assert contract.feed_key("", 7) == "feed/000000000007.ndjson"
    with pytest.raises(ValueError):
        contract.feed_key("p", 0)


def test_feed_line_is_one_compact_json_object() -> None:
    line = contract.feed_line("s1", contract.Edition(2, 3), "id", "k/v2.3.json", "usable", seq=7, at=T,
                              checksum="ab", signal="update", embargoed=T + timedelta(hours=1))
    assert "\n" not in line
    row = json.loads(line)
    assert row == {"seq": 7, "story": "s1", "version": 2, "edition": 3, "lang": "id", "key": "k/v2.3.json",
                   "pubstatus": "usable", "at": "2023-11-20T23:30:00Z", "sha256": "ab", "signal": "update",
                   "embargoed": "2023-11-21T00:30:00Z"}
    doc = contract.feed_document([line, line]).decode()
    assert doc.count("\n") == 2 and doc.endswith("\n")


def test_publication_requires_ninjs_and_checksum_tracks_content() -> None:
    with pytest.raises(ValueError):
        contract.Publication("s", 1, "id", "usable", T, files={"html": b"x"})
    assert pub(headline="A").checksum == pub(headline="A").checksum
    assert pub(headline="A").checksum != pub(headline="B").checksum
    assert pub().checksum != pub(pictures=2).checksum


def test_body_key_classification() -> None:
    v = contract.format_key("", "id", T, "s", contract.Edition(4, 2), "text")
    assert contract.is_body_key(v) and contract.version_of_key(v) == 4
    assert contract.is_body_key(contract.picture_key("", "id", T, "s", "p.jpg"))
    assert not contract.is_body_key(contract.latest_key("", "id", T, "s"))
    assert not contract.is_body_key(contract.feed_key("", 3))


def test_tombstone_is_valid_ninjs(shared_dir) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    doc = json.loads(contract.tombstone("afp.com-x", contract.Edition(3, 2), "id", at=T, reason="legal"))
    Draft202012Validator(schema).validate(doc)
    assert doc["pubstatus"] == "canceled" and "bodies" not in doc and doc["version"] == "3.2"
    assert doc["uri"] == "urn:kawat:afp.com-x:id" and "legal" in doc["ednote"]


def test_one_time_format_everywhere() -> None:
    from newsroom.render.ninjs_doc import ninjs_datetime

    naive = datetime(2023, 11, 20, 23, 30, 5, 123456)
    jkt = datetime(2023, 11, 21, 6, 30, 5, tzinfo=timezone(timedelta(hours=7)))
    assert contract.iso(naive) == ninjs_datetime(naive) == "2023-11-20T23:30:05Z" == contract.iso(jkt)
