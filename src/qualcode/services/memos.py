"""Memos on the project, a document or a code (memos on codings live on the coding)."""

from __future__ import annotations

from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.models import Memo, utcnow
from qualcode.store import Store, audit
from qualcode.store.lookup import find_coder

TARGETS = ("project", "document", "code")


def get_memo(store: Store, target: str, target_id: int | None, *, coder: str) -> str:
    with store.read() as session:
        memo = _find(session, target, target_id, coder)
        return memo.text if memo else ""


def set_memo(store: Store, target: str, target_id: int | None, text: str, *, coder: str) -> None:
    """Write (or, with empty text, delete) the coder's memo on the target; undoable."""
    if target not in TARGETS:
        raise InvalidInput(_("A memo can be written on {choices}, not on {target!r}.")
                           .format(choices=", ".join(TARGETS), target=target))
    with store.write() as session:
        memo = _find(session, target, target_id, coder)
        batch = audit.new_batch()
        if memo is None and text.strip():
            memo = Memo(target=target, target_id=target_id, text=text,
                        coder_id=find_coder(session, coder, create=True).id)
            session.add(memo)
            session.flush()
            audit.record(session, actor=coder, action="memo", obj=memo, before=None,
                         after=audit.snapshot(memo), batch=batch)
        elif memo is not None and not text.strip():
            audit.record(session, actor=coder, action="memo", obj=memo,
                         before=audit.snapshot(memo), after=None, batch=batch)
            session.delete(memo)
        elif memo is not None:
            before = audit.snapshot(memo)
            memo.text, memo.modified_at = text, utcnow()
            session.flush()
            audit.record(session, actor=coder, action="memo", obj=memo, before=before,
                         after=audit.snapshot(memo), batch=batch)


def _find(session, target: str, target_id: int | None, coder: str) -> Memo | None:  # type: ignore[no-untyped-def]
    from qualcode.models import Coder

    return session.scalar(select(Memo).join(Coder, Coder.id == Memo.coder_id).where(
        Memo.target == target, Memo.target_id == target_id, Coder.name == coder))
