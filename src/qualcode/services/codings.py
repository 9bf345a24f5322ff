"""Adding, changing and removing codings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection, func, select

from qualcode.errors import InvalidInput
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


def add_coding(
    store: Store,
    *,
    document: str | int,
    code: str | int,
    coder: str,
    start: int,
    end: int,
    memo: str | None = None,
) -> CodingInfo:
    """Code [start, end) of the document's current text; one transaction with its audit entry."""
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
        audit.record(session, actor=coder_row.name, action="add", obj=coding, before=None,
                     after=audit.snapshot(coding), batch=audit.new_batch())
        return CodingInfo(coding.id, doc.name, code_path(session, code_row), coder_row.name,
                          start, end, coding.text, memo)


def check_range(text: str, start: int, end: int, document: str) -> None:
    if not 0 <= start < end <= len(text):
        raise InvalidInput(
            f"The range [{start}, {end}) lies outside the text of {document!r} "
            f"(0 to {len(text)} code points) or is empty."
        )


REBUILD_BELOW = 200_000
BULK_CACHE_KIB = 256 * 1024
DEFAULT_CACHE_KIB = 2000
BULK_COLUMNS = ("version_id", "code_id", "coder_id", "start", "end", "text", "memo",
                "is_voice", "created_at", "modified_at")


def bulk_insert(store: Store, codings: Iterable[NewCoding], *, batch_size: int = 50_000) -> int:
    """Insert many codings in one transaction without per-row audit entries.

    Meant for imports and benchmarks. Rows go straight to the driver
    (``executemany`` on SQLite, ``COPY`` on PostgreSQL): SQLAlchemy's per-row
    parameter handling would cost more than the insert itself. Returns the count.
    """
    with store.write() as session:
        connection = session.connection()
        dialect = connection.dialect
        stamp = Coding.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        now = stamp(utcnow()) if stamp else utcnow()
        voice = Coding.__table__.c.is_voice.type.dialect_impl(dialect).bind_processor(dialect)
        no = voice(False) if voice else False
        rows = ((c.version_id, c.code_id, c.coder_id, c.start, c.end, c.text, c.memo, no, now, now)
                for c in codings)
        raw = connection.connection.driver_connection
        small = (session.scalar(select(func.count()).select_from(Coding)) or 0) < REBUILD_BELOW
        with _indexes_rebuilt_after(connection, enabled=small):
            if dialect.name == "postgresql":
                return _copy_postgres(raw, rows)
            raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            try:
                return _executemany(raw, rows, batch_size)
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


def _executemany(raw, rows: Iterator[tuple], batch_size: int) -> int:  # type: ignore[no-untyped-def]
    quoted = ", ".join(f'"{c}"' for c in BULK_COLUMNS)
    sql = f"INSERT INTO codings ({quoted}) VALUES ({', '.join('?' * len(BULK_COLUMNS))})"
    cursor = raw.cursor()
    count = 0
    while chunk := list(islice(rows, batch_size)):
        cursor.executemany(sql, chunk)
        count += len(chunk)
    cursor.close()
    return count


def _copy_postgres(raw, rows: Iterator[tuple]) -> int:  # type: ignore[no-untyped-def]
    quoted = ", ".join(f'"{c}"' for c in BULK_COLUMNS)
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY codings ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def remove_coding(store: Store, coding_id: int, *, actor: str) -> None:
    """Delete one of the actor's codings (undoable)."""
    with store.write() as session:
        coding = _own_coding(session, coding_id, actor)
        audit.record(session, actor=actor, action="remove", obj=coding,
                     before=audit.snapshot(coding), after=None, batch=audit.new_batch())
        session.delete(coding)


def update_coding(store: Store, coding_id: int, *, actor: str, code: str | int | None = None,
                  memo: str | None = None, clear_memo: bool = False,
                  is_voice: bool | None = None) -> None:
    """Change a coding's code, memo or "Stimme aus der Praxis" flag (undoable)."""
    with store.write() as session:
        coding = _own_coding(session, coding_id, actor)
        before = audit.snapshot(coding)
        if code is not None:
            coding.code_id = find_code(session, code).id
        if memo is not None or clear_memo:
            coding.memo = memo or None
        if is_voice is not None:
            coding.is_voice = is_voice
        coding.modified_at = utcnow()
        session.flush()
        audit.record(session, actor=actor, action="update", obj=coding, before=before,
                     after=audit.snapshot(coding), batch=audit.new_batch())


def _own_coding(session, coding_id: int, actor: str) -> Coding:  # type: ignore[no-untyped-def]
    from qualcode.errors import NotFound
    from qualcode.models import Coder

    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFound(f"There is no coding {coding_id}; another coder may have removed it.")
    owner = session.get(Coder, coding.coder_id)
    if owner is None or owner.name != actor:
        raise InvalidInput(f"Coding {coding_id} belongs to {owner.name if owner else '?'}, "
                           f"not to {actor}; each coder changes only their own codings.")
    return coding
