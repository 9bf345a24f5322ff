"""Importing codings from CSV: document, coder, code, start, end[, memo].

Every row is checked first; one bad row (unknown document or code, a range outside the text)
means nothing is imported, and every bad row is listed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.models import AuditEntry, Document, DocumentVersion
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.store import Store, audit
from qualcode.store.lookup import code_paths, find_coder

REQUIRED = ("document", "coder", "code", "start", "end")
MAX_LISTED = 20


@dataclass(frozen=True)
class CodingsImported:
    rows: int
    coders: list[str]


def import_codings(store: Store, path: Path) -> CodingsImported:
    rows = _read(path)
    with store.write() as session:
        documents = {name: (vid, text) for name, vid, text in session.execute(
            select(Document.name, DocumentVersion.id, DocumentVersion.text)
            .join(DocumentVersion).order_by(DocumentVersion.number))}  # newest version wins
        paths = code_paths(session)
        by_path = {p: cid for cid, p in paths.items()}
        by_name: dict[str, list[int]] = {}
        for cid, p in paths.items():
            by_name.setdefault(p.rsplit("/", 1)[-1], []).append(cid)
        problems, prepared = [], []
        for line, row in rows:
            problem, item = _check(line, row, documents, by_path, by_name)
            if problem:
                problems.append(problem)
            else:
                prepared.append(item)
        if problems:
            shown = "; ".join(problems[:MAX_LISTED])
            more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
            raise InvalidInput(f"{path}: {len(problems)} bad rows, nothing imported: "
                               f"{shown}{more}.")
        coder_ids = {name: find_coder(session, name, create=True).id
                     for name in sorted({item[1] for item in prepared})}
    new = [NewCoding(vid, cid, coder_ids[coder], start, end, text, memo)
           for vid, coder, cid, start, end, text, memo in prepared]
    with store.write() as session:
        session.add(AuditEntry(actor="import", action="import codings", entity="codings",
                               entity_id=None, batch=audit.new_batch(), before=None,
                               after=f'{{"file": "{path.name}", "rows": {len(new)}}}'))
    bulk_insert(store, new)
    return CodingsImported(len(new), sorted(coder_ids))


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot be read as UTF-8 CSV ({exc}).") from exc
    if not text.strip():
        raise InvalidInput(f"{path}: is empty.")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(f"{path}: the column {missing[0]!r} is missing (needed: "
                           f"{', '.join(REQUIRED)}; optional: memo).")
    return [(n, {k.strip().lower(): (v or "").strip() for k, v in row.items() if k})
            for n, row in enumerate(reader, start=2)]


def _check(line: int, row: dict[str, str], documents, by_path, by_name):  # type: ignore[no-untyped-def]
    where = f"row {line}"
    doc = documents.get(row["document"])
    if doc is None:
        return f"{where}: unknown document {row['document']!r}", None
    ref = row["code"].strip("/")
    ids = [by_path[ref]] if ref in by_path else by_name.get(ref, [])
    if len(ids) != 1:
        kind = "ambiguous" if ids else "unknown"
        return f"{where}: {kind} code {row['code']!r}", None
    if not row["coder"]:
        return f"{where}: no coder", None
    try:
        start, end = int(row["start"]), int(row["end"])
    except ValueError:
        return f"{where}: start and end must be whole numbers", None
    version_id, text = doc
    if not 0 <= start < end <= len(text):
        return (f"{where}: range [{start}, {end}) lies outside the text "
                f"(0 to {len(text)})"), None
    return None, (version_id, row["coder"], ids[0], start, end, text[start:end],
                  row.get("memo") or None)



