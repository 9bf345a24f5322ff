"""Adding, changing and removing codings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.models import Coding, utcnow
from qualcode.store import Store, audit
from qualcode.store.lookup import (
    code_path,
    current_version,
    find_code,
    find_coder,
    find_document,
)


@dataclass(frozen=True)
class CodingInfo:
    id: int
    document: str
    code_path: str
    coder: str
    start: int
    end: int
    text: str
    memo: str | None


@dataclass(frozen=True)
class NewCoding:
    """A coding to bulk-insert, by ids (see ``bulk_insert``)."""

    version_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    text: str
    memo: str | None = None
    is_voice: bool = False


def add_coding(
    store: Store,
    *,
    document: str | int,
    code: str | int,
    coder: str,
    start: int,
    end: int,
    memo: str | None = None,
    action: str = "add",
) -> CodingInfo:
    """Code [start, end) of the document's current text; one transaction with its audit entry
    (``action`` says how it came about: ``add``, or ``accept-suggestion``)."""
    with store.write() as session:
        doc = find_document(session, document)
        version = current_version(session, doc.id)
        check_range(version.text, start, end, doc.name)
        code_row = find_code(session, code)
        coder_row = find_coder(session, coder, create=True)
        coding = Coding(
            version_id=version.id,
            code_id=code_row.id,
            coder_id=coder_row.id,
            start=start,
            end=end,
            text=version.text[start:end],
            memo=memo,
        )
        session.add(coding)
        session.flush()
        audit.record(session, actor=coder_row.name, action=action, obj=coding, before=None,
                     after=audit.snapshot(coding), batch=audit.new_batch())
        return CodingInfo(coding.id, doc.name, code_path(session, code_row), coder_row.name,
                          start, end, coding.text, memo)


def check_range(text: str, start: int, end: int, document: str) -> None:
    if not 0 <= start < end <= len(text):
        raise InvalidInput(
            _("The range [{start}, {end}) lies outside the text of {document!r} (0 to {n} code "
              "points) or is empty.").format(start=start, end=end, document=document, n=len(text))
        )


REBUILD_BELOW = 200_000
BULK_CACHE_KIB = 256 * 1024
DEFAULT_CACHE_KIB = 2000
CHUNK = 50_000
BULK_COLUMNS = ("version_id", "code_id", "coder_id", "start", "end", "text", "memo",
                "is_voice", "created_at", "modified_at")
STAGED_COLUMNS = BULK_COLUMNS[:8]
STAGED_TYPES = ["int4", "int4", "int4", "int4", "int4", "text", "text", "bool"]
STAGE = "qualcode_codings_stage"
KEYS = (("version_id", "document_versions"), ("code_id", "codes"), ("coder_id", "coders"))


def bulk_insert(store: Store, codings: Iterable[NewCoding], *, batch_size: int = CHUNK) -> int:
    """Insert many codings in one transaction without per-row audit entries (see insert_codings).

    Meant for benchmarks and tests; an import calls ``insert_codings`` inside its own unit of
    work. Returns the count.
    """
    with store.write() as session:  # no retry: ``codings`` may be a one-shot iterator
        return insert_codings(session, codings, batch_size=batch_size)


def insert_codings(session: Session, codings: Iterable[NewCoding], *,
                   batch_size: int = CHUNK) -> int:
    """Insert many codings inside the session's transaction; returns the count.

    Rows are drawn from ``codings`` ``batch_size`` at a time *before* each chunk is written, so
    the iterable may itself use the session (an import creates coders as it meets them).

    SQLite: ``executemany`` straight to the driver (SQLAlchemy's per-row parameter handling
    would cost more than the insert); the codings indexes are rebuilt at the end when the table
    is small (SQLite has one writer, so the table-wide lock hurts no one). PostgreSQL: chunks
    are COPYed into a temporary table, then one INSERT ... SELECT moves them, with every key
    checked set-wise (see ``_keys_checked``). No DDL on the shared table,
    so concurrent writers never deadlock on it, and it works under row-level security (COPY
    into such a table is refused).
    """
    connection = session.connection()
    raw = connection.connection.driver_connection
    rows = ((c.version_id, c.code_id, c.coder_id, c.start, c.end, c.text, c.memo, c.is_voice)
            for c in codings)
    if connection.dialect.name == "postgresql":
        return _staged_postgres(raw, rows, batch_size)
    small = (session.scalar(select(func.count()).select_from(Coding)) or 0) < REBUILD_BELOW
    with _indexes_rebuilt_after(connection, enabled=small):
        raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            return _executemany(connection, raw, rows, batch_size)
        finally:
            raw.execute(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")


@contextmanager
def _indexes_rebuilt_after(connection: Connection, *, enabled: bool) -> Iterator[None]:
    """Drop the codings indexes and build them again at the end, inside the same transaction.

    Building an index once over sorted data is several times faster than
    updating it row by row; worth it only when the table holds few rows yet.
    """
    indexes = list(Coding.__table__.indexes) if enabled else []
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _bound(connection: Connection, column: str, value: object) -> object:
    """``value`` as the driver wants it for ``codings.column`` (SQLite: booleans, dates)."""
    dialect = connection.dialect
    process = Coding.__table__.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process else value


def _executemany(connection: Connection, raw, rows: Iterator[tuple],  # type: ignore[no-untyped-def]
                 batch_size: int) -> int:
    quoted = ", ".join(f'"{c}"' for c in BULK_COLUMNS)
    sql = f"INSERT INTO codings ({quoted}) VALUES ({', '.join('?' * len(BULK_COLUMNS))})"
    now = _bound(connection, "created_at", utcnow())
    yes, no = _bound(connection, "is_voice", True), _bound(connection, "is_voice", False)
    cursor = raw.cursor()
    count = 0
    while chunk := list(islice(rows, batch_size)):
        cursor.executemany(sql, [(*row[:7], yes if row[7] else no, now, now) for row in chunk])
        count += len(chunk)
    cursor.close()
    return count


def _staged_postgres(raw, rows: Iterator[tuple], batch_size: int) -> int:  # type: ignore[no-untyped-def]
    quoted = ", ".join(f'"{c}"' for c in STAGED_COLUMNS)
    staged = 0
    with raw.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (version_id integer, code_id integer, "
                       'coder_id integer, start integer, "end" integer, text text, memo text, '
                       "is_voice boolean) ON COMMIT DROP")
        while chunk := list(islice(rows, batch_size)):
            with cursor.copy(f"COPY {STAGE} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(STAGED_TYPES)
                for row in chunk:
                    copy.write_row(row)
            staged += len(chunk)
        if staged:
            keys = {column: [key for (key,) in cursor.execute(
                        f"SELECT DISTINCT {column} FROM {STAGE} ORDER BY 1")]
                    for column, _ in KEYS}  # set-wise, by the server
            trusted = _keys_checked(cursor, keys)
            cursor.execute(f"INSERT INTO codings ({quoted}, created_at, modified_at) "
                           f"SELECT {quoted}, now(), now() FROM {STAGE}")
            if trusted:  # (on an error the rollback undoes the SET LOCAL)
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute(f"DROP TABLE {STAGE}")
    return staged


def _keys_checked(cursor, keys: dict[str, list[int]]) -> bool:  # type: ignore[no-untyped-def]
    """Check set-wise that every referenced row exists; True if the per-row FK triggers are
    off for the coming INSERT because the keys are locked here instead.

    The triggers look up and lock (against deletion until commit) each row's three keys, which
    costs three times the insert itself. Where allowed, they are switched off for this
    transaction (``session_replication_role = replica``, what pg_restore --disable-triggers
    sets; it needs a superuser or, from PostgreSQL 15, ``GRANT SET ON PARAMETER``) and each
    distinct key is locked once here (``FOR KEY SHARE``, which needs UPDATE rights on the
    referenced tables). Not done when codings has triggers of its own. Otherwise the triggers
    run: the same result, only slower.
    """
    import psycopg

    cursor.execute("SELECT count(*) FROM pg_trigger "
                   "WHERE tgrelid = 'codings'::regclass AND NOT tgisinternal")
    if not cursor.fetchone()[0]:
        try:
            with cursor.connection.transaction():  # a savepoint: a refusal leaves no trace
                cursor.execute("SET LOCAL session_replication_role = replica")
                _count_keys(cursor, keys, lock="ORDER BY id FOR KEY SHARE")
            return True
        except psycopg.errors.InsufficientPrivilege:
            pass
    _count_keys(cursor, keys, lock="")
    return False


def _count_keys(cursor, keys: dict[str, list[int]], lock: str) -> None:  # type: ignore[no-untyped-def]
    for column, table in KEYS:
        wanted = keys[column]
        cursor.execute(f"SELECT count(*) FROM (SELECT id FROM {table} WHERE id = ANY(%s) "
                       f"{lock}) AS found", (wanted,))
        found = cursor.fetchone()[0]
        if found != len(wanted):
            raise InvalidInput(_("{missing} of the {n} rows of {table} that the codings refer to "
                                 "no longer exist; nothing was imported.")
                               .format(missing=len(wanted) - found, n=len(wanted), table=table))


def remove_coding(store: Store, coding_id: int, *, actor: str) -> None:
    """Delete one of the actor's codings (undoable)."""
    with store.write() as session:
        coding = _own_coding(session, coding_id, actor)
        audit.record(session, actor=actor, action="remove", obj=coding,
                     before=audit.snapshot(coding), after=None, batch=audit.new_batch())
        session.delete(coding)


def update_coding(store: Store, coding_id: int, *, actor: str, code: str | int | None = None,
                  memo: str | None = None, clear_memo: bool = False,
                  is_voice: bool | None = None, is_anchor: bool | None = None) -> None:
    """Change a coding's code, memo, "Stimme aus der Praxis" or anchor-example flag (undoable)."""
    with store.write() as session:
        coding = _own_coding(session, coding_id, actor)
        before = audit.snapshot(coding)
        if code is not None:
            coding.code_id = find_code(session, code).id
        if memo is not None or clear_memo:
            coding.memo = memo or None
        if is_voice is not None:
            coding.is_voice = is_voice
        if is_anchor is not None:
            coding.is_anchor = is_anchor
        coding.modified_at = utcnow()
        session.flush()
        audit.record(session, actor=actor, action="update", obj=coding, before=before,
                     after=audit.snapshot(coding), batch=audit.new_batch())


def _own_coding(session, coding_id: int, actor: str) -> Coding:  # type: ignore[no-untyped-def]
    from qualcode.errors import NotFound
    from qualcode.models import Coder

    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFound(_("There is no coding {coding_id}; another coder may have removed it.")
                       .format(coding_id=coding_id))
    owner = session.get(Coder, coding.coder_id)
    if owner is None or owner.name != actor:
        raise InvalidInput(_("Coding {coding_id} belongs to {owner}, not to {actor}; each coder "
                             "changes only their own codings.")
                           .format(coding_id=coding_id, owner=owner.name if owner else "?",
                                   actor=actor))
    return coding
