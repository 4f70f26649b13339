"""Kawat's pure domain: stories, localization rules, credits, rendering and QA (no I/O)."""

from newsroom.model import (
    Block,
    BlockRole,
    Credit,
    CreditRole,
    Dateline,
    LocalizedArticle,
    Picture,
    Provenance,
    QAReport,
    Rendition,
    ReviewState,
    Signal,
    Status,
    Story,
    Subject,
    TermCheck,
    safe_id,
    story_key,
)

__all__ = [
    "Block", "BlockRole", "Credit", "CreditRole", "Dateline", "LocalizedArticle", "Picture",
    "Provenance", "QAReport", "Rendition", "ReviewState", "Signal", "Status", "Story", "Subject",
    "TermCheck", "safe_id", "story_key",
]
