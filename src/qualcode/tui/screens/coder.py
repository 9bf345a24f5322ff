"""Choosing who codes: a known coder from the list, or a new name typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class CoderScreen(ModalScreen[str | None]):
    """Choose who is coding; a new name creates a coder."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="coder.cancel")]

    def __init__(self, coders: list[str], current: str | None,
                 title: str = "Who is coding? Pick a name or type a new one.") -> None:
        super().__init__()
        self.coders = coders
        self.current = current
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label(self.title_text, classes="modal-title")
            yield Input(value=self.current or "", placeholder="your coder name",
                        id="coder-input")
            yield OptionList(*[Option(name, id=name) for name in self.coders])

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
