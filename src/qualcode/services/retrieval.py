"""Retrieval: every coding of a code (and its sub-codes) across documents, with context.

The context around a coding stays inside its speaker turn: another speaker's words (and
label) never appear as if they were part of the quote.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from sqlalchemy import select

from qualcode.models import Coder, Coding, Document, DocumentVersion, Segment, Speaker
from qualcode.store import Store
from qualcode.store.lookup import code_paths, find_code


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
    speaker: str | None = None


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
        turns = _turns(session, versions)
        found = []
        for coding, coder_name, doc_name, doc_id in rows:
            text = texts[coding.version_id]
            first, last, speaker = _turn_of(turns.get(coding.version_id, ([], [])),
                                            coding.start, len(text))
            found.append(Retrieved(
                coding.id, doc_name, doc_id, paths[coding.code_id], coder_name, coding.start,
                coding.end, coding.text,
                text[max(first, coding.start - context):coding.start],
                text[coding.end:min(max(last, coding.end), coding.end + context)], coding.memo,
                coding.is_voice, speaker))
        return found


Turn = tuple[int, int, str | None]  # start, end, speaker label


def _turns(session,  # type: ignore[no-untyped-def]
           versions: set[int]) -> dict[int, tuple[list[int], list[Turn]]]:
    rows = session.execute(
        select(Segment.version_id, Segment.start, Segment.end, Speaker.label)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.kind == "turn", Segment.version_id.in_(versions))
        .order_by(Segment.version_id, Segment.start)).all() if versions else []
    found: dict[int, tuple[list[int], list[Turn]]] = {}
    for version_id, start, end, label in rows:
        starts, turns = found.setdefault(version_id, ([], []))
        starts.append(start)
        turns.append((start, end, label))
    return found


def _turn_of(indexed: tuple[list[int], list[Turn]], offset: int, length: int) -> Turn:
    """The turn holding ``offset``; the whole text when there are no turns."""
    starts, turns = indexed
    index = bisect.bisect_right(starts, offset) - 1
    if index >= 0 and offset < turns[index][1]:
        return turns[index]
    return (0, length, None)
