"""The bench machinery at a tiny size: result structure and correctness facts (B2, B5), never timing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import env
from bench.engine_server import EngineProcess, LibreLikeServer, pseudo_translate
from bench.report import Result, markdown
from bench.scenarios import Options, b2_revision, b5_idempotency
from bench.stories import make_story
from infra.seaweed import SeaweedServer
from tests.support.s3 import ADMIN


@pytest.fixture()
def store(seaweed: SeaweedServer) -> env.Store:
    return env.Store(seaweed.endpoint_url, ADMIN.access_key, ADMIN.secret_key)


def test_synthetic_stories_are_deterministic_afp_size_and_parse() -> None:
    from adapters.wire import parse_wire

    a, b = make_story(7), make_story(7)
    assert a.xml == b.xml and make_story(8).xml != a.xml
    assert len(a.paragraphs) == 12 and 4000 <= a.characters <= 6500
    story = parse_wire(a.xml, "bench.xml")[0]
    assert [blk.text for blk in story.body] == list(a.paragraphs)
    revised = make_story(7, version=2, changed=(5,))
    assert [i for i, (x, y) in enumerate(zip(a.paragraphs, revised.paragraphs, strict=True)) if x != y] == [5]


def test_engine_keeps_placeholders_and_reads_as_indonesian() -> None:
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    out = pseudo_translate(make_story(1).paragraphs[0] + " ZX001Q and 5.08 million", "id")
    assert "ZX001Q" in out and "5.08" in out
    assert detect(out) == "id"


def test_engine_server_caps_concurrency(tmp_path: Path) -> None:
    import concurrent.futures

    import httpx

    with LibreLikeServer(latency=0.05, concurrency=2) as eng:
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda i: httpx.post(eng.url + "translate", params={
                "q": f"The minister spoke {i}", "source": "en", "target": "id"}).json(), range(6)))
    assert eng.stats.requests == 6 and eng.stats.peak_in_flight == 2
    # Seat-seconds: 6 answers of 50 ms; two seats make the span at least three answers long.
    assert eng.stats.busy >= 6 * 0.05 and eng.stats.last_at - eng.stats.first_at >= 3 * 0.05
    assert all("translatedText" in a for a in answers)


def test_engine_process_serves_and_counts_over_http() -> None:
    import httpx

    with EngineProcess(latency=0.0, concurrency=2) as eng:
        first = httpx.post(eng.url + "translate", params={"q": "The minister spoke", "source": "en", "target": "id"})
        counted = eng.reset()
        after = eng.reset()
    assert first.status_code == 200 and first.json()["translatedText"]
    assert (counted.requests, counted.characters) == (1, len("The minister spoke"))
    assert after.requests == 0


def _verdicts(r: Result) -> dict[str, bool | None]:
    return {f.name: f.passed for f in r.figures}


def test_b2_and_b5_at_tiny_size(store: env.Store, prefect_harness: None, tmp_path: Path) -> None:
    opts = Options(b2_stories=3, b5_stories=3, latency=0.01, workers=4)
    b2 = b2_revision(store, tmp_path, opts)
    assert b2.key == "B2" and b2.figures
    assert b2.facts["v1_delivered"] == 3 and b2.facts["v2_delivered"] == 3
    assert 0 < b2.facts["v2_chars"] < b2.facts["v1_chars"]
    assert _verdicts(b2)["v2 / v1 characters"] == (b2.facts["ratio"] <= 0.10)

    b5 = b5_idempotency(store, tmp_path, opts)
    assert b5.facts["first_delivered"] == 3 and b5.facts["first_objects"] > 0
    assert b5.facts["written"] == 0 and b5.facts["rerun_requests"] == 0
    assert _verdicts(b5)["objects written on rerun"] is True

    doc = markdown([b2, b5], ["--stories", "3"], 1.0)
    assert "## B2" in doc and "## B5" in doc and "| v2 / v1 characters |" in doc


def test_b1_reports_the_median_of_fresh_runs(store: env.Store, prefect_harness: None, tmp_path: Path) -> None:
    from bench.scenarios import b1_throughput

    opts = Options(b1_stories=3, b1_rounds=3, baseline_sample=1, latency=0.01, engine_concurrency=2, b1_workers=2)
    b1 = b1_throughput(store, tmp_path, opts)
    runs = b1.facts["runs"]
    assert len(runs) == 3 and b1.facts["delivered"] == 3  # every run delivered all three, each on a fresh install
    assert b1.facts["seconds"] == sorted(runs)[1]  # the run reported in full is the median one
    efficiency = next(f for f in b1.figures if f.name == "efficiency vs ideal")
    assert efficiency.value.count(", ") == 2 and "median of runs" in efficiency.value
    assert efficiency.passed == (b1.facts["efficiency"] >= 0.9)
    allowed = next(f for f in b1.figures if f.name == "efficiency this host allows")
    ideal = b1.facts["efficiency"] * b1.facts["seconds"]
    assert b1.facts["allowed"] == pytest.approx(min(1.0, ideal / b1.facts["cpu"]))
    assert f"≤ {b1.facts['allowed']:.2f}" in allowed.value
    # The host bound adds the other processes' CPU (Prefect API, engine, SeaweedFS) spread over the cores.
    host = b1.facts["host_cpu"]
    assert host > b1.facts["cpu"]  # the engine and SeaweedFS answered: they spent CPU too
    cores = os.cpu_count() or 1
    assert b1.facts["cores_allow"] == pytest.approx(min(1.0, ideal / max(b1.facts["cpu"], host / cores)))
    assert b1.facts["cores_allow"] <= b1.facts["allowed"]
    used = next(f for f in b1.figures if f.name == "CPU on the host over the run")
    assert f"flow process {b1.facts['cpu']:.1f} s" in used.value
    assert b1.facts["others"]["SeaweedFS"] > 0 and b1.facts["others"]["engine"] > 0
