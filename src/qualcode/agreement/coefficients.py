"""Agreement coefficients, computed exactly as their definitions say.

Reliability data are given as *patterns*: a matrix with one row per distinct unit pattern and
one column per coder (values 0..V-1, or -1 for missing), with a weight per row saying how many
units show that pattern. Identical units (say, all code points nobody coded) are counted, not
repeated, so character-level agreement over millions of units costs no more than a few rows.
Every function returns None where the coefficient is undefined (no variation, no pairable
units), never NaN.

References: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability"; Cohen (1960);
Fleiss (1971) "Measuring nominal scale agreement among many raters"; Brennan & Prediger (1981).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MISSING = -1
Metric = Callable[[np.ndarray, np.ndarray], np.ndarray]


def value_counts(patterns: np.ndarray, categories: int) -> np.ndarray:
    """rows x categories: how many coders gave each value in each pattern."""
    counts = np.zeros((patterns.shape[0], categories), dtype=np.float64)
    for value in range(categories):
        counts[:, value] = (patterns == value).sum(axis=1)
    return counts


def coincidences(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix o_ck from value counts of pairable units."""
    pairable = counts.sum(axis=1)
    keep = pairable >= 2
    counts, weights, pairable = counts[keep], weights[keep], pairable[keep]
    if counts.size == 0:
        return np.zeros((counts.shape[1], counts.shape[1]))
    scaled = counts * (weights / (pairable - 1))[:, None]
    matrix = scaled.T @ counts
    matrix -= np.diag(scaled.sum(axis=0))
    return matrix


def _nominal(values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    return (values[:, None] != values[None, :]).astype(float)


def _interval(values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    return (values[:, None] - values[None, :]) ** 2


def _ratio(values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    total = values[:, None] + values[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = ((values[:, None] - values[None, :]) / total) ** 2
    return np.nan_to_num(delta)


def _ordinal(values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(marginals)
    size = len(values)
    delta = np.zeros((size, size))
    for c in range(size):
        for k in range(size):
            low, high = min(c, k), max(c, k)
            between = cumulative[high] - (cumulative[low - 1] if low else 0)
            delta[c, k] = (between - (marginals[c] + marginals[k]) / 2) ** 2
    return delta


METRICS: dict[str, Metric] = {"nominal": _nominal, "ordinal": _ordinal,
                              "interval": _interval, "ratio": _ratio}


def krippendorff_alpha(patterns: np.ndarray, weights: np.ndarray | None = None, *,
                       values: np.ndarray | None = None, level: str = "nominal") -> float | None:
    """Alpha for coders (columns) over units (rows); any number of coders, missing allowed.

    ``patterns`` hold value indices (0..V-1) or MISSING; ``values`` are the numeric values
    of those indices for the ordinal, interval and ratio metrics (default 0..V-1).
    """
    patterns = np.asarray(patterns)
    weights = np.ones(patterns.shape[0]) if weights is None else np.asarray(weights, float)
    size = int(patterns.max()) + 1 if patterns.size and patterns.max() >= 0 else 0
    if values is not None:
        size = len(values)
    if size < 1:
        return None
    values = np.arange(size, dtype=float) if values is None else np.asarray(values, float)
    matrix = coincidences(value_counts(patterns, size), weights)
    marginals = matrix.sum(axis=1)
    total = marginals.sum()
    if total <= 1:
        return None
    delta = METRICS[level](values, marginals)
    observed = (matrix * delta).sum()
    expected = (np.outer(marginals, marginals) * delta).sum() / (total - 1)
    if expected <= 0:
        return None
    return float(1 - observed / expected)


def complete_rows(patterns: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = (patterns != MISSING).all(axis=1)
    return patterns[keep], weights[keep]


def percent_agreement(patterns: np.ndarray, weights: np.ndarray) -> float | None:
    """Share of agreeing coder pairs per unit, averaged over units (two coders: identical units)."""
    patterns, weights = complete_rows(patterns, weights)
    coders = patterns.shape[1]
    if weights.sum() == 0 or coders < 2:
        return None
    counts = value_counts(patterns, int(patterns.max()) + 1)
    agreeing = ((counts * (counts - 1)).sum(axis=1)) / (coders * (coders - 1))
    return float((agreeing * weights).sum() / weights.sum())


def cohen_kappa(patterns: np.ndarray, weights: np.ndarray) -> float | None:
    """Cohen's kappa for two coders over units both coded."""
    patterns, weights = complete_rows(patterns, weights)
    if patterns.shape[1] != 2 or weights.sum() == 0:
        return None
    size = int(patterns.max()) + 1
    table = np.zeros((size, size))
    np.add.at(table, (patterns[:, 0], patterns[:, 1]), weights)
    total = table.sum()
    observed = np.trace(table) / total
    expected = (table.sum(axis=1) @ table.sum(axis=0)) / total**2
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))


def brennan_prediger(patterns: np.ndarray, weights: np.ndarray,
                     categories: int = 2) -> float | None:
    """(p_o - 1/q) / (1 - 1/q) with q categories; chance does not depend on the margins."""
    observed = percent_agreement(patterns, weights)
    if observed is None or categories < 2:
        return None
    chance = 1 / categories
    return float((observed - chance) / (1 - chance))


def fleiss_kappa(patterns: np.ndarray, weights: np.ndarray) -> float | None:
    """Fleiss' kappa over the units every coder coded (it needs the same number of raters)."""
    patterns, weights = complete_rows(patterns, weights)
    raters = patterns.shape[1]
    if raters < 2 or weights.sum() == 0:
        return None
    counts = value_counts(patterns, int(patterns.max()) + 1)
    units = weights.sum()
    per_unit = ((counts * counts).sum(axis=1) - raters) / (raters * (raters - 1))
    observed = (per_unit * weights).sum() / units
    shares = (counts * weights[:, None]).sum(axis=0) / (units * raters)
    expected = (shares**2).sum()
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))


def bootstrap_alpha(patterns: np.ndarray, weights: np.ndarray, *, samples: int = 1000,
                    seed: int = 1, level: float = 0.95) -> tuple[float, float] | None:
    """Percentile bootstrap interval for nominal alpha, resampling units."""
    rng = np.random.default_rng(seed)
    total = int(weights.sum())
    if total < 2:
        return None
    probabilities = weights / weights.sum()
    found = []
    for _ in range(samples):
        drawn = rng.multinomial(total, probabilities)
        alpha = krippendorff_alpha(patterns, drawn.astype(float))
        if alpha is not None:
            found.append(alpha)
    if not found:
        return None
    return percentile_interval(np.asarray(found), level)


def percentile_interval(replicates: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` share of the replicates: cut (1 - level) / 2 from each end."""
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return float(low), float(high)
