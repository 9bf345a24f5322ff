"""One line of the code list, and one line of "this turn": how a code and a coding read."""

from __future__ import annotations

from rich.text import Text

from qualcode.codebook.tree import CodeInfo
from qualcode.services.workbench import CodingView


def code_prompt(code: CodeInfo) -> Text:
    line = Text("  " * code.depth)
    line.append("■ ", style=code.colour or "")
    line.append(f"[{code.hotkey}] " if code.hotkey else "    ", style="bold")
    line.append(code.name)
    if code.codings:
        line.append(f" {code.codings}", style="dim")
    return line


def coding_prompt(coding: CodingView) -> Text:
    line = Text("▌", style=coding.colour or "")
    line.append(f" {coding.code_path.rsplit('/', 1)[-1]}")
    line.append(f"  {coding.coder}", style="dim")
    if coding.memo:
        line.append(" ✎")
    if coding.is_voice:
        line.append(" ★")
    if coding.is_anchor:
        line.append(" ⚓")
    return line
