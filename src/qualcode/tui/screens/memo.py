"""The memo editor: ctrl+s saves, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class MemoScreen(ModalScreen[str | None]):
    """Edit a memo; ctrl+s saves, escape cancels."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", id="memo.save"),
                Binding("escape", "dismiss(None)", "Cancel", id="memo.cancel")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.title_text, classes="modal-title")
            yield TextArea(self.text, id="memo-text")
            yield Label("ctrl+s save · escape cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)
