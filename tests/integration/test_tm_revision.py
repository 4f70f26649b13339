"""A new revision of a story sends only its changed paragraphs to a real-protocol engine."""

from __future__ import annotations

from pathlib import Path

from adapters.db import make_engine
from adapters.tm import SqlTranslationMemory
from adapters.translate import build_translator
from adapters.translate.limits import EngineLimits, reset_limiters
from adapters.translate.service import TranslationService
from flows.settings import EngineConfig
from tests.support.mt_servers import MTServer, fake_translate


def test_revision_sends_only_changed_paragraphs(tmp_path: Path) -> None:
    reset_limiters()
    v1 = ["SAN FRANCISCO - Staff threatened to quit.", "- Crisis deepens -", "Altman was fired on Friday.", "bur-dar/fz"]
    v2 = [v1[0], v1[1], "Altman, fired on Friday, joined Microsoft on Monday.", v1[3]]
    with MTServer() as server:
        engine = build_translator("libre", EngineConfig(kind="libre", url=server.url, confidential=True, timeout=5))
        tm = SqlTranslationMemory(make_engine(f"sqlite:///{tmp_path / 'kawat.db'}"))
        svc = TranslationService({"libre": engine}, tm, {"libre": EngineLimits(rate_per_second=1000)})
        first = svc.translate(v1, "en", "id", chain=["libre"], glossary_version="g1")
        sent_v1 = [t for c in server.translate_calls() for t in c.texts]
        second = svc.translate(v2, "en", "id", chain=["libre"], glossary_version="g1")
        sent_v2 = [t for c in server.translate_calls()[len(server.translate_calls()) - second.requests :] for t in c.texts]
    assert first.from_memory == 0 and sum(len(t) for t in sent_v1) >= sum(len(t) for t in v1)
    assert second.requests == 1 and sent_v2 == [v2[2]]
    assert second.from_memory == 3
    assert second.texts == [fake_translate(t, "id") for t in v2]
