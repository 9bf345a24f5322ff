"""The figures a reviewer reads per code: kept apart from the models, so that reading a
stored model's figures does not load scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.5  # a code is suggested at this probability or above


@dataclass(frozen=True)
class CodeFigures:
    code: str
    positives: int  # units coded with it
    documents: int  # documents with such a unit
    suggestible: bool
    reason: str | None  # why not suggestible
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    kappa: float | None = None


@dataclass(frozen=True)
class Summary:
    micro_f1: float | None
    mean_kappa: float | None
    codes: int


def decide(probability: np.ndarray) -> np.ndarray:
    return probability >= THRESHOLD
