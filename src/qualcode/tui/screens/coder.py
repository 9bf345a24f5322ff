"""Choosing who codes: a known coder from the list, or a new name typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcode.i18n import N_, _
from qualcode.tui.keys import Translated
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE


class CoderScreen(Translated, ModalScreen[str | None]):
    """Choose who is coding; a new name creates a coder."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"),
                        id="coder.cancel")]  # not translated: a binding id

    def __init__(self, coders: list[str], current: str | None, title: str | None = None) -> None:
        super().__init__()
        self.coders = coders
        self.current = current
        self.title_text = title or _("Who is coding? Pick a name or type a new one.")

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(self.title_text, classes=MODAL_TITLE)
            yield Input(value=self.current or "", placeholder=_("your coder name"),
                        id="coder-input")  # not translated: a widget id
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
