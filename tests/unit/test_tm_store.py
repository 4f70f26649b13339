"""Translation memory on SQLite (and PostgreSQL when reachable) plus TMX 1.4 round trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.db import make_engine
from adapters.errors import PermanentError
from adapters.tm import MemoryTranslationMemory, SqlTranslationMemory, TranslationMemory
from adapters.tmx import export_tmx, import_tmx
from tests.support.pg import pg_schema_engine


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TranslationMemory]:
    if request.param == "memory":
        yield MemoryTranslationMemory()
    elif request.param == "sqlite":
        yield SqlTranslationMemory(make_engine(f"sqlite:///{tmp_path / 'kawat.db'}"))
    else:
        with pg_schema_engine("tm") as eng:
            yield SqlTranslationMemory(eng)


def test_lookup_is_keyed_by_langs_engine_and_glossary(tm: TranslationMemory) -> None:
    tm.store([("The  cat sat.", "Kucing duduk.")], "en", "id", "google", "g1")
    assert tm.lookup(["The cat sat.", "Unknown."], "en", "id", "google", "g1") == {"The cat sat.": "Kucing duduk."}
    assert tm.lookup(["The cat sat."], "en", "id", "deepl", "g1") == {}
    assert tm.lookup(["The cat sat."], "en", "id", "google", "g2") == {}
    assert tm.lookup(["The cat sat."], "id", "en", "google", "g1") == {}


def test_restore_overwrites_machine_entry(tm: TranslationMemory) -> None:
    tm.store([("A line.", "Satu.")], "en", "id", "google", None)
    tm.store([("A line.", "Sebuah baris.")], "en", "id", "google", None)
    assert tm.lookup(["A line."], "en", "id", "google", None) == {"A line.": "Sebuah baris."}


def test_human_entry_wins_for_any_engine(tm: TranslationMemory) -> None:
    tm.store([("A line.", "Mesin.")], "en", "id", "google", "g1")
    tm.store([("A line.", "Manusia.")], "en", "id", "editor", None, origin="human")
    assert tm.lookup(["A line."], "en", "id", "google", "g1") == {"A line.": "Manusia."}
    assert tm.lookup(["A line."], "en", "id", "deepl", "g9") == {"A line.": "Manusia."}


def test_tmx_round_trip_loads_post_edits_as_human(tm: TranslationMemory, tmp_path: Path) -> None:
    tm.store([("Fish & chips <3.", "Ikan & keripik <3."), ("Two.", "Dua.")], "en", "id", "google", None)
    out = tmp_path / "out.tmx"
    assert export_tmx(tm, out, "en", "id") == 2
    edited = out.read_text(encoding="utf-8").replace("Dua.", "Dua (disunting).")
    (tmp_path / "edited.tmx").write_text(edited, encoding="utf-8")
    fresh = MemoryTranslationMemory()
    assert import_tmx(fresh, tmp_path / "edited.tmx") == 2
    assert fresh.lookup(["Two.", "Fish & chips <3."], "en", "id", "any", None) == {
        "Two.": "Dua (disunting).",
        "Fish & chips <3.": "Ikan & keripik <3.",
    }
    assert import_tmx(tm, tmp_path / "edited.tmx") == 2
    assert tm.lookup(["Two."], "en", "id", "google", None) == {"Two.": "Dua (disunting)."}


def test_import_accepts_region_tags_and_inline_markup(tm: TranslationMemory, tmp_path: Path) -> None:
    tmx = tmp_path / "cat.tmx"
    tmx.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="CAT" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="en-US" srclang="id-ID" datatype="plaintext"/>
<body>
 <tu><tuv xml:lang="id-ID"><seg>Presiden <ph x="1">&lt;b&gt;</ph>berbicara.</seg></tuv>
     <tuv xml:lang="EN-GB"><seg>The president spoke.</seg></tuv></tu>
 <tu><tuv xml:lang="id-ID"><seg></seg></tuv><tuv xml:lang="en-GB"><seg>Orphan.</seg></tuv></tu>
</body></tmx>""",
        encoding="utf-8",
    )
    assert import_tmx(tm, tmx) == 1
    assert tm.lookup(["Presiden <b>berbicara."], "id", "en", "x", None) == {"Presiden <b>berbicara.": "The president spoke."}


def test_import_refuses_entity_expansion(tm: TranslationMemory, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv></tu></body></tmx>'
    )
    with pytest.raises(PermanentError):
        import_tmx(tm, bomb)


def test_sql_memory_persists_across_instances(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x' / 'kawat.db'}"
    SqlTranslationMemory(make_engine(url)).store([("Kept.", "Disimpan.")], "en", "id", "libre", None)
    assert SqlTranslationMemory(make_engine(url)).lookup(["Kept."], "en", "id", "libre", None) == {"Kept.": "Disimpan."}
