"""Keyword-in-context rows that read as quotes: one line each, no word cut.

A row has the document and the speaker (or coder) in columns of their own, then the found or
coded text highlighted between as much context as fits, cut only at word boundaries (marked
with an ellipsis). Time marks are left out of the context; the context never leaves its
speaker turn (the search and retrieval services already bound it).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

from qualcode.transcripts.turns import TIME_MARK
from qualcode.tui.widgets.layout import cut_to_cells

SPACES = re.compile(r"\s+")
ELLIPSIS = "…"


def clean(text: str) -> str:
    """One line of running text: time marks out, whitespace collapsed."""
    return SPACES.sub(" ", TIME_MARK.sub(" ", text))


def column(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: cut at a word boundary with an ellipsis if longer."""
    shown = head(text, width)
    return shown + " " * (width - cell_len(shown))


def head(text: str, width: int) -> str:
    """The longest start of ``text`` that ends at a word boundary and fits ``width`` cells."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    room = width - 1
    kept = ""
    for word in re.findall(r"\S+\s*", text):
        if cell_len((kept + word).rstrip()) > room:
            break
        kept += word
    if not kept:  # one long word: cut it, there is no boundary to cut at
        kept = text[:cut_to_cells(text, room)]
    return kept.rstrip() + ELLIPSIS


def tail(text: str, width: int) -> str:
    """The longest end of ``text`` that starts at a word boundary and fits ``width`` cells."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    room = width - 1
    kept = ""
    for word in reversed(re.findall(r"\s*\S+", text)):
        if cell_len((word + kept).lstrip()) > room:
            break
        kept = word + kept
    return ELLIPSIS + kept.lstrip() if kept else ELLIPSIS


def kwic_line(document: str, who: str, left: str, middle: str, right: str, width: int,
              *, highlight: str = "bold reverse") -> Text:  # not translated: a style
    """One row of at most ``width`` cells: document, who, then left [middle] right.

    The found text starts at the same column in every row, so hits line up.
    """
    document_width = max(6, min(24, width // 4))
    who_width = max(6, min(14, width // 6, width // 4 - 4))
    room = max(0, width - document_width - who_width - 2)
    whole = clean(middle).strip()
    middle = head(whole, max(1, room * 3 // 5))
    rest = max(0, room - cell_len(middle))
    left_budget = rest // 2
    before, after = clean(left), clean(right)
    gap_before = " " if before.endswith(" ") and left_budget > 1 else ""
    left_part = tail(before.rstrip(), left_budget - len(gap_before)) + gap_before
    if left_part == ELLIPSIS + gap_before and not before.strip():
        left_part = ""
    gap_after = " " if after.startswith(" ") else ""
    right_part = gap_after + head(after.lstrip(), rest - left_budget - len(gap_after))
    if middle != whole:  # the found text goes on: what follows it would mislead
        right_part = ""
    line = Text(no_wrap=True, overflow="crop")
    line.append(column(document, document_width) + " ", style="bold")
    line.append(column(who, who_width) + " ", style="dim")
    line.append(" " * (left_budget - cell_len(left_part)) + left_part)
    line.append(middle, style=highlight)
    line.append(right_part.rstrip())
    return line
