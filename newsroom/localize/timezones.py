"""Which clock a story's "Monday" is read on: its dateline city, else its provider, else the desk's setting."""

from __future__ import annotations

import unicodedata
from datetime import UTC, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The desk's own clock when a story names no place we know: Kawat's newsroom works on WIB.
DEFAULT_ZONE = "Asia/Jakarta"

# Indonesian zone names are house style, not CLDR data.
ID_ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
ZONE_LABEL = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

_WIB = ("jakarta", "bandung", "bogor", "bekasi", "depok", "tangerang", "serang", "semarang", "solo", "surakarta",
        "yogyakarta", "jogja", "surabaya", "malang", "medan", "padang", "pekanbaru", "palembang", "jambi",
        "bengkulu", "lampung", "bandar lampung", "banda aceh", "aceh", "batam", "tanjung pinang", "pontianak",
        "palangka raya", "cirebon", "kediri", "pangkal pinang")
_WITA = ("makassar", "denpasar", "bali", "kuta", "mataram", "lombok", "kupang", "balikpapan", "samarinda",
         "banjarmasin", "manado", "palu", "kendari", "gorontalo", "nusantara", "labuan bajo", "tarakan")
_WIT = ("jayapura", "ambon", "ternate", "sorong", "manokwari", "merauke", "timika", "wamena", "nabire", "biak")

_FOREIGN = {
    "Asia/Singapore": ("singapore", "singapura"),
    "Asia/Kuala_Lumpur": ("kuala lumpur", "putrajaya"),
    "Asia/Bangkok": ("bangkok", "phnom penh", "vientiane", "hanoi", "ho chi minh city"),
    "Asia/Manila": ("manila",),
    "Asia/Dili": ("dili",),
    "Asia/Hong_Kong": ("hong kong", "hongkong"),
    "Asia/Shanghai": ("beijing", "shanghai", "shenzhen", "guangzhou", "wuhan"),
    "Asia/Taipei": ("taipei",),
    "Asia/Tokyo": ("tokyo", "osaka"),
    "Asia/Seoul": ("seoul",),
    "Asia/Kolkata": ("new delhi", "mumbai", "bangalore", "kolkata"),
    "Asia/Dhaka": ("dhaka",),
    "Asia/Karachi": ("islamabad", "karachi", "lahore"),
    "Asia/Kabul": ("kabul",),
    "Asia/Tehran": ("tehran",),
    "Asia/Dubai": ("dubai", "abu dhabi"),
    "Asia/Riyadh": ("riyadh", "jeddah", "doha", "kuwait city"),
    "Asia/Jerusalem": ("jerusalem", "tel aviv"),
    "Asia/Gaza": ("gaza", "gaza city", "ramallah"),
    "Asia/Beirut": ("beirut",),
    "Asia/Baghdad": ("baghdad",),
    "Africa/Cairo": ("cairo",),
    "Africa/Nairobi": ("nairobi", "addis ababa"),
    "Africa/Johannesburg": ("johannesburg", "pretoria", "cape town"),
    "Africa/Lagos": ("lagos", "abuja", "kinshasa"),
    "Europe/Istanbul": ("istanbul", "ankara"),
    "Europe/Moscow": ("moscow",),
    "Europe/Kyiv": ("kyiv", "kiev"),
    "Europe/Athens": ("athens",),
    "Europe/Paris": ("paris", "marseille", "lyon", "brussels", "geneva", "berlin", "rome", "madrid", "vienna",
                     "amsterdam", "the hague", "stockholm", "oslo", "copenhagen", "warsaw", "strasbourg",
                     "vatican city", "zurich"),
    "Europe/London": ("london", "dublin", "lisbon"),
    "America/New_York": ("new york", "washington", "boston", "miami", "atlanta", "ottawa", "toronto",
                         "montreal"),
    "America/Chicago": ("chicago", "houston", "dallas", "mexico city"),
    "America/Denver": ("denver",),
    "America/Los_Angeles": ("los angeles", "san francisco", "seattle", "las vegas", "vancouver",
                            "silicon valley"),
    "America/Sao_Paulo": ("sao paulo", "rio de janeiro", "brasilia", "buenos aires"),
    "Australia/Sydney": ("sydney", "canberra", "melbourne"),
    "Australia/Perth": ("perth",),
    "Pacific/Auckland": ("wellington", "auckland"),
    "Pacific/Port_Moresby": ("port moresby",),
}

CITY_ZONES: dict[str, str] = (
    {c: "Asia/Jakarta" for c in _WIB} | {c: "Asia/Makassar" for c in _WITA} | {c: "Asia/Jayapura" for c in _WIT}
    | {c: zone for zone, cities in _FOREIGN.items() for c in cities}
)

# Providers writing on one clock; world agencies (AFP, AP, Reuters) file from everywhere, so they fall to the default.
PROVIDER_ZONES = {"antaranews.com": "Asia/Jakarta", "antara": "Asia/Jakarta", "kompas.com": "Asia/Jakarta",
                  "tempo.co": "Asia/Jakarta", "detik.com": "Asia/Jakarta", "koran-jakarta.com": "Asia/Jakarta"}


def _key(city: str) -> str:
    folded = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace(".", " ").split())


def city_zone(city: str | None) -> str | None:
    """The IANA zone of a dateline city ("SAN FRANCISCO" -> America/Los_Angeles), None when unknown."""
    return CITY_ZONES.get(_key(city)) if city else None


def story_zone(city: str | None, provider: str | None, default: str | None = None) -> str:
    """Dateline city first, then the provider's home clock, then the desk's configured default."""
    found = city_zone(city)
    if found:
        return found
    if provider:
        p = provider.strip().lower()
        found = PROVIDER_ZONES.get(p) or PROVIDER_ZONES.get(p.split(".")[0])
        if found:
            return found
    return default or DEFAULT_ZONE


@lru_cache(maxsize=64)
def zone(tz: str | None) -> tuple[tzinfo | None, str | None]:
    """A tz name or an Indonesian zone abbreviation -> (tzinfo, label for display)."""
    if not tz:
        return None, None
    if tz.upper() in ID_ZONES:
        return timezone(timedelta(hours=ID_ZONES[tz.upper()])), tz.upper()
    if tz.upper() in ("GMT", "UTC"):
        return UTC, "GMT"
    try:
        found = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return None, None
    return found, ZONE_LABEL.get(tz)
