"""Finding material: corpus search (with autocode), retrieval by code, and the help screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.search.engine import Hit
from qualcode.services.retrieval import Retrieved
from qualcode.store import Store
from qualcode.tui.widgets.kwic import clean, kwic_line


@dataclass(frozen=True)
class Jump:
    """Where to go: a document and a range in it."""

    document_id: int
    start: int
    end: int


@dataclass(frozen=True)
class SearchOutcome:
    jump: Jump | None
    query: str
    hits: list[Hit]
    autocode: bool = False
    documents: tuple[str, ...] = ()  # the search's scope; empty: all documents


def _row_width(results: OptionList) -> int:
    """Cells an option may use without wrapping (the list's padding and scrollbar aside)."""
    return max(30, results.scrollable_content_region.width - 3)


def _passage(title: str, left: str, middle: str, right: str) -> Text:
    """The whole passage of the highlighted row, the found or coded text in bold."""
    text = Text()
    text.append(title + "\n", style="dim")
    text.append(clean(left).lstrip())
    text.append(clean(middle), style="bold reverse")
    text.append(clean(right).rstrip())
    return text


class SearchScreen(ModalScreen[SearchOutcome | None]):
    """Search the corpus (or this document); Enter jumps, ctrl+k autocodes every hit."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="search.close"),
                # priority: the query input would take ctrl+d (delete right) and ctrl+k.
                Binding("ctrl+d", "toggle_scope", "This document / all", id="search.scope",
                        priority=True),
                Binding("ctrl+k", "autocode", "Autocode hits", id="search.autocode",
                        priority=True)]

    def __init__(self, store: Store, document: str | None, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.document = document
        self.only_document = False
        self.query_text = query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self._title(), id="search-title", classes="modal-title")
            yield Input(value=self.query_text, id="search-input",
                        placeholder='Netzwerk  "runden Tisch"  Ehrenamt* AND Wohnung')
            yield OptionList(id="search-results")
            yield Label("", id="search-count")
            yield Static("", id="search-preview", classes="preview")

    def _title(self) -> str:
        scope = f"in {self.document}" if self.only_document else "in all documents"
        return f"Search {scope} (ctrl+d switches)"

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    def action_toggle_scope(self) -> None:
        if self.document:
            self.only_document = not self.only_document
            self.query_one("#search-title", Label).update(self._title())
            self._run(self.query_one(Input).value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._run(event.value)

    def _run(self, query: str) -> None:
        if query.strip():
            self.query_one("#search-count", Label).update("searching …")
            self._search(query, [self.document] if self.only_document and self.document else [])

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, documents: list[str]) -> None:
        from qualcode.search.engine import Filters, search

        try:
            result = search(self.store, query, Filters(documents=documents))
        except QualcodeError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._show, query, result.hits, result.turns)

    def _show_error(self, message: str) -> None:
        self.query_one("#search-count", Label).update(message)

    def _show(self, query: str, hits: list[Hit], turns: int) -> None:
        self.query_text = query
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        width = _row_width(results)
        results.add_options([Option(kwic_line(h.document, h.speaker or "", h.left, h.text,
                                              h.right, width), id=str(n))
                             for n, h in enumerate(hits)])
        self.query_one("#search-count", Label).update(f"{len(hits)} hits in {turns} turns")
        if hits:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.hits[int(event.option.id or 0)]
        who = f"{hit.speaker} ({hit.role})" if hit.role else hit.speaker or ""
        self.query_one("#search-preview", Static).update(_passage(
            f"{hit.document} · {who}", hit.left, hit.text, hit.right))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.dismiss(SearchOutcome(Jump(hit.document_id, hit.start, hit.end), self.query_text,
                                   self.hits))

    def action_autocode(self) -> None:
        if self.hits:
            scope = (self.document,) if self.only_document and self.document else ()
            self.dismiss(SearchOutcome(None, self.query_text, self.hits, autocode=True,
                                       documents=scope))


class RetrievalScreen(ModalScreen[Jump | None]):
    """Every coding of a code (with sub-codes) across documents; Enter jumps there."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="retrieval.close"),
                Binding("ctrl+o", "toggle_coders", "Mine / all coders", id="retrieval.coders"),
                Binding("ctrl+e", "export", "Export quotes (XLSX)", id="retrieval.export")]

    def __init__(self, store: Store, code_id: int, code_path: str, coder: str) -> None:
        super().__init__()
        self.store = store
        self.code_id = code_id
        self.code_path = code_path
        self.coder = coder
        self.all_coders = False
        self.found: list[Retrieved] = []
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("", id="retrieval-title", classes="modal-title")
            yield OptionList(id="retrieval-results")
            yield Static("", id="retrieval-preview", classes="preview")

    def on_mount(self) -> None:
        self._load()

    def action_toggle_coders(self) -> None:
        self.all_coders = not self.all_coders
        self._load()

    @work(thread=True, exclusive=True, group="retrieval")
    def _load(self) -> None:
        from qualcode.services.retrieval import retrieve

        found = retrieve(self.store, self.code_id,
                         coder=None if self.all_coders else self.coder, context=300)
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[Retrieved]) -> None:
        self.found = found
        who = "all coders" if self.all_coders else self.coder
        self.query_one("#retrieval-title", Label).update(
            f"{self.code_path} — {len(found)} codings ({who}; ctrl+o switches)")
        results = self.query_one(OptionList)
        results.clear_options()
        width = _row_width(results)
        results.add_options([Option(kwic_line(r.document, r.speaker or "", r.before, r.text,
                                              r.after, width), id=str(n))
                             for n, r in enumerate(found)])
        if found:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        item = self.found[int(event.option.id or 0)]
        self.query_one("#retrieval-preview", Static).update(_passage(
            f"{item.document} · {item.speaker or ''} · coded by {item.coder}", item.before,
            item.text, item.after))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        item = self.found[int(event.option.id or 0)]
        self.dismiss(Jump(item.document_id, item.start, item.end))

    def action_export(self) -> None:
        self._export()

    @work(thread=True, exclusive=True, group="retrieval-export")
    def _export(self) -> None:
        """These codings as a quote table in exports/, named after the code."""
        from qualcode.exports.files import default_path
        from qualcode.exports.quote_files import export_quote_table
        from qualcode.exports.quotes import QuoteFilter

        wanted = QuoteFilter(codes=[self.code_path],
                             coders=[] if self.all_coders else [self.coder])
        target = default_path("zitate-" + self.code_path.rsplit("/", 1)[-1], "xlsx")
        try:
            table = export_quote_table(self.store, wanted, target, "xlsx")
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.exported = target
        self.app.call_from_thread(self.notify, f"Wrote {target}: {len(table.quotes)} quotes.")


class HelpScreen(ModalScreen[None]):
    """Every binding of the screen below, with its id for remapping, and the code hotkeys."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]], hotkeys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self.hotkeys = hotkeys

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Keys (remap them by id in the config file)", classes="modal-title")
            table = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns("Key", "Action", "Id")
            for row in self.rows:
                table.add_row(*row)
            for key, path in self.hotkeys:
                table.add_row(key, f"apply code {path}", "codebook")
            yield table
