"""Fault injectors for the resilience suite: a flaky MT server and a flaky HTTP proxy in front of S3."""

from __future__ import annotations

import http.client
import io
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.support.http_handler import OneWriteHandler
from tests.support.mt_servers import MTServer

_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


@dataclass
class FaultyMTServer(MTServer):
    """LibreTranslate-protocol server that fails calls at random (seeded): 429 + Retry-After, 503, hang.

    A text never fails more than `max_consecutive` times in a row, so an engine with more attempts than
    that always gets through; texts containing a `poison` marker fail on every call (an engine that
    keeps failing)."""

    seed: int = 0
    rate_429: float = 0.30
    rate_503: float = 0.10
    rate_slow: float = 0.05
    max_consecutive: int = 2
    poison: tuple[str, ...] = ()
    injected: Counter = field(default_factory=Counter)
    requests: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        self._rng = random.Random(self.seed)
        self._streak: dict[str, int] = {}
        self._local = threading.local()

    def _next_action(self) -> str:
        return getattr(self._local, "action", "ok")

    def _decide(self, text: str) -> str:
        with self._lock:
            self.requests += 1
            if any(p in text for p in self.poison):
                action = "503"
            elif self._streak.get(text, 0) >= self.max_consecutive:
                action = "ok"
            else:
                r = self._rng.random()
                action = ("429" if r < self.rate_429 else "503" if r < self.rate_429 + self.rate_503
                          else "slow" if r < self.rate_429 + self.rate_503 + self.rate_slow else "ok")
            self._streak[text] = 0 if action == "ok" else self._streak.get(text, 0) + 1
            if action != "ok":
                self.injected[action if not any(p in text for p in self.poison) else "poisoned-503"] += 1
            return action

    def _dispatch(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        h.rfile = io.BytesIO(raw)  # the base handler reads the body again
        parsed = urlparse(h.path)
        params = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        if raw:
            params.update({k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()})
        if not parsed.path.endswith("/translate"):
            return super()._dispatch(h, method)
        action = self._decide(params.get("q", ""))
        if action == "503":
            return self._send(h, 503, {"error": "scripted 503: service unavailable"})
        self._local.action = action
        try:
            return super()._dispatch(h, method)
        finally:
            self._local.action = "ok"

    @property
    def faults(self) -> int:
        return sum(self.injected.values())


@dataclass
class S3FaultProxy:
    """A forwarding HTTP proxy in front of an S3 endpoint that fails a share of requests (seeded).

    Faults: `500` (S3 InternalError, request never forwarded), `reset-before` (TCP RST, never forwarded),
    `reset-after` (forwarded and applied, then RST instead of the answer), `slow` (extra latency),
    `stall` (held `stall_seconds`, then forwarded: only by rule, never at random).
    Signed requests survive because the Host header is passed through unchanged."""

    upstream: str
    rate: float = 0.20
    seed: int = 0
    slow_seconds: float = 0.3
    stall_seconds: float = 5.0  # `stall`: held this long, then forwarded (inside the client's read timeout)
    enabled: bool = True
    outage: bool = False  # every request answered 500, as an S3 endpoint that is down
    injected: Counter = field(default_factory=Counter)
    by_method: Counter = field(default_factory=Counter)
    requests: int = 0
    rules: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path part, action), used once

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        up = urlparse(self.upstream)
        self._up_host, self._up_port = up.hostname or "127.0.0.1", int(up.port or 80)
        owner = self

        class Handler(OneWriteHandler):
            def _any(self) -> None:
                owner._handle(self)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> S3FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def faults(self) -> int:
        return sum(self.injected.values())

    def fail_next(self, method: str, path_part: str, action: str) -> None:
        """Inject `action` into the next `method` request whose path contains `path_part` (then forget it)."""
        with self._lock:
            self.rules.append((method, path_part, action))

    def _decide(self, method: str, path: str = "") -> str:
        with self._lock:
            self.requests += 1
            for rule in self.rules:
                if rule[0] == method and rule[1] in path:
                    self.rules.remove(rule)
                    self.injected[rule[2]] += 1
                    self.by_method[method] += 1
                    return rule[2]
            if self.outage:
                self.injected["500"] += 1
                return "500"
            if not self.enabled or self._rng.random() >= self.rate:
                return "ok"
            action = self._rng.choice(["500", "reset-before", "reset-after", "slow"])
            self.injected[action] += 1
            self.by_method[method] += 1
            return action

    @staticmethod
    def _read_body(h: BaseHTTPRequestHandler) -> bytes:
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while h.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += h.rfile.read(size)
                h.rfile.readline()
        length = int(h.headers.get("Content-Length") or 0)
        return h.rfile.read(length) if length else b""

    @staticmethod
    def _reset(h: BaseHTTPRequestHandler) -> None:
        """Abort the client connection with a TCP RST (SO_LINGER 0), as a crashed load balancer would."""
        sock = h.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        h.close_connection = True
        try:
            sock.close()
        except OSError:
            pass

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        body = self._read_body(h)
        action = self._decide(h.command, h.path)
        if action == "500":
            payload = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
                       b"<Message>injected fault</Message></Error>")
            h.send_response(500)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", str(len(payload) if h.command != "HEAD" else 0))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(payload)
            return
        if action == "reset-before":
            return self._reset(h)
        if action == "slow":
            time.sleep(self.slow_seconds)
        if action == "stall":
            time.sleep(self.stall_seconds)
        conn = http.client.HTTPConnection(self._up_host, self._up_port, timeout=60)
        try:
            conn.putrequest(h.command, h.path, skip_host=True, skip_accept_encoding=True)
            for k, v in h.headers.items():
                if k.lower() not in _HOP:
                    conn.putheader(k, v)
            if "content-length" not in {k.lower() for k in h.headers} and body:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            res = conn.getresponse()
            data = res.read()
            status, headers = res.status, res.getheaders()
        finally:
            conn.close()
        if action == "reset-after":
            return self._reset(h)
        h.send_response_only(status)
        for k, v in headers:
            if k.lower() not in _HOP and k.lower() != "content-length":
                h.send_header(k, v)
        length = dict((k.lower(), v) for k, v in headers).get("content-length") if h.command == "HEAD" else None
        h.send_header("Content-Length", length if length is not None else str(len(data)))
        h.end_headers()
        if h.command != "HEAD" and data:
            h.wfile.write(data)
