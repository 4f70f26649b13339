"""The plain-text edition follows the seed story's layout: headline, photo, dateline-led body, credits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsroom.model import Block, BlockRole, Credit, CreditRole
from newsroom.render import plain_body, to_text
from tests.support import render_articles as arts

SUBHEAD = "Penanganan Buruk"


def _seed_parts(shared_dir: Path) -> dict[str, object]:
    """Cut the published seed into headline, photo credit, caption, body blocks and credits."""
    lines = (shared_dir / "examples" / "seed-article-id.txt").read_text(encoding="utf-8").splitlines()
    content = [ln for ln in lines if ln.strip()]
    headline = content[1]
    photo_credit = content[2]
    caption = content[3]
    start = next(i for i, ln in enumerate(content) if ln.startswith("SAN FRANCISCO - "))
    end = next(i for i, ln in enumerate(content) if ln.startswith("Redaktur"))
    return {
        "headline": headline,
        "photo_credit": photo_credit,
        "caption": caption,
        "paragraphs": content[start:end],
        "credits": content[end:end + 2],
    }


def test_seed_story_layout_is_reproduced(shared_dir: Path) -> None:
    seed = _seed_parts(shared_dir)
    paragraphs: list[str] = seed["paragraphs"]  # type: ignore[assignment]
    assert SUBHEAD in paragraphs
    blocks = [
        Block(role=BlockRole.subhead if p == SUBHEAD else BlockRole.paragraph, text=p)
        for p in paragraphs
    ]
    blocks[0] = Block(text=paragraphs[0].removeprefix("SAN FRANCISCO - "))
    article = arts.indonesian(
        headline=seed["headline"], dateline="SAN FRANCISCO", body=tuple(blocks),
        pictures=(arts.picture(caption=seed["caption"]),),
    )
    text = to_text(article, credit_lines=seed["credits"], photo_credit={"photo0": seed["photo_credit"]})  # type: ignore[arg-type]
    expected = "\n\n".join(
        [seed["headline"], seed["photo_credit"], seed["caption"], *paragraphs, "\n".join(seed["credits"])]  # type: ignore[list-item]
    ) + "\n"
    assert text == expected


def test_default_layout_order_and_spacing() -> None:
    article = arts.with_photo()
    text = to_text(article)
    assert text.endswith("\n") and not text.endswith("\n\n")
    chunks = text.rstrip("\n").split("\n\n")
    assert chunks[0] == article.headline
    assert chunks[1] == "Foto: AFP"
    assert chunks[2] == arts.picture().caption
    assert chunks[3] == "SAN FRANCISCO - " + article.body[0].text
    assert chunks[4] == article.body[1].text
    assert chunks[5] == SUBHEAD
    assert chunks[-1] == "Redaktur: Lili Lestari\nPenulis: AFP"
    assert "\n\n\n" not in text


def test_text_only_has_no_photo_lines() -> None:
    text = to_text(arts.indonesian())
    assert "Foto" not in text
    assert text.split("\n\n")[1].startswith("SAN FRANCISCO - ")


def test_dateline_goes_to_the_first_paragraph_not_a_leading_subhead() -> None:
    article = arts.indonesian(body=(Block(role=BlockRole.subhead, text="Sorotan"), Block(text="Isi berita.")))
    chunks = to_text(article).split("\n\n")
    assert chunks[1] == "Sorotan"
    assert chunks[2] == "SAN FRANCISCO - Isi berita."


@pytest.mark.parametrize(
    "dateline", ["SAN FRANCISCO", "SAN FRANCISCO -", "SAN FRANCISCO - ", "  SAN FRANCISCO —  "]
)
def test_dateline_is_joined_once_with_a_single_dash(dateline: str) -> None:
    body = plain_body(arts.indonesian(dateline=dateline, credits=(), copyright_holder=None))
    assert body.startswith("SAN FRANCISCO - Ratusan staf")


def test_already_prefixed_first_paragraph_is_not_prefixed_again() -> None:
    article = arts.indonesian(body=(Block(text="SAN FRANCISCO - Sudah ada dateline."),))
    assert to_text(article).count("SAN FRANCISCO") == 1
    # A paragraph that merely starts with the city name still gets its dateline.
    other = arts.indonesian(body=(Block(text="San Francisco menjadi pusat AI."),))
    assert "SAN FRANCISCO - San Francisco menjadi" in to_text(other)


def test_whitespace_and_control_characters_are_normalised() -> None:
    article = arts.indonesian(body=(Block(text="Satu\n\nbaris\x00 \t dua"), Block(text="   "), Block(text="Tiga")))
    body = plain_body(article, credit_lines=["Penulis: AFP"])
    assert body == "SAN FRANCISCO - Satu baris dua\n\nTiga\n\nPenulis: AFP"


def test_credits_derived_in_newsroom_order() -> None:
    article = arts.indonesian(credits=(
        Credit(role=CreditRole.author, name="Reporter Satu"),
        Credit(role=CreditRole.translator, name="Budi"),
        Credit(role=CreditRole.editor, name="Lili Lestari"),
        Credit(role=CreditRole.editor, name="lili lestari"),
        Credit(role=CreditRole.agency, name="AFP"),
    ))
    tail = to_text(article).rstrip("\n").split("\n\n")[-1].splitlines()
    assert tail == ["Redaktur: Lili Lestari", "Penerjemah: Budi", "Penulis: Reporter Satu"]


def test_english_labels_and_notice() -> None:
    article = arts.english(pictures=(arts.picture(credit=None, byline="Bay Ismoyo"),))
    text = to_text(article, notice="This story was machine translated.")
    chunks = text.rstrip("\n").split("\n\n")
    assert chunks[1] == "Photo: Bay Ismoyo"
    assert chunks[-2] == "This story was machine translated."
    assert chunks[-1] == "Writer: Sonny Tumbelaka"


def test_dry_run_is_flagged_before_the_headline() -> None:
    text = to_text(arts.dry_run())
    first, second = text.split("\n\n")[:2]
    assert re.search(r"BELUM DITERJEMAHKAN|NOT TRANSLATED", first)
    assert second == arts.dry_run().headline


def test_killed_text_has_no_story_and_says_why() -> None:
    article = arts.killed()
    text = to_text(article)
    assert text.startswith(article.headline + "\n\n")
    for block in article.body:
        assert block.text not in text
    assert "dibatalkan" in text and "Legal reasons" in text
    assert "Foto" not in text
