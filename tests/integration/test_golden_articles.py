"""Golden articles through a LibreTranslate-protocol engine that reorders and mangles like real ones.

Each story (our own words, tests/golden/stories.py) is localized by the real pipeline with the real
glossary, over HTTP, through deep-translator's LibreTranslate client. The engine is scripted:
clean (ideal), reorder (tokens keep source order), mangle (tokens split and lower-cased) and drop
(a token lost). What the desk would sign off must come out in the first three; the fourth must be
held with the reason in words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.translate import build_translator
from adapters.translate.limits import EngineLimits, reset_limiters
from adapters.translate.service import TranslationService
from flows.settings import EngineConfig
from glossary import Glossary, load_glossary
from newsroom.model import Block, Dateline, LocalizedArticle, ReviewState, Story
from services.pipeline import LocalizeOptions, localize_story
from tests.golden.stories import ALL, EN_ID, ID_EN, Golden
from tests.support.mt_servers import MTServer
from tests.support.scripted_mt import ScriptedEngine

FAST = EngineLimits(rate_per_second=1000, concurrency=4, max_attempts=2, backoff_initial=0.01, backoff_max=0.05)


@pytest.fixture(scope="module")
def server() -> Iterator[MTServer]:
    reset_limiters()
    with MTServer() as srv:
        yield srv
    reset_limiters()


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def story_of(g: Golden) -> Story:
    return Story(
        provider="afp.com", date_id=g.published.strftime("%Y%m%d"), item_id=f"GOLD-{g.name}", language=g.source,
        headline=g.headline.source, dateline=Dateline(text=g.city or "", city=g.city) if g.city else None,
        body=tuple(Block(text=p.source) for p in g.body), version_created=g.published, first_created=g.published,
    )


def localize(server: MTServer, house: Glossary, g: Golden, mode: str, masking: str = "merge") -> LocalizedArticle:
    engine = ScriptedEngine(g.pairs(), mode)
    server.translator = engine
    service = TranslationService({"libre": build_translator("libre", EngineConfig(kind="libre", url=f"{server.url}/"))},
                                 None, {"libre": FAST})

    def translate(texts, source, target):  # type: ignore[no-untyped-def]
        return service.translate(list(texts), source, target, chain=["libre"])

    article = localize_story(story_of(g), source=g.source, target=g.target, glossary=house, translate=translate,
                             check_language=None, now=g.published, options=LocalizeOptions(masking=masking))
    assert engine.unknown == [], "the engine was sent text it has no script for"
    return article


def test_the_set_is_big_enough() -> None:
    assert len(EN_ID) >= 6 and len(ID_EN) >= 4


@pytest.mark.parametrize("mode", ["clean", "reorder", "mangle"])
@pytest.mark.parametrize("g", ALL, ids=[g.name for g in ALL])
def test_golden_article_comes_out_as_the_desk_would_sign_it(server: MTServer, house: Glossary, g: Golden,
                                                            mode: str) -> None:
    article = localize(server, house, g, mode)
    assert article.headline == g.headline.expected
    assert [b.text for b in article.body] == [p.expected for p in g.body]
    assert article.qa.problems == ()
    assert article.review == ReviewState.ok


@pytest.mark.parametrize("g", ALL, ids=[g.name for g in ALL])
def test_a_lost_token_is_held_with_its_reason(server: MTServer, house: Glossary, g: Golden) -> None:
    article = localize(server, house, g, "drop")
    assert article.review == ReviewState.needs_review
    assert any(p.startswith("lost token") for p in article.qa.problems), article.qa.problems


@pytest.mark.parametrize("g", ALL, ids=[g.name for g in ALL])
def test_separate_tokens_never_let_a_wrong_order_out_unflagged(server: MTServer, house: Glossary, g: Golden) -> None:
    article = localize(server, house, g, "reorder", masking="tokens")
    right = [b.text for b in article.body] == [p.expected for p in g.body] and article.headline == g.headline.expected
    assert right or article.review == ReviewState.needs_review
    if not right:
        assert any(p.startswith("order risk") for p in article.qa.problems), article.qa.problems
