"""Settling disagreements into a consensus coder that exports and matrices can use.

``seed`` copies every coding the coders agree on (MAXQDA's segment rule) into the consensus
coder; ``resolve`` copies the codings a reviewer chose for one disagreement. Both skip
codings the consensus coder already has, and both are one undoable batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from qualcode.agreement.compute import Selection, disagreements
from qualcode.agreement.segments import check_overlap, segments_match
from qualcode.models import Coder, Coding, Document, DocumentVersion
from qualcode.store import Store, audit
from qualcode.store.lookup import find_code, find_coder

CONSENSUS = "consensus"


@dataclass(frozen=True)
class ConsensusResult:
    coder: str
    copied: int
    skipped: int


def seed(store: Store, coders: list[str], *, into: str = CONSENSUS,
         overlap: float = 0.9, actor: str = "reviewer") -> ConsensusResult:
    """Copy the first coder's codings that every other coder matches into the consensus."""
    check_overlap(overlap)
    with store.write() as session:
        ids = [find_coder(session, name).id for name in coders]
        rows = session.execute(select(Coding).where(Coding.coder_id.in_(ids))).scalars().all()
        by_key: dict[tuple[int, int, int], list[Coding]] = {}
        for coding in rows:
            by_key.setdefault((coding.coder_id, coding.version_id, coding.code_id), []).append(
                coding)
        agreed = [c for c in rows if c.coder_id == ids[0] and all(
            any(segments_match((c.start, c.end), (o.start, o.end), overlap)
                for o in by_key.get((other, c.version_id, c.code_id), []))
            for other in ids[1:])]
        return _copy(session, agreed, into, actor)


def resolve(store: Store, *, document: str, code: str, start: int, end: int,
            take: list[str], into: str = CONSENSUS, actor: str = "reviewer") -> ConsensusResult:
    """Copy the chosen coders' codings of ``code`` that overlap [start, end) into the consensus.

    An empty ``take`` settles the disagreement as "not coded": nothing is copied.
    """
    with store.write() as session:
        code_id = find_code(session, code).id
        version_id = session.scalar(
            select(DocumentVersion.id).join(Document).where(Document.name == document)
            .order_by(DocumentVersion.number.desc()).limit(1))
        chosen = []
        for name in take:
            coder_id = find_coder(session, name).id
            chosen += session.scalars(select(Coding).where(
                Coding.coder_id == coder_id, Coding.code_id == code_id,
                Coding.version_id == version_id, Coding.start < end, start < Coding.end)).all()
        return _copy(session, chosen, into, actor)


def open_disagreements(store: Store, coders: list[str], *, document: str | None = None,
                       overlap: float = 0.9, into: str = CONSENSUS) -> list:  # type: ignore[type-arg]
    """Segment-level disagreements the consensus coder has not settled with a coding yet."""
    selection = Selection(coders, "segment", [document] if document else [], [], overlap)
    found = disagreements(store, selection)
    with store.read() as session:
        settled = {(doc, code_id, s, e) for doc, code_id, s, e in session.execute(
            select(Document.name, Coding.code_id, Coding.start, Coding.end)
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == into))}
        codes = {d.code: find_code(session, d.code).id for d in found}
    return [d for d in found if not any(doc == d.document and cid == codes[d.code]
                                        and s < d.end and d.start < e
                                        for doc, cid, s, e in settled)]


def _copy(session, codings: list[Coding], into: str, actor: str) -> ConsensusResult:  # type: ignore[no-untyped-def]
    target = find_coder(session, into, create=True)
    have = set(session.execute(select(Coding.version_id, Coding.code_id, Coding.start,
                                      Coding.end).where(Coding.coder_id == target.id)))
    batch = audit.new_batch()
    copied = 0
    for source in codings:
        key = (source.version_id, source.code_id, source.start, source.end)
        if key in have:
            continue
        have.add(key)
        coding = Coding(version_id=source.version_id, code_id=source.code_id,
                        coder_id=target.id, start=source.start, end=source.end,
                        text=source.text, memo=source.memo, is_voice=source.is_voice)
        session.add(coding)
        session.flush()
        audit.record(session, actor=actor, action="consensus", obj=coding, before=None,
                     after=audit.snapshot(coding), batch=batch)
        copied += 1
    return ConsensusResult(into, copied, len(codings) - copied)
