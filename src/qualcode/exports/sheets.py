"""XLSX tables that read and print well in Excel and LibreOffice.

A bold header row that stays in view and has filters; column widths; wrapped text with row
heights set from the text, because LibreOffice does not grow rows for wrapped text when it
opens a file; landscape pages one sheet wide with the header repeated on every page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from qualcode.exports.files import safe_cell
from qualcode.i18n import _
from qualcode.progress import Progress, counted

LINE_POINTS = 15.0  # one line of the default 11 pt font
CHARACTERS_PER_WIDTH = 1.15  # prose is narrower than the digit "0" that defines a width
MAX_ROW_POINTS = 409.0  # the largest row height Excel accepts
DEFAULT_WIDTH = 18
CELL_STYLE = "qualcode-zelle"  # not translated: an internal style name


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *,
                title: str, widths: Sequence[float] | None = None,
                progress: Progress | None = None) -> None:
    """One sheet: the header, then the rows; cells that would run as formulas stay text.

    Text wraps within its column and every cell sits at the top of its row. The sheet is
    streamed (openpyxl's write-only mode): everything about it is set before its rows.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, NamedStyle
    from openpyxl.utils import get_column_letter

    widths = list(widths or [DEFAULT_WIDTH] * len(header))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit for sheet names
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    printable(sheet, header_rows=1)
    # A named style: assigning it by name is several times cheaper than an Alignment per cell.
    book.add_named_style(NamedStyle(CELL_STYLE, alignment=Alignment(wrap_text=True,
                                                                    vertical="top")))
    heading = []
    for value in header:
        cell = WriteOnlyCell(sheet, safe_cell(value))
        cell.font = header_font()
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        heading.append(cell)
    sheet.append(heading)
    paced = counted(rows, len(rows), _("filling the sheet"), progress)
    for number, row in enumerate(paced, start=2):
        lines, cells = 1, []
        for value, width in zip(row, widths, strict=True):
            cell = WriteOnlyCell(sheet, safe_cell(value))
            cell.style = CELL_STYLE
            cells.append(cell)
            if isinstance(value, str):
                lines = max(lines, text_lines(value, width))
        if lines > 1:  # read when the row is written: set before appending it
            sheet.row_dimensions[number].height = min(lines * LINE_POINTS, MAX_ROW_POINTS)
        sheet.append(cells)
    if progress:
        progress(0, 1, _("saving XLSX"))
    book.save(str(path))
    if progress:
        progress(1, 1, _("saving XLSX"))


def header_font():  # type: ignore[no-untyped-def]
    """Bold in the sheet's own font: a Font without a name makes LibreOffice use a serif."""
    from openpyxl.styles import Font

    return Font(name="Calibri", size=11, bold=True)  # not translated: a font


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide (erring towards more)."""
    per_line = max(int(width * CHARACTERS_PER_WIDTH) - 1, 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def printable(sheet, *, header_rows: int = 1, header_columns: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Landscape, one page wide, the header repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (the value of Worksheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{header_rows}"
    if header_columns:
        sheet.print_title_cols = f"A:{chr(ord('A') + header_columns - 1)}"
