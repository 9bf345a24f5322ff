"""One row per coding, for anyone scripting an analysis."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import select

from qualcode.exports.files import safe_cell
from qualcode.models import Coder, Coding, Document, DocumentVersion
from qualcode.progress import Progress, counted
from qualcode.services.lookup import code_paths
from qualcode.store import Store

FIELDS = ("document", "coder", "code", "start", "end", "text", "memo", "stimme")


def coding_rows(store: Store) -> list[dict[str, object]]:
    with store.read() as session:
        paths = code_paths(session)
        rows = session.execute(
            select(Document.name, Coder.name, Coding.code_id, Coding.start, Coding.end,
                   Coding.text, Coding.memo, Coding.is_voice)
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(Document.name, Coding.start, Coding.end, Coder.name, Coding.id)).all()
    return [dict(zip(FIELDS, (doc, coder, paths[code], start, end, text, memo, bool(voice)),
                     strict=True))
            for doc, coder, code, start, end, text, memo, voice in rows]


def write_codings(path: Path, rows: list[dict[str, object]], fmt: str,
                  progress: Progress | None = None) -> None:
    rows_counted = counted(rows, len(rows), "writing codings", progress, every=10_000)
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for row in rows_counted:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows_counted)
