"""Wire ingest entry points: `detect_format` and `parse_wire` over every supported format."""

from __future__ import annotations

import logging

from adapters.errors import WireError
from adapters.wire.base import WireParser
from adapters.wire.detect import detect_format as _detect
from adapters.wire.newsml12 import NewsML12Parser
from adapters.wire.newsml_g2 import NewsMLG2Parser
from adapters.wire.ninjs import NinjsParser
from adapters.wire.nitf import NITFParser
from adapters.wire.plain import PlainArticleParser
from newsroom.model import Story

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
PARSERS: dict[str, WireParser] = {
    p.format: p for p in (NewsML12Parser(), NewsMLG2Parser(), NITFParser(), NinjsParser(), PlainArticleParser())
}
FORMATS: tuple[str, ...] = tuple(PARSERS)


def detect_format(data: bytes, source: str = "<bytes>") -> str:
    """The format of `data` judged by content; raises `WireError` with the reason when unknown."""
    return _detect(data, source)


def parse_wire(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Story]:
    """Every Story in one wire file; any failure is a `WireError(source, reason)` and nothing else."""
    if len(data) > max_bytes:
        raise WireError(source, f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
    try:
        fmt = _detect(data, source)
        stories = PARSERS[fmt].parse(data, source)
    except WireError:
        raise
    except RecursionError as exc:
        raise WireError(source, "document nested too deeply") from exc
    except Exception as exc:
        log.exception("parser crashed on %s", source)
        raise WireError(source, f"unreadable ({type(exc).__name__}): {' '.join(str(exc).split())[:160]}") from exc
    if not stories:
        raise WireError(source, "no stories in file")
    return stories


__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "PARSERS", "detect_format", "parse_wire"]
