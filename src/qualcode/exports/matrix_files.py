"""Matrices as CSV, XLSX and heatmap pictures (PNG, SVG)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell

POINTS_PER_UPRIGHT_CHARACTER = 7.0  # 11 pt bold, turned by 90 degrees


def write_table(path: Path, rows: list[str], columns: list[str], values: np.ndarray,
                fmt: str) -> None:
    header = ["", *columns]
    body = [[safe_cell(label), *(_number(v) for v in row)]
            for label, row in zip(rows, values, strict=True)]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([safe_cell(h) for h in header])
            writer.writerows(body)
        return
    _write_xlsx(path, rows, columns, body)


def _write_xlsx(path: Path, rows: list[str], columns: list[str], body: list[list[object]]
                ) -> None:
    """Codes down the side with their paths; across the top their names, turned upright."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    names = [c.rsplit("/", 1)[-1] for c in columns]
    if len(set(names)) < len(names):
        names = columns
    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(["", *(safe_cell(n) for n in names)])
    for row in body:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = sheets.header_font()
        cell.alignment = Alignment(text_rotation=90, vertical="bottom", horizontal="center")
    longest = max((len(n) for n in names), default=10)
    sheet.row_dimensions[1].height = min(POINTS_PER_UPRIGHT_CHARACTER * longest + 10,
                                         sheets.MAX_ROW_POINTS)
    sheet.column_dimensions["A"].width = min(max((len(r) for r in rows), default=10) + 2, 70)
    for index in range(2, len(columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 7
    sheet.freeze_panes = "B2"
    sheets.printable(sheet, header_rows=1, header_columns=1)
    book.save(str(path))


def write_heatmap(path: Path, rows: list[str], columns: list[str], values: np.ndarray,
                  title: str, *, diagonal_apart: bool = False) -> None:
    """A heatmap with the code names in full (wrapped) and, when it is small, the numbers.

    ``diagonal_apart``: the diagonal of a co-occurrence matrix holds frequencies, which would
    swamp the colours of the pairs; it is drawn grey, with its numbers, outside the scale.
    """
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # code names stay text in the SVG
    import matplotlib.pyplot as plt

    # Big matrices get smaller cells and labels, so that the picture stays printable (and
    # a 200 x 200 matrix does not need gigabytes of memory to draw).
    cell = min(CELL_INCHES, MATRIX_INCHES / max(len(rows), len(columns)))
    font = min(8.0, max(4.0, cell * 72 * 0.75))
    lines = 2 if cell * 72 >= 2.4 * font else 1
    row_labels = [_label(r, lines) for r in rows]
    column_labels = [_label(c, lines) for c in columns]
    shown = np.ma.masked_array(values, mask=np.eye(*values.shape, dtype=bool)
                               if diagonal_apart else None)
    per_character = INCHES_PER_CHARACTER * font / 8
    margin_left = per_character * max(len(line) for lab in row_labels
                                      for line in lab.split("\n"))
    margin_bottom = per_character * max(len(line) for lab in column_labels
                                        for line in lab.split("\n"))
    width = margin_left + cell * len(columns) + 2.0
    height = margin_bottom + cell * len(rows) + 1.0
    figure, axes = plt.subplots(figsize=(max(width, 5.0), max(height, 4.0)),
                                layout="constrained")
    colours = plt.get_cmap("viridis").with_extremes(bad="#d9d9d9")
    image = axes.imshow(shown, cmap=colours, aspect="equal")
    axes.set_xticks(range(len(columns)), column_labels, rotation=90, fontsize=font)
    axes.set_yticks(range(len(rows)), row_labels, fontsize=font)
    axes.set_title(title)
    if max(len(rows), len(columns)) <= MAX_ANNOTATED:
        _annotate(axes, values, shown, image)
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    if np.issubdtype(values.dtype, np.integer):
        from matplotlib.ticker import MaxNLocator

        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
    figure.savefig(str(path), format=path.suffix.lstrip("."), dpi=150)
    plt.close(figure)


CELL_INCHES = 0.4
MATRIX_INCHES = 24.0  # the largest side of the coloured area
INCHES_PER_CHARACTER = 0.075  # 8 pt labels
LABEL_WIDTH = 32
MAX_ANNOTATED = 30


def _label(path: str, most_lines: int) -> str:
    """The code's name (not its path), wrapped on at most ``most_lines`` lines."""
    import textwrap

    lines = textwrap.wrap(path.rsplit("/", 1)[-1], LABEL_WIDTH) or [""]
    if len(lines) > most_lines:
        lines = [*lines[:most_lines - 1], lines[most_lines - 1][:LABEL_WIDTH - 1] + "…"]
    return "\n".join(lines)


def _annotate(axes, values: np.ndarray, shown: np.ma.MaskedArray, image) -> None:  # type: ignore[no-untyped-def]
    for (i, j), value in np.ndenumerate(values):
        if np.ma.is_masked(shown[i, j]):
            colour = "black"
        else:
            red, green, blue, _ = image.cmap(image.norm(value))
            colour = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
        axes.text(j, i, _short(value), ha="center", va="center", fontsize=7, color=colour)


def _short(value: float) -> str:
    number = _number(value)
    return str(number) if isinstance(number, int) else f"{number:.2f}"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 4)
