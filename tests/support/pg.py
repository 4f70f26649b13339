"""A PostgreSQL schema of a test's own in the shared `test` database (skips when PostgreSQL is absent)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, text

from adapters.db import make_engine

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def pg_schema_engine(prefix: str) -> Iterator[Engine]:
    """An engine whose search_path is a fresh schema, dropped afterwards: other tests' rows stay out of sight."""
    if not pg_up():
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unusable: {exc}")
    eng = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
