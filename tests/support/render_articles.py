"""LocalizedArticle builders for the rendering tests (text-only, photo, dry-run, killed...)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from newsroom.model import (
    Block,
    BlockRole,
    Credit,
    CreditRole,
    LocalizedArticle,
    Picture,
    Provenance,
    Rendition,
    Status,
    Subject,
)

STORY_ID = "afp.com-20231120-TX-PAR-WGF71"
TRANSLATED_AT = datetime(2023, 11, 20, 14, 5, 9, 123456, tzinfo=UTC)


def provenance(**overrides: Any) -> Provenance:
    values: dict[str, Any] = {
        "source_uri": "urn:newsml:afp.com:20231120:TX-PAR-WGF71:3",
        "source_version": 3,
        "source_language": "en",
        "engine": "google",
        "glossary_version": "glossary-2023-11",
        "translated_at": TRANSLATED_AT,
    }
    values.update(overrides)
    return Provenance(**values)


def picture(**overrides: Any) -> Picture:
    values: dict[str, Any] = {
        "id": "photo0",
        "headline": "Microsoft welcomes Altman",
        "caption": "CEO Microsoft Satya Nadella (kanan) menyambut Sam Altman di San Francisco.",
        "credit": "AFP",
        "byline": "JUSTIN SULLIVAN",
        "renditions": (
            Rendition(role="HighDef", href="wire/2023/1f3a9c.jpg", width=3000, height=2000, size_bytes=812345),
            Rendition(role="Quicklook", href="wire/2023/9be01d.jpg", width=512, height=341, size_bytes=40211),
            Rendition(role="Thumbnail", href="wire/2023/77aa10.jpg", width=128, height=85),
        ),
    }
    values.update(overrides)
    return Picture(**values)


def indonesian(**overrides: Any) -> LocalizedArticle:
    """A translated Indonesian story shaped like the seed, without a picture."""
    values: dict[str, Any] = {
        "story_id": STORY_ID,
        "version": 3,
        "language": "id",
        "headline": "Ratusan Staf OpenAI Ancam Eksodus ke Microsoft",
        "slugline": "US-IT-AI-OpenAI",
        "dateline": "SAN FRANCISCO",
        "body": (
            Block(text="Ratusan staf di OpenAI mengancam akan keluar pada Senin (20/11)."),
            Block(text="Altman, yang dipecat pada hari Jumat (18/11), kini dipekerjakan oleh Microsoft."),
            Block(role=BlockRole.subhead, text="Penanganan Buruk"),
            Block(text="Shear mengkonfirmasi penunjukannya sebagai CEO sementara OpenAI."),
        ),
        "credits": (
            Credit(role=CreditRole.editor, name="Lili Lestari"),
            Credit(role=CreditRole.agency, name="AFP"),
        ),
        "copyright_holder": "AFP",
        "copyright_notice": "Copyright 2023 AFP. All rights reserved.",
        "usage_terms": "For partner publication only.",
        "urgency": 4,
        "subjects": (Subject(code="04003005", name="computing"), Subject(code="medtop:20000763")),
        "keywords": ("OpenAI", "Microsoft", "openai"),
        "first_created": datetime(2023, 11, 20, 9, 0, tzinfo=UTC),
        "version_created": datetime(2023, 11, 20, 13, 0, tzinfo=UTC),
        "provenance": provenance(),
    }
    values.update(overrides)
    return LocalizedArticle(**values)


def english(**overrides: Any) -> LocalizedArticle:
    """An Indonesian-sourced story translated into English, with a named author."""
    values: dict[str, Any] = {
        "language": "en",
        "headline": "Indonesia's central bank holds rate at 6 percent",
        "slugline": None,
        "dateline": "Jakarta, Nov 23, 2023 (AFP) -",
        "body": (
            Block(text="Bank Indonesia kept its benchmark rate unchanged on Thursday."),
            Block(text="The rupiah has weakened against the US dollar this year."),
        ),
        "credits": (
            Credit(role=CreditRole.author, name="Sonny Tumbelaka"),
            Credit(role=CreditRole.agency, name="AFP"),
        ),
        "subjects": (),
        "keywords": (),
        "provenance": provenance(source_language="id", source_uri=None),
    }
    values.update(overrides)
    return indonesian(**values)


def with_photo(**overrides: Any) -> LocalizedArticle:
    return indonesian(pictures=(picture(),), **overrides)


def dry_run(**overrides: Any) -> LocalizedArticle:
    return indonesian(provenance=provenance(engine="dry-run", dry_run=True, machine_translated=False), **overrides)


def killed(**overrides: Any) -> LocalizedArticle:
    return with_photo(status=Status.canceled, ednote="Legal reasons", **overrides)


def withheld(**overrides: Any) -> LocalizedArticle:
    return indonesian(status=Status.withheld, **overrides)
