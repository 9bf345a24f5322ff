"""Creating documents and reading what they hold."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.models import Document, DocumentVariable, DocumentVersion
from qualcode.services import audit
from qualcode.store import Store


@dataclass(frozen=True)
class DocumentCreated:
    id: int
    name: str
    version_id: int


@dataclass
class VariableValue:
    name: str
    value: str | None
    value_type: str = "text"


@dataclass
class NewDocument:
    name: str
    text: str
    source_path: str | None = None
    variables: list[VariableValue] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """NFC and ``\\n`` line endings: offsets are always taken on this form."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_document(store: Store, new: NewDocument, *, actor: str = "system") -> DocumentCreated:
    """Store a new document with its first version; the name must be new."""
    text = normalise_text(new.text)
    with store.write() as session:
        if session.scalar(select(Document.id).where(Document.name == new.name)) is not None:
            raise InvalidInput(f"A document named {new.name!r} exists already.")
        doc = Document(name=new.name)
        version = DocumentVersion(number=1, text=text, sha256=sha256(text),
                                  source_path=new.source_path)
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
