"""A run over a mixed drop folder: good files recorded once, revisions ordered, bad files quarantined."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import services.ingest
from adapters.sources.folder import FolderSource
from flows.bootstrap import bootstrap
from flows.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"


@pytest.fixture
def container(tmp_path: Path):  # type: ignore[no-untyped-def]
    return bootstrap(Settings(data_dir=tmp_path / "state", engine="dry-run", partners=[]))


def _ingest_all(c, inbox: Path) -> dict[str, services.ingest.IngestResult]:  # type: ignore[no-untyped-def]
    source = FolderSource(inbox, name="drop")
    return {Path(r.file).name: r for r in (services.ingest.ingest_file(c, source, item) for item in source.poll())}


def test_mixed_folder_records_good_and_quarantines_hostile(container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = [p for p in FIXTURES.iterdir() if p.is_file() and "rev" not in p.name]
    for p in good:
        shutil.copy2(p, inbox / p.name)
    hostile = sorted((FIXTURES / "hostile").iterdir())
    for p in hostile:
        shutil.copy2(p, inbox / f"hostile-{p.name}")
    french = json.loads((FIXTURES / "ninjs2.json").read_text())
    french.update(uri="urn:test:fr-1", language="fr")
    french["headlines"] = [{"role": "main", "value": "Inondations à Marseille"}]
    french["bodies"] = [{"role": "main", "contenttype": "text/plain", "value": (
        "Des milliers de maisons ont été inondées dimanche à Marseille, selon les autorités locales qui "
        "ont appelé les habitants à la prudence. La pluie est tombée toute la nuit sur la ville.")}]
    (inbox / "french.json").write_text(json.dumps(french, ensure_ascii=False))
    (inbox / "big.xml").write_bytes(b"<NewsML>" + b" " * (6 * 1024 * 1024) + b"</NewsML>")

    results = _ingest_all(container, inbox)
    quarantine = inbox / "quarantine"
    # Accepted on purpose: valid UTF-8 under a Latin-1 label is read as UTF-8; a traversal id is sanitized.
    accepted = {"hostile-mislabelled-utf8.xml", "hostile-path-traversal-id.xml"}
    for name in accepted:
        (sid, _, _), = results[name].stories
        assert "/" not in sid and ".." not in sid
    for p in hostile:
        name = f"hostile-{p.name}"
        if name in accepted:
            continue
        assert results[name].error, name
        assert (quarantine / name).exists() and (quarantine / f"{name}.reason.txt").read_text().strip()
    assert "language" in results["french.json"].error.lower() or "fr" in results["french.json"].error
    assert "big.xml" in {p.name for p in quarantine.iterdir()}
    # The ISO-8859-1 fixture parses, but it is French copy: refused for its language, not its encoding.
    assert "'fr'" in results["newsml12-latin1.xml"].error
    # Its embargo is 2099-01-01: far beyond any real embargo, refused with the setting that bounds it.
    assert "max_embargo_days" in results["g2-newsitem.xml"].error
    for p in good:
        if p.name in ("newsml12-latin1.xml", "g2-newsitem.xml"):
            continue
        assert results[p.name].error is None, (p.name, results[p.name].error)
        assert (inbox / "processed" / p.name).exists()
    assert not list(inbox.glob("*.xml")) and not list(inbox.glob("*.json"))


def test_revisions_duplicates_and_stale_versions(container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outcomes = []
    for name in ["newsml12-text-rev1.xml", "newsml12-text-rev3.xml", "newsml12-text-rev2.xml", "newsml12-text-rev3.xml"]:
        shutil.copy2(FIXTURES / name, inbox / name)
        outcomes += [s for r in _ingest_all(container, inbox).values() for s in r.stories]
    kinds = [kind for _, _, kind in outcomes]
    assert kinds == ["new", "update", "stale", "duplicate"]
    story_id = outcomes[0][0]
    assert {sid for sid, _, _ in outcomes} == {story_id}
    assert container.stories.get(story_id).version == 3


def test_embargoed_story_is_held_until_release(container, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(FIXTURES / "newsml12-embargoed.xml", inbox / "e.xml")
    (sid, version, kind), = [s for r in _ingest_all(container, inbox).values() for s in r.stories]
    story = container.stories.get(sid)
    assert story.embargoed is not None
    if story.embargoed > datetime.now(UTC):
        assert kind == "held"
        assert services.ingest.release_embargoes(container, story.embargoed - timedelta(seconds=1)) == []
        assert services.ingest.release_embargoes(container, story.embargoed + timedelta(seconds=1)) == [(sid, version)]
        assert services.ingest.release_embargoes(container, story.embargoed + timedelta(seconds=2)) == []
    else:  # a fixture embargo already in the past is simply deliverable
        assert kind == "new"


def test_byte_identical_resend_is_a_no_op_without_parsing(container, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(FIXTURES / "newsml12-text-rev1.xml", inbox / "a.xml")
    ((sid, version, kind),) = [s for r in _ingest_all(container, inbox).values() for s in r.stories]
    assert kind == "new"

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a byte-identical re-send must not be parsed again")

    monkeypatch.setattr(services.ingest, "parse_wire", boom)
    shutil.copy2(FIXTURES / "newsml12-text-rev1.xml", inbox / "a-resent.xml")
    results = _ingest_all(container, inbox)
    assert results["a-resent.xml"].stories == [(sid, version, "duplicate")]
    assert (inbox / "processed" / "a-resent.xml").exists()
