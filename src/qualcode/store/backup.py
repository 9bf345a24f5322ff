"""A consistent copy of an SQLite store, made while others may be writing to it.

SQLite's online backup API copies the store in steps of pages. A step that sees the source
changed by another connection starts the copy over, so under a steady writer a backup in
steps would never end. Holding one read transaction on the source for the whole copy pins a
snapshot instead (WAL lets writers go on meanwhile): every step copies the same state of the
store, the one it had when the backup began.

The copy is written to a temporary file beside the target and renamed into place at the end,
so the target is either the old file or the whole new copy, never half of one.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InvalidInput, StoreUnavailable
from qualcode.i18n import N_, _
from qualcode.progress import Progress
from qualcode.store.engine import BUSY_TIMEOUT_MS, is_sqlite, resolve_url
from qualcode.store.failures import translate

PAGES_PER_STEP = 1024  # 4 MiB at SQLite's default page size: progress about every few ms
WHAT = N_("Backing up the store")


@dataclass(frozen=True)
class Backup:
    target: str
    pages: int
    size: int


def backup_store(db: str | None, target: Path, *, force: bool = False,
                 progress: Progress | None = None, pages: int = PAGES_PER_STEP) -> Backup:
    """Copy the SQLite store named by ``db`` (path or URL) to ``target``, atomically.

    An existing target is replaced only with ``force``; the target may not be the store itself.
    """
    url = resolve_url(db)
    if not is_sqlite(url):
        raise InvalidInput(_("'qualcode db backup' copies SQLite stores only; back up a "
                             "PostgreSQL store with pg_dump (and restore it with pg_restore)."))
    source = Path(url.removeprefix("sqlite:///"))
    _check_target(source, target, force=force)
    with _temporary_beside(target) as partial:
        copied = _copy(source, partial, progress=progress, pages=pages)
        _put_in_place(partial, target, force=force)
    return Backup(str(target), copied, target.stat().st_size)


def _check_target(source: Path, target: Path, *, force: bool) -> None:
    if not source.is_file():
        raise InvalidInput(_("The store {source} does not exist; there is nothing to back up.")
                           .format(source=source))
    if target.is_dir():
        raise InvalidInput(_("The backup target {target} is a folder; name a file in it.")
                           .format(target=target))
    if not target.parent.is_dir():
        raise InvalidInput(_("The folder of the backup target {target} does not exist.")
                           .format(target=target))
    if _same_file(source, target) or target.resolve() in _store_files(source.resolve()):
        raise InvalidInput(_("The backup target {target} is the store itself; name another file.")
                           .format(target=target))
    if target.exists() and not force:
        raise _exists(target)


def _store_files(store: Path) -> set[Path]:
    return {store, *(store.with_name(store.name + end) for end in ("-wal", "-shm", "-journal"))}


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A fresh temporary file in the target's folder, removed (with its journals) at the end."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                        dir=target.parent)
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
    finally:
        for path in _store_files(partial):
            with suppress(FileNotFoundError):
                path.unlink()


def _copy(source: Path, partial: Path, *, progress: Progress | None, pages: int) -> int:
    """Copy the store page by page within one read transaction; return the pages copied."""
    done = 0

    def report(_status: int, remaining: int, total: int) -> None:
        nonlocal done
        done = total
        if progress is not None:
            progress(total - remaining, total, _(WHAT))

    try:
        with _connected(f"{source.resolve().as_uri()}?mode=rw") as reader, \
                _connected(str(partial)) as writer:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # pins the snapshot
            reader.backup(writer, pages=pages, progress=report)
            reader.execute("COMMIT")
            writer.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside the copy
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise InvalidInput(_("The file {source} is not an SQLite store; nothing was written.")
                               .format(source=source)) from exc
        raise translate(exc, str(source)) from exc
    return done


@contextmanager
def _connected(address: str) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(address, uri=address.startswith("file:"), isolation_level=None,
                                 timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield connection
    finally:
        connection.close()


def _put_in_place(partial: Path, target: Path, *, force: bool) -> None:
    """Rename the finished copy to the target; without ``force`` never over an existing file."""
    try:
        with open(partial, "rb") as finished:
            os.fsync(finished.fileno())
        if force:
            os.replace(partial, target)
            return
        try:
            os.link(partial, target)  # fails if the target appeared meanwhile
        except FileExistsError as exc:
            raise _exists(target) from exc
        except OSError:  # a file system without hard links
            if target.exists():
                raise _exists(target) from None
            os.replace(partial, target)
    except OSError as exc:
        raise _unwritable(target, exc) from exc


def _exists(target: Path) -> InvalidInput:
    return InvalidInput(_("The backup target {target} already exists; add --force to replace it.")
                        .format(target=target))


def _unwritable(target: Path, exc: OSError) -> StoreUnavailable:
    reason = exc.strerror or type(exc).__name__
    return StoreUnavailable(_("The backup target {target} cannot be written: {reason}; nothing "
                              "was changed.").format(target=target, reason=reason))
