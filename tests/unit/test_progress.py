"""Progress events reach the listener on the installed container, and nothing else: no module state."""

from __future__ import annotations

from pathlib import Path

from flows import progress
from flows.bootstrap import bootstrap, set_container
from flows.settings import Settings


def test_events_go_to_the_containers_listener_and_a_broken_one_never_breaks_a_run(tmp_path: Path) -> None:
    c = bootstrap(Settings(data_dir=tmp_path, database_url="sqlite://", engine="dry-run"))
    heard: list[tuple[str, str]] = []
    set_container(c)
    try:
        progress.report("ingested", "nobody listens yet")
        c.on_progress = lambda event, detail: heard.append((event, detail))
        progress.report("ingested", "a.xml")
        c.on_progress = lambda event, detail: 1 / 0
        progress.report("delivered", "s1")  # swallowed
        set_container(None)
        progress.report("localized", "no container: nothing happens, nothing is built")
    finally:
        set_container(None)
    assert heard == [("ingested", "a.xml")]
