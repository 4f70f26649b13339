"""How runs end: failures counted in the state message, held articles named, one-line errors."""

from __future__ import annotations

from flows.outcome import short, summary
from flows.runs import touched


def test_failed_deliveries_and_holds_are_counted() -> None:
    rows = [
        {"story_id": "s1", "partner": "a", "state": "delivered"},
        {"story_id": "s2", "partner": "a", "state": "failed",
         "detail": "put s3://bucket/out/id/2023/11/20/s2/v1.json: Could not connect to the endpoint URL: "
                   "\"http://127.0.0.1:8333/bucket/out/id/2023/11/20/s2/v1.json\""},
        {"story_id": "s3", "partner": "b", "state": "failed", "detail": "403"},
        {"story_id": "s4", "partner": "-", "state": "needs-review", "detail": "term lost"},
        {"story_id": "-", "partner": "-", "state": "quarantined", "detail": "drop/x.xml: malformed"},
    ]
    message, failed, held, quarantined = summary(rows)
    assert (failed, held, quarantined) == (2, 1, 1)
    assert "1 delivery done" in message and "2 failed" in message
    assert "1 article held for review" in message and "1 file quarantined" in message
    assert "s2/a" in message, "the first failure says which story and partner"
    assert "v1.json" not in message and "http://127.0.0.1:8333/…" in message, "URLs are cut to their host"


def test_short_drops_repeats_and_caps_length() -> None:
    text = "; ".join(["p/id v1: connection refused"] * 30)
    assert short(text) == "p/id v1: connection refused"
    assert len(short("x" * 1000, 80)) == 80


def test_tags_name_only_what_was_touched() -> None:
    tags = touched(stories=["s1", "s1", "-"], partners=["a", "-"], engines=["libre", "tm", "original"])
    assert tags == ["story:s1", "partner:a", "engine:libre"]
