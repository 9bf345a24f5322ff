"""Laying a transcript out in display lines, each mapped to a [start, end) range of its text.

Pure functions, so that the widget only paints: a header line per speaker turn, the turn's
paragraphs wrapped at word boundaries by terminal cell width, a blank line between turns.
A turn's time mark is shown once: in the header only when the text does not hold it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rich.cells import cell_len

from qualcode.services.workbench import TranscriptData

CHUNK = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class DisplayLine:
    kind: str  # "header" | "text" | "blank"
    turn: int
    start: int = 0
    end: int = 0
    label: str = ""


@dataclass(frozen=True)
class Layout:
    lines: list[DisplayLine]
    starts: list[int]  # start offset of each line (headers and blanks: the turn's start)

    def line_of(self, offset: int) -> int:
        """The first text line that shows ``offset``."""
        index = bisect.bisect_right(self.starts, offset) - 1
        while index > 0 and self.lines[index].kind != "text":
            index -= 1
        while index < len(self.lines) - 1 and (self.lines[index].kind != "text"
                                               or self.lines[index].end <= offset):
            index += 1
        return max(index, 0)


def layout(data: TranscriptData, width: int) -> Layout:
    width = max(width, 10)
    lines: list[DisplayLine] = []
    for number, turn in enumerate(data.turns):
        role = f" ({turn.role})" if turn.role else ""
        shown_in_text = f"#{turn.time_mark}#" in data.text[turn.start:turn.end]
        mark = f"  #{turn.time_mark}#" if turn.time_mark and not shown_in_text else ""
        lines.append(DisplayLine("header", number, turn.start, turn.start,
                                 f"{turn.label}{role}{mark}"))
        offset = turn.start
        for paragraph in data.text[turn.start:turn.end].split("\n"):
            lines += [DisplayLine("text", number, s, e)
                      for s, e in wrap(paragraph, offset, width)]
            offset += len(paragraph) + 1
        lines.append(DisplayLine("blank", number, turn.end, turn.end))
    return Layout(lines, [line.start for line in lines])


def wrap(paragraph: str, offset: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap; returns absolute [start, end) ranges (trailing spaces included)."""
    if not paragraph:
        return [(offset, offset)]
    ranges: list[tuple[int, int]] = []
    line_start, used = 0, 0
    for match in CHUNK.finditer(paragraph):
        chunk = match.group()
        size = cell_len(chunk.rstrip())
        if used and used + size > width:
            ranges.append((offset + line_start, offset + match.start()))
            line_start, used = match.start(), 0
        while size > width:  # a word longer than the line: break it by cells
            cut = cut_to_cells(chunk, width)
            ranges.append((offset + line_start, offset + line_start + cut))
            line_start += cut
            chunk = chunk[cut:]
            size = cell_len(chunk.rstrip())
        used += cell_len(chunk)
    ranges.append((offset + line_start, offset + len(paragraph)))
    return ranges


def cut_to_cells(text: str, width: int) -> int:
    """How many characters of ``text`` fit ``width`` terminal cells (at least one)."""
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(index, 1)
    return len(text)
