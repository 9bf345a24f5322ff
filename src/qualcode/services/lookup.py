"""Finding documents, codes and coders by what users type."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotFound
from qualcode.models import Code, Coder, Document, DocumentVersion

PATH_SEPARATOR = "/"


def code_paths(session: Session) -> dict[int, str]:
    """Every code's id mapped to its full path (``Theme/Sub-code``)."""
    rows = session.execute(select(Code.id, Code.parent_id, Code.name)).all()
    parents = {r.id: (r.parent_id, r.name) for r in rows}
    paths: dict[int, str] = {}

    def path_of(code_id: int) -> str:
        if code_id not in paths:
            parent_id, name = parents[code_id]
            paths[code_id] = name if parent_id is None else path_of(parent_id) + "/" + name
        return paths[code_id]

    for code_id in parents:
        path_of(code_id)
    return paths


def code_path(session: Session, code: Code) -> str:
    """The path of one code, walking up its parents."""
    names = [code.name]
    parent_id = code.parent_id
    while parent_id is not None:
        parent = session.get_one(Code, parent_id)
        names.append(parent.name)
        parent_id = parent.parent_id
    return PATH_SEPARATOR.join(reversed(names))


def find_code(session: Session, ref: str | int) -> Code:
    """A code by id, path, name, hotkey or unambiguous prefix (see codebook.names)."""
    from qualcode.codebook.names import CodeName, resolve_code

    if isinstance(ref, int):
        code = session.get(Code, ref)
        if code is None:
            raise NotFound(f"There is no code with id {ref}.")
        return code
    hotkeys = dict(session.execute(select(Code.id, Code.hotkey)).all())
    names = [CodeName(cid, path, hotkeys.get(cid)) for cid, path in code_paths(session).items()]
    return session.get_one(Code, resolve_code(ref, names))


def find_coder(session: Session, name: str, *, create: bool = False) -> Coder:
    name = name.strip()
    if not name:
        raise InvalidInput("A coder needs a name.")
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        if not create:
            raise NotFound(f"There is no coder {name!r}.")
        coder = Coder(name=name)
        session.add(coder)
        session.flush()
    return coder


def find_document(session: Session, ref: str | int) -> Document:
    if isinstance(ref, int):
        doc = session.get(Document, ref)
    else:
        doc = session.scalar(select(Document).where(Document.name == ref))
    if doc is None:
        raise NotFound(f"There is no document {ref!r}.")
    return doc


def current_version(session: Session, document_id: int) -> DocumentVersion:
    newest = (
        select(func.max(DocumentVersion.number))
        .where(DocumentVersion.document_id == document_id)
        .scalar_subquery()
    )
    version = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document_id, DocumentVersion.number == newest
        )
    )
    if version is None:
        raise NotFound(f"The document with id {document_id} has no text.")
    return version
