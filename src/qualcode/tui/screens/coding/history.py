"""Undo and redo: every change, from the audit log; a big batch runs off the UI loop."""

from __future__ import annotations

from qualcode.tui.screens.coding.fresh import read_fresh
from qualcode.tui.screens.coding.jobs import Job


class HistoryActions:
    """The coding screen's ctrl+z and ctrl+y (mixed into CodingScreen)."""

    def action_undo(self) -> None:
        from qualcode.services.history import undo

        self._revert(undo, "Undoing", "Undone")

    def action_redo(self) -> None:
        from qualcode.services.history import redo

        self._revert(redo, "Redoing", "Redone")

    def _revert(self, revert, doing: str, done_word: str) -> None:  # type: ignore[no-untyped-def]
        store, coder = self.qapp.store, self.qapp.coder
        version = self.data.version_id if self.data is not None else None

        def work():  # type: ignore[no-untyped-def]
            result = revert(store, coder)
            fresh = read_fresh(store, version, coder, recount=True) if version else None
            return result, fresh

        def done(outcome) -> None:  # type: ignore[no-untyped-def]
            result, fresh = outcome
            self.notify(f"{done_word}: {result.description}.")
            if fresh is not None:
                self._show_fresh(fresh)

        self.jobs.run(Job(doing, work, done))
