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
from qualcode.i18n import N_, _, ngettext
from qualcode.tui.keys import Translated, key_name
from qualcode.tui.widgets.lines import LinesPanel

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

CONTEXT = "#compare-context"  # not translated: a widget id
FIRST = "#compare-first"  # not translated: a widget id
SECOND = "#compare-second"  # not translated: a widget id


class CompareScreen(Translated, Screen[None]):
    BINDINGS = [
        Binding("down", "step(1)", N_("Next"), id="compare.next"),  # not translated: id
        Binding("up", "step(-1)", N_("Previous"), show=False,
                id="compare.previous"),  # not translated: a binding id
        Binding("a", "take('first')", N_("Take first"), id="compare.first"),  # not translated: id
        Binding("b", "take('second')", N_("Take second"),
                id="compare.second"),  # not translated: a binding id
        Binding("2", "take('both')", N_("Both"), id="compare.both"),  # not translated: id
        Binding("n", "take('none')", N_("Neither"), id="compare.none"),  # not translated: id
        Binding("escape", "app.pop_screen", N_("Back"),  # not translated: an action
                id="compare.back"),  # not translated: a binding id
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
        yield LinesPanel(id=CONTEXT[1:])
        with Horizontal(id="compare-sides"):  # not translated: a widget id
            yield LinesPanel(id=FIRST[1:])
            yield LinesPanel(id=SECOND[1:])
        yield LinesPanel(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Compare {first} and {second}").format(first=self.coders[0],
                                                               second=self.coders[1])
        self.sub_title = self.document or _("all documents")
        self.query_one(FIRST).border_title = self.coders[0]
        self.query_one(SECOND).border_title = self.coders[1]
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
            status.set_lines([Text(_("No open disagreements: everything is settled."))])
            for panel in (CONTEXT, FIRST, SECOND):
                self.query_one(panel, LinesPanel).set_lines([])
            return
        item = self.items[self.index]
        first, second = self.coders
        self.query_one(CONTEXT, LinesPanel).set_lines([
            Text(f"{item.document} · {item.code} · [{item.start}, {item.end})", style="bold"),
            Text(item.text.replace("\n", " ")[:400])])
        for panel, name in ((FIRST, first), (SECOND, second)):
            coded = item.coded_by.get(name)
            line = Text(_("coded {code}").format(code=item.code) if coded
                        else _("not coded here"), style="green" if coded else "dim")
            self.query_one(panel, LinesPanel).set_lines([line])
        keys = " / ".join(key_name(k) for k in "ab2n")
        status.set_lines([Text(_("disagreement {number} of {count} · {keys} settles it into "
                                 "'consensus'").format(number=self.index + 1,
                                                       count=len(self.items), keys=keys))])

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
        self.notify(ngettext("Settled: {n} coding into {coder}.",
                             "Settled: {n} codings into {coder}.", done.copied).format(
                                 n=done.copied, coder=done.coder))
        del self.items[self.index]
        self.index = min(self.index, max(len(self.items) - 1, 0))
        self._paint()
