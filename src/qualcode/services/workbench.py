"""What the coding workbench reads: a transcript with its turns, sentences and codings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Code, Coder, Coding, Segment, Speaker
from qualcode.store import Store
from qualcode.store.lookup import code_paths, current_version, find_document


@dataclass(frozen=True)
class TurnInfo:
    position: int
    label: str
    role: str | None
    time_mark: str | None
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class CodingView:
    id: int
    code_id: int
    code_path: str
    colour: str | None
    coder: str
    start: int
    end: int
    text: str
    memo: str | None
    is_voice: bool
    anchor_status: str
    is_anchor: bool = False


@dataclass(frozen=True)
class TranscriptData:
    document_id: int
    name: str
    version_id: int
    text: str
    turns: tuple[TurnInfo, ...]
    codings: tuple[CodingView, ...]


def load_transcript(store: Store, document: int | str) -> TranscriptData:
    with store.read() as session:
        doc = find_document(session, document)
        version = current_version(session, doc.id)
        rows = session.execute(
            select(Segment.id, Segment.kind, Segment.position, Segment.start, Segment.end,
                   Segment.time_mark, Segment.parent_id, Speaker.label, Speaker.role)
            .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
            .where(Segment.version_id == version.id)
            .order_by(Segment.start, Segment.kind.desc())).all()
        sentences: dict[int, list[tuple[int, int]]] = {}
        for row in rows:
            if row.kind == "sentence":
                sentences.setdefault(row.parent_id, []).append((row.start, row.end))
        turns = tuple(
            TurnInfo(r.position, r.label or "", r.role, r.time_mark, r.start, r.end,
                     tuple(sentences.get(r.id, ())) or ((r.start, r.end),))
            for r in rows if r.kind == "turn")
        return TranscriptData(doc.id, doc.name, version.id, version.text, turns,
                              tuple(codings_of_version(session, version.id)))


def codings_of_version(session: Session, version_id: int) -> list[CodingView]:
    paths = code_paths(session)
    rows = session.execute(
        select(Coding, Code.colour, Coder.name)
        .join(Code, Code.id == Coding.code_id).join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.version_id == version_id).order_by(Coding.start, Coding.id)).all()
    return [CodingView(c.id, c.code_id, paths[c.code_id], colour, coder, c.start, c.end, c.text,
                       c.memo, c.is_voice, c.anchor_status, c.is_anchor)
            for c, colour, coder in rows]


def version_codings(store: Store, version_id: int) -> list[CodingView]:
    with store.read() as session:
        return codings_of_version(session, version_id)


def list_coders(store: Store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(Coder.name).order_by(Coder.name)))


def ensure_coder(store: Store, name: str) -> str:
    from qualcode.store.lookup import find_coder

    with store.write() as session:
        return find_coder(session, name, create=True).name
