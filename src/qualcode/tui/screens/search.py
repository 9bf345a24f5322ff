"""Corpus search (or this document's): hits as quotes, Enter jumps, ctrl+k autocodes."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.search.engine import Hit
from qualcode.store import Store
from qualcode.tui.jump import Jump
from qualcode.tui.widgets.kwic import clean, kwic_line


@dataclass(frozen=True)
class SearchOutcome:
    jump: Jump | None
    query: str
    hits: list[Hit]
    autocode: bool = False
    documents: tuple[str, ...] = ()  # the search's scope; empty: all documents


def row_width(results: OptionList) -> int:
    """Cells an option may use without wrapping (the list's padding and scrollbar aside)."""
    return max(30, results.scrollable_content_region.width - 3)


def passage(title: str, left: str, middle: str, right: str) -> Text:
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
            width = row_width(self.query_one(OptionList))
            self._search(query, [self.document] if self.only_document and self.document else [],
                         width)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, documents: list[str], width: int) -> None:
        """Search and lay the rows out in the worker: the screen only takes the options."""
        from qualcode.search.engine import Filters, search

        try:
            result = search(self.store, query, Filters(documents=documents))
        except QualcodeError as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        options = [Option(kwic_line(h.document, h.speaker or "", h.left, h.text, h.right,
                                    width), id=str(n)) for n, h in enumerate(result.hits)]
        self.app.call_from_thread(self._show, query, result.hits, result.turns, options)

    def _show_error(self, message: str) -> None:
        self.query_one("#search-count", Label).update(message)

    def _show(self, query: str, hits: list[Hit], turns: int, options: list[Option]) -> None:
        self.query_text = query
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(options)
        self.query_one("#search-count", Label).update(f"{len(hits)} hits in {turns} turns")
        if hits:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.hits[int(event.option.id or 0)]
        who = f"{hit.speaker} ({hit.role})" if hit.role else hit.speaker or ""
        self.query_one("#search-preview", Static).update(passage(
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
