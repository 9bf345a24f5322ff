"""Opening a store and running units of work on it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from qualcode.errors import StoreUnavailable, UserError, WriteConflict
from qualcode.i18n import _
from qualcode.store import migrate
from qualcode.store.engine import WRITE, is_sqlite, make_engine, resolve_url
from qualcode.store.failures import translate
from qualcode.store.migrate import current_revision
from qualcode.store.schema import HEAD

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Result = TypeVar("Result")
WRITE_ATTEMPTS = 5
BACKOFF_SECONDS = 0.05


@dataclass
class Store:
    """A store at ``url``; every read or write goes through one of its units of work."""

    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that writes: committed on success, rolled back on any error."""
        from sqlalchemy.orm import Session  # the ORM costs 0.1 s to import; see read_core()

        with self.translated_errors(), \
                Session(bind=self.engine.execution_options(**{WRITE: True}),
                        expire_on_commit=False) as session, session.begin():
            yield session

    def run_write(self, work: Callable[[Session], Result], *,
                  attempts: int = WRITE_ATTEMPTS) -> Result:
        """``work`` in one write transaction, run again when another writer got in the way.

        A deadlock or serialization failure (PostgreSQL) rolls the transaction back; it is
        retried after a short, jittered pause, up to ``attempts`` times in all.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except WriteConflict:
                if attempt == attempts:
                    raise
                time.sleep(random.uniform(0.5, 1.5) * BACKOFF_SECONDS * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction, ended when the block ends.

        Closing (not rolling back) ends the database transaction without expiring what
        was loaded, so values read inside stay readable after the block.
        """
        from sqlalchemy.orm import Session

        with self.translated_errors(), \
                Session(bind=self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def read_core(self) -> Iterator[Connection]:
        """A read-only Core connection, for commands that must start fast (no ORM import)."""
        with self.translated_errors(), self.engine.connect() as connection:
            yield connection
            connection.rollback()

    @contextmanager
    def translated_errors(self) -> Iterator[None]:
        """Database errors become the project's errors: one sentence, no SQL, no row data."""
        driver_error = self.engine.dialect.loaded_dbapi.Error
        try:
            yield
        except (DBAPIError, driver_error) as exc:
            raise translate(exc, display_url(self.url)) from exc

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return current_revision(conn)

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the store named by ``db`` (path or URL), creating or upgrading it as needed.

    A new store is created at the head revision; an older one is backed up
    (SQLite) and upgraded. With ``upgrade=False`` an older store is an error.
    """
    url = resolve_url(db)
    store = Store(url=url, engine=make_engine(url))
    with _closing_on_error(store):
        revision = store.revision()
        if revision != HEAD:
            if revision is not None and not upgrade:
                raise StoreUnavailable(_("The store {store} is at revision {revision}, not "
                                         "{head}; run 'qualcode db upgrade'.")
                                       .format(store=display_url(url), revision=revision,
                                               head=HEAD))
            migrate.upgrade_to_head(store)
    return store


@dataclass(frozen=True)
class Upgrade:
    before: str | None
    after: str | None
    backup: str | None


def upgrade_store(db: str | None = None) -> Upgrade:
    """Bring the store to the newest revision and say what happened."""
    url = resolve_url(db)
    store = Store(url=url, engine=make_engine(url))
    with _closing_on_error(store):
        before = store.revision()
        backup = migrate.upgrade_to_head(store)
        result = Upgrade(before, store.revision(), backup)
    store.close()
    return result


@contextmanager
def _closing_on_error(store: Store) -> Iterator[None]:
    """Close the store on any error; turn driver errors into one plain sentence."""
    try:
        yield
    except OperationalError as exc:
        store.close()
        raise UserError(_("The store {store} cannot be opened: {reason}.")
                        .format(store=display_url(store.url), reason=_reason(exc))) from exc
    except DatabaseError as exc:
        store.close()
        message = (_("The file {store} is not a qualcode store ({reason}).")
                   if store.url.startswith("sqlite")
                   else _("The database {store} is not a qualcode store ({reason})."))
        raise UserError(message.format(store=display_url(store.url),
                                       reason=_reason(exc))) from exc
    except BaseException:
        store.close()
        raise


def display_url(url: str) -> str:
    return url.removeprefix("sqlite:///") if is_sqlite(url) else _hide_password(url)


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: DatabaseError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
