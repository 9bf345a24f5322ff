"""The transcript, painted line by line (Textual's line API): no widget per paragraph.

The cursor is a sentence; the selection a [start, end) range of the text that the keyboard
grows by sentence or by word and the mouse sets freely. Codings show as colour marks in the
left margin and as coloured underlines in the text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import pairwise

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import MouseDown, MouseMove, MouseUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.i18n import N_
from qualcode.services.workbench import CodingView, TranscriptData
from qualcode.transcripts.turns import TIME_MARK
from qualcode.tui.keys import Translated
from qualcode.tui.widgets.layout import Layout, layout

MARGIN = 4
MARKS = 3
FULL_REPAINT = 20  # more changed codings than this: repaint everything
WORD = re.compile(r"\w+", re.UNICODE)
HEADER_STYLE = "transcript--header"  # not translated: a CSS component class
SELECTION_STYLE = "transcript--selection"  # not translated: a CSS component class
CURSOR_STYLE = "transcript--cursor"  # not translated: a CSS component class
MARGIN_STYLE = "transcript--margin"  # not translated: a CSS component class
HIT_STYLE = "transcript--hit"  # not translated: a CSS component class
TIME_MARK_STYLE = "transcript--time-mark"  # not translated: a CSS component class


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    turn: int


class TranscriptView(ScrollView, can_focus=True):
    """Shows one transcript; posts ``CursorMoved`` when the cursor or selection changes."""

    COMPONENT_CLASSES = {HEADER_STYLE, SELECTION_STYLE, CURSOR_STYLE, MARGIN_STYLE, HIT_STYLE,
                         TIME_MARK_STYLE}

    class CursorMoved(Message):
        def __init__(self, view: TranscriptView) -> None:
            self.view = view
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: TranscriptData | None = None
        self.codings: list[CodingView] = []
        self.sentences: list[Sentence] = []
        self._sentence_starts: list[int] = []
        self.layout_: Layout | None = None
        self.cursor = 0
        self.selection: tuple[int, int] = (0, 0)
        self.hit: tuple[int, int] | None = None
        self._anchor = 0
        self._drag_from: int | None = None
        self._by_line: dict[int, list[CodingView]] = {}

    # -- data ---------------------------------------------------------------------------

    def show(self, data: TranscriptData, codings: list[CodingView]) -> None:
        self.data = data
        self.codings = codings
        self.sentences = [Sentence(s, e, n) for n, turn in enumerate(data.turns)
                          for s, e in turn.sentences]
        self._sentence_starts = [s.start for s in self.sentences]
        self.cursor = self._anchor = 0
        self._relayout()
        self._select_sentences(0, 0)

    def set_codings(self, codings: list[CodingView]) -> None:
        changed = set(codings) ^ set(self.codings)
        self.codings = codings
        self._index_codings()
        if len(changed) > FULL_REPAINT:
            self.refresh()
        else:
            self._refresh_ranges([(c.start, c.end) for c in changed])

    def _relayout(self) -> None:
        if self.data is None:
            return
        region = self.scrollable_content_region.width
        self.layout_ = layout(self.data, max(region - MARGIN - 1, 10))
        self.virtual_size = Size(region, len(self.layout_.lines))
        self._index_codings()
        self.refresh()

    def _index_codings(self) -> None:
        """The codings of each display line, so that painting a line never scans them all."""
        self._by_line: dict[int, list[CodingView]] = {}
        if self.layout_ is None:
            return
        lines = self.layout_.lines
        for coding in self.codings:
            index = self.layout_.line_of(coding.start)
            while index < len(lines) and lines[index].start < coding.end:
                if lines[index].kind == "text":
                    self._by_line.setdefault(index, []).append(coding)
                index += 1

    def on_resize(self, event: Resize) -> None:
        self._relayout()
        self._scroll_to_cursor()

    # -- movement -----------------------------------------------------------------------

    @property
    def current(self) -> Sentence | None:
        return self.sentences[self.cursor] if self.sentences else None

    @property
    def current_turn(self) -> int | None:
        return self.current.turn if self.current else None

    def move(self, delta: int) -> None:
        if self.sentences:
            self.cursor = self._anchor = _clamp(self.cursor + delta, len(self.sentences))
            self._select_sentences(self.cursor, self.cursor)

    def extend(self, delta: int) -> None:
        """Grow or shrink the selection by whole sentences from its anchor."""
        if self.sentences:
            self.cursor = _clamp(self.cursor + delta, len(self.sentences))
            self._select_sentences(self._anchor, self.cursor)

    def extend_word(self, delta: int) -> None:
        """Move the selection's end by one word."""
        if self.data is None:
            return
        start, end = self.selection
        ends = [m.end() for m in WORD.finditer(self.data.text)]
        index = bisect.bisect_left(ends, end)
        if delta > 0 and index + 1 <= len(ends):
            end = ends[index + 1] if index + 1 < len(ends) and ends[index] <= end else ends[index]
        elif delta < 0 and index > 0:
            end = max(ends[index - 1], start + 1)
        self._set_selection(start, end)

    def move_turn(self, delta: int) -> None:
        if not self.sentences:
            return
        turn = _clamp(self.sentences[self.cursor].turn + delta, len(self.data.turns))  # type: ignore[union-attr]
        first = next(i for i, s in enumerate(self.sentences) if s.turn == turn)
        self.move(first - self.cursor)

    def go_to_offset(self, start: int, end: int | None = None) -> None:
        """Put the cursor on the sentence at ``start``; select [start, end) if given."""
        if not self.sentences:
            return
        index = max(bisect.bisect_right(self._sentence_starts, start) - 1, 0)
        self.cursor = self._anchor = index
        if end is None:
            self._select_sentences(index, index)
        else:
            self._set_selection(start, end)

    def collapse(self) -> bool:
        """Shrink the selection to the cursor sentence; False when it already was."""
        current = self.current
        if current is None or self.selection == (current.start, current.end):
            return False
        self.move(0)
        return True

    def _select_sentences(self, a: int, b: int) -> None:
        if not self.sentences:
            return
        first, last = sorted((a, b))
        self._set_selection(self.sentences[first].start, self.sentences[last].end)

    def _set_selection(self, start: int, end: int) -> None:
        before = [self.selection, self._cursor_range]
        self.selection = (start, end)
        top = self.scroll_offset.y
        self._scroll_to_cursor()
        if self.scroll_offset.y == top:
            self._refresh_ranges([*before, self.selection, self._cursor_range])
        else:
            self.refresh()
        self.post_message(self.CursorMoved(self))

    @property
    def _cursor_range(self) -> tuple[int, int]:
        current = self.current
        return (current.start, current.end) if current else (0, 0)

    def _refresh_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Repaint only the display lines that show these ranges of the text."""
        if self.layout_ is None:
            return
        lines = self.layout_.lines
        for start, end in ranges:
            first = self.layout_.line_of(start)
            last = first
            while last + 1 < len(lines) and lines[last + 1].start < max(end, start + 1):
                last += 1
            self.refresh_lines(first, last - first + 1)

    def _scroll_to_cursor(self) -> None:
        if self.layout_ is None or not self.sentences:
            return
        line = self.layout_.line_of(self.selection[0])
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if line - 1 < top:
            self.scroll_to(y=max(line - 1, 0), animate=False)
        elif line + 2 > top + height:
            self.scroll_to(y=line + 2 - height, animate=False)

    # -- mouse --------------------------------------------------------------------------

    def _offset_at(self, x: int, y: int) -> int | None:
        if self.layout_ is None or self.data is None:
            return None
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self.layout_.lines):
            return None
        line = self.layout_.lines[index]
        if line.kind != "text":
            return line.start
        column, offset = x - MARGIN + self.scroll_offset.x, line.start
        for char in self.data.text[line.start:line.end]:
            column -= cell_len(char)
            if column < 0:
                break
            offset += 1
        return offset

    def on_mouse_down(self, event: MouseDown) -> None:
        self._drag_from = self._offset_at(event.x, event.y)
        if self._drag_from is not None:
            self.go_to_offset(self._drag_from)
            self.capture_mouse()

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag_from is None:
            return
        offset = self._offset_at(event.x, event.y)
        if offset is not None and offset != self._drag_from:
            start, end = sorted((self._drag_from, offset))
            self._set_selection(start, end)

    def on_mouse_up(self, event: MouseUp) -> None:
        self._drag_from = None
        self.release_mouse()

    # -- painting -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        if self.layout_ is None or self.data is None or index >= len(self.layout_.lines):
            return Strip.blank(width, self.rich_style)
        line = self.layout_.lines[index]
        base = self.rich_style
        if line.kind == "header":
            style = base + self.get_component_rich_style(HEADER_STYLE)
            segments = [Segment(" " * MARGIN, base), Segment(line.label, style)]
        elif line.kind == "blank":
            segments = []
        else:
            here = self._by_line.get(index, [])
            segments = self._margin(here, base) + self._text(here, line.start, line.end, base)
        return Strip(segments).extend_cell_length(width, base).crop(
            self.scroll_offset.x, self.scroll_offset.x + width)

    def _margin(self, marks: list[CodingView], base: Style) -> list[Segment]:
        cells = [Segment("▌", base + Style(color=c.colour or "magenta")) for c in marks[:MARKS]]
        more = "+" if len(marks) > MARKS else " "
        return [*cells, Segment(" " * (MARKS - len(cells)), base), Segment(more, base)]

    def _text(self, here: list[CodingView], start: int, end: int,
              base: Style) -> list[Segment]:
        assert self.data is not None
        text = self.data.text
        cursor = self.current
        edges = {start, end}
        spans = [(max(c.start, start), min(c.end, end)) for c in here]
        marks = [(m.start(), m.end()) for m in TIME_MARK.finditer(text, start, end)]
        for a, b in [*spans, *marks, self.selection, self.hit or (start, start),
                     (cursor.start, cursor.end) if cursor else (start, start)]:
            edges.update(x for x in (a, b) if start < x < end)
        ordered = sorted(edges)
        selection = self.get_component_rich_style(SELECTION_STYLE)
        cursor_style = self.get_component_rich_style(CURSOR_STYLE)
        hit_style = self.get_component_rich_style(HIT_STYLE)
        mark_style = self.get_component_rich_style(TIME_MARK_STYLE)
        segments = []
        for a, b in pairwise(ordered):
            style = base
            coded = [c for c in here if c.start <= a and b <= c.end]
            if coded:
                style += Style(underline=True, color=coded[-1].colour or None)
            if any(m <= a and b <= n for m, n in marks):
                style += mark_style
            if cursor and cursor.start <= a and b <= cursor.end:
                style += cursor_style
            if self.hit and self.hit[0] <= a and b <= self.hit[1]:
                style += hit_style
            if self.selection[0] <= a and b <= self.selection[1]:
                style += selection
            segments.append(Segment(text[a:b].replace("\t", " "), style))
        return segments


def _clamp(value: int, size: int) -> int:
    return min(max(value, 0), max(size - 1, 0))


class Transcript(Translated, TranscriptView):
    """The transcript with its movement keys (they replace ScrollView's scrolling keys)."""

    BINDINGS = [
        Binding("down", "move(1)", N_("Next sentence"), show=False, id="next_sentence",
                tooltip=N_("Cursor to the next sentence")),
        Binding("up", "move(-1)", N_("Previous sentence"), show=False,
                id="previous_sentence"),  # not translated: a binding id
        Binding("shift+down", "extend(1)", N_("Extend"), show=False, id="extend_down",
                tooltip=N_("Grow the selection by a sentence")),
        Binding("shift+up", "extend(-1)", N_("Shrink"), show=False, id="extend_up"),
        Binding("shift+right", "extend_word(1)", N_("Word +"), show=False, id="word_more",
                tooltip=N_("Move the selection's end one word on")),
        Binding("shift+left", "extend_word(-1)", N_("Word −"), show=False, id="word_less"),
        Binding("pagedown,ctrl+down",  # not translated: keys
                "move_turn(1)", N_("Next turn"), show=False,
                id="next_turn"),
        Binding("pageup,ctrl+up",  # not translated: keys
                "move_turn(-1)", N_("Previous turn"), show=False,
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
