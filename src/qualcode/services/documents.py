"""Creating documents and reading what they hold."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.models import Document, DocumentVariable, DocumentVersion
from qualcode.store import Store, audit
from qualcode.transcripts.storing import sha256
from qualcode.transcripts.variables import VariableValue


@dataclass(frozen=True)
class DocumentCreated:
    id: int
    name: str
    version_id: int


@dataclass
class NewDocument:
    name: str
    text: str
    source_path: str | None = None
    variables: list[VariableValue] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """NFC and ``\\n`` line endings: offsets are always taken on this form."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))



def add_document(store: Store, new: NewDocument, *, actor: str = "system") -> DocumentCreated:
    """Store a new document with its first version; the name must be new."""
    text = normalise_text(new.text)
    with store.write() as session:
        if session.scalar(select(Document.id).where(Document.name == new.name)) is not None:
            raise InvalidInput(_("A document named {name!r} exists already.").format(name=new.name))
        doc = Document(name=new.name)
        version = DocumentVersion(number=1, text=text, sha256=sha256(text),
                                  source_path=new.source_path, words=len(text.split()))
        doc.versions.append(version)
        doc.variables.extend(
            DocumentVariable(name=v.name, value=v.value, value_type=v.value_type)
            for v in new.variables
        )
        session.add(doc)
        session.flush()
        audit.record(session, actor=actor, action="add", obj=doc, before=None,
                     after=audit.snapshot(doc), batch=audit.new_batch())
        return DocumentCreated(doc.id, doc.name, version.id)


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    name: str
    version: int
    variables: dict[str, str | None]
    turns: int
    words: int
    codings: int


@dataclass(frozen=True)
class TurnView:
    position: int
    label: str
    role: str | None
    time_mark: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocumentView:
    id: int
    name: str
    version: int
    variables: dict[str, str | None]
    text: str
    turns: list[TurnView]


def list_documents(store: Store, *, coder: str | None = None) -> list[DocumentSummary]:
    """Every document with its variables and counts (codings of ``coder`` only, if given)."""
    from sqlalchemy import func

    from qualcode.models import Coder, Coding, Segment

    with store.read() as session:
        newest = select(DocumentVersion.document_id, func.max(DocumentVersion.number)
                        .label("number")).group_by(DocumentVersion.document_id).subquery()
        versions = {document_id: (version_id, number, words or 0)
                    for document_id, version_id, number, words in session.execute(
                        select(DocumentVersion.document_id, DocumentVersion.id,
                               DocumentVersion.number, DocumentVersion.words)
                        .join(newest, (newest.c.document_id == DocumentVersion.document_id)
                              & (newest.c.number == DocumentVersion.number)))}
        turns = dict(session.execute(
            select(Segment.version_id, func.count()).where(Segment.kind == "turn")
            .group_by(Segment.version_id)).all())
        codings_query = select(Coding.version_id, func.count()).group_by(Coding.version_id)
        if coder is not None:
            codings_query = codings_query.join(Coder).where(Coder.name == coder)
        codings = dict(session.execute(codings_query).all())
        variables = _variables(session)
        summaries = []
        for doc_id, name in session.execute(select(Document.id, Document.name)
                                            .order_by(Document.name)):
            version_id, number, words = versions[doc_id]
            summaries.append(DocumentSummary(
                doc_id, name, number, variables.get(doc_id, {}), turns.get(version_id, 0),
                words, codings.get(version_id, 0)))
        return summaries


def show_document(store: Store, ref: str | int) -> DocumentView:
    from qualcode.models import Segment, Speaker
    from qualcode.store.lookup import current_version, find_document

    with store.read() as session:
        doc = find_document(session, ref)
        version = current_version(session, doc.id)
        rows = session.execute(
            select(Segment, Speaker.label, Speaker.role)
            .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
            .where(Segment.version_id == version.id, Segment.kind == "turn")
            .order_by(Segment.position)).all()
        turns = [TurnView(seg.position, label or "", role, seg.time_mark, seg.start, seg.end,
                          version.text[seg.start:seg.end]) for seg, label, role in rows]
        return DocumentView(doc.id, doc.name, version.number, _variables(session).get(doc.id, {}),
                            version.text, turns)


def _variables(session) -> dict[int, dict[str, str | None]]:  # type: ignore[no-untyped-def]
    found: dict[int, dict[str, str | None]] = {}
    for var in session.scalars(select(DocumentVariable).order_by(DocumentVariable.name)):
        found.setdefault(var.document_id, {})[var.name] = var.value
    return found
