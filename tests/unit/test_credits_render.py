"""Credits from the feed and configuration, rendered per language and partner template."""

from __future__ import annotations

import pytest

from newsroom.credits import build_credits, copyright_holder, credit_lines, photo_credit_line
from newsroom.model import Credit, CreditRole, Picture, Story


def story(**kw: object) -> Story:
    base: dict[str, object] = dict(provider="afp.com", date_id="20231120", item_id="TX-1", language="en",
                                   headline="h", copyright_line="© 2023 AFP")
    base.update(kw)
    return Story(**base)  # type: ignore[arg-type]


def test_plain_seed_style_article() -> None:
    credits = build_credits(story(), editor="Lili Lestari", engine="google")
    assert credit_lines(credits, "id") == ["Redaktur: Lili Lestari", "Penulis: AFP"]
    # English agency copy is credited by its dateline, "SAN FRANCISCO (AFP) -": no "Writer: AFP" beside it.
    assert credit_lines(build_credits(story(), editor="Lili Lestari", language="en"), "en") == ["Editor: Lili Lestari"]
    assert copyright_holder(story()) == "AFP"


def test_text_only_with_named_writers() -> None:
    s = story(creators=("Glenn Chapman with Julie Jammot in Paris",))
    credits = build_credits(s, translator="Dewi", editor="Lili Lestari")
    names = [c.name for c in credits if c.role == CreditRole.author]
    assert names == ["Glenn Chapman", "Julie Jammot"]
    assert "Penerjemah: Dewi" in credit_lines(credits, "id")
    assert not any(line.startswith("Foto") for line in credit_lines(credits, "id"))


def test_text_and_photo() -> None:
    pic = Picture(id="photo0", credit="AFP", byline="Josh Edelson")
    s = story(byline="Glenn Chapman", pictures=(pic,))
    credits = build_credits(s, editor="Lili Lestari")
    lines = credit_lines(credits, "id")
    # Standard (seed) style credits agency copy to the agency; the reporter's name is kept for `by`.
    # The photo credit is printed under the picture in this template, so not again in the closing block.
    assert "Penulis: AFP" in lines and not any(line.startswith("Foto") for line in lines)
    assert "Foto: AFP/Josh Edelson" in credit_lines(credits, "id", template="compact")[0]
    assert any("Glenn Chapman" in line for line in credit_lines(credits, "id", template="compact"))
    assert any(c.name == "Glenn Chapman" and c.role.value == "author" for c in credits)
    assert photo_credit_line(pic, "en") == "Photo: AFP/Josh Edelson"
    assert photo_credit_line(Picture(id="p", credit="AFP"), "id") == "Foto: AFP"
    assert photo_credit_line(Picture(id="p"), "id") is None


def test_machine_translation_disclosure_both_languages() -> None:
    credits = build_credits(story(), engine="google")
    id_lines = credit_lines(credits, "id", mt_disclosure=True)
    assert "mesin penerjemah (Google Translate)" in id_lines[-1]
    assert not any(line.startswith("Penerjemah: ") for line in id_lines)
    assert "machine translation (Google Translate)" in credit_lines(credits, "en", mt_disclosure=True)[-1]
    assert all("mesin" not in line for line in credit_lines(credits, "id"))


@pytest.mark.parametrize(("template", "expected"), [
    ("antara", ["Penerjemah: Dewi", "Redaktur: Lili Lestari"]),
    ("compact", ["Penulis: AFP | Penerjemah: Dewi | Redaktur: Lili Lestari"]),
])
def test_partner_templates(template: str, expected: list[str]) -> None:
    credits = build_credits(story(), editor="Lili Lestari", translator="Dewi")
    assert credit_lines(credits, "id", template=template) == expected


def test_unknown_template_is_an_error() -> None:
    with pytest.raises(ValueError):
        credit_lines((), "id", template="fancy")


def test_existing_credits_kept_without_duplicates() -> None:
    s = story(credits=(Credit(role=CreditRole.author, name="AFP", organisation="AFP"),))
    credits = build_credits(s)
    assert [c for c in credits if c.role == CreditRole.author] == list(s.credits)


def test_copyright_holder_falls_back_to_provider() -> None:
    assert copyright_holder(story(copyright_line=None)) == "AFP"
    assert copyright_holder(story(copyright_line="Copyright 2024 Reuters. All rights reserved.")) == "Reuters"


@pytest.mark.parametrize(("engine", "public"), [
    ("libre", "LibreTranslate"), ("google", "Google Translate"), ("deepl", "DeepL"),
    ("microsoft", "Microsoft Translator"), ("mymemory", "MyMemory"), ("libre-eu", "LibreTranslate"),
])
def test_disclosure_names_the_public_service(engine: str, public: str) -> None:
    line = credit_lines(build_credits(story(), engine=engine), "id", mt_disclosure=True, engine=engine)[-1]
    assert line == f"Artikel ini diterjemahkan dengan bantuan mesin penerjemah ({public})."
    assert f"({engine})" not in line or engine == public


def test_one_editor_credit_desk_by_default_source_when_the_template_says_so() -> None:
    s = story(credits=(Credit(role=CreditRole.editor, name="Budi Santoso", organisation="AFP"),))
    credits = build_credits(s, editor="Lili Lestari")
    assert credit_lines(credits, "id") == ["Redaktur: Lili Lestari", "Penulis: AFP"]
    assert credit_lines(credits, "id", template="source-editor") == ["Redaktur: Budi Santoso", "Penulis: AFP"]
    assert credit_lines(build_credits(s), "id") == ["Redaktur: Budi Santoso", "Penulis: AFP"]  # no desk editor


def test_desk_name_is_translated_for_english_articles() -> None:
    en = build_credits(story(), editor="Meja Redaksi Kawat", language="en")
    assert credit_lines(en, "en") == ["Editor: Kawat Desk"]
    assert credit_lines(build_credits(story(), editor="Redaksi", language="en"), "en") == ["Editor: Editorial Desk"]
    per_language = build_credits(story(), editor={"id": "Lili Lestari", "en": "Jane Doe"}, language="en")
    assert credit_lines(per_language, "en") == ["Editor: Jane Doe"]
    assert credit_lines(build_credits(story(), editor="Meja Redaksi Kawat"), "id")[0] == "Redaktur: Meja Redaksi Kawat"


@pytest.mark.parametrize("template", ["standard", "compact"])
def test_photo_credit_printed_once_where_the_template_places_it(template: str) -> None:
    from newsroom.credits import photo_in_caption
    from newsroom.render import to_text
    from tests.support import render_articles as arts

    article = arts.with_photo()
    credits = build_credits(story(pictures=article.pictures), editor="Lili Lestari")
    lines = credit_lines(credits, "id", template=template)
    under = {p.id: (photo_credit_line(p, "id") or "") if photo_in_caption(template) else "" for p in article.pictures}
    text = to_text(article, credit_lines=lines, photo_credit=under)
    assert text.count("Foto: AFP") == 1, text
