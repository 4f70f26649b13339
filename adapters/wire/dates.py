"""Feed timestamps (ISO 8601 basic or extended, with or without zone) as tz-aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_datetime(value: str | None) -> datetime | None:
    """A tz-aware UTC datetime, or None when absent or unreadable; a missing zone is read as UTC."""
    if not value:
        return None
    text = value.strip()
    match = _BASIC.match(text)
    try:
        if match:
            y, mo, d, h, mi, s, zone = match.groups()
            dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            tz = _zone(zone)
            return dt.replace(tzinfo=tz).astimezone(UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _zone(zone: str | None) -> timezone:
    if not zone or zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def date_id_of(dt: datetime | None) -> str:
    return dt.strftime("%Y%m%d") if dt else "undated"
