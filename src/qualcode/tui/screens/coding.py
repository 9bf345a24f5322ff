"""The coding view: transcript, code list, this turn's codings, and every coding action.

Every action is one service call (one transaction) that has committed before the screen
changes, so killing the terminal never loses what the screen showed as done.
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

from qualcode.errors import QualcodeError
from qualcode.services.codes import CodeInfo
from qualcode.services.workbench import CodingView, TranscriptData
from qualcode.tui.screens.lookups import (
    HelpScreen,
    Jump,
    RetrievalScreen,
    SearchOutcome,
    SearchScreen,
)
from qualcode.tui.screens.modals import ErrorScreen, MemoScreen, PickedCode, PickerScreen
from qualcode.tui.widgets.lines import LinesPanel
from qualcode.tui.widgets.transcript import TranscriptView

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp


class Transcript(TranscriptView):
    """The transcript with its movement keys (they replace ScrollView's scrolling keys)."""

    BINDINGS = [
        Binding("down", "move(1)", "Next sentence", show=False, id="next_sentence",
                tooltip="Cursor to the next sentence"),
        Binding("up", "move(-1)", "Previous sentence", show=False, id="previous_sentence"),
        Binding("shift+down", "extend(1)", "Extend", show=False, id="extend_down",
                tooltip="Grow the selection by a sentence"),
        Binding("shift+up", "extend(-1)", "Shrink", show=False, id="extend_up"),
        Binding("shift+right", "extend_word(1)", "Word +", show=False, id="word_more",
                tooltip="Move the selection's end one word on"),
        Binding("shift+left", "extend_word(-1)", "Word −", show=False, id="word_less"),
        Binding("pagedown,ctrl+down", "move_turn(1)", "Next turn", show=False, id="next_turn"),
        Binding("pageup,ctrl+up", "move_turn(-1)", "Previous turn", show=False,
                id="previous_turn"),
    ]

    def action_move(self, delta: int) -> None:
        self.move(delta)

    def action_extend(self, delta: int) -> None:
        self.extend(delta)

    def action_extend_word(self, delta: int) -> None:
        self.extend_word(delta)

    def action_move_turn(self, delta: int) -> None:
        self.move_turn(delta)


class CodingScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "picker", "Code…", id="picker", tooltip="Fuzzy code picker"),
        Binding("delete", "remove", "Remove", id="remove", tooltip="Remove my coding here"),
        Binding("enter", "change", "Change", show=False, id="change",
                tooltip="Give my coding here another code"),
        Binding("exclamation_mark", "memo_coding", "Memo", show=False, id="memo_coding",
                tooltip="Memo on my coding here"),
        Binding("asterisk", "voice", "Stimme", show=False, id="voice",
                tooltip="Mark my coding as a 'Stimme aus der Praxis' candidate"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="redo"),
        Binding("slash", "search", "Search", id="search"),
        Binding("f3", "next_hit(1)", "Next hit", show=False, id="next_hit"),
        Binding("shift+f3", "next_hit(-1)", "Previous hit", show=False, id="previous_hit"),
        Binding("f6", "retrieval", "Retrieve", id="retrieval",
                tooltip="All codings of a code, across documents"),
        Binding("f4", "memo_document", "Document memo", show=False, id="memo_document"),
        Binding("f5", "memo_code", "Code memo", show=False, id="memo_code"),
        Binding("f7", "toggle_all", "All coders", show=False, id="all_coders",
                tooltip="Show every coder's codings, or only mine"),
        Binding("f8", "switch_coder", "Coder", show=False, id="switch_coder"),
        Binding("f9", "compare", "Compare", show=False, id="compare",
                tooltip="Compare with another coder and settle disagreements"),
        Binding("escape", "back", "Back", show=False, id="back",
                tooltip="Collapse the selection, then back to the documents"),
        Binding("question_mark", "help", "Help", id="help"),
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
        self._shown_here: tuple[CodingView, ...] = ()

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workbench"):
            yield Transcript(id="transcript")
            with Vertical(id="side"):
                yield LinesPanel(id="codes")
                yield LinesPanel(id="turn-codings")
        yield LinesPanel(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#codes").border_title = "Codes"
        self.query_one("#turn-codings").border_title = "This turn"
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
        self.sub_title = f"coder: {self.qapp.coder}"
        view = self.query_one(Transcript)
        view.show(data, self._visible(self.all_codings))
        self._fill_codes()
        if self.pending_jump is not None:
            view.go_to_offset(self.pending_jump.start, self.pending_jump.end)
            self.pending_jump = None
        self._update_side()

    def _visible(self, codings: list[CodingView]) -> list[CodingView]:
        return codings if self.show_all else self._mine(codings)

    def _fill_codes(self) -> None:
        self.query_one("#codes", LinesPanel).set_lines([_code_prompt(c) for c in self.codes])

    @on(LinesPanel.Clicked, "#codes")
    def _code_clicked(self, event: LinesPanel.Clicked) -> None:
        self.apply(self.codes[event.index].id)

    def _refresh_codings(self, *, recount: bool = False) -> None:
        from qualcode.services.codes import code_tree
        from qualcode.services.workbench import version_codings

        assert self.data is not None
        self.all_codings = version_codings(self.qapp.store, self.data.version_id)
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        if recount:
            self.codes = code_tree(self.qapp.store, coder=self.qapp.coder)
            self._fill_codes()
        self._update_side()

    # -- side panel and status ----------------------------------------------------------------

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
            self.query_one("#turn-codings", LinesPanel).set_lines([_coding_prompt(c)
                                                                   for c in here])
        start, end = view.selection
        self.query_one("#status", LinesPanel).set_lines([Text(
            f"turn {view.current.turn + 1}/{len(self.data.turns)} · sentence "
            f"{view.cursor + 1}/{len(view.sentences)} · [{start}, {end}) · "
            f"{len(self._mine())} codings by {self.qapp.coder}")])

    def _mine(self, codings: list[CodingView] | None = None) -> list[CodingView]:
        coder = self.qapp.coder
        return [c for c in (self.all_codings if codings is None else codings) if c.coder == coder]

    def _my_coding_here(self) -> CodingView | None:
        """The innermost of my codings at the cursor; says so when there is none."""
        here = self._mine_here()
        if not here:
            self.notify("None of your codings is at the cursor.", severity="warning")
            return None
        return here[-1]

    def _mine_here(self) -> list[CodingView]:
        """My codings at the cursor: overlapping the selection, innermost last."""
        start, end = self.query_one(Transcript).selection
        end = max(end, start + 1)
        found = [c for c in self._mine() if c.start < end and start < c.end]
        return sorted(found, key=lambda c: (c.end - c.start) * -1)

    # -- coding -------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A codebook hotkey applies its code to the selection."""
        if event.character and len(event.character) == 1 and event.key == event.character:
            code = next((c for c in self.codes if c.hotkey == event.character), None)
            if code is not None:
                event.stop()
                event.prevent_default()
                self.apply(code.id)

    def apply(self, code_id: int) -> None:
        from qualcode.services.codings import add_coding

        if self.data is None:
            return
        start, end = self.query_one(Transcript).selection
        added = self._call(add_coding, self.qapp.store, document=self.data.document_id,
                           code=code_id, coder=self.qapp.coder, start=start, end=end)
        if added is None:
            return
        self.recent = [code_id, *[c for c in self.recent if c != code_id]][:8]
        for index, code in enumerate(self.codes):
            if code.id == code_id:  # one line of the code list changes, not the whole list
                self.codes[index] = _counted(code, +1)
                self.query_one("#codes", LinesPanel).set_line(index,
                                                              _code_prompt(self.codes[index]))
                # What the store committed, without reading it back.
                self.all_codings.append(CodingView(
                    added.id, code_id, added.code_path, code.colour, added.coder, added.start,
                    added.end, added.text, added.memo, False, "ok"))
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        self._update_side()

    def _call(self, function, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run one service call; show its error instead of crashing."""
        try:
            result = function(*args, **kwargs)
        except QualcodeError as exc:
            self.qapp.show_error(str(exc))
            return None
        return True if result is None else result

    def action_picker(self) -> None:
        self.app.push_screen(PickerScreen(self.codes, self.recent), self._picked)

    def _picked(self, picked: PickedCode | None) -> None:
        if picked is not None:
            self.apply(picked.id)

    def action_remove(self) -> None:
        from qualcode.services.codings import remove_coding

        coding = self._my_coding_here()
        if coding is None:
            return
        if self._call(remove_coding, self.qapp.store, coding.id, actor=self.qapp.coder):
            self.notify(f"Removed {coding.code_path} (ctrl+z undoes).")
            self._refresh_codings(recount=True)

    def action_change(self) -> None:
        coding = self._my_coding_here()
        if coding is None:
            return

        def changed(picked: PickedCode | None) -> None:
            from qualcode.services.codings import update_coding

            if picked and self._call(update_coding, self.qapp.store, coding.id,
                                     actor=self.qapp.coder, code=picked.id):
                self._refresh_codings(recount=True)

        self.app.push_screen(PickerScreen(self.codes, self.recent, "Change code to"), changed)

    def action_memo_coding(self) -> None:
        coding = self._my_coding_here()
        if coding is None:
            return

        def saved(text: str | None) -> None:
            from qualcode.services.codings import update_coding

            if text is not None and self._call(update_coding, self.qapp.store, coding.id,
                                               actor=self.qapp.coder, memo=text,
                                               clear_memo=not text.strip()):
                self._refresh_codings()

        self.app.push_screen(MemoScreen(f"Memo on {coding.code_path}", coding.memo or ""),
                             saved)

    def action_memo_document(self) -> None:
        if self.data is not None:
            self._edit_memo("document", self.data.document_id, f"Memo on {self.data.name}")

    def action_memo_code(self) -> None:
        def chosen(picked: PickedCode | None) -> None:
            if picked is not None:
                self._edit_memo("code", picked.id, f"Memo on code {picked.path}")

        self.app.push_screen(PickerScreen(self.codes, self.recent, "Memo on which code?"), chosen)

    def _edit_memo(self, target: str, target_id: int, title: str) -> None:
        from qualcode.services.memos import get_memo, set_memo

        text = self._call(get_memo, self.qapp.store, target, target_id, coder=self.qapp.coder)
        if text is None:
            return

        def saved(new: str | None) -> None:
            if new is not None and self._call(set_memo, self.qapp.store, target, target_id, new,
                                              coder=self.qapp.coder):
                self.notify("Memo saved.")

        self.app.push_screen(MemoScreen(title, text if isinstance(text, str) else ""), saved)

    def action_voice(self) -> None:
        from qualcode.services.codings import update_coding

        coding = self._my_coding_here()
        if coding is None:
            return
        if self._call(update_coding, self.qapp.store, coding.id, actor=self.qapp.coder,
                      is_voice=not coding.is_voice):
            self.notify("Marked as 'Stimme aus der Praxis'." if not coding.is_voice
                        else "No longer a 'Stimme aus der Praxis'.")
            self._refresh_codings()

    def action_undo(self) -> None:
        from qualcode.services.history import undo

        done = self._call(undo, self.qapp.store, self.qapp.coder)
        if done:
            self.notify(f"Undone: {done.description}.")
            self._refresh_codings(recount=True)

    def action_redo(self) -> None:
        from qualcode.services.history import redo

        done = self._call(redo, self.qapp.store, self.qapp.coder)
        if done:
            self.notify(f"Redone: {done.description}.")
            self._refresh_codings(recount=True)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.query_one(Transcript).set_codings(self._visible(self.all_codings))
        self._update_side()
        self.notify("Showing every coder's codings." if self.show_all
                    else f"Showing {self.qapp.coder}'s codings.")

    # -- search and retrieval -----------------------------------------------------------------

    def action_search(self) -> None:
        name = self.data.name if self.data else None
        query = (self.hits and getattr(self, "last_query", "")) or ""
        self.app.push_screen(SearchScreen(self.qapp.store, name, query), self._searched)

    def _searched(self, outcome: SearchOutcome | None) -> None:
        if outcome is None:
            return
        self.last_query = outcome.query
        self.hits = outcome.hits
        if outcome.autocode:
            self._autocode(outcome.query)
        elif outcome.jump is not None:
            self.hit_index = next((i for i, h in enumerate(self.hits)
                                   if h.start == outcome.jump.start
                                   and h.document_id == outcome.jump.document_id), 0)
            self.qapp.jump(outcome.jump, self)

    def _autocode(self, query: str) -> None:
        def chosen(picked: PickedCode | None) -> None:
            from qualcode.search.autocode import autocode

            if picked is None:
                return
            done = self._call(autocode, self.qapp.store, query, code=picked.id,
                              coder=self.qapp.coder)
            if done:
                self.notify(f"Autocoded {done.created} hits with {done.code} "
                            f"({done.already_coded} already coded); ctrl+z undoes.")
                self._refresh_codings(recount=True)

        self.app.push_screen(PickerScreen(self.codes, self.recent, f"Autocode '{query}' with"),
                             chosen)

    def action_next_hit(self, delta: int) -> None:
        if not self.hits:
            self.notify("No search hits; search with /.", severity="warning")
            return
        self.hit_index = (self.hit_index + delta) % len(self.hits)
        hit = self.hits[self.hit_index]
        self.qapp.jump(Jump(hit.document_id, hit.start, hit.end), self)

    def show_hit(self, jump: Jump) -> None:
        view = self.query_one(Transcript)
        view.hit = (jump.start, jump.end)
        view.go_to_offset(jump.start, jump.end)

    def action_retrieval(self) -> None:
        def chosen(picked: PickedCode | None) -> None:
            if picked is not None:
                self.app.push_screen(RetrievalScreen(self.qapp.store, picked.id, picked.path,
                                                     self.qapp.coder),
                                     lambda jump: jump and self.qapp.jump(jump, self))

        self.app.push_screen(PickerScreen(self.codes, self.recent, "Retrieve codings of"),
                             chosen)

    # -- the rest -------------------------------------------------------------------------------

    def action_switch_coder(self) -> None:
        self.qapp.choose_coder(then=lambda: self._refresh_codings(recount=True))

    def action_compare(self) -> None:
        from qualcode.services.workbench import list_coders
        from qualcode.tui.screens.compare import CompareScreen
        from qualcode.tui.screens.modals import CoderScreen

        others = [c for c in list_coders(self.qapp.store)
                  if c not in (self.qapp.coder, "consensus")]

        def chosen(other: str | None) -> None:
            if other and self.data is not None:
                self.app.push_screen(CompareScreen([self.qapp.coder, other], self.data.name))

        self.app.push_screen(CoderScreen(others, None, "Compare with which coder?"), chosen)

    def action_back(self) -> None:
        if not self.query_one(Transcript).collapse():
            self.app.pop_screen()

    def action_help(self) -> None:
        rows = []
        for node in (self.query_one(Transcript), self, self.app):
            for binding in node.BINDINGS:  # type: ignore[attr-defined]
                if isinstance(binding, Binding):
                    rows.append((binding.key, binding.description, binding.id or ""))
        hotkeys = [(c.hotkey, c.path) for c in self.codes if c.hotkey]
        self.app.push_screen(HelpScreen(rows, hotkeys))


def _code_prompt(code: CodeInfo) -> Text:
    line = Text("  " * code.depth)
    line.append("■ ", style=code.colour or "")
    line.append(f"[{code.hotkey}] " if code.hotkey else "    ", style="bold")
    line.append(code.name)
    if code.codings:
        line.append(f" {code.codings}", style="dim")
    return line


def _coding_prompt(coding: CodingView) -> Text:
    line = Text("▌", style=coding.colour or "")
    line.append(f" {coding.code_path.rsplit('/', 1)[-1]}")
    line.append(f"  {coding.coder}", style="dim")
    if coding.memo:
        line.append(" ✎")
    if coding.is_voice:
        line.append(" ★")
    return line


def _counted(code: CodeInfo, delta: int) -> CodeInfo:
    from dataclasses import replace

    return replace(code, codings=code.codings + delta)


def show_error(app, message: str) -> None:  # type: ignore[no-untyped-def]
    app.push_screen(ErrorScreen(message))
