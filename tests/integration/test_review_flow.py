"""Editorial review: a held article pauses `localize`; the editor's form answer delivers it and teaches the TM."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from flows.bootstrap import set_container
from newsroom.model import ReviewState
from tests.support import kawat_env
from tests.support.mt_servers import MTServer

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _drops_first_placeholder(text: str, target: str) -> str:
    """An engine that loses one protected term: the glossary gate must catch it."""
    return re.sub(r"ZX0*0Q", "", kawat_env.language_like(text, target), count=1)


def test_held_article_pauses_until_the_editor_approves_with_a_correction(tmp_path: Path, seaweed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    import services.ingest
    import services.localize
    from adapters.sources.memory import MemorySource
    from flows.editorial import localize

    monkeypatch.setattr("tests.support.mt_servers.fake_translate", _drops_first_placeholder)
    with MTServer() as mt:
        partners = kawat_env.partner_configs(1, languages=[["id"]])
        settings = kawat_env.make_settings(tmp_path, seaweed, partners=partners, engine="libre",
                                           engine_url=f"{mt.url}/", samples=False)
        kawat_env.provision_partners(seaweed, settings)
        c = kawat_env.install(settings)
        try:
            sample = kawat_env.SAMPLES / "afp-en-security-council-drought.xml"
            source = MemorySource(name="m")
            source.add(sample.name, sample.read_bytes())
            ((story_id, _, _),) = services.ingest.ingest_file(c, source, source.poll()[0]).stories

            result: dict = {}
            worker = threading.Thread(target=lambda: result.setdefault("rows", localize(
                story_id=story_id, target_lang="id", review_timeout_minutes=5)))
            worker.start()
            paused = None
            with get_client(sync_client=True) as client:
                for _ in range(200):
                    runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.PAUSED]))))
                    if runs:
                        paused = runs[0]
                        break
                    time.sleep(0.2)
            assert paused is not None, "the localize run never paused for review"
            held = c.articles.get(story_id, "id")
            assert held.review == ReviewState.needs_review
            assert any("lost" in p for p in held.qa.problems)
            assert not c.ledger.rows(story_id=story_id), "nothing is delivered while held"

            fixed = "Dewan Keamanan PBB akan menggelar sidang darurat tentang kekeringan di Sahel."
            resume_flow_run(paused.id, run_input={"decision": "approve", "headline": fixed})
            worker.join(60)
            assert not worker.is_alive()
            assert result["rows"][0]["review"] == "approved"
            approved = c.articles.get(story_id, "id")
            assert approved.review == ReviewState.ok and approved.headline == fixed
            (row,) = c.ledger.rows(story_id=story_id)
            assert row.state == "delivered"
            story = c.stories.get(story_id)
            remembered = c.tm.lookup([story.headline], "en", "id", "libre", c.glossary.version)
            assert remembered.get(story.headline) == fixed
        finally:
            set_container(None)


def test_imported_post_edit_wins_over_the_engine(tmp_path: Path) -> None:
    """A TMX post-edit of a paragraph is used as is on the next localization; the engine never sees it."""
    import services.ingest
    import services.localize
    from adapters.sources.memory import MemorySource
    from flows.bootstrap import bootstrap
    from flows.settings import Settings

    c = bootstrap(Settings(data_dir=tmp_path / "state", engine="dry-run", partners=[]))
    sample = kawat_env.SAMPLES / "afp-en-security-council-drought.xml"
    source = MemorySource(name="m")
    source.add(sample.name, sample.read_bytes())
    ((story_id, _, _),) = services.ingest.ingest_file(c, source, source.poll()[0]).stories
    story = c.stories.get(story_id)
    first = story.body[0].text
    edited = "Dewan Keamanan PBB akan menggelar sidang darurat pada Kamis tentang kekeringan di Sahel."
    c.tm.store([(first, edited)], "en", "id", engine="human", glossary_version=None, origin="human")
    (article,) = services.localize.localize(c, story_id, target="id", force=True)
    assert article.body[0].text == edited
    assert article.body[1].text.startswith("[id]"), "other paragraphs still go to the engine"
