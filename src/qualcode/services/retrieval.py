"""Retrieval: every coding of a code (and its sub-codes) across documents, with context."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.models import Coder, Coding, Document, DocumentVersion
from qualcode.services.lookup import code_paths, find_code
from qualcode.store import Store


@dataclass(frozen=True)
class Retrieved:
    coding_id: int
    document: str
    document_id: int
    code_path: str
    coder: str
    start: int
    end: int
    text: str
    before: str
    after: str
    memo: str | None
    is_voice: bool


def retrieve(store: Store, code: str | int, *, include_subcodes: bool = True,
             coder: str | None = None, context: int = 80) -> list[Retrieved]:
    with store.read() as session:
        root = find_code(session, code)
        paths = code_paths(session)
        prefix = paths[root.id]
        wanted = [cid for cid, path in paths.items()
                  if path == prefix or (include_subcodes and path.startswith(prefix + "/"))]
        query = (select(Coding, Coder.name, Document.name, Document.id)
                 .join(Coder, Coder.id == Coding.coder_id)
                 .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
                 .join(Document, Document.id == DocumentVersion.document_id)
                 .where(Coding.code_id.in_(wanted))
                 .order_by(Document.name, Coding.start, Coding.id))
        if coder is not None:
            query = query.where(Coder.name == coder)
        rows = session.execute(query).all()
        versions = {coding.version_id for coding, *_ in rows}
        texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text).where(
            DocumentVersion.id.in_(versions))).all()) if versions else {}
        found = []
        for coding, coder_name, doc_name, doc_id in rows:
            text = texts[coding.version_id]
            found.append(Retrieved(
                coding.id, doc_name, doc_id, paths[coding.code_id], coder_name, coding.start,
                coding.end, coding.text, text[max(0, coding.start - context):coding.start],
                text[coding.end:coding.end + context], coding.memo, coding.is_voice))
        return found



