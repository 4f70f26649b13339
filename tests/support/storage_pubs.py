"""Builders for Publications used by the storage/ledger tests (minimal valid ninjs 2.2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsroom.contract import PictureFile, Publication

PUBLISHED = datetime(2023, 11, 20, 9, 30, tzinfo=UTC)


def ninjs(story: str, version: int, lang: str, headline: str, pubstatus: str = "usable") -> bytes:
    doc = {
        "uri": f"urn:test:{story}:{lang}", "version": str(version), "language": lang, "pubstatus": pubstatus,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contenttype": "text/plain", "value": headline + " body"}],
    }
    return json.dumps(doc, ensure_ascii=False).encode()


def pub(story: str = "afp.com-20231120-TX-PAR-WGF71", version: int = 1, lang: str = "id",
        headline: str = "Judul berita", *, html: bool = True, pictures: int = 1,
        embargoed: datetime | None = None, published: datetime = PUBLISHED) -> Publication:
    files = {"ninjs": ninjs(story, version, lang, headline)}
    if html:
        files["html"] = f"<h1>{headline}</h1>".encode()
    pics = tuple(PictureFile(f"photo{i}-HighDef.jpg", b"\xff\xd8JPEG" + bytes([i]) * 50) for i in range(pictures))
    return Publication(story_id=story, version=version, language=lang, pubstatus="usable", published=published,
                       files=files, pictures=pics, embargoed=embargoed)
