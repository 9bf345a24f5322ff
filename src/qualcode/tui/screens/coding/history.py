"""Undo and redo: every change, from the audit log; a big batch runs off the UI loop."""

from __future__ import annotations

from collections.abc import Callable

from qualcode.i18n import _, ngettext
from qualcode.tui.screens.coding.fresh import read_fresh
from qualcode.tui.screens.coding.jobs import Job


def undone(changes: int) -> str:
    return ngettext("Undone: {n} change.", "Undone: {n} changes.", changes).format(n=changes)


def redone(changes: int) -> str:
    return ngettext("Redone: {n} change.", "Redone: {n} changes.", changes).format(n=changes)


class HistoryActions:
    """The coding screen's ctrl+z and ctrl+y (mixed into CodingScreen)."""

    def action_undo(self) -> None:
        from qualcode.services.history import undo

        self._revert(undo, _("Undoing"), undone)

    def action_redo(self) -> None:
        from qualcode.services.history import redo

        self._revert(redo, _("Redoing"), redone)

    def _revert(self, revert, doing: str,  # type: ignore[no-untyped-def]
                said: Callable[[int], str]) -> None:
        store, coder = self.qapp.store, self.qapp.coder
        version = self.data.version_id if self.data is not None else None

        def work():  # type: ignore[no-untyped-def]
            result = revert(store, coder)
            fresh = read_fresh(store, version, coder, recount=True) if version else None
            return result, fresh

        def done(outcome) -> None:  # type: ignore[no-untyped-def]
            result, fresh = outcome
            self.notify(said(result.changes))
            if fresh is not None:
                self._show_fresh(fresh)

        self.jobs.run(Job(doing, work, done))
