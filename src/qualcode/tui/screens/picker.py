"""The fuzzy code picker: type part of a code's name, Enter takes the best match."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from qualcode.codebook.tree import CodeInfo
from qualcode.i18n import N_, _
from qualcode.tui.keys import Translated
from qualcode.tui.screens.modal import MODAL_BOX, MODAL_TITLE


@dataclass(frozen=True)
class PickedCode:
    id: int
    path: str


class PickerScreen(Translated, ModalScreen[PickedCode | None]):
    """Type part of a code's name; Enter applies the best match (recent codes first)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"),
                id="picker.cancel"),  # not translated: a binding id
        Binding("down", "cursor(1)", N_("Next"), show=False,
                id="picker.next"),  # not translated: a binding id
        Binding("up", "cursor(-1)", N_("Previous"), show=False,
                id="picker.previous"),  # not translated: a binding id
    ]

    def __init__(self, codes: list[CodeInfo], recent: list[int], title: str | None = None) -> None:
        super().__init__()
        self.codes = codes
        self.recent = recent
        self.title_text = title or _("Code")

    def compose(self) -> ComposeResult:
        with Vertical(classes=MODAL_BOX):
            yield Label(self.title_text, classes=MODAL_TITLE)
            yield Input(placeholder=_("part of a code name …"),
                        id="picker-input")  # not translated: a widget id
            yield OptionList(id="picker-options")  # not translated: a widget id

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False
        self._fill("")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def matches(self, typed: str) -> list[CodeInfo]:
        by_id = {c.id: c for c in self.codes}
        if not typed.strip():
            recent = [by_id[i] for i in self.recent if i in by_id]
            return recent + [c for c in self.codes if c.id not in self.recent]
        found = process.extract(typed, {c.id: c.path for c in self.codes},
                                scorer=fuzz.WRatio, limit=12, score_cutoff=40)
        return [by_id[key] for _, _, key in found]

    def _fill(self, typed: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(f"{'[' + c.hotkey + '] ' if c.hotkey else ''}{c.path}",
                                    id=str(c.id)) for c in self.matches(typed)])
        if options.option_count:
            options.highlighted = 0

    def action_cursor(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = (current + delta) % options.option_count

    @on(Input.Submitted)
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        code = next((c for c in self.codes if str(c.id) == option_id), None)
        self.dismiss(PickedCode(code.id, code.path) if code else None)
