"""The document list: name, kind, municipality, type, words, and how much I have coded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from qualcode.errors import QualcodeError
from qualcode.services.documents import DocumentSummary

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

COLUMNS = ("Document", "Kind", "Municipality", "Type", "Words", "My codings")
SORT_KEYS = (
    lambda d: d.name.lower(),
    lambda d: d.variables.get("kind") or "",
    lambda d: d.variables.get("municipality") or "",
    lambda d: d.variables.get("municipality_type") or "",
    lambda d: -d.words,
    lambda d: -d.codings,
)


class DocumentsScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+f", "focus_filter", "Filter", id="documents.filter"),
        Binding("ctrl+s", "sort", "Sort", id="documents.sort", tooltip="Next sort column"),
        Binding("f5", "reload", "Reload", id="documents.reload"),
        Binding("f8", "switch_coder", "Coder", id="documents.coder"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[DocumentSummary] = []
        self.sort_column = 0

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="filter: name, kind, municipality …", id="filter")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="documents")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Documents"
        self.sub_title = f"coder: {self.qapp.coder}"
        self.query_one(Input).cursor_blink = False
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.query_one(DataTable).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.sub_title = f"coder: {self.qapp.coder}"
        self.action_reload()

    def action_reload(self) -> None:
        self._load(self.qapp.coder)

    @work(thread=True, exclusive=True, group="documents")
    def _load(self, coder: str | None) -> None:
        from qualcode.services.documents import list_documents

        try:
            found = list_documents(self.qapp.store, coder=coder)
        except QualcodeError as exc:
            self.app.call_from_thread(self.qapp.show_error, str(exc))
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, documents: list[DocumentSummary]) -> None:
        self.documents = documents
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        wanted = self.query_one(Input).value.lower().strip()
        table.clear()
        for doc in sorted(self.documents, key=SORT_KEYS[self.sort_column]):
            cells = (doc.name, doc.variables.get("kind") or "",
                     doc.variables.get("municipality") or "",
                     doc.variables.get("municipality_type") or "", str(doc.words),
                     str(doc.codings))
            if wanted and not any(wanted in cell.lower() for cell in cells[:4]):
                continue
            table.add_row(*cells, key=str(doc.id))

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self.notify(f"Sorted by {COLUMNS[self.sort_column]}.")
        self._fill()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = event.column_index
        self._fill()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self.qapp.open_document(int(event.row_key.value or 0))

    def action_switch_coder(self) -> None:
        self.qapp.choose_coder(then=self.action_reload)
