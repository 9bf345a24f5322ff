"""Finding documents, codes and coders by what users type.

A code is found by its path, its name, its hotkey, or an unambiguous prefix: exact forms
first, then the same ignoring case, then a prefix of a name or path that fits one code only.
When nothing fits, the error names the closest codes (rapidfuzz).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotFound
from qualcode.i18n import _
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
    if isinstance(ref, int):
        code = session.get(Code, ref)
        if code is None:
            raise NotFound(_("There is no code with id {ref}.").format(ref=ref))
        return code
    hotkeys = dict(session.execute(select(Code.id, Code.hotkey)).all())
    names = [CodeName(cid, path, hotkeys.get(cid)) for cid, path in code_paths(session).items()]
    return session.get_one(Code, resolve_code(ref, names))


def find_coder(session: Session, name: str, *, create: bool = False) -> Coder:
    name = name.strip()
    if not name:
        raise InvalidInput(_("A coder needs a name."))
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        if not create:
            raise NotFound(_("There is no coder {name!r}.").format(name=name))
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
        raise NotFound(_("There is no document {ref!r}.").format(ref=ref))
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
        raise NotFound(_("The document with id {document_id} has no text.")
                       .format(document_id=document_id))
    return version


# -- what a user may type for a code ---------------------------------------------------------

SUGGESTIONS = 3
LISTED = 5


@dataclass(frozen=True)
class CodeName:
    id: int
    path: str
    hotkey: str | None

    @property
    def name(self) -> str:
        return self.path.rsplit(PATH_SEPARATOR, 1)[-1]


def resolve_code(ref: str, codes: Sequence[CodeName]) -> int:
    """The id of the one code ``ref`` names; NotFound or InvalidInput (ambiguous) otherwise."""
    wanted = ref.strip().strip(PATH_SEPARATOR)
    folded = wanted.casefold()
    rules: list[Callable[[CodeName], bool]] = [
        lambda c: c.path == wanted,
        lambda c: c.name == wanted,
        lambda c: c.hotkey is not None and c.hotkey == wanted,
        lambda c: c.path.casefold() == folded or c.name.casefold() == folded,
        lambda c: c.name.casefold().startswith(folded) or c.path.casefold().startswith(folded),
    ]
    for rule in rules:
        found = [c for c in codes if wanted and rule(c)]
        if len(found) == 1:
            return found[0].id
        if found:
            raise InvalidInput(_("{ref!r} fits {n} codes; name one of them: {listed}.")
                               .format(ref=ref, n=len(found),
                                       listed=_listed(sorted(c.path for c in found))))
    raise NotFound(_("There is no code {ref!r} in the codebook{closest}.")
                   .format(ref=ref, closest=_closest(wanted, codes)))


def _closest(wanted: str, codes: Sequence[CodeName]) -> str:
    from rapidfuzz import process

    choices = {c.id: c.name for c in codes}
    best = process.extract(wanted, choices, scorer=_likeness, limit=SUGGESTIONS,
                           score_cutoff=55)
    if not best:
        return ""
    paths = {c.id: c.path for c in codes}
    return _("; the closest are ") + ", ".join(repr(paths[key]) for _, _, key in best)


def _likeness(typed: str, name: str, **_: object) -> float:
    """WRatio forgives a part typed of a long name, QRatio a typo in a whole name."""
    from rapidfuzz import fuzz, utils

    return (fuzz.WRatio(typed, name, processor=utils.default_process)
            + fuzz.QRatio(typed, name, processor=utils.default_process)) / 2


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:LISTED])
    more = len(paths) - LISTED
    return shown + (_(" and {n} more").format(n=more) if more > 0 else "")
