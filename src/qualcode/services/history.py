"""Undo and redo, backed by the audit log.

Every user action writes its changes as one batch of audit entries. Undo
reverts the newest batch of an actor that is not yet undone, by applying the
``before`` images in reverse order, and records that as a batch of its own
(action ``undo``); redo reverts the newest undo. Reverting a batch whose rows
were changed since by someone else is refused, so undo never overwrites
another coder's work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, inspect, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput
from qualcode.i18n import _, ngettext
from qualcode.models import AuditEntry, Base, Code, Coding, Memo
from qualcode.store import Store, audit

UNDOABLE: dict[str, type[Base]] = {"codings": Coding, "memos": Memo, "codes": Code}
MARKER = "batch"  # the audit entry that says which batch an undo or redo reverted


@dataclass(frozen=True)
class Reverted:
    batch: str
    reverted_batch: str
    changes: int
    description: str


def undo(store: Store, actor: str, batch: str | None = None) -> Reverted:
    """Revert ``batch``, or the actor's newest change that is in effect."""
    with store.write() as session:
        done = _stacks(session, actor)[0]
        target = batch or (done[-1] if done else None)
        if target is None:
            raise InvalidInput(_("There is nothing to undo for {actor!r}.").format(actor=actor))
        return _revert(session, actor, target, "undo")


def redo(store: Store, actor: str) -> Reverted:
    """Revert the actor's newest undo, unless something new was done since."""
    with store.write() as session:
        undone = _stacks(session, actor)[1]
        if not undone:
            raise InvalidInput(_("There is nothing to redo for {actor!r}.").format(actor=actor))
        return _revert(session, actor, undone[-1], "redo")


def _stacks(session: Session, actor: str) -> tuple[list[str], list[str]]:
    """Replay the actor's batches: (changes in effect, undo batches that redo can revert)."""
    rows = session.execute(
        select(AuditEntry.batch, AuditEntry.action, AuditEntry.entity, AuditEntry.before,
               AuditEntry.after)
        .where(AuditEntry.actor == actor).order_by(AuditEntry.id)).all()
    done: list[str] = []
    undone: list[str] = []
    seen: set[str] = set()
    for batch, action, entity, before, after in rows:
        if audit.TOMBSTONE in (before, after) or entity not in (*UNDOABLE, MARKER):
            # erased rows cannot come back; settings, exports and erasures are no edits
            continue
        if entity == MARKER:
            reverted = json.loads(after)["reverts"]
            if action == "undo":
                _remove(done, reverted)
                undone.append(batch)
            else:
                _remove(undone, reverted)
                done.append(batch)
        elif batch not in seen and action not in ("undo", "redo"):
            done.append(batch)
            undone.clear()
        seen.add(batch)
    return done, undone


def _remove(stack: list[str], batch: str) -> None:
    if batch in stack:
        stack.remove(batch)


def _revert(session: Session, actor: str, batch: str, kind: str) -> Reverted:
    entries = list(session.scalars(
        select(AuditEntry).where(AuditEntry.batch == batch, AuditEntry.entity != MARKER)
        .order_by(AuditEntry.id.desc())))
    entries = [e for e in entries if audit.TOMBSTONE not in (e.before, e.after)]  # erased
    if not entries:
        raise InvalidInput(_("There is no change batch {batch!r}.").format(batch=batch))
    unknown = {e.entity for e in entries} - set(UNDOABLE)
    if unknown:
        raise InvalidInput(_("Changes to {entity} cannot be undone.")
                           .format(entity=sorted(unknown)[0]))
    rows = _current_rows(session, entries)
    new_batch = audit.new_batch()
    # One flush at the end: flushing (and querying) for every row made big batches
    # (an autocode of thousands of codings) take seconds to undo.
    with session.no_autoflush:
        for entry in entries:
            # Codings carry no ORM relationship to their code, so one flush would not know
            # to put a code back before the codings that point at it, or to move codings
            # away before their code goes: a code's change is flushed on its own.
            if entry.entity == "codes":
                session.flush()
            key = (entry.entity, entry.entity_id)
            rows[key] = _apply(session, UNDOABLE[entry.entity], entry, rows.get(key))
            if entry.entity == "codes":
                session.flush()
            session.add(AuditEntry(actor=actor, action=kind, entity=entry.entity,
                                   entity_id=entry.entity_id, batch=new_batch,
                                   before=entry.after, after=entry.before))
    session.add(AuditEntry(actor=actor, action=kind, entity=MARKER, entity_id=None,
                           batch=new_batch, before=None, after=json.dumps({"reverts": batch})))
    session.flush()
    return Reverted(new_batch, batch, len(entries), describe(entries))


def describe(entries: list[AuditEntry]) -> str:
    """What reverting ``entries`` does, in words: "2 codings removed, 1 code changed"."""
    counts: dict[tuple[str, str], int] = {}
    for entry in entries:  # what reverting does is the entry read backwards
        change = ("removed" if entry.before is None else
                  "added" if entry.after is None else "changed")
        counts[entry.entity, change] = counts.get((entry.entity, change), 0) + 1
    return ", ".join(_counted(entity, change, n) for (entity, change), n in counts.items())


def _counted(entity: str, change: str, n: int) -> str:
    things = {"codings": ngettext("{n} coding", "{n} codings", n),
              "memos": ngettext("{n} memo", "{n} memos", n),
              "codes": ngettext("{n} code", "{n} codes", n)}[entity].format(n=n)
    words = {"added": _("{things} added"), "removed": _("{things} removed"),
             "changed": _("{things} changed")}
    return words[change].format(things=things)


def _current_rows(session: Session, entries: list[AuditEntry]
                  ) -> dict[tuple[str, int | None], Any]:
    """The rows the batch touches as they are now, by (table, id); one query per table."""
    rows: dict[tuple[str, int | None], Any] = {}
    for entity, model in UNDOABLE.items():
        ids = [e.entity_id for e in entries if e.entity == entity]
        for start in range(0, len(ids), 10_000):
            for row in session.scalars(select(model).where(
                    model.id.in_(ids[start:start + 10_000]))):  # type: ignore[attr-defined]
                rows[(entity, row.id)] = row
    return rows


def _apply(session: Session, model: type[Base], entry: AuditEntry, row: Any) -> Any:
    """Put the row back as ``before`` says, checking it still looks as ``after`` says.

    Returns the row as it is afterwards (None when it is gone), for later entries of the batch.
    """
    before = json.loads(entry.before) if entry.before else None
    after = json.loads(entry.after) if entry.after else None
    if after is not None and row is not None and audit.snapshot(row) != after:
        raise InvalidInput(_("Cannot undo: {entity} {entity_id} was changed since.")
                           .format(entity=entry.entity, entity_id=entry.entity_id))
    if before is None:
        if row is not None and inspect(row).pending:  # (session.new is a copy: O(n) a call)
            # Put back earlier in this same undo. Flushed, not expunged: expunging would
            # disturb the insert order of the audit entries, which is the log's order.
            session.flush()
        if row is not None:
            session.delete(row)
        return None
    values = _python_values(model, before)
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def _python_values(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    columns = model.__table__.columns
    values = {}
    for key, value in data.items():
        if key in columns and isinstance(columns[key].type, DateTime) and value is not None:
            value = datetime.fromisoformat(value)
        values[key] = value
    return values
