"""ninjs identity: every revision of one uri is one story, whatever its version number looks like."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.wire import parse_wire

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


def _revision(uri: str, version: int) -> tuple[str, int]:
    """The fixture item re-sent under `uri` as revision `version`: (story id, parsed version)."""
    doc = json.loads((FIXTURES / "ninjs2.json").read_text(encoding="utf-8"))
    doc.update(uri=uri, version=str(version), pubstatus="usable")
    doc.pop("ednote", None)
    (story,) = parse_wire(json.dumps(doc).encode(), f"rev{version}.json")
    return story.story_id, story.version


@pytest.mark.parametrize("uri", [
    "http://news.example.net/items/20240310:midnight-1",  # a trailing -1 that equals revision 1
    "tag:example.net,2024-03-10:midnight-2",  # ... or revision 2
    "urn:example:news:story_1",
    "http://news.example.net/items/2024.1",
])
def test_two_revisions_of_one_uri_share_the_story_id(uri: str) -> None:
    (id1, v1), (id2, v2) = _revision(uri, 1), _revision(uri, 2)
    assert (v1, v2) == (1, 2)
    assert id1 == id2
    tail = uri.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    assert tail in id1, "a bare trailing number is part of the name, not a version"


@pytest.mark.parametrize("template", [
    "http://news.example.net/items/20240310-midnight/v{n}",
    "http://news.example.net/items/20240310-midnight;v={n}",
    "http://news.example.net/items/20240310-midnight@{n}",
    "http://news.example.net/items/20240310-midnight?version={n}",
])
def test_version_marked_by_uri_syntax_is_dropped_for_every_revision(template: str) -> None:
    ids = {_revision(template.format(n=n), n)[0] for n in (1, 2, 7)}
    assert ids == {"news.example.net-undated-items-20240310-midnight"}


def test_uris_differing_only_in_a_trailing_number_stay_different_stories() -> None:
    base = "http://news.example.net/items/20240310-midnight"
    assert _revision(base, 1)[0] != _revision(base + "-1", 1)[0]
