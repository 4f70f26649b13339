"""The one spelling of a moment Kawat writes anywhere (keys, metadata, feed lines, ninjs): UTC with a Z."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(when: datetime) -> datetime:
    """Aware UTC; a naive time is taken to be UTC already (wire times are)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def iso(when: datetime) -> str:
    """RFC 3339 / ISO 8601 in UTC to the second with `Z`, e.g. `2023-11-20T12:00:00Z`."""
    return utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")
