"""An error the user should read, in one sentence, with a button to go on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from qualcode.i18n import N_, _
from qualcode.tui.keys import Translated
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE


class ErrorScreen(Translated, ModalScreen[None]):
    """One plain message; nothing crashes."""

    BINDINGS = [Binding("escape,enter", "dismiss(None)", N_("Close"),  # not translated: keys
                        id="error.close")]  # not translated: a binding id

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(_("Something went wrong"), classes=MODAL_TITLE)
            yield Label(self.message, id="error-message")  # not translated: a widget id
            yield Button(_("Close"), id="close")

    @on(Button.Pressed)
    def _close(self) -> None:
        self.dismiss(None)
