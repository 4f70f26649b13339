"""Bounds on one wire file, so the memory a parse takes follows its real content, never its markup tricks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from adapters.errors import WireError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class WireLimits:
    """Caps per file; each refusal names the cap and the setting that raises it."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_paragraphs: int = 2000  # body blocks per story (the longest real wire copy has a few hundred)
    max_stories: int = 100  # stories per file (agency packages carry a handful)
    max_field_chars: int = 20_000  # characters in one headline, paragraph, caption…
    max_nodes: int = 50_000  # XML elements, JSON objects and blank-line breaks, counted before parsing


_current: ContextVar[WireLimits] = ContextVar("wire_limits", default=WireLimits())  # noqa: B039


def current() -> WireLimits:
    """The limits of the parse in progress (parsers call `build_story` without passing them along)."""
    return _current.get()


@contextmanager
def applying(limits: WireLimits) -> Iterator[None]:
    token = _current.set(limits)
    try:
        yield
    finally:
        _current.reset(token)


def precheck(data: bytes, source: str, limits: WireLimits) -> None:
    """Refuse a file whose structure alone would cost far more memory than its bytes, before any parse.

    250,000 one-word paragraphs fit in 5 MB but become 250,000 elements, strings and blocks: counting
    tags, objects and paragraph breaks in the raw bytes (a few memchr passes) stops that at the door.
    """
    if len(data) > limits.max_bytes:
        raise WireError(source, f"file is {len(data)} bytes, over the {limits.max_bytes}-byte limit (max_file_bytes)")
    nodes = data.count(b"<") + data.count(b"{") + data.count(b"\n\n") + data.count(b"\\n\\n")
    if nodes > limits.max_nodes:
        raise WireError(source, f"file has about {nodes} markup nodes or paragraph breaks, over the cap of "
                                f"{limits.max_nodes} (max_markup_nodes)")


def check_story_count(count: int, source: str, limits: WireLimits) -> None:
    if count > limits.max_stories:
        raise WireError(source, f"file holds {count} stories, over the cap of {limits.max_stories} "
                                f"(max_stories_per_file)")


def check_fields(fields: dict[str, object], source: str, limits: WireLimits) -> None:
    """Paragraph count and every text field's length against the caps, with the offending field named."""
    body = fields.get("body") or ()
    if isinstance(body, (list, tuple)) and len(body) > limits.max_paragraphs:
        raise WireError(source, f"story has {len(body)} paragraphs, over the cap of {limits.max_paragraphs} "
                                f"(max_paragraphs)")
    cap = limits.max_field_chars
    for name, value in fields.items():
        if isinstance(value, str) and len(value) > cap:
            raise WireError(source, f"{name} has {len(value)} characters, over the cap of {cap} (max_field_chars)")
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(value, 1):
                text = getattr(item, "text", None) if not isinstance(item, str) else item
                if isinstance(text, str) and len(text) > cap:
                    what = "paragraph" if name == "body" else name
                    raise WireError(source, f"{what} {i} has {len(text)} characters, over the cap of {cap} "
                                            f"(max_field_chars)")
                for attr in ("caption", "headline"):
                    inner = getattr(item, attr, None)
                    if isinstance(inner, str) and len(inner) > cap:
                        raise WireError(source, f"{name} {i} {attr} has {len(inner)} characters, over the cap "
                                                f"of {cap} (max_field_chars)")
