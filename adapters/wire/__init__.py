"""Wire ingest entry points: `detect_format` and `parse_wire` over every supported format."""

from __future__ import annotations

import logging

from adapters.errors import WireError
from adapters.wire.base import WireParser
from adapters.wire.detect import detect_format as _detect
from adapters.wire.iptc7901 import Iptc7901Parser
from adapters.wire.limits import WireLimits, applying, check_story_count, precheck
from adapters.wire.newsml12 import NewsML12Parser
from adapters.wire.newsml_g2 import NewsMLG2Parser
from adapters.wire.ninjs import NinjsParser
from adapters.wire.nitf import NITFParser
from adapters.wire.plain import PlainArticleParser
from newsroom.model import Story

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = WireLimits.max_bytes
PARSERS: dict[str, WireParser] = {
    p.format: p for p in (NewsML12Parser(), NewsMLG2Parser(), NITFParser(), NinjsParser(), PlainArticleParser(),
                             Iptc7901Parser())
}
FORMATS: tuple[str, ...] = tuple(PARSERS)


def detect_format(data: bytes, source: str = "<bytes>") -> str:
    """The format of `data` judged by content; raises `WireError` with the reason when unknown."""
    return _detect(data, source)


def parse_wire(data: bytes, source: str, *, max_bytes: int | None = None,
               limits: WireLimits | None = None) -> list[Story]:
    """Every Story in one wire file; any failure is a `WireError(source, reason)` and nothing else.

    The caps in `limits` (size, markup nodes, stories, paragraphs, field length) are checked as early
    as each can be: size and structure on the raw bytes before parsing, the rest as stories are built.
    """
    limits = limits or WireLimits()
    if max_bytes is not None and max_bytes != limits.max_bytes:
        limits = WireLimits(**{**limits.__dict__, "max_bytes": max_bytes})
    precheck(data, source, limits)
    try:
        with applying(limits):
            fmt = _detect(data, source)
            stories = PARSERS[fmt].parse(data, source)
    except WireError:
        raise
    except RecursionError as exc:
        raise WireError(source, "document nested too deeply") from exc
    except Exception as exc:
        # An expected refusal is one log line (the quarantine's); the traceback is for a developer's DEBUG log.
        log.debug("parser raised on %s", source, exc_info=True)
        raise WireError(source, f"unreadable ({type(exc).__name__}): {' '.join(str(exc).split())[:160]}") from exc
    if not stories:
        raise WireError(source, "no stories in file")
    check_story_count(len(stories), source, limits)
    return stories


__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "PARSERS", "WireLimits", "detect_format", "parse_wire"]
