"""The bucket contract's keys and feed lines are deterministic, path-safe and sortable."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsroom import contract
from tests.support.storage_pubs import pub

T = datetime(2023, 11, 20, 23, 30, tzinfo=UTC)


def test_article_key_layout_and_utc_day() -> None:
    key = contract.article_key("/partners/a/", "id", T, "afp.com-20231120-TX-PAR-WGF71", 3)
    assert key == "partners/a/id/2023/11/20/afp.com-20231120-TX-PAR-WGF71/v3.json"
    # The same instant in Jakarta time (next local day) lands in the same UTC folder.
    jkt = T.astimezone(timezone(timedelta(hours=7)))
    assert contract.article_key("partners/a", "id", jkt, "afp.com-20231120-TX-PAR-WGF71", 3) == key


def test_latest_and_pictures_sit_in_the_story_folder() -> None:
    v = contract.format_key("", "en", T, "s1", 2, "html")
    latest = contract.latest_key("", "en", T, "s1")
    pic = contract.picture_key("", "en", T, "s1", "../evil name.jpg")
    assert v.endswith("/s1/v2.html") and not v.startswith("/")
    assert latest.rsplit("/", 1)[0] == v.rsplit("/", 1)[0]
    assert pic.startswith(latest.rsplit("/", 1)[0] + "/pictures/") and ".." not in pic and " " not in pic


def test_unsafe_inputs_are_rejected_or_neutralised() -> None:
    with pytest.raises(ValueError):
        contract.article_key("a/../b", "id", T, "s", 1)
    with pytest.raises(ValueError):
        contract.article_key("", "id/../x", T, "s", 1)
    with pytest.raises(ValueError):
        contract.article_key("", "id", T, "s", 0)
    assert "/" not in contract.story_dir("", "id", T, "a/b/../c").split("/", 4)[-1]


def test_feed_keys_sort_in_time_order_and_differ_per_run() -> None:
    a = contract.feed_key("p", T, "run-1")
    b = contract.feed_key("p", T + timedelta(microseconds=1), "run-1")
    c = contract.feed_key("p", T + timedelta(seconds=1), "run-0")
    assert a.startswith("p/feed/2023/11/20/") and a.endswith(".ndjson")
    assert a < b < c
    assert contract.feed_key("p", T, "run-2") != a


def test_feed_line_is_one_compact_json_object() -> None:
    line = contract.feed_line("s1", 2, "id", "k/v2.json", "usable", at=T, checksum="ab", signal="update")
    assert "\n" not in line
    row = json.loads(line)
    assert row == {"story": "s1", "version": 2, "lang": "id", "key": "k/v2.json", "pubstatus": "usable",
                   "at": "2023-11-20T23:30:00Z", "sha256": "ab", "signal": "update"}
    doc = contract.feed_document([line, line]).decode()
    assert doc.count("\n") == 2 and doc.endswith("\n")


def test_publication_requires_ninjs_and_checksum_tracks_content() -> None:
    with pytest.raises(ValueError):
        contract.Publication("s", 1, "id", "usable", T, files={"html": b"x"})
    assert pub(headline="A").checksum == pub(headline="A").checksum
    assert pub(headline="A").checksum != pub(headline="B").checksum
    assert pub().checksum != pub(pictures=2).checksum


def test_body_key_classification() -> None:
    v = contract.format_key("", "id", T, "s", 4, "text")
    assert contract.is_body_key(v) and contract.version_of_key(v) == 4
    assert contract.is_body_key(contract.picture_key("", "id", T, "s", "p.jpg"))
    assert not contract.is_body_key(contract.latest_key("", "id", T, "s"))
    assert not contract.is_body_key(contract.feed_key("", T, "r"))


def test_tombstone_is_valid_ninjs(shared_dir) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    doc = json.loads(contract.tombstone("urn:x", 3, "id", at=T, reason="legal"))
    Draft202012Validator(schema).validate(doc)
    assert doc["pubstatus"] == "canceled" and "bodies" not in doc
