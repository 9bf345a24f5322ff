"""Schema migrations through alembic, run on the store's own connection.

Alembic is imported here only, so that opening an up-to-date store never
pays for it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection, text

from qualcode.errors import StoreError, StoreUnavailable
from qualcode.i18n import _
from qualcode.store.engine import WRITE
from qualcode.store.schema import HEAD

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine


def migrations_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


class Migratable(Protocol):
    """What a migration needs of a store (``qualcode.store.store.Store`` is one)."""

    url: str
    engine: Engine


def current_revision(conn: Connection) -> str | None:
    from sqlalchemy import inspect

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_to_head(store: Migratable, target: str = "head") -> str | None:
    """Upgrade (or create) the store under a write lock; return the backup path if one was made.

    The revision is read again inside the lock, so several processes that
    open a new store at once create it only once.
    """
    from alembic import command

    config = alembic_config()
    with store.engine.connect().execution_options(**{WRITE: True}) as conn, \
            _sqlite_foreign_keys_off(conn), conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7352001)"))
        revision = current_revision(conn)
        if revision == HEAD and target == "head":
            return None
        if revision is not None and revision not in known_revisions():
            raise StoreUnavailable(
                _("The store is at revision {revision}, which this qualcode does not know; it was "
                  "written by a newer version.").format(revision=revision)
            )
        backup = _backup_sqlite(store.url, revision) if revision is not None else None
        config.attributes["connection"] = conn
        command.upgrade(config, target)
        _check_foreign_keys(conn)
    return backup


@contextmanager
def _sqlite_foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite rebuilds a table to change it; with foreign keys on, dropping the old table
    would cascade into the new one (segments point at segments) and delete rows.

    The pragma only takes effect outside a transaction, so it is set on the driver's
    connection before the migration's transaction begins; the keys are checked at its end.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise StoreError(_("Upgrading the store would break references between its tables; "
                           "nothing was changed."))


def _backup_sqlite(url: str, revision: str) -> str | None:
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.name}.bak-{revision}-{stamp}")
    source = sqlite3.connect(path)
    try:
        target = sqlite3.connect(backup)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()
    return str(backup)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down revision, message) from oldest to newest."""
    from alembic.script import ScriptDirectory

    revisions = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    rows = [(r.revision, _single(r.down_revision), r.doc or "") for r in revisions]
    return list(reversed(rows))


def _single(down: str | tuple[str, ...] | None) -> str | None:
    return down if not isinstance(down, tuple) else ",".join(down)


__all__ = ["current_revision", "history", "known_revisions", "migrations_dir",
           "upgrade_to_head"]
