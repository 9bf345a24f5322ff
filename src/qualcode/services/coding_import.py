"""Importing codings from CSV or JSONL: document, coder, code, start, end[, memo, stimme].

The file is read as a stream inside one write transaction: each row is checked as it is read
and good rows go to the store in chunks, so memory holds the current chunk, not the file. One
bad row means nothing is imported (the transaction is rolled back); the first ``MAX_LISTED``
bad rows are listed by number and reason, never by content (names, codes and memos in the
file may be personal data).

CSV is read with the csv module on the whole stream: quoted fields may hold delimiters, doubled
quotes and line breaks; only CR, LF and CRLF end a line (U+0085 and U+2028 are text). The
delimiter (comma, semicolon or tab) is chosen from the first 64 KB; the quote is always ``"``,
doubled inside a field. One leading apostrophe is removed from every text cell, undoing the
formula escaping of ``export codings`` (``exports.files.safe_cell``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput
from qualcode.exports.files import unescaped_cell
from qualcode.i18n import _, ngettext
from qualcode.models import AuditEntry, Coder, Document, DocumentVersion
from qualcode.services.codings import NewCoding, insert_codings
from qualcode.store import Store, audit
from qualcode.store.lookup import code_paths

REQUIRED = ("document", "coder", "code", "start", "end")
OPTIONAL = ("memo", "stimme")
TEXT_COLUMNS = ("document", "coder", "code", "memo")
MAX_LISTED = 20
SAMPLE_CHARS = 64 * 1024
MAX_ROW_CHARS = 8_000_000
MAX_CODER_NAME = 100
DELIMITERS = (",", ";", "\t")
YES = {"true", "wahr", "ja", "yes", "1"}
NO = {"false", "falsch", "nein", "no", "0", ""}
OFFSET = re.compile(r"\s*[+-]?[0-9]{1,18}\s*")

Row = dict[str, str]
Item = TypeVar("Item")


@dataclass(frozen=True)
class CodingsImported:
    rows: int
    coders: list[str]


def import_codings(store: Store, path: Path) -> CodingsImported:
    """Import every row of ``path`` (CSV, or JSONL when it ends in .jsonl) or none."""
    with open_rows(path):
        pass  # a file that cannot be read or lacks a column fails before the store is locked
    return store.run_write(lambda session: _import(session, path))


def _import(session: Session, path: Path) -> CodingsImported:
    targets = Targets.load(session)
    with open_rows(path) as rows:
        count = insert_codings(session, _checked(rows, targets, path))
    session.add(AuditEntry(actor="import", action=_("import codings"), entity="codings",
                           entity_id=None, batch=audit.new_batch(), before=None,
                           after=json.dumps({"file": path.name, "rows": count},
                                            ensure_ascii=False)))
    return CodingsImported(count, sorted(targets.coders))


@dataclass
class Targets:
    """What rows may refer to: documents (current version and its text), codes, coders."""

    session: Session
    documents: dict[str, tuple[int, str]]
    by_path: dict[str, int]
    by_name: dict[str, list[int]]
    coders: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Targets:
        newest = (select(DocumentVersion.document_id, func.max(DocumentVersion.number)
                         .label("number")).group_by(DocumentVersion.document_id).subquery())
        documents = {name: (vid, text) for name, vid, text in session.execute(
            select(Document.name, DocumentVersion.id, DocumentVersion.text)
            .join(DocumentVersion)
            .join(newest, (newest.c.document_id == DocumentVersion.document_id)
                  & (newest.c.number == DocumentVersion.number)))}
        paths = code_paths(session)
        by_name: dict[str, list[int]] = {}
        for cid, path in paths.items():
            by_name.setdefault(path.rsplit("/", 1)[-1], []).append(cid)
        return cls(session, documents, {p: cid for cid, p in paths.items()}, by_name)

    def document(self, name: str) -> tuple[int, str] | None:
        return self.documents.get(name) or self.documents.get(name.strip())

    def code(self, ref: str) -> list[int]:
        for candidate in (ref, ref.strip().strip("/")):
            if candidate in self.by_path:
                return [self.by_path[candidate]]
        return self.by_name.get(ref.strip().strip("/"), [])

    def coder_id(self, name: str) -> int:
        """The coder's id, creating the coder (safe when other imports create it at once)."""
        if name not in self.coders:
            found = self.session.scalar(select(Coder.id).where(Coder.name == name))
            if found is None:
                self.session.execute(_insert_ignoring_duplicates(self.session, name))
                found = self.session.scalar(select(Coder.id).where(Coder.name == name))
            self.coders[name] = found
        return self.coders[name]


def _insert_ignoring_duplicates(session: Session, name: str):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Coder).values(name=name).on_conflict_do_nothing(index_elements=["name"])


def _checked(rows: Iterator[tuple[int, Row]], targets: Targets,
             path: Path) -> Iterator[NewCoding]:
    """The rows as codings while all are good; at the end, InvalidInput if any was bad.

    After the first bad row nothing more is yielded (the import is lost anyway) but every
    row is still checked, to count the bad ones.
    """
    problems: list[str] = []
    bad = 0
    for number, row in rows:
        outcome = _check(row, targets, make_coders=not bad)
        if isinstance(outcome, str):
            bad += 1
            if len(problems) < MAX_LISTED:
                problems.append(_("row {number}: {problem}").format(number=number, problem=outcome))
        elif not bad:
            yield outcome
    if bad:
        more = _(" (and {n} more)").format(n=bad - MAX_LISTED) if bad > MAX_LISTED else ""
        message = ngettext("{path}: {n} bad row, nothing imported: {problems}{more}.",
                           "{path}: {n} bad rows, nothing imported: {problems}{more}.", bad)
        raise InvalidInput(message.format(path=path, n=bad, problems="; ".join(problems),
                                          more=more))


def _check(row: Row, targets: Targets, *, make_coders: bool) -> NewCoding | str:
    """The coding a row stands for, or the reason it is bad (naming no cell contents)."""
    document = targets.document(row["document"])
    if document is None:
        return _("unknown document")
    ids = targets.code(row["code"])
    if len(ids) != 1:
        return _("ambiguous code (give its path)") if ids else _("unknown code")
    coder = row["coder"].strip()
    if not coder:
        return _("no coder")
    if len(coder) > MAX_CODER_NAME:
        return _("coder name longer than {limit} characters").format(limit=MAX_CODER_NAME)
    if not (OFFSET.fullmatch(row["start"]) and OFFSET.fullmatch(row["end"])):
        return _("start and end must be whole numbers")
    start, end = int(row["start"]), int(row["end"])
    version_id, text = document
    if not 0 <= start < end <= len(text):
        return (_("range [{start}, {end}) lies outside the text (0 to {length})")
                .format(start=start, end=end, length=len(text)))
    voice = row.get("stimme", "").strip().lower()
    if voice not in YES | NO:
        return _("stimme must be true or false")
    coder_id = targets.coder_id(coder) if make_coders else 0
    return NewCoding(version_id, ids[0], coder_id, start, end, text[start:end],
                     row.get("memo") or None, voice in YES)


@contextmanager
def open_rows(path: Path) -> Iterator[Iterator[tuple[int, Row]]]:
    """(row number, {column: text}) for each row of the file; the header is row 1.

    The header is read (and checked) on entering; the rows as they are iterated.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInput(_("{path}: cannot be read ({strerror}).")
                           .format(path=path, strerror=exc.strerror)) from exc
    with handle, _field_limit(MAX_ROW_CHARS):
        try:
            sample = handle.read(SAMPLE_CHARS)
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(_("{path}: cannot be read as UTF-8 text.")
                               .format(path=path)) from exc
        if not sample.strip():
            raise InvalidInput(_("{path}: is empty.").format(path=path))
        handle.seek(0)
        budget = _Budget(path)
        if path.suffix.lower() == ".jsonl":
            yield _jsonl_rows(budget.lines(handle), budget)
            return
        reader = csv.reader(budget.lines(handle), delimiter=_delimiter(sample), quotechar='"',
                            doublequote=True, skipinitialspace=False, strict=False)
        header = budget.next(reader, 1)
        columns = _columns(header or [], path)
        yield _csv_rows(reader, columns, budget)


def _csv_rows(reader: Iterator[list[str]], columns: dict[str, int],
              budget: _Budget) -> Iterator[tuple[int, Row]]:
    number = 1
    while (record := budget.next(reader, number + 1)) is not None:
        number += 1
        if not any(record):
            continue  # a blank line
        row = {name: record[i] if i < len(record) else "" for name, i in columns.items()}
        for name in TEXT_COLUMNS:
            if name in row:
                row[name] = unescaped_cell(row[name])
        yield number, row


@dataclass
class _Budget:
    """Reads lines for one row at a time, bounding the characters a row may span (so that a
    hostile file cannot fill memory) and turning read errors into InvalidInput."""

    path: Path
    used: int = 0

    def lines(self, handle: IO[str]) -> Iterator[str]:
        while line := handle.readline(MAX_ROW_CHARS + 1):
            self.used += len(line)
            if self.used > MAX_ROW_CHARS:
                raise InvalidInput(_("{path}: a row is longer than {limit:,} characters.")
                                   .format(path=self.path, limit=MAX_ROW_CHARS))
            yield line

    def next(self, source: Iterator[Item], number: int) -> Item | None:
        """The next row (or line) of ``source``, or None at the end of the file."""
        self.used = 0
        try:
            return next(source)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            raise InvalidInput(_("{path}: row {number} is not UTF-8 text.")
                               .format(path=self.path, number=number)) from exc
        except csv.Error as exc:
            raise InvalidInput(_("{path}: row {number} is not valid CSV ({reason}).")
                               .format(path=self.path, number=number,
                                       reason=_csv_reason(exc))) from exc


def _csv_reason(exc: csv.Error) -> str:
    message = str(exc)
    if "NUL" in message:
        return _("it contains a NUL character")
    if "field larger" in message:
        return _("a field is longer than {limit:,} characters").format(limit=MAX_ROW_CHARS)
    return _("broken quoting")


def _columns(header: list[str], path: Path) -> dict[str, int]:
    names = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(_("{path}: the column {missing!r} is missing (needed: {needed}; "
                             "optional: {optional}).")
                           .format(path=path, missing=missing[0], needed=", ".join(REQUIRED),
                                   optional=", ".join(OPTIONAL)))
    return {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}


def _delimiter(sample: str) -> str:
    """The delimiter whose header names the needed columns and whose rows agree in width.

    Not csv.Sniffer: it takes quadratic time on hostile input (20 s for 64 KB) and guesses
    the quoting from the sample, which misreads doubled quotes further down the file.
    """
    def score(delimiter: str) -> tuple[int, int]:
        records: list[list[str]] = []
        with suppress(csv.Error):  # e.g. a NUL further down: judge the rows before it
            records.extend(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        if not records:
            return (0, 0)
        body = records[1:-1] if len(sample) >= SAMPLE_CHARS else records[1:]  # last may be cut
        names = {c.strip().lower() for c in records[0]}
        return (len(names & set(REQUIRED)), sum(len(r) == len(records[0]) for r in body))

    return max(DELIMITERS, key=score)


def _jsonl_rows(lines: Iterator[str], budget: _Budget) -> Iterator[tuple[int, Row]]:
    """JSON Lines as ``export codings --format jsonl`` writes them: one object per line."""
    number = 0
    while (line := budget.next(lines, number + 1)) is not None:
        number += 1
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise InvalidInput(_("{path}: line {number} is not a JSON object.")
                               .format(path=budget.path, number=number)) from exc
        if not isinstance(value, dict):
            raise InvalidInput(_("{path}: line {number} is not a JSON object.")
                               .format(path=budget.path, number=number))
        row = {}
        for name in (*REQUIRED, *OPTIONAL):
            item = value.get(name)
            if name in REQUIRED and name not in value:
                raise InvalidInput(_("{path}: line {number} has no {name!r}.")
                                   .format(path=budget.path, number=number, name=name))
            if not isinstance(item, str | int | None):
                raise InvalidInput(_("{path}: line {number}: {name!r} must be text, a whole "
                                     "number, true, false or null.")
                                   .format(path=budget.path, number=number, name=name))
            row[name] = _as_text(item)
        yield number, row


def _as_text(value: str | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """The csv module's field limit (process-wide) raised while one file is read."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)
