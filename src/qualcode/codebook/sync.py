"""Loading a codebook file into the store, updating codes in place.

A code in the file is matched to a stored code by its path, then by a path
or name listed under ``formerly`` (a rename or a move), then by a name that
is unique both in the file and among the stored codes not yet matched (a
move). Matched codes keep their id and so their codings. Stored codes the
file no longer names are removed only when no coding uses them or a code
below them; otherwise they stay and the report says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.codebook.spec import CodebookSpec, CodeSpec
from qualcode.i18n import _
from qualcode.models import Code, Coding
from qualcode.store import Store, audit
from qualcode.store.lookup import code_paths

FIELDS = ("definition", "anchor_example", "colour", "hotkey")


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[tuple[str, int]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [_("{n} added").format(n=len(self.added)),
                 _("{n} updated").format(n=len(self.updated)),
                 _("{n} renamed or moved").format(n=len(self.moved)),
                 _("{n} unchanged").format(n=len(self.unchanged)),
                 _("{n} removed").format(n=len(self.removed))]
        if self.kept:
            parts.append(_("{n} kept because they have codings").format(n=len(self.kept)))
        return ", ".join(parts)


def load_codebook(store: Store, spec: CodebookSpec, *, actor: str = "system",
                  dry_run: bool = False) -> LoadReport:
    """Bring the store's codes in line with ``spec`` in one transaction."""
    with store.write() as session:
        report = _Loader(session, actor).load(spec)
        if dry_run:
            session.rollback()
        return report


class _Loader:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self.batch = audit.new_batch()
        self.codes = {c.id: c for c in session.scalars(select(Code))}
        self.old_paths = code_paths(session)
        self.report = LoadReport()

    def load(self, spec: CodebookSpec) -> LoadReport:
        matches = self.match(spec.walk())
        # Hotkeys are unique in the table: clear them first so that codes can swap keys.
        self.old_hotkeys = {code.id: code.hotkey for code in self.codes.values()}
        for code in self.codes.values():
            code.hotkey = None
        self.session.flush()
        self.apply(spec.codes, None, "", matches)
        self.remove_unmatched(set(matches.values()))
        return self.report

    def match(self, items: list[tuple[str, CodeSpec]]) -> dict[str, int]:
        by_path = {path: cid for cid, path in self.old_paths.items()}
        matches: dict[str, int] = {}
        taken: set[int] = set()

        def take(path: str, cid: int | None) -> None:
            if cid is not None and cid not in taken and path not in matches:
                matches[path] = cid
                taken.add(cid)

        for path, _spec in items:
            take(path, by_path.get(path))
        for path, spec in items:
            for old in spec.formerly:
                take(path, by_path.get(old) or self.unique_stored_name(old, taken))
        file_names = Counter(spec.name for _, spec in items)
        for path, spec in items:
            if file_names[spec.name] == 1:
                take(path, self.unique_stored_name(spec.name, taken))
        return matches

    def unique_stored_name(self, name: str, taken: set[int]) -> int | None:
        found = [c.id for c in self.codes.values() if c.name == name and c.id not in taken]
        return found[0] if len(found) == 1 else None

    def apply(self, specs: list[CodeSpec], parent: Code | None, parent_path: str,
              matches: dict[str, int]) -> None:
        for position, spec in enumerate(specs):
            path = f"{parent_path}/{spec.name}" if parent_path else spec.name
            values = {"definition": spec.definition, "anchor_example": spec.anchor,
                      "colour": spec.colour, "hotkey": spec.key}
            code_id = matches.get(path)
            if code_id is None:
                code = Code(name=spec.name, parent=parent, position=position, **values)
                self.session.add(code)
                self.session.flush()
                self.log("add", code, None)
                self.report.added.append(path)
            else:
                code = self.codes[code_id]
                self.update(code, spec, parent, position, values, path)
            self.apply(spec.children, code, path, matches)

    def update(self, code: Code, spec: CodeSpec, parent: Code | None, position: int,
               values: dict[str, str | None], path: str) -> None:
        before = audit.snapshot(code)
        before["hotkey"] = self.old_hotkeys[code.id]
        old_path = self.old_paths[code.id]
        code.name = spec.name
        code.parent = parent
        code.position = position
        for name, value in values.items():
            setattr(code, name, value)
        self.session.flush()
        after = audit.snapshot(code)
        if old_path != path:
            self.report.moved.append((old_path, path))
        elif any(before[f] != after[f] for f in FIELDS) or before["position"] != position:
            self.report.updated.append(path)
        else:
            self.report.unchanged.append(path)
            return
        self.log("update", code, before)

    def remove_unmatched(self, matched: set[int]) -> None:
        unmatched = [c for c in self.codes.values() if c.id not in matched]
        in_use = self.codings_below(unmatched)
        # Children first, so that no parent is deleted under a child.
        for code in sorted(unmatched, key=lambda c: -self.old_paths[c.id].count("/")):
            path = self.old_paths[code.id]
            if in_use.get(code.id, 0):
                self.report.kept.append((path, in_use[code.id]))
                self.restore_hotkey(code)
                continue
            self.log("delete", code, audit.snapshot(code), deleted=True)
            self.session.delete(code)
            self.session.flush()
            self.report.removed.append(path)

    def restore_hotkey(self, code: Code) -> None:
        key = self.old_hotkeys[code.id]
        if key is None:
            return
        in_use = set(self.session.scalars(select(Code.hotkey).where(Code.hotkey.is_not(None))))
        if key not in in_use:
            code.hotkey = key
            self.session.flush()

    def codings_below(self, codes: list[Code]) -> dict[int, int]:
        """For each code, the codings on it and on every code below it (in the old tree)."""
        direct = dict(
            self.session.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id))
            .all()
        )
        totals: dict[int, int] = {}
        for code in codes:
            prefix = self.old_paths[code.id]
            totals[code.id] = sum(
                n for cid, n in direct.items()
                if self.old_paths.get(cid) == prefix
                or self.old_paths.get(cid, "").startswith(prefix + "/")
            )
        return totals

    def log(self, action: str, code: Code, before: dict[str, object] | None, *,
            deleted: bool = False) -> None:
        after = None if deleted else audit.snapshot(code)
        audit.record(self.session, actor=self.actor, action=action, obj=code, before=before,
                     after=after, batch=self.batch)
