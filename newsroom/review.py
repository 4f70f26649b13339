"""What an editor sees and decides when an article is held: why, then source and translation per paragraph."""

from __future__ import annotations

from newsroom.model import Block, LocalizedArticle, ReviewState, Story

LANGUAGE_NAMES = {"en": "English", "id": "Indonesian"}


def _text(text: str) -> str:
    """Wire text as one Markdown paragraph: no line breaks or markup characters that change the layout."""
    return " ".join(text.split()).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_") or "_(empty)_"


def held_because(article: LocalizedArticle) -> list[str]:
    """Every reason an article is held, in words: QA problems first, then glossary terms that came out wrong."""
    reasons = list(article.qa.problems)
    for t in article.qa.terms if not reasons else ():  # QA problems already name the terms they concern
        if not t.ok:
            reasons.append(f"glossary term \"{t.source_term}\" should read \"{t.target_term}\": "
                           f"expected {t.expected}, found {t.found}")
    return reasons


def review_page(story: Story, article: LocalizedArticle, *, decided: str | None = None, note: str | None = None) -> str:
    """Markdown an editor reads on a laptop: why it is held on top, then source and translation stacked per paragraph.

    One column only (no table): long paragraphs wrap to the screen instead of pushing the translation off it.
    """
    src = LANGUAGE_NAMES.get(story.language, story.language)
    dst = LANGUAGE_NAMES.get(article.language, article.language)
    state = decided or article.review.value
    lines = [
        f"# Review: {_text(article.headline)}",
        "",
        f"**State: {state}** · story `{article.story_id}` v{article.version} · {src} → {dst} · "
        f"engine `{article.provenance.engine}` · glossary `{article.provenance.glossary_version}`",
        "",
    ]
    if note:
        lines += [f"> {_text(note)}", ""]
    reasons = held_because(article)
    if reasons:
        heading = "## Why it was held" if decided else "## Why it is held"
        lines += [heading, "", *[f"{i}. {_text(r)}" for i, r in enumerate(reasons, 1)], ""]
    elif not decided:
        lines += ["## Why it is held", "", "No QA problem recorded; an editor asked to see it.", ""]
    ok_terms = [t for t in article.qa.terms if t.ok]
    if ok_terms:
        lines += [f"Glossary terms found as expected: {', '.join(_text(t.target_term) for t in ok_terms)}", ""]
    lines += ["## Text", "", "### Headline", "", f"**{src}:** {_text(story.headline)}", "",
              f"**{dst}:** {_text(article.headline)}", ""]
    for i, (s, d) in enumerate(zip(story.body, article.body, strict=False)):
        lines += [f"### Paragraph {i}", "", f"**{src}:** {_text(s.text)}", "", f"**{dst}:** {_text(d.text)}", ""]
    if len(article.body) != len(story.body):
        lines += [f"_The source has {len(story.body)} paragraphs, the translation {len(article.body)}._", ""]
    return "\n".join(lines)


def answer_problems(
    article: LocalizedArticle, *, headline: str | None, paragraph_index: int | None, paragraph_text: str | None,
) -> list[str]:
    """What is wrong with an editor's answer, in words to show them when asking again (empty: it can be applied)."""
    problems = []
    last = len(article.body) - 1
    if headline is not None and headline and not headline.strip():
        problems.append("the corrected headline is blank")
    if paragraph_index is not None and not 0 <= paragraph_index <= last:
        problems.append(f"paragraph {paragraph_index} does not exist: paragraphs are numbered 0 to {last}")
    if paragraph_index is not None and not (paragraph_text or "").strip():
        problems.append(f"paragraph {paragraph_index} was chosen but no corrected text was given")
    if paragraph_index is None and (paragraph_text or "").strip():
        problems.append("corrected paragraph text was given without saying which paragraph (paragraph_index)")
    return problems


def apply_decision(
    article: LocalizedArticle,
    *,
    approve: bool,
    headline: str | None = None,
    paragraph_index: int | None = None,
    paragraph_text: str | None = None,
) -> LocalizedArticle:
    """Approve (optionally with a corrected headline/paragraph) or reject; the decision is final."""
    if not approve:
        return article.model_copy(update={"review": ReviewState.rejected})
    update: dict = {"review": ReviewState.ok}
    if headline:
        update["headline"] = headline.strip()
    if paragraph_text is not None and paragraph_index is not None:
        if not 0 <= paragraph_index < len(article.body):
            raise ValueError(f"paragraph {paragraph_index} does not exist (0..{len(article.body) - 1})")
        body = list(article.body)
        body[paragraph_index] = Block(role=body[paragraph_index].role, text=paragraph_text.strip())
        update["body"] = tuple(body)
    return article.model_copy(update=update)


def corrections(before: LocalizedArticle, after: LocalizedArticle, story: Story) -> list[tuple[str, str]]:
    """(source segment, corrected target) pairs an editor changed: they go to the TM as human work."""
    pairs = []
    if before.headline != after.headline:
        pairs.append((story.headline, after.headline))
    for src, old, new in zip(story.body, before.body, after.body, strict=False):
        if old.text != new.text:
            pairs.append((src.text, new.text))
    return pairs
