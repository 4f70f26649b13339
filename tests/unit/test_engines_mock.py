"""The httpx engines (DeepL, Microsoft) against httpx.MockTransport: wire shape and error mapping, no server.

The real protocol servers in tests/support/mt_servers.py stay for the integration tests; here each
handler answers the way the provider's documentation says it does.
"""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.config import EngineConfig
from adapters.errors import PermanentError, TransientError
from adapters.translate import build_translator
from adapters.translate.deepl import DeepLEngine
from adapters.translate.microsoft import MicrosoftEngine


def _client(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def test_deepl_sends_one_array_request_with_its_key_and_reads_the_translations() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        return httpx.Response(200, json={"translations": [{"text": t.upper()} for t in body["text"]]})

    engine = DeepLEngine("deepl", api_key="k-123:fx", url="https://deepl.test", http=_client(httpx.MockTransport(handler)))
    assert engine.translate(["satu", "dua"], "id", "en") == ["SATU", "DUA"]
    (req,) = seen
    assert req.url == "https://deepl.test/v2/translate" and req.headers["authorization"] == "DeepL-Auth-Key k-123:fx"
    body = json.loads(req.content)
    assert body["text"] == ["satu", "dua"] and body["source_lang"] == "ID" and body["target_lang"] == "EN-US"


def test_deepl_creates_a_glossary_once_and_names_it_in_the_request() -> None:
    calls: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path))
        if request.url.path == "/v2/glossaries" and request.method == "GET":
            return httpx.Response(200, json={"glossaries": []})
        if request.url.path == "/v2/glossaries":
            assert "Presiden\tPresident" in json.loads(request.content)["entries"]
            return httpx.Response(201, json={"glossary_id": "g-1", "ready": True})
        body = json.loads(request.content)
        assert body["glossary_id"] == "g-1"
        return httpx.Response(200, json={"translations": [{"text": "The president"} for _ in body["text"]]})

    engine = DeepLEngine("deepl", api_key="k", url="https://deepl.test", http=_client(httpx.MockTransport(handler)))
    pairs = [("Presiden", "President")]
    assert engine.translate(["Presiden"], "id", "en", pairs) == ["The president"]
    assert engine.translate(["Presiden"], "id", "en", pairs) == ["The president"]
    assert calls.count(("POST", "/v2/glossaries")) == 1 and calls.count(("POST", "/v2/translate")) == 2


@pytest.mark.parametrize(("status", "error"), [(429, TransientError), (503, TransientError), (456, PermanentError),
                                               (403, PermanentError)])
def test_deepl_statuses_become_our_error_types(status: int, error: type[Exception]) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(status, headers={"Retry-After": "7"}, text="nope"))
    engine = DeepLEngine("deepl", api_key="k", url="https://deepl.test", http=_client(transport))
    with pytest.raises(error, match=f"HTTP {status}") as caught:
        engine.translate(["satu"], "id", "en")
    if error is TransientError:
        assert getattr(caught.value, "retry_after", None) == 7


def test_a_dropped_connection_is_transient_and_says_which_engine() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    engine = MicrosoftEngine("ms", api_key="k", url="https://ms.test", http=_client(httpx.MockTransport(handler)))
    with pytest.raises(TransientError, match="ms: connection failed"):
        engine.translate(["satu"], "id", "en")


def test_microsoft_sends_key_region_and_languages_and_validates_the_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        items = json.loads(request.content)
        if items[0]["Text"] == "bad":
            return httpx.Response(200, json={"unexpected": True})
        return httpx.Response(200, json=[{"translations": [{"text": f"<{i['Text']}>", "to": "en"}]} for i in items])

    engine = MicrosoftEngine("ms", api_key="k-ms", region="southeastasia", url="https://ms.test",
                             http=_client(httpx.MockTransport(handler)))
    assert engine.translate(["satu", "dua"], "id", "en") == ["<satu>", "<dua>"]
    req = seen[0]
    assert req.headers["ocp-apim-subscription-key"] == "k-ms"
    assert req.headers["ocp-apim-subscription-region"] == "southeastasia"
    assert dict(req.url.params) == {"api-version": "3.0", "from": "id", "to": "en", "textType": "plain"}
    with pytest.raises(TransientError, match="unexpected answer shape"):
        engine.translate(["bad"], "id", "en")


def test_build_translator_hands_the_shared_client_to_httpx_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    hits: list[str] = []
    transport = httpx.MockTransport(lambda r: hits.append(r.url.host) or httpx.Response(
        200, json={"translations": [{"text": "ok"}]}))
    monkeypatch.setenv("KAWAT_TEST_DEEPL_KEY", "k")
    cfg = EngineConfig(kind="deepl", url="https://deepl.test", api_key_env="KAWAT_TEST_DEEPL_KEY")
    engine = build_translator("deepl", cfg, http=_client(transport))
    assert engine.translate(["satu"], "id", "en") == ["ok"] and hits == ["deepl.test"]
