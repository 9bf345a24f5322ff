"""An error the user should read, in one sentence, with a button to go on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ErrorScreen(ModalScreen[None]):
    """One plain message; nothing crashes."""

    BINDINGS = [Binding("escape,enter", "dismiss(None)", "Close", id="error.close")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Something went wrong", classes="modal-title")
            yield Label(self.message, id="error-message")
            yield Button("Close", id="close")

    @on(Button.Pressed)
    def _close(self) -> None:
        self.dismiss(None)
