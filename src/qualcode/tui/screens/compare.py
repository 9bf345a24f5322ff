"""The compare view: two coders' codings side by side, one disagreement at a time.

Resolving writes the chosen codings into the consensus coder (``a``: the first coder's,
``b``: the second's, ``2``: both, ``n``: neither), then steps to the next disagreement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from qualcode.agreement.compute import Disagreement
from qualcode.errors import QualcodeError
from qualcode.tui.widgets.lines import LinesPanel

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp


class CompareScreen(Screen[None]):
    BINDINGS = [
        Binding("down", "step(1)", "Next", id="compare.next"),
        Binding("up", "step(-1)", "Previous", show=False, id="compare.previous"),
        Binding("a", "take('first')", "Take first", id="compare.first"),
        Binding("b", "take('second')", "Take second", id="compare.second"),
        Binding("2", "take('both')", "Both", id="compare.both"),
        Binding("n", "take('none')", "Neither", id="compare.none"),
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
    ]

    def __init__(self, coders: list[str], document: str | None) -> None:
        super().__init__()
        self.coders = coders
        self.document = document
        self.items: list[Disagreement] = []
        self.index = 0

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield LinesPanel(id="compare-context")
        with Horizontal(id="compare-sides"):
            yield LinesPanel(id="compare-first")
            yield LinesPanel(id="compare-second")
        yield LinesPanel(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Compare {self.coders[0]} and {self.coders[1]}"
        self.sub_title = self.document or "all documents"
        self.query_one("#compare-first").border_title = self.coders[0]
        self.query_one("#compare-second").border_title = self.coders[1]
        self._load()

    @work(thread=True, exclusive=True, group="compare")
    def _load(self) -> None:
        from qualcode.agreement.consensus import open_disagreements

        try:
            found = open_disagreements(self.qapp.store, self.coders, document=self.document)
        except QualcodeError as exc:
            self.app.call_from_thread(self.qapp.show_error, str(exc))
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, items: list[Disagreement]) -> None:
        self.items = items
        self.index = min(self.index, max(len(items) - 1, 0))
        self._paint()

    def _paint(self) -> None:
        status = self.query_one("#status", LinesPanel)
        if not self.items:
            status.set_lines([Text("No open disagreements: everything is settled.")])
            for panel in ("#compare-context", "#compare-first", "#compare-second"):
                self.query_one(panel, LinesPanel).set_lines([])
            return
        item = self.items[self.index]
        first, second = self.coders
        self.query_one("#compare-context", LinesPanel).set_lines([
            Text(f"{item.document} · {item.code} · [{item.start}, {item.end})", style="bold"),
            Text(item.text.replace("\n", " ")[:400])])
        for panel, name in (("#compare-first", first), ("#compare-second", second)):
            coded = item.coded_by.get(name)
            line = Text("coded " + item.code if coded else "not coded here",
                        style="green" if coded else "dim")
            self.query_one(panel, LinesPanel).set_lines([line])
        status.set_lines([Text(f"disagreement {self.index + 1} of {len(self.items)} · "
                               "a / b / 2 / n settles it into 'consensus'")])

    def action_step(self, delta: int) -> None:
        if self.items:
            self.index = (self.index + delta) % len(self.items)
            self._paint()

    def action_take(self, which: str) -> None:
        from qualcode.agreement.consensus import resolve

        if not self.items:
            return
        item = self.items[self.index]
        take = {"first": self.coders[:1], "second": self.coders[1:], "both": self.coders,
                "none": []}[which]
        try:
            done = resolve(self.qapp.store, document=item.document, code=item.code,
                           start=item.start, end=item.end, take=take, actor=self.qapp.coder)
        except QualcodeError as exc:
            self.qapp.show_error(str(exc))
            return
        self.notify(f"Settled: {done.copied} codings into {done.coder}.")
        del self.items[self.index]
        self.index = min(self.index, max(len(self.items) - 1, 0))
        self._paint()
