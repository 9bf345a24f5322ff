"""Anchor examples: a coder marks one of their codings as an anchor example of its code.

The mark is per coder: each coder marks only their own codings (as with memos and the
"Stimme aus der Praxis" mark), and the Kodierleitfaden names who marked an example.
"""

from __future__ import annotations

from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.i18n import _, ngettext
from qualcode.models import Coding
from qualcode.services.codings import update_coding
from qualcode.store import Store
from qualcode.store.lookup import current_version, find_code, find_coder, find_document


def mark_anchor(store: Store, document: str, code: str, coder: str, *,
                start: int | None = None, marked: bool = True) -> int:
    """Mark (or with ``marked=False`` unmark) ``coder``'s coding of ``code`` in ``document``;
    ``start`` chooses among several. Returns the coding's id. Undoable like any change."""
    coding_id = _the_coding(store, document, code, coder, start)
    update_coding(store, coding_id, actor=coder, is_anchor=marked)
    return coding_id


def set_anchor(store: Store, coding_id: int, *, actor: str, marked: bool) -> None:
    """The TUI's way: a coding by id, changed by its own coder."""
    update_coding(store, coding_id, actor=actor, is_anchor=marked)


def _the_coding(store: Store, document: str, code: str, coder: str, start: int | None) -> int:
    with store.read() as session:
        doc = find_document(session, document)
        version = current_version(session, doc.id)
        query = (select(Coding.id).where(Coding.version_id == version.id,
                                         Coding.code_id == find_code(session, code).id,
                                         Coding.coder_id == find_coder(session, coder).id)
                 .order_by(Coding.start, Coding.id))
        if start is not None:
            query = query.where(Coding.start == start)
        found = list(session.scalars(query))
    if not found:
        where = _(" at offset {start}").format(start=start) if start is not None else ""
        raise InvalidInput(_("{coder} has no coding of {code} in {document}{where}.").format(
            coder=coder, code=code, document=document, where=where))
    if len(found) > 1:
        raise InvalidInput(ngettext(
            "{n} coding of {code} by {coder} in {document} matches; give --start to choose.",
            "{n} codings of {code} by {coder} in {document} match; give --start to choose one.",
            len(found)).format(n=len(found), code=code, coder=coder, document=document))
    return found[0]
