"""A picture sent on its own becomes a photo story: caption translated, photo credit per language, ninjs valid."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.errors import WireError
from adapters.wire import parse_wire
from glossary import load_glossary
from newsroom.credits import photo_credit_line
from services.pipeline import localize_story

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "wire" / "agencies"
NOW = datetime(2024, 7, 1, 12, tzinfo=UTC)


@dataclass
class _Result:
    texts: list[str]
    engine: str = "libre"
    characters_sent: int = 0


def _engine(fn: Callable[[str], str]) -> Callable[[Sequence[str], str, str], _Result]:
    return lambda texts, s, t: _Result([fn(x) for x in texts])


def test_photo_story_caption_is_translated_and_credited_per_language() -> None:
    story = parse_wire((FIX / "ninjs3-photo.json").read_bytes(), "ninjs3-photo.json")[0]
    seen: list[str] = []

    def engine(text: str) -> str:
        seen.append(text)
        return "[id] " + text

    article = localize_story(story, source="en", target="id", glossary=load_glossary(), translate=_engine(engine),
                             check_language=None, now=NOW)
    caption = "Kites fly over the bay during the summer festival on Monday."
    assert any(caption.split(" on ")[0] in s for s in seen)  # the caption went to the engine
    (pic,) = article.pictures
    assert pic.caption and pic.caption.startswith("[id] ") and article.body[0].text.startswith("[id] ")
    assert photo_credit_line(pic, "id") == "Foto: Example Photos/Lee Park"
    assert photo_credit_line(pic, "en") == "Photo: Example Photos/Lee Park"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_doctype_naming_a_remote_dtd_parses_without_fetching_it() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY secret "leaked">')

        def log_message(self, *args: object) -> None:
            return

    port = _free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        data = (f'<?xml version="1.0"?><!DOCTYPE NewsML SYSTEM "http://127.0.0.1:{port}/NewsML_1.2.dtd">'
                "<NewsML><NewsItem><Identification><NewsIdentifier><ProviderId>example.org</ProviderId><DateId>20240101"
                "</DateId><NewsItemId>D1</NewsItemId><RevisionId>1</RevisionId></NewsIdentifier></Identification>"
                "<NewsComponent><NewsLines><HeadLine>H</HeadLine></NewsLines><ContentItem><MediaType FormalName='Text'/>"
                "<DataContent><p>Copy.</p></DataContent></ContentItem></NewsComponent></NewsItem></NewsML>").encode()
        assert parse_wire(data, "dtd.xml")[0].body[0].text == "Copy."
        evil = data.replace(b"<p>Copy.</p>", b"<p>&secret;</p>")
        with pytest.raises(WireError, match="undefined entity"):  # the remote DTD was never read
            parse_wire(evil, "evil.xml")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
