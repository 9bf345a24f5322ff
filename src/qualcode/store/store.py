"""Opening a store and running units of work on it."""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from qualcode.errors import NotAllowed, StoreUnavailable, UserError, WriteConflict
from qualcode.i18n import _
from qualcode.store import migrate
from qualcode.store.engine import WRITE, is_sqlite, make_engine, resolve_url
from qualcode.store.failures import translate
from qualcode.store.migrate import current_revision
from qualcode.store.schema import HEAD
from qualcode.store.team import Identity
from qualcode.store.team import identity as read_identity

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Result = TypeVar("Result")
WRITE_ATTEMPTS = 5
BACKOFF_SECONDS = 0.05
# Sent (PostgreSQL) with every committed write; open TUIs LISTEN and show the change.
CHANGES_CHANNEL = "qualcode_changes"
# The ORM's delete of one row by its key. Row-level security hides another coder's row from
# DELETE, and the ORM only warns when a delete matched nothing: on a team store it is refused.
ORM_DELETE = re.compile(r"DELETE FROM (codings|memos|suggestion_models|privacy_stop_names|"
                        r"privacy_quiet_passages) WHERE \1\.id = ")


@dataclass
class Store:
    """A store at ``url``; every read or write goes through one of its units of work."""

    url: str
    engine: Engine
    _identity: Identity | None = field(default=None, repr=False, compare=False)
    # Sent with this store's NOTIFYs, so that its own watcher can skip its own commits.
    token: str = field(default_factory=lambda: uuid.uuid4().hex, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.is_sqlite:
            event.listen(self.engine, "after_cursor_execute", self._check_deleted)

    def _check_deleted(self, _conn, cursor, statement, parameters, _context,  # type: ignore[no-untyped-def]
                       executemany: bool) -> None:
        if self._identity is None or not self._identity.member or not ORM_DELETE.match(statement):
            return
        if cursor.rowcount < (len(parameters) if executemany else 1):
            raise NotAllowed(_("You may only change your own codings."))

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    def identity(self) -> Identity:
        """Who this store's connections act as on a team store (read once, then kept)."""
        if self._identity is None:
            if self.is_sqlite:
                self._identity = Identity(team=False)
            else:
                with self.read_core() as connection, \
                        connection.connection.driver_connection.cursor() as cursor:
                    self._identity = read_identity(cursor)
        return self._identity

    def forget_identity(self) -> None:
        self._identity = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that writes: committed on success, rolled back on any error."""
        from sqlalchemy.orm import Session  # the ORM costs 0.1 s to import; see read_core()
        from sqlalchemy.orm.exc import StaleDataError

        if not self.is_sqlite:
            self.identity()  # read once: refusals below depend on it
        try:
            with self.translated_errors(), \
                    Session(bind=self.engine.execution_options(**{WRITE: True}),
                            expire_on_commit=False) as session, session.begin():
                yield session
                # Delivered at commit, to listeners only then; not after a dry run's rollback.
                if not self.is_sqlite and session.in_transaction():
                    session.connection().exec_driver_sql(
                        f"NOTIFY {CHANGES_CHANNEL}, '{self.token}'")
        except StaleDataError as exc:
            # Row-level security hides another coder's row from UPDATE and DELETE.
            if self.identity().member:
                raise NotAllowed(_("You may only change your own codings.")) from exc
            raise

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
