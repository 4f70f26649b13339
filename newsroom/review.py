"""What an editor sees and decides when an article is held: side-by-side text and corrections."""

from __future__ import annotations

from newsroom.model import Block, LocalizedArticle, ReviewState, Story


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def side_by_side(story: Story, article: LocalizedArticle) -> str:
    """Markdown: source and translation paragraph by paragraph, glossary hits and misses marked."""
    lines = [
        f"# Review {article.story_id} v{article.version} ({story.language} → {article.language})",
        "",
        f"**State:** {article.review.value} — engine `{article.provenance.engine}`, glossary "
        f"`{article.provenance.glossary_version}`",
        "",
    ]
    if article.qa.problems:
        lines += ["**Problems:**", *[f"- ❌ {_cell(p)}" for p in article.qa.problems], ""]
    if article.qa.terms:
        lines += ["| term | expected target | expected | found | |", "|---|---|---|---|---|"]
        for t in article.qa.terms:
            mark = "✅" if t.ok else "❌"
            lines.append(f"| {_cell(t.source_term)} | {_cell(t.target_term)} | {t.expected} | {t.found} | {mark} |")
        lines.append("")
    lines += ["| # | source | translation |", "|---|---|---|", f"| headline | {_cell(story.headline)} | {_cell(article.headline)} |"]
    for i, (src, dst) in enumerate(zip(story.body, article.body, strict=False)):
        lines.append(f"| {i} | {_cell(src.text)} | {_cell(dst.text)} |")
    return "\n".join(lines)


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
