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
from qualcode.i18n import N_, _, ngettext
from qualcode.search.engine import Hit
from qualcode.store import Store
from qualcode.tui.jump import Jump
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE
from qualcode.tui.widgets.kwic import clean, kwic_line

# The query syntax, shown with words of the corpus.
QUERY_EXAMPLE = 'Netzwerk  "runden Tisch"  Ehrenamt* AND Wohnung'  # not translated: a query
TITLE = "#search-title"  # not translated: a widget id
COUNT = "#search-count"  # not translated: a widget id
PREVIEW = "#search-preview"  # not translated: a widget id


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
    text.append(clean(middle), style="bold reverse")  # not translated: a style
    text.append(clean(right).rstrip())
    return text


class SearchScreen(Translated, ModalScreen[SearchOutcome | None]):
    """Search the corpus (or this document); Enter jumps, ctrl+k autocodes every hit."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"),
                        id="search.close"),  # not translated: a binding id
                # priority: the query input would take ctrl+d (delete right) and ctrl+k.
                Binding("ctrl+d", "toggle_scope", N_("This document / all"), priority=True,
                        id="search.scope"),  # not translated: a binding id
                Binding("ctrl+k", "autocode", N_("Autocode hits"), priority=True,
                        id="search.autocode")]  # not translated: a binding id

    def __init__(self, store: Store, document: str | None, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.document = document
        self.only_document = False
        self.query_text = query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(self._title(), id=TITLE[1:], classes=MODAL_TITLE)
            yield Input(value=self.query_text, id="search-input",  # not translated: an id
                        placeholder=QUERY_EXAMPLE)
            yield OptionList(id="search-results")  # not translated: a widget id
            yield Label("", id=COUNT[1:])
            yield Static("", id=PREVIEW[1:], classes="preview")

    def _title(self) -> str:
        switch = key_name("ctrl+d")
        if self.only_document:
            return _("Search in {document} ({key} switches)").format(document=self.document,
                                                                      key=switch)
        return _("Search in all documents ({key} switches)").format(key=switch)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    def action_toggle_scope(self) -> None:
        if self.document:
            self.only_document = not self.only_document
            self.query_one(TITLE, Label).update(self._title())
            self._run(self.query_one(Input).value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._run(event.value)

    def _run(self, query: str) -> None:
        if query.strip():
            self.query_one(COUNT, Label).update(_("searching …"))
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
        self.query_one(COUNT, Label).update(message)

    def _show(self, query: str, hits: list[Hit], turns: int, options: list[Option]) -> None:
        self.query_text = query
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(options)
        # i18n: {hits} is "3 hits"
        self.query_one(COUNT, Label).update(ngettext(
            "{hits} in {n} speaker turn", "{hits} in {n} speaker turns", turns).format(
                hits=ngettext("{n} hit", "{n} hits", len(hits)).format(n=len(hits)), n=turns))
        if hits:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.hits[int(event.option.id or 0)]
        who = f"{hit.speaker} ({hit.role})" if hit.role else hit.speaker or ""
        self.query_one(PREVIEW, Static).update(passage(
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
