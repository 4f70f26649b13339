"""A scripted local server speaking the real wire protocols of Google (mobile page), MyMemory,
LibreTranslate, Microsoft Translator v3 and DeepL v2 (with glossaries), for engine tests."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, unescape

from tests.support.http_handler import OneWriteHandler

_WORD = re.compile(r"\b\w+\b")
_TAGGED = re.compile(r"(<(kw|kwp)>.*?</\2>)", re.S)


def fake_translate(text: str, target: str) -> str:
    """Deterministic stand-in for MT: tags every word, keeps digits-bearing tokens and all layout."""
    return _WORD.sub(lambda m: m.group() if any(c.isdigit() for c in m.group()) else f"{target}_{m.group()}", text)


@dataclass
class Call:
    provider: str
    method: str
    path: str
    texts: list[str]
    headers: dict[str, str]
    params: dict[str, str]
    body: object = None


@dataclass
class MTServer:
    """Actions are consumed one per translate request: ok, 429, 500, 403, 456, slow, empty, echo, merge."""

    retry_after: str = "1"
    slow_seconds: float = 2.0
    api_key: str = "test-key"
    script: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    glossaries: dict[str, dict] = field(default_factory=dict)
    glossary_posts: int = 0
    # A scripted translation (text, target) -> text in place of the word-tagging stand-in (golden articles).
    translator: Callable[[str, str], str] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        owner = self

        class Handler(OneWriteHandler):
            def do_GET(self) -> None:
                owner._dispatch(self, "GET")

            def do_POST(self) -> None:
                owner._dispatch(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> MTServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *actions: str) -> None:
        with self._lock:
            self.script.extend(actions)

    def translate_calls(self, provider: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.provider != "deepl-glossary" and (provider is None or c.provider == provider)]

    def _next_action(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else "ok"

    # -- protocol --------------------------------------------------------------------------
    def _dispatch(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(h.path)
        params = {k: v[-1] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in h.headers.items()}
        path = parsed.path
        if path.endswith("/v2/glossaries"):
            return self._glossary(h, method, raw, headers)
        if path.endswith("/v2/translate"):
            body = json.loads(raw or b"{}")
            provider, texts = "deepl", list(body.get("text", []))
        elif path.endswith("/get"):
            provider, texts, body = "mymemory", [params.get("q", "")], None
        elif path.endswith("/translate") and "api-version" in params:
            body = json.loads(raw or b"[]")
            provider, texts = "microsoft", [item.get("Text", "") for item in body]
        elif path.endswith("/translate"):
            if raw and not params.get("q"):
                params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
            provider, texts, body = "libre", [params.get("q", "")], None
        else:
            provider, texts, body = "google", [params.get("q", "")], None
        with self._lock:
            self.calls.append(Call(provider, method, path, texts, headers, params, body))
        if provider == "deepl" and headers.get("authorization") != f"DeepL-Auth-Key {self.api_key}":
            return self._send(h, 403, {"message": "Wrong auth key"})
        if provider == "microsoft" and headers.get("ocp-apim-subscription-key") != self.api_key:
            return self._send(h, 401, {"error": {"code": 401000, "message": "invalid key"}})
        action = self._next_action()
        if action == "429":
            return self._send(h, 429, {"error": "Too many requests"}, {"Retry-After": self.retry_after})
        if action in ("500", "403", "456"):
            return self._send(h, int(action), {"error": f"scripted {action}"})
        if action == "slow":
            time.sleep(self.slow_seconds)
        target = {
            "deepl": str(body.get("target_lang", "")).split("-")[0].lower() if isinstance(body, dict) else "",
            "mymemory": params.get("langpair", "|").split("|")[-1].split("-")[0],
            "microsoft": params.get("to", ""),
            "libre": params.get("target", ""),
            "google": params.get("tl", ""),
        }[provider]
        if action == "empty":
            outs = ["" for _ in texts]
        elif action == "echo":
            outs = list(texts)
        elif provider == "deepl":
            terms = self._glossary_terms(body.get("glossary_id") if isinstance(body, dict) else None)
            outs = [self._deepl_translate(t, target, terms) for t in texts]
        else:
            outs = [(self.translator or fake_translate)(t, target) for t in texts]
        if action == "merge":
            outs = [" ".join(o.split()) for o in outs]
        return self._answer(h, provider, outs, target)

    def _answer(self, h: BaseHTTPRequestHandler, provider: str, outs: list[str], target: str) -> None:
        if provider == "google":
            page = f'<html><body><div class="result-container">{html.escape(outs[0])}</div></body></html>'
            return self._send_raw(h, 200, page.encode(), "text/html; charset=utf-8")
        if provider == "mymemory":
            return self._send(h, 200, {"responseData": {"translatedText": outs[0], "match": 0.9}, "responseStatus": 200, "matches": []})
        if provider == "libre":
            return self._send(h, 200, {"translatedText": outs[0]})
        if provider == "microsoft":
            return self._send(h, 200, [{"translations": [{"text": o, "to": target}]} for o in outs])
        return self._send(h, 200, {"translations": [{"detected_source_language": "EN", "text": o} for o in outs]})

    def _deepl_translate(self, xml_text: str, target: str, terms: dict[str, str]) -> str:
        out: list[str] = []
        for part in _TAGGED.split(xml_text):
            if part in ("kw", "kwp"):
                continue
            if _TAGGED.fullmatch(part or "x"):
                out.append(part)  # ignore_tags: left exactly as sent
                continue
            plain = unescape(part, {"&quot;": '"', "&apos;": "'"})
            if terms:
                pattern = re.compile("(" + "|".join(re.escape(k) for k in sorted(terms, key=len, reverse=True)) + ")")
                pieces = pattern.split(plain)
                plain_out = "".join(terms[p] if p in terms else fake_translate(p, target) for p in pieces)
            else:
                plain_out = fake_translate(plain, target)
            out.append(escape(plain_out))
        return "".join(out)

    def _glossary_terms(self, gid: str | None) -> dict[str, str]:
        if not gid or gid not in self.glossaries:
            return {}
        return dict(line.split("\t", 1) for line in self.glossaries[gid]["entries"].splitlines() if "\t" in line)

    def _glossary(self, h: BaseHTTPRequestHandler, method: str, raw: bytes, headers: dict[str, str]) -> None:
        with self._lock:
            self.calls.append(Call("deepl-glossary", method, "/v2/glossaries", [], headers, {}))
        if headers.get("authorization") != f"DeepL-Auth-Key {self.api_key}":
            return self._send(h, 403, {"message": "Wrong auth key"})
        if method == "GET":
            listing = [{k: v for k, v in g.items() if k != "entries"} for g in self.glossaries.values()]
            return self._send(h, 200, {"glossaries": listing})
        body = json.loads(raw)
        with self._lock:
            self.glossary_posts += 1
            gid = f"g-{len(self.glossaries) + 1}"
            entry = {
                "glossary_id": gid,
                "name": body["name"],
                "ready": True,
                "source_lang": body["source_lang"],
                "target_lang": body["target_lang"],
                "entry_count": len(body["entries"].splitlines()),
                "entries": body["entries"],
            }
            self.glossaries[gid] = entry
        return self._send(h, 201, {k: v for k, v in entry.items() if k != "entries"})

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: object, extra: dict[str, str] | None = None) -> None:
        self._send_raw(h, status, json.dumps(payload).encode(), "application/json", extra)

    def _send_raw(self, h: BaseHTTPRequestHandler, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)


def running() -> Iterator[MTServer]:
    """Generator for a pytest fixture: `yield from running()`."""
    with MTServer() as server:
        yield server
