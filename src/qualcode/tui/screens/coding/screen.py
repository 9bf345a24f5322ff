"""The coding screen: transcript, code list, this turn's codings, status; keys and loading.

What each key does lives with its concern (codes, notes, history, finding); every change is
one service call (one transaction) that has committed before the screen shows it, so killing
the terminal never loses what the screen showed as done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from qualcode.codebook.tree import CodeInfo
from qualcode.errors import QualcodeError
from qualcode.i18n import N_, _, ngettext
from qualcode.services.workbench import CodingView, TranscriptData
from qualcode.tui.jump import Jump
from qualcode.tui.keys import Translated, spoken
from qualcode.tui.screens.coding.anchors import AnchorActions
from qualcode.tui.screens.coding.codes import CodeActions
from qualcode.tui.screens.coding.finding import FindingActions
from qualcode.tui.screens.coding.fresh import Fresh
from qualcode.tui.screens.coding.history import HistoryActions
from qualcode.tui.screens.coding.jobs import StoreJobs
from qualcode.tui.screens.coding.notes import NoteActions
from qualcode.tui.screens.coding.prompts import code_prompt, coding_prompt
from qualcode.tui.screens.coding.suggestions import SUGGESTION_BINDINGS, SuggestionActions
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.widgets.lines import LinesPanel
from qualcode.tui.widgets.suggestions import SuggestionsPanel
from qualcode.tui.widgets.transcript import Transcript, TranscriptView

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

TURN_CODINGS = "#turn-codings"  # not translated: a widget id


class CodingScreen(Translated, CodeActions, NoteActions, AnchorActions, HistoryActions,
                   FindingActions, SuggestionActions, Screen[None]):
    BINDINGS = [
        # First: in a narrow terminal the footer is cut at the right, and "?" explains the rest.
        Binding("question_mark", "help", N_("Help"), id="help"),
        Binding("space", "picker", N_("Code…"), id="picker", tooltip=N_("Fuzzy code picker")),
        Binding("delete", "remove", N_("Remove"), id="remove",
                tooltip=N_("Remove my coding here")),
        Binding("enter", "change", N_("Change"), show=False, id="change",
                tooltip=N_("Give my coding here another code")),
        Binding("exclamation_mark", "memo_coding", N_("Memo"), show=False, id="memo_coding",
                tooltip=N_("Memo on my coding here")),
        Binding("asterisk", "voice", N_("Voice"), show=False, id="voice",
                tooltip=N_("Mark my coding as a “Stimme aus der Praxis” candidate")),
        Binding("ctrl+a", "anchor", N_("Anchor"), show=False, id="anchor",
                tooltip=N_("Mark my coding here as an anchor example of its code")),
        Binding("ctrl+z", "undo", N_("Undo"), id="undo"),
        Binding("ctrl+y", "redo", N_("Redo"), show=False, id="redo"),
        Binding("slash", "search", N_("Search"), id="search"),
        Binding("f3", "next_hit(1)", N_("Next hit"), show=False, id="next_hit"),
        Binding("shift+f3", "next_hit(-1)", N_("Previous hit"), show=False,
                id="previous_hit"),  # not translated: a binding id
        Binding("f6", "retrieval", N_("Retrieve"), id="retrieval",
                tooltip=N_("All codings of a code, across documents")),
        Binding("f4", "memo_document", N_("Document memo"), show=False,
                id="memo_document"),  # not translated: a binding id
        Binding("f5", "memo_code", N_("Code memo"), show=False, id="memo_code"),
        Binding("f7", "toggle_all", N_("All coders"), show=False, id="all_coders",
                tooltip=N_("Show every coder's codings, or only mine")),
        Binding("f8", "switch_coder", N_("Coder"), show=False, id="switch_coder"),
        Binding("f2", "wide_codes", N_("Wide codes"), show=False, id="wide_codes",
                tooltip=N_("Widen the code list to show long names whole")),
        Binding("f9", "compare", N_("Compare"), show=False, id="compare",
                tooltip=N_("Compare with another coder and settle disagreements")),
        Binding("escape", "back", N_("Back"), show=False, id="back",
                tooltip=N_("Collapse the selection, then back to the documents")),
        Binding("f10", "privacy", N_("Privacy"), show=False, id="privacy",
                tooltip=N_("What may identify a person in this document")),
        *SUGGESTION_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.document_id: int | None = None
        self.pending_jump: Jump | None = None
        self.data: TranscriptData | None = None
        self.all_codings: list[CodingView] = []
        self.codes: list[CodeInfo] = []
        self.recent: list[int] = []
        self.show_all = False
        self.hits: list = []
        self.hit_index = -1
        self.working: str | None = None
        self._shown_here: tuple[CodingView, ...] = ()
        self.jobs = StoreJobs(self, on_error=self._error, on_busy=self._busy)

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workbench"):
            yield Transcript(id="transcript")
            with Vertical(id="side"):
                yield LinesPanel(id="codes")
                yield LinesPanel(id="turn-codings")  # not translated: a widget id
                yield SuggestionsPanel(id="suggestions")  # not translated: a widget id
        yield LinesPanel(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#codes").border_title = _("Codes")
        self.query_one(TURN_CODINGS).border_title = _("This turn")
        self.query_one(Transcript).focus()

    # -- loading --------------------------------------------------------------------------

    def load(self, document_id: int, jump: Jump | None = None) -> None:
        """Show another document; the screen is installed once and reused."""
        self.document_id = document_id
        self.pending_jump = jump
        self.data = None
        self.hits = [] if jump is None else self.hits
        self._load(document_id)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, document_id: int) -> None:
        from qualcode.services.codes import code_tree
        from qualcode.services.workbench import load_transcript

        try:
            data = load_transcript(self.qapp.store, document_id)
            codes = code_tree(self.qapp.store, coder=self.qapp.coder)
            self.prefetch_suggestion_model()
        except QualcodeError as exc:
            self.app.call_from_thread(self.qapp.show_error, str(exc))
            return
        self.app.call_from_thread(self._loaded, data, codes)

    def _loaded(self, data: TranscriptData, codes: list[CodeInfo]) -> None:
        if data.document_id != self.document_id:
            return  # a newer document was asked for meanwhile
        self._shown_here = ()
        self.data = data
        self.codes = codes
        self.all_codings = list(data.codings)
        self.title = data.name
        self.sub_title = self.qapp.coder_line()
        view = self.query_one(Transcript)
        view.show(data, self._visible(self.all_codings))
        self._fill_codes()
        if self.pending_jump is not None:
            view.go_to_offset(self.pending_jump.start, self.pending_jump.end)
            self.pending_jump = None
        self._update_side()
        self.show_suggestion_model()

    # -- what is shown ------------------------------------------------------------------------

    def _visible(self, codings: list[CodingView]) -> list[CodingView]:
        return codings if self.show_all else self._mine(codings)

    def _fill_codes(self) -> None:
        self.query_one("#codes", LinesPanel).set_lines([code_prompt(c) for c in self.codes])

    def _show_fresh(self, fresh: Fresh) -> None:
        """Codings (and code counts) as a job read them after its change."""
        if self.data is None or fresh.version_id != self.data.version_id:
            return  # another document is open now; it was loaded fresh
        self.all_codings = fresh.codings
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        if fresh.codes is not None:
            self.codes = fresh.codes
            self._fill_codes()
        self._update_side()
        self.refresh_suggestions(again=True)

    @on(TranscriptView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_side()

    def _update_side(self) -> None:
        view = self.query_one(Transcript)
        if self.data is None or view.current is None:
            return
        turn = self.data.turns[view.current.turn]
        here = tuple(c for c in self._visible(self.all_codings)
                     if c.start < turn.end and turn.start < c.end)
        if here != self._shown_here:
            self._shown_here = here
            self.query_one(TURN_CODINGS, LinesPanel).set_lines([coding_prompt(c) for c in here])
        start, end = view.selection
        mine = len(self._mine())
        status = _("turn {turn}/{turns} · sentence {sentence}/{sentences} · [{start}, {end}) · "
                   "{codings} by {coder}").format(
            turn=view.current.turn + 1, turns=len(self.data.turns), sentence=view.cursor + 1,
            sentences=len(view.sentences), start=start, end=end, coder=self.qapp.coder,
            codings=ngettext("{n} coding", "{n} codings", mine).format(n=mine))
        if self.working:
            status += f" · {self.working} …"
        self.query_one("#status", LinesPanel).set_lines([Text(status)])
        self.refresh_suggestions()

    def _mine(self, codings: list[CodingView] | None = None) -> list[CodingView]:
        coder = self.qapp.coder
        return [c for c in (self.all_codings if codings is None else codings) if c.coder == coder]

    def _my_coding_here(self) -> CodingView | None:
        """The innermost of my codings at the cursor; says so when there is none."""
        start, end = self.query_one(Transcript).selection
        end = max(end, start + 1)
        here = [c for c in self._mine() if c.start < end and start < c.end]
        if not here:
            self.notify(_("None of your codings is at the cursor."), severity="warning")
            return None
        return min(here, key=lambda c: c.end - c.start)

    def _busy(self, what: str | None) -> None:
        self.working = what
        self._update_side()

    def _error(self, message: str) -> None:
        self.qapp.show_error(message)

    # -- the code list ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A codebook hotkey applies its code to the selection."""
        if event.character and len(event.character) == 1 and event.key == event.character:
            code = next((c for c in self.codes if c.hotkey == event.character), None)
            if code is not None:
                event.stop()
                event.prevent_default()
                self.apply(code.id)

    @on(LinesPanel.Clicked, "#codes")
    def _code_clicked(self, event: LinesPanel.Clicked) -> None:
        self.apply(self.codes[event.index].id)

    @on(LinesPanel.Hovered, "#codes")
    def _code_hovered(self, event: LinesPanel.Hovered) -> None:
        """The full path of the code under the mouse, below the list."""
        panel = self.query_one("#codes", LinesPanel)
        panel.border_subtitle = self.codes[event.index].path if event.index is not None else ""

    def action_wide_codes(self) -> None:
        self.query_one("#side").toggle_class("wide")

    # -- the rest ---------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        self._update_side()
        self.notify(_("Showing every coder's codings.") if self.show_all
                    else _("Showing the codings of {coder}.").format(coder=self.qapp.coder))

    def action_switch_coder(self) -> None:
        def switched() -> None:
            if self.data is not None:
                self.load(self.data.document_id)

        self.qapp.choose_coder(then=switched)

    def action_compare(self) -> None:
        from qualcode.services.workbench import list_coders
        from qualcode.tui.screens.coder import CoderScreen
        from qualcode.tui.screens.compare import CompareScreen

        others = [c for c in list_coders(self.qapp.store)
                  if c not in (self.qapp.coder, "consensus")]

        def chosen(other: str | None) -> None:
            if other and self.data is not None:
                self.app.push_screen(CompareScreen([self.qapp.coder, other], self.data.name))

        self.app.push_screen(CoderScreen(others, None, _("Compare with which coder?")), chosen)

    def action_privacy(self) -> None:
        from qualcode.tui.screens.privacy import PrivacyScreen

        if self.data is not None:
            self.app.push_screen(PrivacyScreen(self.qapp.store, self.data.document_id,
                                               self.data.name, self.qapp.coder),
                                 lambda jump: jump and self.qapp.jump(jump, self))

    def action_back(self) -> None:
        if not self.query_one(Transcript).collapse():
            self.app.pop_screen()

    def action_help(self) -> None:
        remapped = self.qapp.config.keymap
        rows = []
        for node in (self.query_one(Transcript), self, self.app):
            for binding in node.BINDINGS:  # type: ignore[attr-defined]
                if isinstance(binding, Binding):
                    key = remapped.get(binding.id or "", binding.key)
                    rows.append((key, spoken(binding.description), binding.id or ""))
        hotkeys = [(c.hotkey, c.path) for c in self.codes if c.hotkey]
        self.app.push_screen(HelpScreen(rows, hotkeys))
