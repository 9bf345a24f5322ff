"""Every key of the screen below, with its id for remapping, and the code hotkeys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from qualcode.i18n import N_, _
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE


class HelpScreen(Translated, ModalScreen[None]):
    """Every binding of the screen below, with its id for remapping, and the code hotkeys."""

    BINDINGS = [Binding("escape,question_mark,q",  # not translated: keys
                        "dismiss(None)", N_("Close"),
                        id="help.close")]  # not translated: a binding id

    def __init__(self, rows: list[tuple[str, str, str]], hotkeys: list[tuple[str, str]]) -> None:
        """``rows``: key (as Textual names it), description (shown), binding id."""
        super().__init__()
        self.rows = rows
        self.hotkeys = hotkeys

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(_("Keys (remap them by id in the config file)"), classes=MODAL_TITLE)
            table = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns(_("Key"), _("Action"), _("Id"))
            for key, description, binding_id in self.rows:
                table.add_row(key_name(key), description, binding_id)
            for key, path in self.hotkeys:
                table.add_row(key, _("apply code {path}").format(path=path), _("codebook"))
            yield table
