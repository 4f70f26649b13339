"""One spelling per language, and every caller that normalises codes agrees with it."""

from __future__ import annotations

import pytest

from adapters.language import canonical as detect_canonical
from adapters.tmx import lang_code
from adapters.wire.text import language_tag
from glossary.entries import lang_code as glossary_lang
from newsroom.languages import canonical, is_indonesian, primary_subtag
from newsroom.localize.numbers import lang_of
from newsroom.render.labels import primary_language


@pytest.mark.parametrize(("tag", "code"), [
    ("en-GB", "en"), ("EN_us", "en"), ("eng", "en"), ("id-ID", "id"), ("in", "id"), ("IND", "id"),
    (" id ", "id"), ("fr-CA", "fr"), ("fra", "fr"), ("de", "de"),
])
def test_every_normaliser_folds_a_tag_to_the_same_code(tag: str, code: str) -> None:
    assert canonical(tag) == code
    assert lang_code(tag) == code and detect_canonical(tag) == code and language_tag(tag) == code
    assert lang_of(tag) == code and primary_language(tag) == code
    if code in ("en", "id"):
        assert glossary_lang(tag) == code


def test_empty_tags_and_the_narrower_rules_on_top() -> None:
    assert canonical(None) is None and canonical("") is None and primary_subtag(None) == ""
    assert language_tag("x-klingon-1") is None and language_tag("12") is None  # not a language subtag
    assert detect_canonical("ms-MY") == "id" and canonical("ms-MY") == "ms"  # langdetect's Malay is our Indonesian
    assert is_indonesian("in") and not is_indonesian("en-ID")
    with pytest.raises(ValueError, match="no column"):
        glossary_lang("fr")
