"""A local LibreTranslate-protocol server with a fixed latency and a concurrency cap, standing in for the engine."""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

_WORD = re.compile(r"\b\w+\b")
_ID_WORDS = ("yang dan di untuk dengan ini itu dari pada akan tidak dalam juga sudah kata mereka "
             "telah oleh bahwa karena sebagai kami ke para seperti namun").split()
_EN_WORDS = "the and of to in that with for was said they have from this will their would".split()


def pseudo_translate(text: str, target: str) -> str:
    """Text langdetect reads as `target`; words holding digits (placeholders like ZX001Q, figures) stay intact."""
    words = _ID_WORDS if target.startswith("id") else _EN_WORDS
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        word = m.group()
        if any(ch.isdigit() for ch in word):
            return word
        count += 1
        return words[(len(word) * 7 + count) % len(words)]

    return _WORD.sub(swap, text)


@dataclass
class EngineStats:
    """What the engine saw: requests, characters of `q`, and the most requests it served at once."""

    requests: int = 0
    characters: int = 0
    peak_in_flight: int = 0
    texts: list[str] = field(default_factory=list)
    first_at: float = 0.0  # wall clock (time.time) of the first request taken, 0 when none
    last_at: float = 0.0  # wall clock of the last answer given
    busy: float = 0.0  # seat-seconds spent serving: busy / (concurrency x span) is how full the engine was


class LibreLikeServer:
    """`POST /translate` (q, source, target in query, form or JSON); each answer takes `latency` seconds.

    At most `concurrency` requests are served at once; further requests wait their turn (a bounded
    semaphore), as a real engine with a fixed number of workers would make them.
    """

    def __init__(self, latency: float = 0.1, concurrency: int = 8, *, keep_texts: bool = False) -> None:
        self.latency = latency
        self.concurrency = concurrency
        self.keep_texts = keep_texts
        self.stats = EngineStats()
        self._lock = threading.Lock()
        self._seats = threading.BoundedSemaphore(max(1, concurrency))
        self._in_flight = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one write: two small writes on a kept-alive connection meet the
            # client's delayed ACK (Nagle) and stall each answer by 40 ms, which no real engine does.
            wbufsize = 1 << 16

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                owner._handle(self)

            def do_GET(self) -> None:
                owner._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 128
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"  # bound to 127.0.0.1 above

    def reset(self) -> EngineStats:
        """Hand back the stats so far and start counting afresh."""
        with self._lock:
            old, self.stats = self.stats, EngineStats()
        return old

    def __enter__(self) -> LibreLikeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- protocol ----------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(h.path)
        params = {k: v[-1] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        if parsed.path == "/_stats":  # the bench reads (and resets) the counters of a server in another process
            stats = self.reset() if params.get("reset") else self.stats
            return self._send(h, 200, {"requests": stats.requests, "characters": stats.characters,
                                       "peak_in_flight": stats.peak_in_flight, "first_at": stats.first_at,
                                       "last_at": stats.last_at, "busy": stats.busy})
        if parsed.path.rstrip("/").endswith("/languages"):
            return self._send(h, 200, [{"code": c, "name": c, "targets": ["en", "id"]} for c in ("en", "id")])
        if not parsed.path.rstrip("/").endswith("translate"):
            return self._send(h, 404, {"error": "Not Found"})
        if raw:
            if "json" in (h.headers.get("Content-Type") or ""):
                params.update({k: str(v) for k, v in json.loads(raw).items()})
            else:
                params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        text, target = params.get("q", ""), params.get("target", "")
        if not text or not target:
            return self._send(h, 400, {"error": "Invalid request: missing q or target"})
        with self._seats:
            with self._lock:
                self._in_flight += 1
                self.stats.peak_in_flight = max(self.stats.peak_in_flight, self._in_flight)
                self.stats.requests += 1
                self.stats.characters += len(text)
                started = time.time()
                self.stats.first_at = self.stats.first_at or started
                if self.keep_texts:
                    self.stats.texts.append(text)
            try:
                time.sleep(self.latency)
                answer = pseudo_translate(text, target)
            finally:
                with self._lock:
                    self._in_flight -= 1
                    self.stats.last_at = time.time()
                    self.stats.busy += self.stats.last_at - started
        self._send(h, 200, {"translatedText": answer})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class EngineProcess:
    """The same server in its own process: a real engine runs elsewhere, so its CPU must not share our GIL."""

    def __init__(self, latency: float = 0.1, concurrency: int = 8) -> None:
        self.latency = latency
        self.concurrency = concurrency
        self._proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> EngineProcess:
        cmd = [sys.executable, "-m", "bench.engine_server", "--latency", str(self.latency),
               "--concurrency", str(self.concurrency)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                      cwd=str(Path(__file__).resolve().parents[1]))
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        if not line.startswith("http://"):
            self._proc.kill()
            raise RuntimeError(f"engine server did not start: {line!r}")
        self.url = line.strip()
        return self

    def reset(self) -> EngineStats:
        """Hand back the stats so far and start counting afresh (over HTTP)."""
        with urlopen(self.url + "_stats?reset=1", timeout=10) as resp:
            data = json.loads(resp.read())
        return EngineStats(data["requests"], data["characters"], data["peak_in_flight"],
                           first_at=data.get("first_at", 0.0), last_at=data.get("last_at", 0.0),
                           busy=data.get("busy", 0.0))

    def __exit__(self, *exc: object) -> None:
        if self._proc:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def main(argv: list[str] | None = None) -> None:
    """Serve until killed; the first line on stdout is the URL."""
    p = argparse.ArgumentParser(prog="python -m bench.engine_server")
    p.add_argument("--latency", type=float, default=0.1)
    p.add_argument("--concurrency", type=int, default=8)
    args = p.parse_args(argv)
    server = LibreLikeServer(args.latency, args.concurrency)
    with server:
        print(server.url, flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
