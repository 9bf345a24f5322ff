"""Engines for SQLite files and PostgreSQL servers.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Writers
start with ``BEGIN IMMEDIATE`` so that two processes never both read and
then both try to write (which SQLite answers with "database is locked"
without waiting); readers start a plain deferred transaction.

Parameters are hidden from SQLAlchemy's error texts: they are row data, possibly personal.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qualcode.errors import InvalidInput
from qualcode.i18n import _

DEFAULT_DB = "qualcode.db"
BUSY_TIMEOUT_MS = 60_000
WRITE = "write"


def resolve_url(db: str | None = None) -> str:
    """Turn ``--db`` / ``QUALCODE_DB`` (a path or an SQLAlchemy URL) into a URL."""
    value = db or os.environ.get("QUALCODE_DB") or DEFAULT_DB
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise InvalidInput(_("The store address {value!r} is not a valid URL.")
                               .format(value=value)) from exc
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                               hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")
