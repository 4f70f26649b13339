"""Engines honour HTTP_PROXY / NO_PROXY from the environment (read once per host, not per request)."""

from __future__ import annotations

import json
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.translate.libre import LibreEngine
from tests.support.http_handler import OneWriteHandler


class _Answering(OneWriteHandler):
    """Answers LibreTranslate's protocol whether asked as a proxy (absolute URI) or as the engine."""

    def do_POST(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        query = parse_qs(urlsplit(self.path).query) or parse_qs(body)
        q = (query.get("q") or [""])[0]
        data = json.dumps({"translatedText": f"[id] {q}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Answering)
    srv.seen = []  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()


def _translate_on_a_new_thread(engine: LibreEngine) -> list[str]:
    """A fresh thread has a fresh session, so it reads the environment as set now."""
    out: list[list[str]] = []
    t = threading.Thread(target=lambda: out.append(engine.translate(["Hello there, world."], "en", "id")))
    t.start()
    t.join(30)
    return out[0]


def test_requests_go_through_the_proxy_named_in_the_environment(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    engine = LibreEngine("libre", url="http://libre.internal.example:5000/")  # only the proxy can reach it
    assert _translate_on_a_new_thread(engine) == ["[id] Hello there, world."]
    assert server.seen and server.seen[0].startswith("http://libre.internal.example:5000/translate")


def test_no_proxy_hosts_are_reached_directly(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    engine = LibreEngine("libre", url=f"http://127.0.0.1:{server.server_address[1]}/")
    assert _translate_on_a_new_thread(engine) == ["[id] Hello there, world."]
    assert server.seen and server.seen[0].startswith("/translate")
