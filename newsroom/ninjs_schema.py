"""The packaged IPTC ninjs 2.2 schema and a validator that never reaches the network."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMA_FILE = "ninjs-schema_2.2.json"
SCHEMA_ID = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"
NINJS_VERSION = "2.2"

# The schema points `places[].geojson` at geojson.org; a permissive stand-in keeps validation offline.
_GEOJSON_REF = "https://geojson.org/schema/GeoJSON.json"

# A URI reference: no whitespace, no control characters, none of the RFC 3986 excluded characters.
_URI_REF = re.compile(r'^[^\s<>"{}|\\^`\x00-\x1f\x7f]+$')


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("newsroom").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """A fresh copy of the packaged schema, so callers cannot corrupt the cached one."""
    return copy.deepcopy(_parsed_schema())


@lru_cache(maxsize=1)
def _parsed_schema() -> dict[str, Any]:
    return json.loads(_schema_text())


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time with an explicit offset (fallback when rfc3339-validator is absent)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_uri_reference(value: object) -> bool:
    """Lenient on purpose: rendition hrefs are relative to the article, so a URI reference passes."""
    return not isinstance(value, str) or bool(_URI_REF.match(value))


@lru_cache(maxsize=1)
def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    if "date-time" not in checker.checkers:
        checker.checks("date-time")(_is_date_time)
    # Same verdict whether or not rfc3987 happens to be installed.
    checker.checks("uri")(_is_uri_reference)
    return checker


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = _parsed_schema()
    Draft202012Validator.check_schema(schema)
    registry: Registry = Registry().with_resource(
        _GEOJSON_REF, DRAFT202012.create_resource({"type": "object"})
    )
    return Draft202012Validator(schema, registry=registry, format_checker=_format_checker())


def _where(path: Any) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_ninjs(doc: dict[str, Any]) -> list[str]:
    """Every schema violation as `$.path: message`; an empty list means partners can parse it."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{_where(e.absolute_path)}: {e.message}" for e in errors]
