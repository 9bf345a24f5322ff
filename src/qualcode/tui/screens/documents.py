"""The document list: name, the variables the project profile lists, words, my codings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _
from qualcode.services.documents import DocumentSummary
from qualcode.tui.keys import Translated

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp



def _sort_keys(variables: tuple[str, ...]) -> list[Callable[[DocumentSummary], object]]:
    def by_variable(name: str) -> Callable[[DocumentSummary], object]:
        return lambda d: (d.variables.get(name) or "").lower()

    return [lambda d: d.name.lower(), *(by_variable(n) for n in variables),
            lambda d: -d.words, lambda d: -d.codings]


class DocumentsScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("ctrl+f", "focus_filter", N_("Filter"),
                id="documents.filter"),  # not translated: a binding id
        Binding("ctrl+s", "sort", N_("Sort"), tooltip=N_("Next sort column"),
                id="documents.sort"),  # not translated: a binding id
        Binding("f5", "reload", N_("Reload"),
                id="documents.reload"),  # not translated: a binding id
        Binding("f8", "switch_coder", N_("Coder"),
                id="documents.coder"),  # not translated: a binding id
    ]

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[DocumentSummary] = []
        self.sort_column = 0
        self.variables: tuple[str, ...] = ()

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("filter: name or any listed variable …"), id="filter")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="documents")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Documents")
        self.sub_title = self.qapp.coder_line()
        self.query_one(Input).cursor_blink = False
        profile = self.qapp.profile
        self.variables = profile.document_list
        self.columns = (_("Document"), *(profile.label(n) for n in self.variables), _("Words"),
                        _("My codings"))
        self.sort_keys = _sort_keys(self.variables)
        self.query_one(DataTable).add_columns(*self.columns)
        self.query_one(DataTable).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.sub_title = self.qapp.coder_line()
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
        for doc in sorted(self.documents, key=self.sort_keys[self.sort_column]):
            shown = [doc.variables.get(n) or "" for n in self.variables]
            cells = (doc.name, *shown, str(doc.words), str(doc.codings))
            if wanted and not any(wanted in cell.lower() for cell in (doc.name, *shown)):
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
        self.sort_column = (self.sort_column + 1) % len(self.columns)
        self.notify(_("Sorted by {column}.").format(column=self.columns[self.sort_column]))
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
