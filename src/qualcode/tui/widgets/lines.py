"""A panel of pre-styled lines, painted with the line API.

Updating it repaints; it never asks the screen for a new layout (an OptionList or a Label
does, which costs tens of milliseconds on every keystroke).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.events import Click, Leave, MouseMove
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

_CONSOLE = Console(width=500, color_system="truecolor", legacy_windows=False)


class LinesPanel(ScrollView):
    """Lines of rich Text, cropped to the width; a click posts ``Clicked`` with its index."""

    class Clicked(Message):
        def __init__(self, panel: LinesPanel, index: int) -> None:
            self.panel = panel
            self.index = index
            super().__init__()

        @property
        def control(self) -> LinesPanel:
            return self.panel

    class Hovered(Message):
        def __init__(self, panel: LinesPanel, index: int | None) -> None:
            self.panel = panel
            self.index = index
            super().__init__()

        @property
        def control(self) -> LinesPanel:
            return self.panel

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = []
        self._strips: list[Strip] = []
        self._painted: dict[int, Strip] = {}  # finished lines for the current width
        self._painted_width = -1

    def set_lines(self, lines: list[Text]) -> None:
        self._lines = list(lines)
        self._strips = [Strip(list(line.render(_CONSOLE))) for line in lines]
        self._painted.clear()
        height = self.scrollable_content_region.height
        # A new virtual size costs a layout pass: only when scrolling is or was needed.
        if len(self._strips) > height or self.virtual_size.height > height:
            self.virtual_size = Size(self.scrollable_content_region.width, len(self._strips))
        self.refresh()

    def set_line(self, index: int, line: Text) -> None:
        if 0 <= index < len(self._strips):
            self._lines[index] = line
            self._strips[index] = Strip(list(line.render(_CONSOLE)))
            self._painted.pop(index, None)
            self.refresh_lines(index)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._painted_width:
            self._painted.clear()
            self._painted_width = width
        index = self.scroll_offset.y + y
        if index >= len(self._strips):
            index = -1  # every blank line is the same strip
        painted = self._painted.get(index)
        if painted is None:
            if index < 0:
                painted = Strip.blank(width, self.rich_style)
            elif self._strips[index].cell_length > width:
                fitted = Strip(list(fit(self._lines[index], width).render(_CONSOLE)))
                painted = fitted.apply_style(self.rich_style).crop_extend(0, width,
                                                                          self.rich_style)
            else:
                painted = self._strips[index].apply_style(self.rich_style).crop_extend(
                    0, width, self.rich_style)
            self._painted[index] = painted
        return painted

    def on_mouse_move(self, event: MouseMove) -> None:
        index = self.scroll_offset.y + event.y
        self.post_message(self.Hovered(self, index if 0 <= index < len(self._strips) else None))

    def on_leave(self, event: Leave) -> None:
        self.post_message(self.Hovered(self, None))

    def on_click(self, event: Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self._strips):
            self.post_message(self.Clicked(self, index))


def fit(line: Text, width: int) -> Text:
    """The line cut to ``width`` cells at a word boundary, with an ellipsis: no word is cut."""
    if line.cell_len <= width or width < 2:
        return line
    used, cut = 0, 0
    for index, char in enumerate(line.plain):
        used += cell_len(char)
        if used > width - 1:
            cut = index
            break
    space = line.plain.rfind(" ", 0, cut + 1)
    if space > len(line.plain[:cut]) - len(line.plain[:cut].lstrip()):
        cut = space
    fitted = line[:cut]
    fitted.rstrip()
    fitted.append("…")
    return fitted
