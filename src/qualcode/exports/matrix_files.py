"""Matrices as CSV, XLSX and heatmap pictures (PNG, SVG)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from qualcode.exports.files import safe_cell


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.append([safe_cell(h) for h in header])
    for row in body:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(text_rotation=90, wrap_text=True)
    sheet.column_dimensions["A"].width = 50
    sheet.freeze_panes = "B2"
    book.save(str(path))


def write_heatmap(path: Path, rows: list[str], columns: list[str], values: np.ndarray,
                  title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"  # code names stay text in the SVG
    import matplotlib.pyplot as plt

    short_rows = [r.rsplit("/", 1)[-1][:45] for r in rows]
    short_columns = [c.rsplit("/", 1)[-1][:45] for c in columns]
    height = max(4.0, 0.28 * len(rows) + 2)
    width = max(5.0, 0.28 * len(columns) + 4)
    figure, axes = plt.subplots(figsize=(width, height))
    image = axes.imshow(values, cmap="viridis", aspect="auto")
    axes.set_xticks(range(len(columns)), short_columns, rotation=90, fontsize=8)
    axes.set_yticks(range(len(rows)), short_rows, fontsize=8)
    axes.set_title(title)
    figure.colorbar(image, ax=axes)
    figure.tight_layout()
    figure.savefig(str(path), format=path.suffix.lstrip("."), dpi=150)
    plt.close(figure)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 4)
