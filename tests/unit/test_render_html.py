"""The HTML page: a complete document, every piece of wire text escaped, seed-like layout."""

from __future__ import annotations

from html.parser import HTMLParser

from newsroom.model import Block, BlockRole
from newsroom.render import html_body, to_html
from tests.support import render_articles as arts


class _Page(HTMLParser):
    """Records start tags with attributes and the text inside each element, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str]] = []
        self.stack: list[str] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in {"img", "br", "meta"}:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((self.stack[-1] if self.stack else "", data))

    def text_of(self, tag: str) -> list[str]:
        return [t for name, t in self.texts if name == tag]


def _parse(doc: str) -> _Page:
    page = _Page()
    page.feed(doc)
    page.close()
    assert page.stack == []
    return page


def test_complete_document_with_headline_figure_body_and_credits() -> None:
    article = arts.with_photo()
    page = _parse(to_html(article))
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert ("html", {"lang": "id"}) in page.tags
    assert page.text_of("h1") == [article.headline]
    assert page.text_of("title") == [article.headline]
    names = [t for t, _ in page.tags]
    assert names.index("h1") < names.index("figure") < names.index("p")
    img = next(attrs for t, attrs in page.tags if t == "img")
    assert img["src"] == "9be01d.jpg"  # the screen-sized Quicklook file
    assert img["width"] == "512" and img["height"] == "341"
    spans = page.text_of("span")
    assert spans == ["Foto: AFP", arts.picture().caption]
    paragraphs = page.text_of("p")
    assert paragraphs[0].startswith("SAN FRANCISCO - Ratusan staf")
    assert page.text_of("h2") == ["Penanganan Buruk"]
    last_p = [attrs for t, attrs in page.tags if t == "p"][-1]
    assert last_p == {"class": "credits"}
    assert paragraphs[-2:] == ["Redaktur: Lili Lestari", "Penulis: AFP"]


def test_picture_hrefs_and_photo_credit_override() -> None:
    page = _parse(to_html(
        arts.with_photo(),
        picture_hrefs={"9be01d.jpg": "https://cdn.example/p/9be01d.jpg"},
        photo_credit={"photo0": "Foto : AFP/Justin Sullivan"},
    ))
    img = next(attrs for t, attrs in page.tags if t == "img")
    assert img["src"] == "https://cdn.example/p/9be01d.jpg"
    assert page.text_of("span")[0] == "Foto : AFP/Justin Sullivan"


def test_script_and_attribute_injection_are_escaped() -> None:
    evil = '<script>alert("x")</script>'
    pic = arts.picture(
        caption=f"caption {evil}",
        headline='x" onerror="alert(1)',
        renditions=(arts.picture().renditions[1].model_copy(update={"href": 'a" onload="b.jpg'}),),
    )
    article = arts.indonesian(
        headline=f"Headline {evil}",
        body=(Block(text=f"Body {evil} & more"), Block(role=BlockRole.subhead, text=f"<b>{evil}</b>")),
        pictures=(pic,),
    )
    doc = to_html(article, credit_lines=[f"Redaktur: {evil}"])
    assert "<script" not in doc.lower()
    page = _parse(doc)
    assert not any(t in {"script", "b"} for t, _ in page.tags)
    img = next(attrs for t, attrs in page.tags if t == "img")
    assert set(img) == {"src", "alt", "width", "height"}
    assert img["alt"] == 'x" onerror="alert(1)'
    assert page.text_of("h1") == [f"Headline {evil}"]
    assert f"SAN FRANCISCO - Body {evil} & more" in page.text_of("p")


def test_ninjs_fragment_is_sanitised_markup_only() -> None:
    fragment = html_body(arts.indonesian(body=(Block(text="<img src=x onerror=alert(1)>"),)))
    page = _parse(fragment)
    assert {t for t, _ in page.tags} <= {"p", "h2", "br"}
    assert "SAN FRANCISCO - <img src=x onerror=alert(1)>" in page.text_of("p")


def test_dry_run_and_withheld_pages_carry_a_visible_warning() -> None:
    dry = _parse(to_html(arts.dry_run()))
    assert any("NOT TRANSLATED" in t.upper() or "BELUM DITERJEMAHKAN" in t for t in dry.text_of("p"))
    held = _parse(to_html(arts.withheld()))
    assert any("ditahan" in t for t in held.text_of("p"))
    plain = _parse(to_html(arts.indonesian()))
    assert not any(attrs.get("class", "").startswith("notice") for t, attrs in plain.tags if t == "p")


def test_killed_page_has_no_story_text() -> None:
    article = arts.killed()
    doc = to_html(article)
    for block in article.body:
        assert block.text not in doc
    assert "<figure" not in doc
    assert "Legal reasons" in doc


def test_english_labels() -> None:
    page = _parse(to_html(arts.english(pictures=(arts.picture(),))))
    assert ("html", {"lang": "en"}) in page.tags
    assert page.text_of("span")[0] == "Photo: AFP"
    assert page.text_of("p")[0].startswith("Jakarta, Nov 23, 2023 (AFP) - Bank Indonesia")
    assert page.text_of("p")[-1] == "Writer: Sonny Tumbelaka"
