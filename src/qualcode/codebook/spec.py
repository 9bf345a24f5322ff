"""The codebook as read from its file, before it touches the store."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CodeSpec:
    name: str
    line: int
    definition: str | None = None
    anchor: str | None = None
    colour: str | None = None
    key: str | None = None
    formerly: list[str] = field(default_factory=list)
    children: list[CodeSpec] = field(default_factory=list)

    def walk(self, parent_path: str = "") -> list[tuple[str, CodeSpec]]:
        """(path, spec) for this code and all below it, depth first."""
        path = f"{parent_path}/{self.name}" if parent_path else self.name
        found = [(path, self)]
        for child in self.children:
            found.extend(child.walk(path))
        return found


@dataclass
class CodebookSpec:
    title: str | None
    description: str | None
    codes: list[CodeSpec]

    def walk(self) -> list[tuple[str, CodeSpec]]:
        return [item for code in self.codes for item in code.walk()]
