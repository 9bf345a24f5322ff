"""Fitting one linear model per code (the only part of suggestions that needs scikit-learn).

Each code gets a logistic regression over the features (classes weighted by their size, so
that a rare code is not drowned by the units without it), fitted by stochastic gradient
descent: fifty times faster than an exact solver here, for the same figures on the fixture.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

from qualcode.suggestions.features import FeatureRows

REGULARISATION = 1e-4  # SGD's alpha, chosen on the CIMT fixture (docs/suggestions.md)
EPOCHS = 30
STILL_EPOCHS = 3  # stop after this many epochs that lower the loss by less than 1e-3
NEGATIVES_PER_POSITIVE = 4  # a code's training keeps all positives and at most this many
MIN_NEGATIVES = 2000        # negatives per positive (at least this many): time, not figures
MAX_NEGATIVES = 3000        # and never more than this many,
MAX_POSITIVES = 3000        # nor positives: the rows copied for one fit are bounded


def fit_code(features: FeatureRows, labels: np.ndarray, rows: np.ndarray, seed: int
             ) -> tuple[np.ndarray, float]:
    """Weights and intercept of one code's model, learnt from the units ``rows`` (labels 0/1
    per unit of ``features``).

    A rare code on a big corpus has tens of thousands of negative units that all say much the
    same; a seeded sample of them keeps training time proportional to the code's positives.
    Only the chosen rows are copied out of the feature matrix.
    """
    chosen = _sampled(labels, rows, seed)
    model = SGDClassifier(loss="log_loss", alpha=REGULARISATION,  # not translated: option
                          class_weight="balanced", random_state=seed, max_iter=EPOCHS, tol=1e-3,
                          n_iter_no_change=STILL_EPOCHS)
    with warnings.catch_warnings():  # a few more epochs change no figure that is shown
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features.rows(chosen), labels[chosen])
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _sampled(labels: np.ndarray, rows: np.ndarray, seed: int) -> np.ndarray:
    """At most ``MAX_POSITIVES`` positive rows and ``keep`` negative ones, in order."""
    positives, negatives = rows[labels[rows]], rows[~labels[rows]]
    keep = min(max(NEGATIVES_PER_POSITIVE * len(positives), MIN_NEGATIVES), MAX_NEGATIVES)
    if len(negatives) <= keep and len(positives) <= MAX_POSITIVES:
        return rows
    rng = np.random.default_rng(seed)
    if len(positives) > MAX_POSITIVES:
        positives = rng.choice(positives, size=MAX_POSITIVES, replace=False)
    if len(negatives) > keep:
        negatives = rng.choice(negatives, size=keep, replace=False)
    return np.sort(np.concatenate([positives, negatives]))


def fit_codes(features: FeatureRows, labels: np.ndarray, seed: int, columns: list[int],
              rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weights (codes x features) and intercepts for the given label columns, learnt from
    ``rows`` (default: every unit)."""
    rows = np.arange(features.shape[0]) if rows is None else rows
    weights = np.zeros((len(columns), features.shape[1]), dtype=np.float32)
    intercepts = np.zeros(len(columns), dtype=np.float32)
    for row, column in enumerate(columns):
        target = labels[:, column].astype(bool)
        seen = target[rows]
        if seen.any() and not seen.all():
            weights[row], intercepts[row] = fit_code(features, target, rows, seed)
        else:  # nothing to tell apart here: never (or always) suggested
            intercepts[row] = 20.0 if seen.all() else -20.0
    return weights, intercepts
