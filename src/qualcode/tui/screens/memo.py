"""The memo editor: ctrl+s saves, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from qualcode.i18n import N_, _
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE


class MemoScreen(Translated, ModalScreen[str | None]):
    """Edit a memo; ctrl+s saves, escape cancels."""

    BINDINGS = [Binding("ctrl+s", "save", N_("Save"), id="memo.save"),  # not translated: id
                Binding("escape", "dismiss(None)", N_("Cancel"),
                        id="memo.cancel")]  # not translated: a binding id

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(self.title_text, classes=MODAL_TITLE)
            yield TextArea(self.text, id="memo-text")  # not translated: a widget id
            yield Label(_("{save} save · {cancel} cancel").format(
                save=key_name("ctrl+s"), cancel=key_name("escape")))

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)
