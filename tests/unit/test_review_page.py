"""The review page an editor reads on a laptop, and the answers that can (or cannot) be applied."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.model import Block, LocalizedArticle, Provenance, QAReport, ReviewState, Story, TermCheck
from newsroom.review import answer_problems, held_because, review_page

LONG = ("The UN Security Council will hold an emergency session on Thursday on the drought in the Sahel, "
        "diplomats said, as aid agencies warned that millions face hunger. ") * 3


def _pair() -> tuple[Story, LocalizedArticle]:
    story = Story(provider="afp.com", date_id="20231120", item_id="TX-PAR-WGF71", version=1, language="en",
                  headline="UN Security Council to meet on Sahel drought",
                  body=(Block(text=LONG), Block(text="Second | paragraph with *stars* and a pipe.")),
                  )
    article = LocalizedArticle(
        story_id=story.story_id, version=1, language="id", headline="Dewan Keamanan PBB bersidang soal Sahel",
        body=(Block(text="[id] " + LONG), Block(text="[id] Paragraf kedua.")),
        provenance=Provenance(source_uri="urn:test", source_version=1, source_language="en", engine="libre",
                              glossary_version="g1", translated_at=datetime(2023, 11, 20, tzinfo=UTC)),
        qa=QAReport(problems=("protected term 'Security Council' was lost by the engine",),
                    terms=(TermCheck(source_term="Security Council", target_term="Dewan Keamanan", expected=2,
                                     found=1),)),
        review=ReviewState.needs_review,
    )
    return story, article


def test_reasons_come_first_then_source_above_translation_per_paragraph() -> None:
    story, article = _pair()
    page = review_page(story, article)
    reasons = page.index("## Why it is held")
    assert reasons < page.index("### Headline") < page.index("### Paragraph 0") < page.index("### Paragraph 1")
    assert "was lost by the engine" in page[reasons:page.index("### Headline")]
    assert "should read" not in page, "a QA problem already names its term: no second line for it"
    bare = article.model_copy(update={"qa": article.qa.model_copy(update={"problems": ()})})
    assert 'should read "Dewan Keamanan": expected 2, found 1' in review_page(story, bare), "terms alone still say why"
    p0 = page[page.index("### Paragraph 0"):page.index("### Paragraph 1")]
    assert p0.index("**English:**") < p0.index("**Indonesian:**"), "stacked: source above translation"
    assert "|---|" not in page and "| # |" not in page, "no table wider than the screen"
    assert "Second \\| paragraph with \\*stars\\*" in page, "wire text cannot break the layout"


def test_after_a_decision_the_page_says_so() -> None:
    story, article = _pair()
    page = review_page(story, article.model_copy(update={"review": ReviewState.ok}), decided="approved",
                       note="Approved by the editor")
    assert "**State: approved**" in page and "Approved by the editor" in page
    assert "needs-review" not in page


def test_answers_that_cannot_be_applied_say_why() -> None:
    _, article = _pair()
    assert held_because(article)
    ok = answer_problems(article, headline="Judul baru", paragraph_index=1, paragraph_text="Teks baru.")
    assert ok == []
    out_of_range = answer_problems(article, headline=None, paragraph_index=7, paragraph_text="x")
    assert out_of_range == ["paragraph 7 does not exist: paragraphs are numbered 0 to 1"]
    assert answer_problems(article, headline=None, paragraph_index=0, paragraph_text=" ")
    assert answer_problems(article, headline=None, paragraph_index=None, paragraph_text="orphan text")
    assert answer_problems(article, headline="   ", paragraph_index=None, paragraph_text=None)
