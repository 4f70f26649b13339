"""The `kawat` command line as an editor or operator uses it (exit codes, output, files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.bootstrap import set_container
from flows.cli import app

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no kawat.toml here: embedded defaults, state under ./.kawat
    monkeypatch.setenv("KAWAT_DATA_DIR", str(tmp_path / "state"))
    yield
    set_container(None)


def test_inspect_prints_story_json_and_exits_zero() -> None:
    result = runner.invoke(app, ["inspect", str(FIXTURES / "newsml12-text-rev2.xml")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["story_id"].startswith("afp.com-") and doc["version"] == 2 and doc["body"]


def test_inspect_rejects_bad_files_with_one_line_reason_and_exit_2() -> None:
    bad = FIXTURES / "hostile" / "xxe.xml"
    result = runner.invoke(app, ["inspect", str(FIXTURES / "ninjs2.json"), str(bad)])
    assert result.exit_code == 2
    err_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(err_lines) == 1 and err_lines[0].startswith(f"{bad}: ")
    assert json.loads(result.stdout)["source_format"] == "ninjs"


def test_translate_prints_valid_ninjs_and_says_dry_run(shared_dir: Path) -> None:
    from jsonschema import Draft202012Validator

    result = runner.invoke(app, ["translate", str(FIXTURES / "newsml12-text-rev1.xml"), "--to", "id", "--engine", "dry-run"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    schema = json.loads((shared_dir / "schemas" / "ninjs-schema_2.2.json").read_text())
    assert not list(Draft202012Validator(schema).iter_errors(doc))
    assert doc["language"] == "id" and "NOT translated" in doc["ednote"]


def test_translate_refuses_unknown_target() -> None:
    result = runner.invoke(app, ["translate", str(FIXTURES / "ninjs2.json"), "--to", "fr"])
    assert result.exit_code == 2


def test_glossary_lint_passes_on_the_packaged_term_base_and_fails_on_a_broken_one(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["glossary", "lint"])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "terms"
    bad.mkdir()
    (bad / "x.csv").write_text("en,id,type,case_sensitive,pos,note,domain\nboard,dewan,translate,,,,\nboard,papan,translate,,,,\n,kosong,translate,,,,\n")
    result = runner.invoke(app, ["glossary", "lint", str(bad)])
    assert result.exit_code == 1 and "error" in result.stdout


def test_glossary_tbx_round_trip(tmp_path: Path) -> None:
    tbx = tmp_path / "terms.tbx"
    assert runner.invoke(app, ["glossary", "export", str(tbx)]).exit_code == 0
    back = tmp_path / "back.csv"
    result = runner.invoke(app, ["glossary", "import", str(tbx), "--to", str(back)])
    assert result.exit_code == 0
    from glossary import load_glossary, read_csv

    assert len(read_csv(back).entries) == len(load_glossary().entries)


def test_tm_import_then_export_keeps_human_units(tmp_path: Path) -> None:
    tmx = tmp_path / "in.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="en" datatype="plaintext" '
        'segtype="paragraph" adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="x"/><body>'
        '<tu><tuv xml:lang="en"><seg>The board met on Monday.</seg></tuv>'
        '<tuv xml:lang="id"><seg>Dewan direksi bertemu pada Senin.</seg></tuv></tu></body></tmx>'
    )
    assert runner.invoke(app, ["tm", "import", str(tmx)]).exit_code == 0
    out = tmp_path / "out.tmx"
    result = runner.invoke(app, ["tm", "export", "--tmx", str(out)])
    assert result.exit_code == 0 and "exported 1" in result.stdout
    assert "Dewan direksi bertemu pada Senin." in out.read_text()


def test_deliveries_lists_an_empty_ledger() -> None:
    result = runner.invoke(app, ["deliveries", "--state", "failed"])
    assert result.exit_code == 0 and "Deliveries" in result.stdout


def test_deliveries_show_revisions_blocked_by_a_kill_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.db import make_engine
    from adapters.ledger import DeliveryKey, DeliveryLedger
    from flows import terminal
    from flows.settings import load_settings

    ledger = DeliveryLedger(make_engine(load_settings().db_url))
    key = DeliveryKey("harian-nusantara", "afp.com-20231120-TX-PAR-WGF71", "id", 4)
    ledger.mark_blocked(key, reason="blocked by kill (Legal: withdrawn)")
    monkeypatch.setattr(terminal.out, "width", 250)  # one table row per line, as on an operator's terminal
    result = runner.invoke(app, ["deliveries", "--state", "blocked"])
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.stdout.splitlines() if "TX-PAR-WGF71" in line]
    assert "harian-nusantara" in row and "│ blocked" in row and "blocked by kill (Legal: withdrawn)" in row


def test_partners_provision_writes_seaweed_identities_and_aws_documents(tmp_path: Path, seaweed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Against the real S3 server: buckets made, one read-only identity per partner, admin kept."""
    import uuid

    from infra.seaweed import IdentitiesFile
    from tests.support.s3 import ADMIN

    tag = uuid.uuid4().hex[:6]
    ids_file = tmp_path / "s3.json"
    IdentitiesFile(ids_file).reload([ADMIN])
    (tmp_path / "kawat.toml").write_text(f"""
[storage]
endpoint_url = "{seaweed.endpoint_url}"
access_key_env = "T_ADMIN_KEY"
secret_key_env = "T_ADMIN_SECRET"

[[partners]]
id = "cli-a-{tag}"
bucket = "cli-a-{tag}"
prefix = "kawat"
""")
    monkeypatch.setenv("T_ADMIN_KEY", ADMIN.access_key)
    monkeypatch.setenv("T_ADMIN_SECRET", ADMIN.secret_key)
    result = runner.invoke(app, ["partners", "provision", "--config", str(tmp_path / "kawat.toml"),
                                 "--seaweed-identities", str(ids_file), "--aws-out", str(tmp_path / "aws")])
    assert result.exit_code == 0, result.output
    names = {i.name: i for i in IdentitiesFile(ids_file).identities}
    assert ADMIN.name in names and names[ADMIN.name].actions == ADMIN.actions
    partner = next(i for n, i in names.items() if f"cli-a-{tag}" in n)
    assert all(a.startswith(("Read:", "List:")) for a in partner.actions)
    assert partner.access_key in result.stdout
    writer = names["kawat-writer"]
    assert writer.access_key in result.stdout and writer.secret_key in result.stdout, "the writer's keys are shown once"
    assert list((tmp_path / "aws").rglob("*.json"))
    # Only the identities file the operator named holds keys; nothing else written here (or in the repo) does.
    for path in [*tmp_path.rglob("*"), *(REPO / "infra").rglob("*")]:
        if path.is_file() and path != ids_file:
            assert writer.secret_key not in path.read_text(errors="ignore"), path
    from tests.support.s3 import client_for

    assert client_for(seaweed, ADMIN).head_bucket(Bucket=f"cli-a-{tag}")


def test_a_broken_config_is_one_clear_line_and_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from flows.cli import main

    bad = tmp_path / "kawat.toml"
    bad.write_text("[kawat\nengine = google\n")
    monkeypatch.setattr("sys.argv", ["kawat", "deliveries", "--config", str(bad)])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kawat: ") and str(bad) in err[0]


def test_translate_never_sends_embargoed_copy_to_a_public_engine(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    release = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y%m%dT%H%M%SZ").encode()
    wire = tmp_path / "embargoed.xml"
    wire.write_bytes((FIXTURES / "newsml12-embargoed.xml").read_bytes().replace(b"20240305T130000Z", release))
    public = runner.invoke(app, ["translate", str(wire), "--to", "id", "--engine", "google"])
    assert public.exit_code == 1 and "confidential" in public.output.lower()
    private = runner.invoke(app, ["translate", str(wire), "--to", "id", "--engine", "dry-run"])
    assert private.exit_code == 0, private.output


def test_deliveries_state_held_and_conflict_list_what_waits_and_what_was_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.db import make_engine
    from adapters.stories import StoryStore
    from adapters.wire import parse_wire
    from flows import terminal
    from flows.settings import load_settings

    store = StoryStore(make_engine(load_settings().db_url))
    held = parse_wire((FIXTURES / "newsml12-embargoed.xml").read_bytes(), "e.xml")[0]
    store.record(held)
    store.mark_held(held.story_id, held.version)
    real = parse_wire((FIXTURES / "newsml12-text-rev1.xml").read_bytes(), "r.xml")[0]
    store.record(real)
    impostor = real.model_copy(update={"headline": "Impostor"})
    assert store.record(impostor, source="drop/impostor.xml").kind == "conflict"
    monkeypatch.setattr(terminal.out, "width", 400)
    result = runner.invoke(app, ["deliveries", "--state", "held"])
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.stdout.splitlines() if held.story_id in line]
    assert "│ held" in row and f"{held.embargoed:%Y-%m-%d %H:%M} UTC" in row
    assert real.story_id not in result.stdout and "Deliveries" not in result.stdout
    result = runner.invoke(app, ["deliveries", "--state", "conflict"])
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.stdout.splitlines() if real.story_id in line]
    assert real.content_hash in row and impostor.content_hash in row and "drop/impostor.xml" in row
    everything = runner.invoke(app, ["deliveries"]).stdout
    assert "Held for embargo" in everything and "Content conflicts" in everything
