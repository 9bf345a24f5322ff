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
from qualcode.i18n import N_, _, ngettext
from qualcode.services.retrieval import Retrieved
from qualcode.store import Store
from qualcode.tui.jump import Jump
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE
from qualcode.tui.screens.search import passage, row_width
from qualcode.tui.widgets.kwic import kwic_line

TITLE = "#retrieval-title"  # not translated: a widget id
PREVIEW = "#retrieval-preview"  # not translated: a widget id


class RetrievalScreen(Translated, ModalScreen[Jump | None]):
    """Every coding of a code (with sub-codes) across documents; Enter jumps there."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"),
                        id="retrieval.close"),  # not translated: a binding id
                Binding("ctrl+o", "toggle_coders", N_("Mine / all coders"),
                        id="retrieval.coders"),  # not translated: a binding id
                Binding("ctrl+e", "export", N_("Export quotes (XLSX)"),
                        id="retrieval.export")]  # not translated: a binding id

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
        with Vertical(classes=MODAL_BOX):
            yield Label("", id=TITLE[1:], classes=MODAL_TITLE)
            yield OptionList(id="retrieval-results")  # not translated: a widget id
            yield Static("", id=PREVIEW[1:], classes="preview")

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
        who = _("all coders") if self.all_coders else self.coder
        count = ngettext("{n} coding", "{n} codings", len(found)).format(n=len(found))
        self.query_one(TITLE, Label).update(
            # i18n: {count} is "3 codings", {who} a coder's name or "all coders"
            _("{code} — {count} ({who}; {key} switches)").format(
                code=self.code_path, count=count, who=who, key=key_name("ctrl+o")))
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
        self.query_one(PREVIEW, Static).update(passage(
            _("{document} · {speaker} · coded by {coder}").format(
                document=item.document, speaker=item.speaker or "", coder=item.coder),
            item.before, item.text, item.after))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        item = self.found[int(event.option.id or 0)]
        self.dismiss(Jump(item.document_id, item.start, item.end))

    def action_export(self) -> None:
        self._export()

    @work(thread=True, exclusive=True, group="retrieval-export")  # not translated: a group
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
        wrote = ngettext("Wrote {path}: {n} quote.", "Wrote {path}: {n} quotes.",
                         len(table.quotes)).format(path=target, n=len(table.quotes))
        self.app.call_from_thread(self.notify, wrote)
