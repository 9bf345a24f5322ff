"""Other coders' changes on screen while one works, without moving the cursor or selection.

A ``StoreWatcher`` notices commits of other connections (PostgreSQL LISTEN/NOTIFY, SQLite
``PRAGMA data_version``); the open screen's data is read again in a worker thread (after the
screen's own store work, if any) and handed to the UI loop: the coding screen's codings and
code list (a code renamed or merged by the lead shows its new name), the document list's
counts, updated cell by cell.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widgets import DataTable

from qualcode.errors import QualcodeError
from qualcode.services.documents import DocumentSummary
from qualcode.store.watch import StoreWatcher
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.coding.fresh import Fresh, read_fresh
from qualcode.tui.screens.documents import DocumentsScreen

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

RETRY_SECONDS = 0.1


class LiveUpdates:
    def __init__(self, app: QualcodeApp) -> None:
        self.app = app
        self.watcher = StoreWatcher(app.store, self._changed)
        self.shown = 0  # refreshes put on screen, and when the last was (perf_counter)
        self.shown_at = 0.0
        self._wanted = self._reading = self._retrying = False

    def start(self) -> None:
        self.watcher.start()

    def stop(self) -> None:
        self.watcher.stop()

    def _changed(self) -> None:
        """In the watcher's thread: someone committed; look at it from the UI loop."""
        self._on_ui(self._want)

    def _on_ui(self, callback: Any, *args: Any) -> None:
        """From a thread, run ``callback`` in the UI loop; not once the app is closing (its
        loop may end before the call runs, leaving the call never awaited)."""
        if not self.watcher.stopped and self.app.is_running:
            self.app.call_from_thread(callback, *args)

    def _want(self) -> None:
        self._wanted = True
        self._refresh()

    def _refresh(self) -> None:
        """Read again in a thread, one read at a time, and not while the screen's own store
        work runs: it shows what it read when it ends, and a second reader would slow it."""
        if not self._wanted or self._reading:
            return  # a running read looks again when it is done
        if not self.app.screen_stack:
            return  # the app is closing: a retry timer may still fire after the last screen
        jobs = getattr(self.app.screen, "jobs", None)
        if jobs is not None and jobs.busy:
            if not self._retrying:
                self._retrying = True
                self.app.set_timer(RETRY_SECONDS, self._retry)
            return
        self._wanted, self._reading = False, True
        screen = self.app.screen
        self.app.run_worker(lambda: self._read(screen), thread=True, group="live",
                            exit_on_error=False)

    def _retry(self) -> None:
        self._retrying = False
        self._refresh()

    def _read(self, screen: Screen[Any]) -> None:
        """In a worker thread: what the screen shows, read again, handed to the UI loop."""
        try:
            if isinstance(screen, CodingScreen) and screen.data is not None:
                fresh = read_fresh(self.app.store, screen.data.version_id, self.app.coder,
                                   recount=True)
                self._on_ui(self._show_coding, screen, fresh)
            elif isinstance(screen, DocumentsScreen):
                from qualcode.services.documents import list_documents

                found = list_documents(self.app.store, coder=self.app.coder)
                self._on_ui(self._show_documents, screen, found)
            self._on_ui(self._read_done)
        except (QualcodeError, RuntimeError):  # the store went away, or the app is closing
            self._reading = False

    def _read_done(self) -> None:
        self._reading = False
        self._refresh()

    def _show_coding(self, screen: CodingScreen, fresh: Fresh) -> None:
        screen._show_fresh(fresh)
        self._count()

    def _show_documents(self, screen: DocumentsScreen, found: list[DocumentSummary]) -> None:
        table = screen.query_one(DataTable)
        if {d.id for d in found} != {d.id for d in screen.documents}:
            row = table.cursor_row
            screen._show(found)  # a document came or went: the rows are laid out again
            table.move_cursor(row=min(row, max(table.row_count - 1, 0)), animate=False)
        else:
            screen.documents = found
            words_column, codings_column = list(table.columns)[-2:]
            for doc in found:
                table.update_cell(str(doc.id), words_column, str(doc.words))
                table.update_cell(str(doc.id), codings_column, str(doc.codings))
        self._count()

    def _count(self) -> None:
        self.shown += 1
        self.shown_at = time.perf_counter()
