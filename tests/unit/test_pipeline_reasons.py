"""A held article says why, in words: term expected/found, forbidden form, lost token, order risk, language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from glossary import Glossary, load_glossary
from newsroom.model import Block, Dateline, ReviewState, Story
from services.pipeline import LocalizeOptions, localize_story

NOW = datetime(2023, 11, 20, 12, tzinfo=UTC)


@dataclass
class _Result:
    texts: list[str]
    engine: str = "libre"
    characters_sent: int = 0


def _engine(fn: Callable[[str], str]) -> Callable[[Sequence[str], str, str], _Result]:
    return lambda texts, s, t: _Result([fn(x) for x in texts])


@pytest.fixture(scope="module")
def house() -> Glossary:
    return load_glossary()


def _story(*paras: str, city: str = "Jakarta") -> Story:
    return Story(provider="afp.com", date_id="20231120", item_id="R1", language="en", headline="Headline here",
                 dateline=Dateline(text=city, city=city), body=tuple(Block(text=p) for p in paras),
                 version_created=NOW)


def _run(house: Glossary, story: Story, fn: Callable[[str], str], check=None, **opts: object):  # type: ignore[no-untyped-def]
    return localize_story(story, source="en", target="id", glossary=house, translate=_engine(fn), check_language=check,
                          now=NOW, options=LocalizeOptions(**opts))  # type: ignore[arg-type]


def test_a_term_the_engine_lost_is_named_with_counts(house: Glossary) -> None:
    article = _run(house, _story("The board met."), lambda x: "Papan itu bertemu." if x.startswith("The") else x,
                   masking="inject")
    assert article.review == ReviewState.needs_review
    assert "term 'board of directors': expected 'dewan direksi' 1x, found 0x" in article.qa.problems


def test_forbidden_form_and_lost_token_and_language_are_named(house: Glossary) -> None:
    def engine(x: str) -> str:
        return "Mereka menganalisa hasilnya." if "results" in x else x

    article = _run(house, _story("They studied the results on Monday."), engine,
                   check=lambda text, target: "translated body detects as 'en' (p=0.99), expected 'id'")
    problems = " | ".join(article.qa.problems)
    assert "forbidden form 'menganalisa'" in problems
    assert "lost token" in problems
    assert "language: translated body detects as 'en'" in problems
    assert article.review == ReviewState.failed


def test_order_risk_is_a_reason_when_terms_stay_separate_tokens(house: Glossary) -> None:
    article = _run(house, _story("said Microsoft CEO Satya Nadella"), lambda x: x, masking="tokens")
    assert any(p.startswith("order risk") and "'CEO'" in p for p in article.qa.problems)
    merged = _run(house, _story("said Microsoft CEO Satya Nadella"), lambda x: x)
    assert not any(p.startswith("order risk") for p in merged.qa.problems)


def test_story_clock_comes_from_the_dateline_city(house: Glossary) -> None:
    late = datetime(2023, 11, 23, 23, tzinfo=UTC)  # Friday 06:00 in Jakarta, Thursday 15:00 in San Francisco
    story = _story("Police said on Friday.").model_copy(update={"version_created": late})
    jakarta = _run(house, story, lambda x: x)
    sf = _run(house, story.model_copy(update={"dateline": Dateline(text="San Francisco", city="San Francisco")}),
              lambda x: x)
    assert "pada Jumat (24/11)" in jakarta.body[0].text
    assert "pada Jumat (17/11)" in sf.body[0].text
