"""Matrices as CSV, XLSX and heatmap pictures (PNG, SVG)."""

from __future__ import annotations

import csv
import math
import textwrap
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

from qualcode.exports import sheets
from qualcode.exports.files import safe_cell
from qualcode.i18n import words

POINTS_PER_UPRIGHT_CHARACTER = 7.0  # 11 pt bold, turned by 90 degrees


def write_table(path: Path, rows: list[str], columns: list[str], values: np.ndarray,
                fmt: str, *, lang: str = "de") -> None:
    header = ["", *columns]
    body = [[safe_cell(label), *(_number(v) for v in row)]
            for label, row in zip(rows, values, strict=True)]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([safe_cell(h) for h in header])
            writer.writerows(body)
        return
    _write_xlsx(path, rows, columns, body, lang)


def _write_xlsx(path: Path, rows: list[str], columns: list[str], body: list[list[object]],
                lang: str) -> None:
    """Codes down the side with their paths; across the top their names, turned upright."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    names = [c.rsplit("/", 1)[-1] for c in columns]
    if len(set(names)) < len(names):
        names = columns
    book = Workbook()
    sheet = book.active
    sheet.title = words(lang).pgettext("matrix", "Matrix")
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


def matrix_words(kind: str, measure: str, group_by: str | None, lang: str) -> tuple[str, str]:
    """The title of a matrix and the name of its values (the colour bar's label) in ``lang``.

    ``group_by``: the label of the variable documents are grouped by (data: not translated).
    """
    w = words(lang)
    if kind == "documents":
        title = (w.pgettext("matrix", "Codings per {variable}").format(variable=group_by)
                 if group_by else w.pgettext("matrix", "Codings per document"))
        return title, w.pgettext("matrix", "Codings")
    measures = {"counts": (w.pgettext("matrix", "counts"), w.pgettext("matrix", "Count")),
                "jaccard": (w.pgettext("matrix", "Jaccard"), w.pgettext("matrix", "Jaccard")),
                "c": (w.pgettext("matrix", "c coefficient"),
                      w.pgettext("matrix", "c coefficient"))}
    in_title, scale = measures[measure]
    return w.pgettext("matrix", "Co-occurrence of codes ({measure})").format(
        measure=in_title), scale


# A sequential map whose lightness rises with the value: the order survives greyscale print.
COLOURS = matplotlib.colormaps["viridis"].with_extremes(bad="white")  # not translated: a map
CELL_INCHES = 0.4
MATRIX_INCHES = 24.0  # the largest side of the coloured area
LABEL_WIDTH = 32  # characters of a label line
SHORT_LABEL = 24  # characters of an abbreviated label (the legend has the name)
MAX_ANNOTATED = 30
TITLE_POINTS = 12.0
EM = 0.6  # the width of an average character, in units of the font size


@dataclass(frozen=True)
class _Labels:
    """What the axes show, and the legend that names what they abbreviate (may be empty)."""

    rows: list[str]
    columns: list[str]
    legend: list[str]


def write_heatmap(path: Path, rows: list[str], columns: list[str], values: np.ndarray,
                  title: str, *, diagonal_apart: bool = False, lang: str = "de",
                  scale: str = "") -> None:
    """A heatmap that fits its canvas: names in full (wrapped) or numbered with a legend.

    ``diagonal_apart``: the diagonal of a co-occurrence matrix holds frequencies, which would
    swamp the colours of the pairs; it is hatched, with its numbers, outside the scale.
    ``lang``: the language of the words (numbers, the legend, the note); ``scale``: the name
    of the values, beside the colour bar.
    """
    matplotlib.use("Agg")  # not translated: a matplotlib backend
    matplotlib.rcParams["svg.fonttype"] = "none"  # not translated: code names stay SVG text
    import matplotlib.pyplot as plt

    size = _size(rows, columns)
    figure = plt.figure(figsize=(size.width, size.height), layout="constrained")
    wrap = max(20, int(size.width * 72 / (TITLE_POINTS * EM)))
    figure.suptitle(textwrap.fill(title, wrap), fontsize=TITLE_POINTS).set_gid("title")
    heights = [size.matrix_height, size.legend_height] if size.labels.legend else [1]
    grid = figure.add_gridspec(len(heights), 1, height_ratios=heights)
    axes = figure.add_subplot(grid[0])
    shown = np.ma.masked_array(values, mask=np.eye(*values.shape, dtype=bool)
                               if diagonal_apart else None)
    image = axes.imshow(shown, cmap=COLOURS, aspect="equal")
    axes.set_xticks(range(len(columns)), size.labels.columns, rotation=90, fontsize=size.font)
    axes.set_yticks(range(len(rows)), size.labels.rows, fontsize=size.font)
    if diagonal_apart:
        _hatch_diagonal(axes, min(values.shape))
        note = words(lang).pgettext(
            "matrix", "Hatched diagonal: each code with itself, outside the colour scale.")
        figure.supxlabel(textwrap.fill(note, wrap * 6 // 5), fontsize=8)
    if max(len(rows), len(columns)) <= MAX_ANNOTATED:
        _annotate(axes, values, shown, image, lang)
    _colour_bar(axes, image, values, scale, lang,
                (size.cell * len(columns), size.cell * len(rows)))
    if size.labels.legend:
        _legend(figure.add_subplot(grid[1]), size.labels.legend, size.legend_columns,
                size.font)
    with warnings.catch_warnings():
        # A character the font lacks (an emoji in a code name) is drawn as a box in a PNG
        # and stays text in an SVG; the warning would name it, and a name is data.
        warnings.filterwarnings("ignore", "Glyph", UserWarning)  # not translated: a filter
        # The canvas is cut to what was drawn, with a margin: no word is ever cut off.
        figure.savefig(str(path), format=path.suffix.lstrip("."), dpi=150,
                       bbox_inches="tight", pad_inches=0.15)
    plt.close(figure)


@dataclass(frozen=True)
class _Size:
    """The canvas of a heatmap in inches, and what its parts take."""

    labels: _Labels
    cell: float
    font: float
    width: float
    height: float
    matrix_height: float
    legend_columns: int
    legend_height: float


def _size(rows: list[str], columns: list[str]) -> _Size:
    """Big matrices get smaller cells and labels, so that the picture stays printable (and a
    200 x 200 matrix does not need gigabytes of memory to draw).

    The width is generous and the height close: slack is then at the sides, where saving
    cuts it away, not between the title, the matrix and the legend.
    """
    cell = min(CELL_INCHES, MATRIX_INCHES / max(len(rows), len(columns), 1))
    font = min(8.0, max(4.0, cell * 72 * 0.75))
    labels = _labels(rows, columns, 2 if cell * 72 >= 2.4 * font else 1)
    per_character = font * EM / 72
    margin_left = per_character * _longest_line(labels.rows) + 0.2
    matrix_height = per_character * _longest_line(labels.columns) + 0.2 + cell * len(rows)
    legend_column = per_character * _longest_line(labels.legend) + 0.3
    width = max(margin_left + cell * len(columns) + 2.5, 5.0,
                legend_column + 0.5 if labels.legend else 0.0)
    legend_columns = max(1, int((width - 0.5) / legend_column))
    legend_height = math.ceil(len(labels.legend) / legend_columns) * font * 1.45 / 72
    height = max(matrix_height + legend_height + 1.0, 3.0)
    return _Size(labels, cell, font, width, height, matrix_height, legend_columns,
                 legend_height)


def _labels(rows: list[str], columns: list[str], most_lines: int) -> _Labels:
    """Names (not paths), wrapped; numbered and cut short when that is not enough.

    Numbers, with the full names in the legend, are used when a name does not fit on
    ``most_lines`` lines or two codes would look alike.
    """
    names = list(dict.fromkeys([*rows, *columns]))
    shown = [_last(n) for n in names]
    unique = len(set(shown)) == len(shown)
    wrapped = [textwrap.wrap(s, LABEL_WIDTH) or [""] for s in shown]
    if unique and all(len(lines) <= most_lines for lines in wrapped):
        full = {n: "\n".join(lines) for n, lines in zip(names, wrapped, strict=True)}
        return _Labels([full[r] for r in rows], [full[c] for c in columns], [])
    number = {n: index for index, n in enumerate(names, start=1)}
    short = {n: f"{number[n]} {_abbreviated(s)}" for n, s in zip(names, shown, strict=True)}
    legend = [f"{number[n]}  {s if unique else n}" for n, s in zip(names, shown, strict=True)]
    return _Labels([short[r] for r in rows], [short[c] for c in columns], legend)


def _last(path: str) -> str:
    return " ".join(path.rsplit("/", 1)[-1].split())


def _abbreviated(name: str) -> str:
    return name if len(name) <= SHORT_LABEL else name[:SHORT_LABEL - 1].rstrip() + "…"


def _longest_line(labels: list[str]) -> int:
    return max((len(line) for label in labels for line in label.split("\n")), default=1)


def _hatch_diagonal(axes, size: int) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.patches import Rectangle

    for index in range(size):
        axes.add_patch(Rectangle((index - 0.5, index - 0.5), 1, 1, fill=False, hatch="///",
                                 edgecolor="#8c8c8c", linewidth=0))


def _colour_bar(axes, image, values: np.ndarray, scale: str, lang: str,  # type: ignore[no-untyped-def]
                matrix: tuple[float, float]) -> None:
    """Beside the matrix (an inset of its axes: no gap however the layout turns out), with as
    many numbers as its height holds; ``matrix``: the matrix's width and height in inches.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    width, height = matrix
    bar_axes = axes.inset_axes([1 + 0.15 / width, 0, 0.18 / width, 1])
    bar = axes.figure.colorbar(image, cax=bar_axes, label=scale)
    bar.locator = MaxNLocator(nbins=max(2, min(10, int(height * 72 / 24))),
                              integer=bool(np.issubdtype(values.dtype, np.integer)))
    bar.formatter = FuncFormatter(lambda value, _position: _short(value, lang))
    bar.update_ticks()


def _legend(axes, entries: list[str], columns: int, font: float) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.patches import Patch

    axes.axis("off")
    handles = [Patch(visible=False) for _entry in entries]
    corner = "upper left"  # not translated: a matplotlib place name
    legend = axes.legend(handles, entries, ncols=columns, loc=corner, frameon=False,
                         fontsize=font, handlelength=0, handletextpad=0, borderaxespad=0,
                         columnspacing=2.0)
    legend.set_gid("legend")


def _annotate(axes, values: np.ndarray, shown: np.ma.MaskedArray, image,  # type: ignore[no-untyped-def]
              lang: str) -> None:
    for (i, j), value in np.ndenumerate(values):
        if np.ma.is_masked(shown[i, j]):
            colour = "black"
        else:
            red, green, blue, _alpha = image.cmap(image.norm(value))
            colour = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
        axes.text(j, i, _short(value, lang), ha="center", va="center", fontsize=7,
                  color=colour)


def _short(value: float, lang: str) -> str:
    """A number as people of ``lang`` write it: 0.25 in English, 0,25 in German."""
    number = _number(value)
    text = str(number) if isinstance(number, int) else f"{number:.2f}"
    return text.replace(".", ",") if lang == "de" else text


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 4)
