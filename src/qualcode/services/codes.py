"""The code tree: listing, renaming, moving, merging and deleting codes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.codebook.tree import CodeInfo
from qualcode.errors import InvalidInput
from qualcode.i18n import _, ngettext
from qualcode.models import Code, Coding
from qualcode.store import Store, audit
from qualcode.store.lookup import PATH_SEPARATOR, code_paths, find_code


def code_tree(store: Store, *, coder: str | None = None) -> list[CodeInfo]:
    """Every code in tree order (depth first, by position), with its coding count."""
    with store.read() as session:
        counts_query = select(Coding.code_id, func.count()).group_by(Coding.code_id)
        if coder is not None:
            from qualcode.models import Coder

            counts_query = counts_query.join(Coder, Coder.id == Coding.coder_id).where(
                Coder.name == coder
            )
        counts = dict(session.execute(counts_query).all())
        codes = session.scalars(select(Code).order_by(Code.position, Code.id)).all()
        paths = code_paths(session)
        children: dict[int | None, list[Code]] = {}
        for code in codes:
            children.setdefault(code.parent_id, []).append(code)
        ordered: list[CodeInfo] = []

        def visit(parent_id: int | None, depth: int) -> None:
            for code in children.get(parent_id, []):
                ordered.append(CodeInfo(code.id, paths[code.id], code.name, code.parent_id, depth,
                                        code.definition, code.anchor_example, code.colour,
                                        code.hotkey, counts.get(code.id, 0)))
                visit(code.id, depth + 1)

        visit(None, 0)
        return ordered


def rename_code(store: Store, ref: str, new_name: str, *, actor: str = "system") -> str:
    new_name = new_name.strip()
    if not new_name or PATH_SEPARATOR in new_name:
        raise InvalidInput(_("{new_name!r} is not a valid code name (empty, or contains '/').")
                           .format(new_name=new_name))
    with store.write() as session:
        code = find_code(session, ref)
        _check_free_name(session, code.parent_id, new_name, code.id)
        before = audit.snapshot(code)
        code.name = new_name
        session.flush()
        audit.record(session, actor=actor, action="rename", obj=code, before=before,
                     after=audit.snapshot(code), batch=audit.new_batch())
        return code_paths(session)[code.id]


def move_code(store: Store, ref: str, new_parent: str | None, *, actor: str = "system") -> str:
    """Put a code (with everything below it) under another parent, or at the top with None."""
    with store.write() as session:
        code = find_code(session, ref)
        parent = find_code(session, new_parent) if new_parent else None
        if parent is not None and _is_below(session, parent.id, code.id):
            raise InvalidInput(_("Cannot move {ref!r} below itself.").format(ref=ref))
        _check_free_name(session, parent.id if parent else None, code.name, code.id)
        before = audit.snapshot(code)
        code.parent_id = parent.id if parent else None
        session.flush()
        audit.record(session, actor=actor, action="move", obj=code, before=before,
                     after=audit.snapshot(code), batch=audit.new_batch())
        return code_paths(session)[code.id]


def merge_codes(store: Store, source: str, target: str, *, actor: str = "system") -> int:
    """Move all codings and sub-codes of ``source`` to ``target`` and delete ``source``.

    A coding that would duplicate one the target already has (same version,
    coder and range) is dropped. Returns the number of codings moved. Every row
    that changes is in the audit batch, so undo puts all of it back.
    """
    with store.write() as session:
        src = find_code(session, source)
        dst = find_code(session, target)
        if src.id == dst.id or _is_below(session, dst.id, src.id):
            raise InvalidInput(_("Cannot merge {source!r} into itself or into a code below it.")
                               .format(source=source))
        batch = audit.new_batch()
        held = set(session.execute(select(Coding.version_id, Coding.coder_id, Coding.start,
                                          Coding.end).where(Coding.code_id == dst.id)))
        moved = 0
        for coding in list(session.scalars(select(Coding).where(Coding.code_id == src.id))):
            if (coding.version_id, coding.coder_id, coding.start, coding.end) in held:
                _delete_recorded(session, coding, actor, "merge", batch)
            else:
                _change_recorded(session, coding, actor, "merge", batch, code_id=dst.id)
                moved += 1
        for child in list(session.scalars(select(Code).where(Code.parent_id == src.id))):
            _check_free_name(session, dst.id, child.name, child.id)
            _change_recorded(session, child, actor, "merge", batch, parent_id=dst.id)
        session.flush()  # nothing points at the source any more: it can go
        _delete_recorded(session, src, actor, "merge", batch)
        return moved


def delete_code(store: Store, ref: str, *, force: bool = False, actor: str = "system") -> int:
    """Delete a code that has no sub-codes; one with codings only when ``force``.

    Returns the number of codings removed with it; undo brings them back with the code.
    """
    with store.write() as session:
        code = find_code(session, ref)
        if session.scalar(select(func.count()).where(Code.parent_id == code.id)):
            raise InvalidInput(_("The code {ref!r} has sub-codes; move or delete them first.")
                               .format(ref=ref))
        codings = list(session.scalars(select(Coding).where(Coding.code_id == code.id)))
        if codings and not force:
            message = ngettext("The code {ref!r} has {n} coding; merge it into another code, "
                               "or delete it with --force to drop it.",
                               "The code {ref!r} has {n} codings; merge it into another code, "
                               "or delete it with --force to drop them.", len(codings))
            raise InvalidInput(message.format(ref=ref, n=len(codings)))
        batch = audit.new_batch()
        for coding in codings:
            _delete_recorded(session, coding, actor, "delete", batch)
        session.flush()  # the codings go before their code
        _delete_recorded(session, code, actor, "delete", batch)
        return len(codings)


def _change_recorded(session: Session, row: Code | Coding, actor: str, action: str, batch: str,
                     **values: object) -> None:
    before = audit.snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    audit.record(session, actor=actor, action=action, obj=row, before=before,
                 after=audit.snapshot(row), batch=batch)


def _delete_recorded(session: Session, row: Code | Coding, actor: str, action: str,
                     batch: str) -> None:
    audit.record(session, actor=actor, action=action, obj=row, before=audit.snapshot(row),
                 after=None, batch=batch)
    session.delete(row)


def _check_free_name(session: Session, parent_id: int | None, name: str, own_id: int) -> None:
    clash = session.scalar(select(Code.id).where(Code.parent_id.is_(parent_id) if parent_id is None
                                                 else Code.parent_id == parent_id,
                                                 Code.name == name, Code.id != own_id))
    if clash is not None:
        raise InvalidInput(_("There is already a code {name!r} at that place in the tree.")
                           .format(name=name))


def _is_below(session: Session, code_id: int, ancestor_id: int) -> bool:
    """Whether ``code_id`` is ``ancestor_id`` or lies below it."""
    current: int | None = code_id
    while current is not None:
        if current == ancestor_id:
            return True
        current = session.scalar(select(Code.parent_id).where(Code.id == current))
    return False
