"""Localized articles waiting for (or done with) delivery, so `deliver` can run apart from `localize`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    MetaData,
    Select,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from newsroom.model import STORED, LocalizedArticle, ReviewState

metadata = MetaData()
articles = Table(
    "articles",
    metadata,
    Column("story_id", String(200), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("version", BigInteger, primary_key=True),
    Column("review", String(20), nullable=False),
    Column("engine", String(40), nullable=False),
    Column("glossary_version", String(40)),
    Column("article_json", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# Built once with bound parameters: the save and the read every story makes (see adapters/ledger.py).
_KEY = (articles.c.story_id == bindparam("b_story"), articles.c.language == bindparam("b_language"))
_UPDATE_ARTICLE = update(articles).where(*_KEY, articles.c.version == bindparam("b_version"))
_INSERT_ARTICLE = insert(articles)
_ARTICLE_OF = select(articles.c.article_json).where(*_KEY, articles.c.version == bindparam("b_version")).limit(1)
_LATEST_ARTICLE = select(articles.c.article_json).where(*_KEY).order_by(articles.c.version.desc()).limit(1)


class ArticleRepository(Protocol):
    def save(self, article: LocalizedArticle) -> None: ...
    def get(self, story_id: str, language: str, version: int | None = None) -> LocalizedArticle | None: ...
    def find(self, *, review: ReviewState | None = None, story_id: str | None = None) -> list[LocalizedArticle]: ...
    def other_glossary(self, version: str) -> list[tuple[str, str, str]]: ...


class SqlArticleStore:
    """One row per story × language × version; saving again replaces (a re-localization wins)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def save(self, article: LocalizedArticle) -> None:
        values = {
            "review": article.review.value, "engine": article.provenance.engine,
            "glossary_version": article.provenance.glossary_version,
            "article_json": article.model_dump_json(), "updated_at": datetime.now(UTC),
        }
        key = {"story_id": article.story_id, "language": article.language, "version": article.version}
        where = {"b_story": article.story_id, "b_language": article.language, "b_version": article.version}
        with self.engine.begin() as conn:
            done = conn.execute(_UPDATE_ARTICLE, {**where, **values}).rowcount
            if not done:
                try:
                    conn.execute(_INSERT_ARTICLE, {**key, **values})
                except IntegrityError:  # a concurrent writer inserted first; ours is as good
                    pass

    def get(self, story_id: str, language: str, version: int | None = None) -> LocalizedArticle | None:
        q = _ARTICLE_OF if version else _LATEST_ARTICLE
        with self.engine.connect() as conn:
            row = conn.execute(q, {"b_story": story_id, "b_language": language, "b_version": version}).first()
        return LocalizedArticle.model_validate_json(row[0], context=STORED) if row else None

    def other_glossary(self, version: str) -> list[tuple[str, str, str]]:
        """(story, language, old glossary version) of articles made with another term base."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(_other_glossary_query(version))]

    def find(self, *, review: ReviewState | None = None, story_id: str | None = None) -> list[LocalizedArticle]:
        q = select(articles.c.article_json).order_by(articles.c.story_id, articles.c.version)
        if review:
            q = q.where(articles.c.review == review.value)
        if story_id:
            q = q.where(articles.c.story_id == story_id)
        with self.engine.connect() as conn:
            return [LocalizedArticle.model_validate_json(r[0], context=STORED) for r in conn.execute(q)]


def _other_glossary_query(version: str) -> Select[Any]:
    return (select(articles.c.story_id, articles.c.language, articles.c.glossary_version).distinct()
            .where(articles.c.glossary_version.is_not(None), articles.c.glossary_version != version))


class MemoryArticleStore:
    """Fake for unit tests."""

    def other_glossary(self, version: str) -> list[tuple[str, str, str]]:
        found = {(a.story_id, a.language, a.provenance.glossary_version) for a in self.rows.values()
                 if a.provenance.glossary_version not in (None, version)}
        return sorted(found)

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, int], LocalizedArticle] = {}

    def save(self, article: LocalizedArticle) -> None:
        self.rows[(article.story_id, article.language, article.version)] = article

    def get(self, story_id: str, language: str, version: int | None = None) -> LocalizedArticle | None:
        hits = [a for (s, lang, v), a in self.rows.items() if s == story_id and lang == language
                and (version is None or v == version)]
        return max(hits, key=lambda a: a.version) if hits else None

    def find(self, *, review: ReviewState | None = None, story_id: str | None = None) -> list[LocalizedArticle]:
        return [a for a in self.rows.values() if (review is None or a.review == review)
                and (story_id is None or a.story_id == story_id)]
