"""The request handler every local test server builds on: kept-alive HTTP/1.1 that answers in one write."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


class OneWriteHandler(BaseHTTPRequestHandler):
    """Headers and body leave in one write, and interim answers leave at once.

    Split writes on a kept-alive connection meet Nagle + delayed ACK (40 ms per answer); a buffered
    `100 Continue` makes every botocore PUT wait out its 1 s expect timeout.
    """

    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16

    def handle_expect_100(self) -> bool:
        ok = super().handle_expect_100()
        self.wfile.flush()
        return ok

    def log_message(self, *args: object) -> None:
        pass
