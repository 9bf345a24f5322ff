"""Retrieval: every coding of a code (with sub-codes) across documents; Enter jumps."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.services.retrieval import Retrieved
from qualcode.store import Store
from qualcode.tui.jump import Jump
from qualcode.tui.screens.search import passage, row_width
from qualcode.tui.widgets.kwic import kwic_line


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

        try:
            found = retrieve(self.store, self.code_id,
                             coder=None if self.all_coders else self.coder, context=300)
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[Retrieved]) -> None:
        self.found = found
        who = "all coders" if self.all_coders else self.coder
        self.query_one("#retrieval-title", Label).update(
            f"{self.code_path} — {len(found)} codings ({who}; ctrl+o switches)")
        results = self.query_one(OptionList)
        results.clear_options()
        width = row_width(results)
        results.add_options([Option(kwic_line(r.document, r.speaker or "", r.before, r.text,
                                              r.after, width), id=str(n))
                             for n, r in enumerate(found)])
        if found:
            results.highlighted = 0
            results.focus()

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        item = self.found[int(event.option.id or 0)]
        self.query_one("#retrieval-preview", Static).update(passage(
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
        from qualcode.exports.quotes import QuoteFilter
        from qualcode.services.privacy import export_quotes

        wanted = QuoteFilter(codes=[self.code_path],
                             coders=[] if self.all_coders else [self.coder])
        target = default_path("zitate-" + self.code_path.rsplit("/", 1)[-1], "xlsx")
        try:
            table = export_quotes(self.store, wanted, target, "xlsx").table  # the gate too
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.exported = target
        self.app.call_from_thread(self.notify, f"Wrote {target}: {len(table.quotes)} quotes.")
