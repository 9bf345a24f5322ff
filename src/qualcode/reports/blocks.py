"""A report as a list of blocks (headings, paragraphs, tables, figures), written out by
``html`` or ``docx`` alike, so that both formats say the same."""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.reports.figures import Drawing


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    label: str = ""  # a bold lead-in, such as "Definition:"
    document: str = ""  # the document its text quotes, if any (the privacy gate's marks)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    # per row, a reading band ("good", "tentative", "poor" or "") that colours the row
    bands: list[str] = field(default_factory=list)
    caption: str = ""
    # per row, the document the row quotes or names ("" or missing: none)
    documents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    drawing: Drawing  # written as SVG for HTML, as PNG for Word
    caption: str


Block = Heading | Paragraph | Table | Figure


@dataclass
class Report:
    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)
