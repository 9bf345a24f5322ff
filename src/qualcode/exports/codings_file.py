"""One row per coding, for anyone scripting an analysis.

Rows are streamed document by document (in name order; within a document by start, end,
coder), so a million codings need neither a million-row sort nor the memory to hold them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from qualcode.exports.files import reversible_cell
from qualcode.i18n import _
from qualcode.models import Coder, Coding, Document, DocumentVersion
from qualcode.progress import Progress, counted
from qualcode.store import Store
from qualcode.store.lookup import code_paths

FIELDS = ("document", "coder", "code", "start", "end", "text", "memo", "stimme")
CodingRow = tuple[str, str, str, int, int, str, str | None, bool]


def count_codings(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Coding)) or 0


def coding_rows(store: Store) -> Iterator[CodingRow]:
    """(document, coder, code path, start, end, text, memo, stimme) for every coding."""
    with store.read() as session:
        paths = code_paths(session)
        coders = dict(session.execute(select(Coder.id, Coder.name)).all())
        documents = session.execute(select(Document.id, Document.name)
                                    .order_by(Document.name)).all()
        for document_id, name in documents:
            rows = session.execute(
                select(Coding.coder_id, Coding.code_id, Coding.start, Coding.end, Coding.text,
                       Coding.memo, Coding.is_voice, Coding.id)
                .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
                .where(DocumentVersion.document_id == document_id)).all()
            rows.sort(key=lambda r: (r[2], r[3], coders[r[0]], r[7]))
            for coder, code, start, end, text, memo, voice, _ in rows:
                yield name, coders[coder], paths[code], start, end, text, memo, bool(voice)


def write_codings(path: Path, rows: Iterator[CodingRow], total: int, fmt: str,
                  progress: Progress | None = None) -> None:
    paced = counted(rows, total, _("writing codings"), progress, every=10_000)
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for row in paced:
                handle.write(json.dumps(dict(zip(FIELDS, row, strict=True)),
                                        ensure_ascii=False) + "\n")
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        writer.writerows((reversible_cell(document), reversible_cell(coder),
                          reversible_cell(code), start, end, reversible_cell(text),
                          reversible_cell(memo), voice)
                         for document, coder, code, start, end, text, memo, voice in paced)
