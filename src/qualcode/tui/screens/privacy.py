"""Privacy findings of the current document: jump to one, mark it, or stop-list a name."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, ngettext
from qualcode.privacy.findings import KINDS, Finding
from qualcode.store import Store
from qualcode.tui.jump import Jump
from qualcode.tui.keys import Translated


class PrivacyScreen(Translated, ModalScreen[Jump | None]):
    """What may identify a person in this document; enter jumps to the passage."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Close"),
                        id="privacy.close"),  # not translated: a binding id
                Binding("n", "not_identifying", N_("Not identifying"),
                        id="privacy.not_identifying"),  # not translated: a binding id
                Binding("s", "stop_list", N_("Add to stop list"),
                        id="privacy.stop_list")]  # not translated: a binding id

    def __init__(self, store: Store, document_id: int, document: str, coder: str) -> None:
        super().__init__()
        self.store, self.document_id, self.document = store, document_id, document
        self.coder = coder
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):  # not translated: a CSS class
            yield Label(_("Privacy: {document}").format(document=self.document),
                        id="privacy-title", classes="modal-title")  # not translated: ids
            yield OptionList(id="privacy-findings")  # not translated: an id
            yield Static("", id="privacy-preview", classes="preview")  # not translated: an id
            yield Label(_("enter jump · n not identifying · s add the name to the stop list · "
                          "escape close"))

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="privacy")
    def _load(self) -> None:
        from qualcode.services.privacy import check_documents

        try:
            found = check_documents(self.store, [self.document])
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[Finding]) -> None:
        self.findings = found
        self.query_one("#privacy-title", Label).update(ngettext(  # not translated: an id
            "Privacy: {document} — {n} finding", "Privacy: {document} — {n} findings",
            len(found)).format(document=self.document, n=len(found)))
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(f"[{f.start}, {f.end}) {_(KINDS[f.kind])}: {f.found}",
                                    id=str(n)) for n, f in enumerate(found)])
        if found:
            listing.highlighted = 0
            listing.focus()

    def _current(self) -> Finding | None:
        index = self.query_one(OptionList).highlighted
        return self.findings[index] if index is not None and self.findings else None

    @on(OptionList.OptionHighlighted)
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        item = self.findings[int(event.option.id or 0)]
        self.query_one("#privacy-preview", Static).update(  # not translated: an id
            f"{item.context}\n→ {item.suggestion}")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        item = self.findings[int(event.option.id or 0)]
        if item.where == "text":
            self.dismiss(Jump(self.document_id, item.start, item.end))

    def action_not_identifying(self) -> None:
        from qualcode.services.privacy import mark_not_identifying

        item = self._current()
        if item is None or item.where != "text":
            self.notify(_("Only a passage of the text can be marked."), severity="warning")
            return
        self._change(lambda: mark_not_identifying(self.store, self.document, item.start,
                                                  item.end, actor=self.coder),
                     _("Marked as not identifying."))

    def action_stop_list(self) -> None:
        from qualcode.services.privacy import add_to_stop_list

        item = self._current()
        if item is None or item.kind not in ("person_name", "speaker_name", "stop_list"):
            self.notify(_("Only a name can go on the stop list."), severity="warning")
            return
        self._change(lambda: add_to_stop_list(self.store, item.found, actor=self.coder),
                     _("Added to the stop list."))

    @work(thread=True, exclusive=True, group="privacy-change")  # not translated: a group
    def _change(self, change, done: str) -> None:  # type: ignore[no-untyped-def]
        try:
            change()
        except QualcodeError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, done)
        self._load()
