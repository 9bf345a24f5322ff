"""Word documents with real headings (Heading 1/2, in the navigation pane) and tables."""

from __future__ import annotations

import io
from pathlib import Path

from qualcode.reports.blocks import Figure, Heading, Paragraph, Report, Table

FIGURE_INCHES = 6.0
BAND_SHADES = {"good": "E8E8E8"}


def write_docx(report: Report, path: Path) -> None:
    from docx import Document
    from docx.shared import Inches

    document = Document()
    document.core_properties.title = report.title
    document.core_properties.language = report.language
    document.add_heading(report.title, level=0)
    for block in report.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level, 9))
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            if block.label:
                paragraph.add_run(block.label + " ").bold = True
            paragraph.add_run(block.text)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Figure):
            document.add_picture(io.BytesIO(block.drawing.png), width=Inches(FIGURE_INCHES))
            document.add_paragraph(block.caption, style="Caption")  # not translated: a style
    document.save(str(path))


def _table(document, table: Table) -> None:  # type: ignore[no-untyped-def]
    if table.caption:
        document.add_paragraph(table.caption, style="Caption")  # not translated: a style
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"  # not translated: a style
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_as_header(grid.rows[0])
    for n, values in enumerate(table.rows):
        band = table.bands[n] if n < len(table.bands) else ""
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
            if band == "poor":
                for run in cell.paragraphs[0].runs:
                    run.italic = True
            if band in BAND_SHADES:
                _shade(cell, BAND_SHADES[band])


def _repeat_as_header(row) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def _shade(cell, colour: str) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
