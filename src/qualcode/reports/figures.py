"""Figures for reports: drawn once, written as SVG (for HTML) or PNG (for Word) when a report
asks for that form (a report in one format renders each figure once, not twice).

Every figure fits its canvas at any number of codes: labels are the codes' names, wrapped and
shortened, the layout is constrained and the saved box is the drawing's own ("tight"), so
nothing is cut at an edge. Colours are 'cividis' (reversed: zero is light), which stays
readable printed in grey.
"""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from functools import cached_property
from typing import Any

import numpy as np

COLOURS = "cividis_r"  # few confusions: light; many: dark
LABEL_WIDTH = 28
MAX_CELL_INCHES = 0.45
LARGEST_SIDE_INCHES = 16.0
MAX_ANNOTATED = 25
PNG_DPI = 150


class Drawing:
    """A drawn figure, written out on first use as SVG text or PNG bytes."""

    def __init__(self, figure: Any) -> None:
        self._figure = figure

    def texts(self) -> list[str]:
        """Every word the figure draws (title, axis and tick labels, legend), each once."""
        from matplotlib.text import Text

        drawn = (t.get_text() for t in self._figure.findobj(Text))
        return list(dict.fromkeys(text for text in drawn if text.strip()))

    @cached_property
    def svg(self) -> str:
        # the metadata block names the date and matplotlib's web addresses: the same data
        # should give the same file, and an offline report should name no URL
        written = self._written("svg").decode("utf-8")
        return re.sub(r"<metadata>.*?</metadata>\s*", "", written, flags=re.S)

    @cached_property
    def png(self) -> bytes:
        return self._written("png")

    def _written(self, form: str) -> bytes:
        import matplotlib

        out = io.BytesIO()
        # words stay text (searchable, small)
        text_stays = {"svg.fonttype": "none"}  # not translated: a setting
        with matplotlib.rc_context(text_stays), warnings.catch_warnings():
            # a code name with an emoji: the font has no glyph, a box is drawn; no need to shout
            no_glyph = "Glyph .* missing"  # not translated: matplotlib's warning
            warnings.filterwarnings("ignore", message=no_glyph)
            self._figure.savefig(out, format=form, dpi=PNG_DPI if form == "png" else "figure",
                                 bbox_inches="tight", pad_inches=0.15, facecolor="white")
        return out.getvalue()


def short_label(path: str, lines: int = 2) -> str:
    """A code's name (not its path), on at most ``lines`` lines, shortened with "…"."""
    wrapped = textwrap.wrap(path.rsplit("/", 1)[-1], LABEL_WIDTH) or [""]
    if len(wrapped) > lines:
        wrapped = [*wrapped[:lines - 1], wrapped[lines - 1][:LABEL_WIDTH - 1] + "…"]
    return "\n".join(wrapped)


def heatmap(labels: list[str], values: np.ndarray, title: str, scale_label: str
            ) -> Drawing:
    """A square code x code heatmap."""
    from matplotlib.ticker import MaxNLocator

    count = max(len(labels), 1)
    cell = min(MAX_CELL_INCHES, LARGEST_SIDE_INCHES / count)
    font = float(min(9.0, max(4.0, cell * 72 * 0.7)))
    lines = 2 if cell * 72 >= 2.4 * font else 1
    names = [short_label(label, lines) for label in labels]
    label_inches = 0.075 * font / 8 * max((len(line) for n in names for line in n.split("\n")),
                                          default=1)
    side = label_inches + cell * count
    figure = _figure(max(side + 2.0, 5.0), max(side + 1.0, 4.0))
    axes = figure.subplots()
    # a code is not confused with itself: the diagonal is left blank, outside the scale
    shown = np.ma.masked_array(values, mask=np.eye(len(labels), dtype=bool))
    colours = _colours().with_extremes(bad="white")
    image = axes.imshow(shown, cmap=colours, aspect="equal", vmin=0, interpolation="nearest")
    axes.set_xticks(range(len(labels)), names, rotation=90, fontsize=font)
    axes.set_yticks(range(len(labels)), names, fontsize=font)
    axes.set_title("\n".join(textwrap.wrap(title, 60)), fontsize=10)
    if count <= MAX_ANNOTATED:
        _annotate(axes, shown, image)
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(scale_label)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return Drawing(figure)


def saturation_curve(new_codes: list[int], title: str, x_label: str, new_label: str,
                     total_label: str) -> Drawing:
    """Per document (in interview order, numbered from 1) the codes seen there for the first
    time (bars) and the codes seen so far (line, right axis)."""
    from matplotlib.ticker import MaxNLocator

    positions = np.arange(1, len(new_codes) + 1)
    figure = _figure(8.0, 4.0)
    axes = figure.subplots()
    axes.bar(positions, new_codes, color=_colours()(0.45), label=new_label)
    axes.set_xlabel(x_label)
    axes.set_ylabel(new_label)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    total = axes.twinx()
    total.plot(positions, np.cumsum(new_codes), color="black", marker="o",
               markersize=3 if len(new_codes) <= 60 else 0, linewidth=1.5, label=total_label)
    total.set_ylabel(total_label)
    total.set_ylim(bottom=0)
    total.yaxis.set_major_locator(MaxNLocator(integer=True))
    handles = [*axes.get_legend_handles_labels()[0], *total.get_legend_handles_labels()[0]]
    below = "upper center"  # not translated: a legend position
    axes.legend(handles=handles, loc=below, bbox_to_anchor=(0.5, -0.18), ncols=2, frameon=False)
    axes.set_title("\n".join(textwrap.wrap(title, 70)), fontsize=10)
    return Drawing(figure)


def step_chart(days: list[str], counts: list[int], title: str, y_label: str) -> Drawing:
    """How a count (codes in the codebook) changed from day to day: one step per day."""
    from matplotlib.ticker import MaxNLocator

    figure = _figure(8.0, 3.6)
    axes = figure.subplots()
    positions = np.arange(len(days))
    axes.step(positions, counts, where="post", color="black", linewidth=1.5)
    axes.plot(positions, counts, "o", color="black", markersize=3)
    shown = positions[:: max(1, len(days) // 10)]
    axes.set_xticks(shown, [days[n] for n in shown], rotation=45, ha="right", fontsize=8)
    axes.set_ylabel(y_label)
    axes.set_ylim(bottom=0, top=max(counts, default=0) * 1.1 + 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("\n".join(textwrap.wrap(title, 70)), fontsize=10)
    return Drawing(figure)


def _figure(width: float, height: float) -> Any:
    """A figure outside pyplot's registry: it is freed with its Drawing, never left open."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _colours() -> Any:
    from matplotlib import colormaps

    return colormaps[COLOURS]


def _annotate(axes, values: np.ma.MaskedArray, image) -> None:  # type: ignore[no-untyped-def]
    for (i, j), value in np.ndenumerate(values.filled(0)):
        if value:
            red, green, blue, _ = image.cmap(image.norm(value))
            light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
            axes.text(j, i, str(int(value)), ha="center", va="center", fontsize=7,
                      color="black" if light else "white")
