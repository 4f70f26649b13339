"""docs/examples/ is Kawat's real output: a sample day rendered and delivered by the real code, compared byte for byte.

Two sample stories from samples/wire go to two partners through the real ingest, localize, render and
publisher code (a memory bucket and a fixed clock stand in for S3 and time): the Indonesian original
to an Indonesian partner (delivered, corrected by an editor, killed) and the English picture story to
an English partner. Regenerate after an intended contract change with:

    KAWAT_WRITE_EXAMPLES=1 .venv/bin/pytest tests/unit/test_contract_examples.py
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from jsonschema import Draft202012Validator

from adapters.articles import MemoryArticleStore
from adapters.config import PartnerConfig
from adapters.media import MemoryMediaStore
from adapters.sources.memory import MemorySource
from adapters.storage.store import MemoryPartnerStore
from adapters.stories import MemoryStoryStore
from adapters.tm import MemoryTranslationMemory
from adapters.worklog import MemoryWorkLog
from flows.bootstrap import bootstrap
from flows.settings import Settings
from services import ingest, kill, process, review

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"
SAMPLES = REPO / "samples" / "wire"
FEED_SCHEMA = json.loads((REPO / "docs" / "schemas" / "feed-line.schema.json").read_text())
NINJS_SCHEMA = REPO / "newsroom" / "schemas" / "ninjs-schema_2.2.json"


class Clock:
    """Advances one minute per reading: every moment in the examples is distinct and reproducible."""

    def __init__(self) -> None:
        self.now = datetime(2023, 11, 22, 11, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def _head(store: MemoryPartnerStore, key: str) -> bytes:
    obj = store.objects[key]
    doc = {"Key": key, "ContentType": obj.content_type, "CacheControl": obj.cache_control,
           "Metadata": dict(sorted(obj.metadata.items()))}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def generate(tmp_path: Path) -> dict[str, bytes]:
    """Run the sample day and pick the objects the contract document shows."""
    partners = [
        PartnerConfig(id="harian-nusantara", bucket="harian-nusantara", prefix="kawat", languages=["id"],
                      formats=["ninjs", "html", "text"]),
        PartnerConfig(id="jakarta-english", bucket="jakarta-english", prefix="kawat", languages=["en"],
                      formats=["ninjs", "html", "text"]),
    ]
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", engine="dry-run", allow_dry_run=True,
                        partners=partners, editor="Lili Lestari")
    stores = {p.id: MemoryPartnerStore(bucket=p.bucket) for p in partners}
    c = bootstrap(settings, stories=MemoryStoryStore(), articles=MemoryArticleStore(),
                  tm=MemoryTranslationMemory(), media=MemoryMediaStore(), work=MemoryWorkLog(), stores=stores,
                  clock=Clock())
    source = MemorySource(name="wire")
    for name in ("ninjs-id-tambang-nikel.json", "afp-en-volcano-mmd.xml", "9f2c1ab7-highdef.jpg",
                 "9f2c1ab7-quicklook.jpg", "9f2c1ab7-thumbnail.jpg"):
        source.add(name, (SAMPLES / name).read_bytes())
    ids = [sid for item in source.poll() for sid, _v, _k in ingest.ingest_file(c, source, item).stories]
    by_lang = {c.stories.get(sid).language: sid for sid in ids}  # type: ignore[union-attr]
    nikel, volcano = by_lang["id"], by_lang["en"]
    for sid in ids:
        assert process.process(c, sid, run_id="examples").error is None

    ind, eng = stores["harian-nusantara"], stores["jakarta-english"]
    out: dict[str, bytes] = {}
    v11 = next(k for k in ind.objects if k.endswith(f"/{nikel}/v1.1.json"))
    out["article-v1.1.json"] = ind.objects[v11].data
    out["article-v1.1.txt"] = ind.objects[v11[: -len("json")] + "txt"].data
    out["object-metadata.json"] = _head(ind, v11)
    html = next(k for k in eng.objects if k.endswith(".html") and f"/{volcano}/" in k)
    out["picture-story-v1.1.html"] = eng.objects[html].data
    out["picture-story-keys.txt"] = "".join(k + "\n" for k in sorted(eng.objects) if f"/{volcano}/" in k).encode()

    story = c.stories.get(nikel)
    assert story is not None
    corrected = review.decide(c, nikel, "id", approve=True, headline=story.headline + " (ralat)")
    assert [r.state for r in corrected.records if r.partner == "harian-nusantara"] == ["delivered"]
    records = kill.kill(c, nikel, "Legal: the agency withdrew the story")
    assert [r.state for r in records if r.partner == "harian-nusantara"] == ["revoked"]
    latest = next(k for k in ind.objects if k.endswith(f"/{nikel}/latest.json"))
    out["latest-tombstone.json"] = ind.objects[latest].data
    out["feed.ndjson"] = b"".join(ind.objects[k].data for k in sorted(ind.objects) if "/feed/" in k)
    out["feed-keys.txt"] = "".join(k + "\n" for k in sorted(ind.objects) if "/feed/" in k).encode()
    return out


def test_docs_examples_are_what_kawat_writes(tmp_path: Path) -> None:
    generated = generate(tmp_path)
    if os.environ.get("KAWAT_WRITE_EXAMPLES") == "1":
        for old in EXAMPLES.iterdir():
            old.unlink()
        for name, data in generated.items():
            (EXAMPLES / name).write_bytes(data)
    on_disk = {p.name: p.read_bytes() for p in EXAMPLES.iterdir()}
    assert sorted(on_disk) == sorted(generated), "docs/examples holds files Kawat does not write (or lacks some)"
    for name, data in generated.items():
        assert on_disk[name] == data, (f"docs/examples/{name} differs from Kawat's output; if the change is "
                                       "intended, regenerate with KAWAT_WRITE_EXAMPLES=1")


def test_the_examples_show_the_contract(tmp_path: Path) -> None:
    """What the contract document says the examples show, checked on the generated output."""
    ex = generate(tmp_path)
    ninjs = Draft202012Validator(json.loads(NINJS_SCHEMA.read_text()))
    for name in ("article-v1.1.json", "latest-tombstone.json"):
        assert list(ninjs.iter_errors(json.loads(ex[name]))) == [], name
    lines = [json.loads(line) for line in ex["feed.ndjson"].decode().splitlines()]
    feed = Draft202012Validator(FEED_SCHEMA)
    for line in lines:
        assert list(feed.iter_errors(line)) == [], line
    assert [x["seq"] for x in lines] == [1, 2, 3, 4]
    assert ex["feed-keys.txt"].decode().split() == [f"kawat/feed/{n:012d}.ndjson" for n in (1, 2, 3, 4)]
    mine = [x for x in lines if x["key"].startswith("kawat/id/") and x["story"] != lines[0]["story"]]
    assert [(x["version"], x["edition"], x["pubstatus"], x["signal"]) for x in mine] == [
        (1, 1, "usable", "new"), (1, 2, "usable", "correction"), (1, 3, "canceled", "kill")]
    assert all(x["key"].endswith(f"/v{x['version']}.{x['edition']}.json") for x in lines)
    tomb = json.loads(ex["latest-tombstone.json"])
    assert tomb["version"] == "1.3" and tomb["pubstatus"] == "canceled" and "bodies" not in tomb
    assert tomb["uri"].startswith("urn:kawat:") and json.loads(ex["article-v1.1.json"])["uri"] == tomb["uri"]
    head = json.loads(ex["object-metadata.json"])
    assert head["ContentType"] == "application/json; charset=utf-8" and "immutable" in head["CacheControl"]
    assert {"story", "version", "edition", "lang", "pubstatus", "sha256", "kind"} <= set(head["Metadata"])
    keys = ex["picture-story-keys.txt"].decode().split()
    html = ex["picture-story-v1.1.html"].decode()
    (src,) = [part.split('"')[0] for part in html.split('<img src="')[1:]]
    assert src.startswith("pictures/") and "highdef" in src
    assert any(k.endswith("/" + src) for k in keys)  # resolves relative to the .html key
