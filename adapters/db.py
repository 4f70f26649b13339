"""One SQLAlchemy engine factory: SQLite file by default, any URL (PostgreSQL) for scale."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, create_engine, event


def make_engine(url: str) -> Engine:
    """Engine for `url`; SQLite gets WAL + a busy timeout so concurrent tasks do not trip on locks."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        # One connection per process: SQLite takes one writer at a time anyway, and threads queued on the
        # pool are handed the connection at once, where SQLite's busy handler would sleep and poll.
        one = {} if url.startswith("sqlite:///:memory:") or url == "sqlite://" else {
            "pool_size": 1, "max_overflow": 0, "pool_timeout": 120}
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **one)

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: object) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def upsert_dialect(engine: Engine) -> ModuleType | None:
    """The SQLAlchemy dialect module with INSERT … ON CONFLICT DO UPDATE, for the databases that have it."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    return None
