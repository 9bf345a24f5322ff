"""A code as lists show it: its place in the tree, hotkey, colour and coding count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    id: int
    path: str
    name: str
    parent_id: int | None
    depth: int
    definition: str | None
    anchor_example: str | None
    colour: str | None
    hotkey: str | None
    codings: int
