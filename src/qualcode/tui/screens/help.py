"""Every key of the screen below, with its id for remapping, and the code hotkeys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label


class HelpScreen(ModalScreen[None]):
    """Every binding of the screen below, with its id for remapping, and the code hotkeys."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]], hotkeys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows
        self.hotkeys = hotkeys

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Label("Keys (remap them by id in the config file)", classes="modal-title")
            table = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns("Key", "Action", "Id")
            for row in self.rows:
                table.add_row(*row)
            for key, path in self.hotkeys:
                table.add_row(key, f"apply code {path}", "codebook")
            yield table
