"""The packaged ninjs 2.2 schema is IPTC's file, and the validator says why a document fails."""

from __future__ import annotations

import json
from pathlib import Path

from newsroom import ninjs_schema
from newsroom.ninjs_schema import load_schema, validate_ninjs

PACKAGED = Path(ninjs_schema.__file__).parent / "schemas" / "ninjs-schema_2.2.json"


def test_packaged_schema_is_the_shared_file(shared_dir: Path) -> None:
    assert PACKAGED.read_bytes() == (shared_dir / "schemas" / "ninjs-schema_2.2.json").read_bytes()


def test_load_schema_returns_an_independent_copy() -> None:
    first = load_schema()
    assert first["$id"].startswith("http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json")
    first["required"].append("headlines")
    assert load_schema()["required"] == ["uri"]


def test_iptc_example_is_valid(shared_dir: Path) -> None:
    example = json.loads((shared_dir / "schemas" / "ninjs-2.2-example-complex-text-article.json").read_text())
    assert validate_ninjs(example) == []


def test_missing_uri_is_reported() -> None:
    errors = validate_ninjs({"type": "text"})
    assert len(errors) == 1 and "uri" in errors[0]


def test_extra_top_level_property_is_reported() -> None:
    errors = validate_ninjs({"uri": "urn:x:1", "kawat_engine": "google"})
    assert any("kawat_engine" in e for e in errors)


def test_wrong_types_name_their_path() -> None:
    errors = validate_ninjs({"uri": "urn:x:1", "version": 3, "bodies": [{"role": "main"}]})
    assert any(e.startswith("$.version:") for e in errors)
    assert any(e.startswith("$.bodies[0]:") and "value" in e for e in errors)


def test_date_times_need_an_offset() -> None:
    assert validate_ninjs({"uri": "urn:x:1", "versioncreated": "2023-11-20T10:00:00Z"}) == []
    assert validate_ninjs({"uri": "urn:x:1", "versioncreated": "2023-11-20T10:00:00+07:00"}) == []
    for bad in ("2023-11-20T10:00:00", "20/11/2023", "2023-11-20"):
        assert validate_ninjs({"uri": "urn:x:1", "versioncreated": bad}), bad


def test_uri_with_spaces_is_rejected() -> None:
    assert validate_ninjs({"uri": "urn:kawat:a b"})


def test_places_geojson_reference_resolves_offline() -> None:
    doc = {"uri": "urn:x:1", "places": [{"name": "Jakarta", "geojson": {"type": "Point"}}]}
    assert validate_ninjs(doc) == []
