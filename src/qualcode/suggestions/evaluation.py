"""Cross-validation grouped by document, and the figures a reviewer reads per code.

Documents, not units, are dealt to the folds (shuffled with the seed), so that no document
is in training and evaluation at once: sentences of one interview resemble each other, and
mixing them would flatter the model. Kappa is computed by the agreement module's Cohen's
kappa, treating the model as a second coder.
"""

from __future__ import annotations

import numpy as np

from qualcode.agreement.coefficients import cohen_kappa
from qualcode.errors import InvalidInput
from qualcode.i18n import _, ngettext
from qualcode.suggestions.features import FeatureRows
from qualcode.suggestions.figures import CodeFigures, Summary
from qualcode.suggestions.fitting import fit_codes
from qualcode.suggestions.model import probabilities

MIN_POSITIVE_UNITS = 5
MIN_POSITIVE_DOCUMENTS = 2
PREDICTED_ROWS = 2000  # held-out units featurized into one float32 matrix at a time


def document_folds(groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """The fold of every unit: each document's units all in one fold."""
    documents = np.unique(groups)
    if len(documents) < folds:
        raise InvalidInput(ngettext(
            "Cross-validation with {folds} folds needs at least {folds} documents; the "
            "selection has {n} document.",
            "Cross-validation with {folds} folds needs at least {folds} documents; the "
            "selection has {n} documents.", len(documents)).format(folds=folds,
                                                                   n=len(documents)))
    order = np.random.default_rng(seed).permutation(documents)
    fold_of = {int(document): n % folds for n, document in enumerate(order)}
    return np.fromiter((fold_of[int(g)] for g in groups), dtype=np.int64, count=len(groups))


def not_suggestible_reason(positives: int, documents: int, units: int) -> str | None:
    if positives < MIN_POSITIVE_UNITS:
        return ngettext("only {n} coded unit; at least {least} are needed",
                        "only {n} coded units; at least {least} are needed",
                        positives).format(n=positives, least=MIN_POSITIVE_UNITS)
    if documents < MIN_POSITIVE_DOCUMENTS:
        return _("coded in only one document; at least {least} are needed").format(
            least=MIN_POSITIVE_DOCUMENTS)
    if positives == units:
        return _("coded on every unit: nothing to tell apart")
    return None


def out_of_fold(features: FeatureRows, labels: np.ndarray, folds: np.ndarray, seed: int,
                columns: list[int]) -> np.ndarray:
    """units x columns: each unit's probabilities from the model that did not see its
    document."""
    result = np.zeros((features.shape[0], len(columns)))
    for fold in np.unique(folds):
        held = np.flatnonzero(folds == fold)
        weights, intercepts = fit_codes(features, labels, seed, columns,
                                        rows=np.flatnonzero(folds != fold))
        by_feature = np.ascontiguousarray(weights.T)
        for begin in range(0, len(held), PREDICTED_ROWS):
            part = held[begin:begin + PREDICTED_ROWS]
            result[part] = probabilities(features.rows(part), by_feature, intercepts)
    return result


def code_figures(code: str, truth: np.ndarray, predicted: np.ndarray, documents: int
                 ) -> CodeFigures:
    """Precision, recall, F1 and Cohen's kappa of one code's predictions (0/1 per unit)."""
    hits = int((truth & predicted).sum())
    said, real = int(predicted.sum()), int(truth.sum())
    precision = hits / said if said else None
    recall = hits / real if real else None
    f1 = 2 * hits / (said + real) if said + real else None
    pairs = np.stack([truth, predicted], axis=1).astype(np.int8)
    kappa = cohen_kappa(pairs, np.ones(len(truth)))
    return CodeFigures(code, real, documents, True, None, precision, recall, f1, kappa)


def summary(figures: list[CodeFigures], truth: np.ndarray, predicted: np.ndarray) -> Summary:
    """Micro-F1 over all suggestible codes' units, and their mean kappa."""
    hits, said, real = int((truth & predicted).sum()), int(predicted.sum()), int(truth.sum())
    kappas = [f.kappa for f in figures if f.suggestible and f.kappa is not None]
    return Summary(2 * hits / (said + real) if said + real else None,
                   float(np.mean(kappas)) if kappas else None,
                   sum(1 for f in figures if f.suggestible))
