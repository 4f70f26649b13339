"""Language routing on the body, fall-back to the feed's language, and the output check."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from adapters.errors import PermanentError
from adapters.language import check_output, detect_language, route

EN = (
    "Hundreds of OpenAI staff threatened on Monday to quit the leading artificial intelligence company "
    "and join Microsoft, deepening a crisis triggered by the shock firing of chief executive Sam Altman."
)
ID = (
    "Ratusan staf OpenAI mengancam akan keluar dari perusahaan kecerdasan buatan terkemuka tersebut pada "
    "Senin dan bergabung dengan Microsoft, memperdalam krisis yang dipicu oleh pemecatan CEO Sam Altman."
)
FR = (
    "Des centaines d'employés d'OpenAI ont menacé lundi de quitter l'entreprise et de rejoindre Microsoft, "
    "aggravant la crise déclenchée par le limogeage surprise de son patron Sam Altman."
)


def test_real_indonesian_story_routes_to_english(shared_dir: Path) -> None:
    body = (shared_dir / "examples" / "seed-article-id.txt").read_text(encoding="utf-8")
    r = route(body, "id")
    assert (r.source, r.target, r.detected, r.note) == ("id", "en", "id", None)


def test_english_body_wins_over_wrong_declaration() -> None:
    r = route(EN, "id")
    assert (r.source, r.target) == ("en", "id") and r.note and "declares" in r.note


@pytest.mark.parametrize("body", ["", "Hello", "12 345 678", "bur-dar-gl/fz"])
def test_short_text_falls_back_to_declared_language_with_note(body: str) -> None:
    r = route(body, "en-GB")
    assert (r.source, r.target, r.detected) == ("en", "id", None) and r.note


def test_unroutable_language_is_permanent() -> None:
    with pytest.raises(PermanentError):
        route(FR, "fr")
    with pytest.raises(PermanentError):
        route("Hi", None)


def test_malay_tags_count_as_indonesian() -> None:
    assert route("Halo", "ms").source == "id"


def test_detection_is_deterministic_across_threads() -> None:
    results: list[tuple[str | None, float]] = []
    threads = [threading.Thread(target=lambda: results.append(detect_language(ID))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and results[0][0] == "id"


def test_output_check() -> None:
    assert check_output(ID, "id") is None
    problem = check_output(EN, "id")
    assert problem and "'en'" in problem
    assert check_output("[id] ok", "id") is None  # too short to judge
