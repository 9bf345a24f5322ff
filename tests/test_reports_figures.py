"""Every report figure fits its canvas (no drawn pixel touches an edge) at 3, 20 and 200
codes, and its colour scale reads in greyscale (lightness runs one way)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from qualcode.reports.figures import COLOURS, heatmap, saturation_curve, step_chart

LONG = "Abgrenzung gegenüber Förderprogrammen und Pauschalen – „Straßenfest“ 🙂"


def assert_fits(png: bytes) -> None:
    picture = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    edges = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])
    assert edges.min() == 255, "something touches the canvas edge"
    assert picture.min() < 100, "nothing was drawn"


@pytest.mark.parametrize("codes", [3, 20, 200])
def test_the_saturation_curve_fits(codes: int) -> None:
    rng = np.random.default_rng(codes)
    new = [int(n) for n in rng.multinomial(codes, np.full(max(codes // 2, 2), 1 / max(
        codes // 2, 2)))]
    drawing = saturation_curve(new, f"Neue Codes je Dokument – {LONG}",
                                "Dokument (Nummer in der Liste oben)", "Neue Codes",
                                "Codes bisher")
    svg = drawing.svg
    assert "<svg" in svg and "Neue Codes" in svg and "<metadata>" not in svg
    assert_fits(drawing.png)


@pytest.mark.parametrize("codes", [3, 20, 200])
def test_the_codebook_step_chart_fits(codes: int) -> None:
    days = [f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}" for n in range(max(codes // 3, 1))]
    counts = list(np.linspace(1, codes, len(days)).astype(int))
    drawing = step_chart(days, counts, f"Codes im Codesystem, Tag für Tag – {LONG}", "Codes")
    assert days[0] in drawing.svg
    assert_fits(drawing.png)


@pytest.mark.parametrize("codes", [3, 20, 200])
def test_the_cooccurrence_heatmap_fits(codes: int) -> None:
    labels = [f"Thema {n % 7}/{LONG} {n}" for n in range(codes)]
    values = np.random.default_rng(codes).integers(0, 900, size=(codes, codes))
    drawing = heatmap(labels, values + values.T, "Gemeinsames Auftreten von Codes "
                       "(überlappende Codierungen)", "Überschneidungen")
    assert "Überschneidungen" in drawing.svg
    assert_fits(drawing.png)


def test_the_colour_scale_reads_in_grey() -> None:
    from matplotlib import colormaps

    colours = colormaps[COLOURS](np.linspace(0, 1, 64))[:, :3]
    grey = colours @ np.array([0.299, 0.587, 0.114])
    assert np.all(np.diff(grey) < 0), "lightness must fall from zero to the most"
    assert grey[0] - grey[-1] > 0.6  # light to dark, far apart
