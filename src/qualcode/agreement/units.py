"""Turning codings into reliability data: one pattern per unit, per code.

A unit counts as coded C by a coder when one of that coder's codings of C overlaps it by at
least one code point. A coder who has no coding at all in a document gives no data for its
units (missing), instead of "not coded": a document one coder never looked at must not count
as disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import numpy as np

from qualcode.agreement.coefficients import MISSING

UNIT_KINDS = ("paragraph", "turn", "sentence", "character")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class DocumentUnits:
    """One document: its text, its units, and each coder's codings per code."""

    document: str
    text: str
    units: list[Span]
    # coder index -> code id -> [(start, end)]
    codings: list[dict[int, list[tuple[int, int]]]] = field(default_factory=list)

    def present(self, coder: int) -> bool:
        return bool(self.codings[coder])

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The units' starts and ends as arrays, made once for every code."""
        count = len(self.units)
        return (np.fromiter((u.start for u in self.units), dtype=np.int64, count=count),
                np.fromiter((u.end for u in self.units), dtype=np.int64, count=count))


def paragraph_units(text: str) -> list[Span]:
    """Each non-empty line; the newline belongs to no paragraph."""
    spans, offset = [], 0
    for line in text.split("\n"):
        if line:
            spans.append(Span(offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def coded_units(starts: np.ndarray, ends: np.ndarray,
                intervals: list[tuple[int, int]]) -> np.ndarray:
    """0/1 per unit [starts, ends): does any interval overlap it by at least one code point?"""
    if not intervals:
        return np.zeros(len(starts), dtype=np.int8)
    marks = np.zeros(len(starts) + 1, dtype=np.int64)
    array = np.asarray(intervals, dtype=np.int64)
    # Units [first, stop) overlap an interval; first <= stop always, and an interval that
    # falls between units adds and takes away at one index.
    first = np.searchsorted(ends, array[:, 0], side="right")
    stop = np.searchsorted(starts, array[:, 1], side="left")
    np.add.at(marks, first, 1)
    np.add.at(marks, stop, -1)
    return (np.cumsum(marks[:-1]) > 0).astype(np.int8)


@dataclass
class UnitRows:
    """Every unit as a row of coder values, its weight (1, or a run's length in code points)
    and its place (document index, start, end)."""

    rows: np.ndarray
    weights: np.ndarray
    places: list[tuple[int, int, int]]

    def compressed(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct patterns and their summed weights: what the coefficients need."""
        if not len(self.rows):
            return self.rows, self.weights
        # One integer per row (values -1, 0, 1 -> digits 0, 1, 2): a 1-D unique is far
        # faster than np.unique(axis=0).
        base = int(self.rows.max()) + 2
        powers = base ** np.arange(self.rows.shape[1], dtype=np.int64)
        keys = (self.rows.astype(np.int64) + 1) @ powers
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return self.rows[first], np.bincount(inverse.ravel(), weights=self.weights)


def unit_rows(docs: list[DocumentUnits], code_id: int, coders: int, unit: str, *,
              places: bool = False) -> UnitRows:
    """The reliability data of one code. For ``character`` every code point is a unit; runs
    of code points where no coding starts or ends are one row weighted by their length.
    Each unit's place is listed only when asked for (disagreements need it, figures not)."""
    rows, weights, placed = [], [], []
    for d, doc in enumerate(docs):
        if unit == "character":
            units = _pieces(doc, code_id, coders)
            starts = np.fromiter((u.start for u in units), dtype=np.int64, count=len(units))
            ends = np.fromiter((u.end for u in units), dtype=np.int64, count=len(units))
        else:
            units = doc.units
            starts, ends = doc.bounds
        if not units:
            continue
        columns = [np.full(len(units), MISSING, dtype=np.int8) if not doc.present(c)
                   else coded_units(starts, ends, doc.codings[c].get(code_id, []))
                   for c in range(coders)]
        rows.append(np.stack(columns, axis=1))
        weights.append((ends - starts).astype(float) if unit == "character"
                       else np.ones(len(units)))
        if places:
            placed += [(d, u.start, u.end) for u in units]
    if not rows:
        return UnitRows(np.zeros((0, coders), dtype=np.int8), np.zeros(0), [])
    return UnitRows(np.concatenate(rows), np.concatenate(weights), placed)


def _pieces(doc: DocumentUnits, code_id: int, coders: int) -> list[Span]:
    bounds = {0, len(doc.text)}
    for c in range(coders):
        for start, end in doc.codings[c].get(code_id, []):
            bounds.update((start, end))
    edges = sorted(bounds)
    return [Span(a, b) for a, b in pairwise(edges) if b > a]
