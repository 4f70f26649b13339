"""StoryStore on SQLite and PostgreSQL, and its MemoryStoryStore fake: the same outcomes from all three."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.db import make_engine
from adapters.stories import MemoryStoryStore, StoryStore, stories_table
from adapters.wire import parse_wire
from newsroom.model import Signal
from tests.support.pg import pg_schema_engine

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


def load(name: str):
    return parse_wire((FIX / name).read_bytes(), name)[0]


@pytest.fixture(params=["sqlite", "memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoryStore]:
    if request.param == "memory":  # the fake unit tests use must keep the real store's promises
        yield MemoryStoryStore()
        return
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'stories.db'}")
        yield StoryStore(engine)
        engine.dispose()
        return
    with pg_schema_engine("kawat_stories") as engine:  # a schema of its own: parallel runs never share rows
        yield StoryStore(engine)


def test_revisions_new_update_duplicate_stale(store: StoryStore) -> None:
    r1, r2, r3, kill = (load(n) for n in ("newsml12-text-rev1.xml", "newsml12-text-rev2.xml",
                                          "newsml12-text-rev3.xml", "newsml12-kill.xml"))
    assert store.record(r1).kind == "new"
    assert store.record(r1).kind == "duplicate"
    assert store.record(r3).kind == "update"
    late = store.record(r2)
    assert late.kind == "stale" and late.previous_version == 3  # not delivered, but kept: nothing is lost
    assert store.record(kill).kind == "update"
    latest = store.get(r1.story_id)
    assert latest is not None and latest.signal is Signal.kill and latest.version == 4
    assert store.get(r1.story_id, 1) == r1
    assert store.get(r1.story_id, 2) == r2 and store.versions(r1.story_id) == [1, 2, 3, 4]
    assert store.latest_versions()[r1.story_id] == 4
    assert r1.story_id in store.list_ids()


def test_changed_content_at_same_version_is_a_conflict_never_applied(store: StoryStore) -> None:
    r1 = load("newsml12-text-rev1.xml")
    store.record(r1)
    changed = r1.model_copy(update={"headline": r1.headline + " (impostor)"})
    outcome = store.record(changed, source="drop/impostor.xml")
    assert outcome.kind == "conflict"
    assert (outcome.stored_hash, outcome.offered_hash) == (r1.content_hash, changed.content_hash)
    assert r1.content_hash in outcome.conflict_reason and changed.content_hash in outcome.conflict_reason
    assert store.get(r1.story_id, 1) == r1  # the stored revision stands
    assert store.record(changed).kind == "conflict"  # offered again: still a conflict, one row
    rows = [k for k in store.conflicts() if k.story_id == r1.story_id]
    assert [(k.version, k.stored_hash, k.offered_hash, k.source) for k in rows] == [
        (1, r1.content_hash, changed.content_hash, "drop/impostor.xml")]


def test_same_copy_with_pictures_added_completes_the_revision(store: StoryStore) -> None:
    mmd = parse_wire((FIX / "mmd" / "newsml12-mmd.xml").read_bytes(), "mmd.xml")[0]
    mmd = mmd.model_copy(update={"item_id": f"PIC-{uuid.uuid4().hex[:8]}"})  # a shared PostgreSQL keeps rows
    bare = mmd.model_copy(update={"pictures": ()})  # first sent while its pictures were refused
    assert store.record(bare).kind == "new"
    assert store.record(mmd).kind == "update"
    assert store.get(mmd.story_id, mmd.version) == mmd


def test_date_folder_is_fixed_by_the_first_recorded_revision(store: StoryStore) -> None:
    r1 = load("newsml12-text-rev1.xml")
    before = r1.model_copy(update={"first_created": None, "version_created": datetime(2024, 3, 5, 23, 59, tzinfo=UTC)})
    after = before.model_copy(update={"version": 2, "version_created": datetime(2024, 3, 6, 0, 1, tzinfo=UTC)})
    store.record(before)
    store.record(after)
    assert store.folder_date(r1.story_id) == datetime(2024, 3, 5, 23, 59, tzinfo=UTC)


def test_held_revisions_are_listed(store: StoryStore) -> None:
    s = load("newsml12-embargoed.xml")
    store.record(s)
    assert all(h.story_id != s.story_id for h in store.held())
    store.mark_held(s.story_id, s.version)
    (mine,) = [h for h in store.held() if h.story_id == s.story_id]
    assert (mine.version, mine.embargo) == (s.version, s.embargoed)
    store.mark_released(s.story_id, s.version)
    assert all(h.story_id != s.story_id for h in store.held())


def test_embargo_hold_and_release(store: StoryStore) -> None:
    s = load("newsml12-embargoed.xml")
    assert store.record(s).kind == "new"
    store.mark_held(s.story_id, s.version)
    before = s.embargoed - timedelta(minutes=1)
    after = s.embargoed + timedelta(seconds=1)
    assert store.held_embargoes(before) == []
    assert [x.story_id for x in store.held_embargoes(after)] == [s.story_id]
    store.mark_released(s.story_id, s.version)
    assert store.held_embargoes(after + timedelta(days=1)) == []


def test_unheld_story_is_not_released(store: StoryStore) -> None:
    s = load("newsml12-embargoed.xml")
    store.record(s)
    assert store.held_embargoes(datetime(2100, 1, 1, tzinfo=UTC)) == []


def test_concurrent_recorders_one_wins(store: StoryStore) -> None:
    if isinstance(store, MemoryStoryStore):
        pytest.skip("the fake lives in one process: there are no concurrent database writers to race")
    base = load("newsml12-text-rev1.xml")
    story = base.model_copy(update={"item_id": f"RACE-{uuid.uuid4().hex[:8]}"})
    engine = store.engine
    stores = [StoryStore(engine) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        kinds = list(pool.map(lambda st: st.record(story).kind, stores))
    assert sorted(kinds) == ["duplicate"] * 5 + ["new"]
    with engine.begin() as conn:
        conn.execute(stories_table.delete().where(stories_table.c.story_id == story.story_id))


def test_two_processes_sqlite(tmp_path: Path) -> None:
    """Separate engines (as separate processes would have) on one SQLite file."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    story = load("newsml12-text-rev1.xml")
    engines = [make_engine(url) for _ in range(4)]
    stores = [StoryStore(e) for e in engines]
    with ThreadPoolExecutor(max_workers=4) as pool:
        kinds = list(pool.map(lambda st: st.record(story).kind, stores))
    assert sorted(kinds) == ["duplicate"] * 3 + ["new"]
