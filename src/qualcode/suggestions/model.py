"""One linear model per code: fitting, probabilities, the words that weighed most, storage.

Each code gets a logistic regression over the features (classes weighted by their size, so
that a rare code is not drowned by the units without it), fitted by stochastic gradient
descent: fifty times faster than an exact solver here, for the same figures on the fixture.
Its probability is the confidence of a suggestion; a unit is suggested a code at 0.5 or
above. The fitted weights are stored as numpy arrays (``np.savez``, pickles refused on loading).
"""

from __future__ import annotations

import io
import warnings
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

from qualcode.suggestions.features import Featurizer
from qualcode.suggestions.units import WORD

REGULARISATION = 1e-4  # SGD's alpha, chosen on the CIMT fixture (docs/suggestions.md)
EPOCHS = 30
NEGATIVES_PER_POSITIVE = 5  # a code's training keeps all positives and at most this many
MIN_NEGATIVES = 3000        # negatives per positive (at least this many): time, not figures
EXPLAINED_WORDS = 3


def fit_code(features: csr_matrix, labels: np.ndarray, rows: np.ndarray, seed: int
             ) -> tuple[np.ndarray, float]:
    """Weights and intercept of one code's model, learnt from the units ``rows`` (labels 0/1
    per unit of ``features``).

    A rare code on a big corpus has tens of thousands of negative units that all say much the
    same; a seeded sample of them keeps training time proportional to the code's positives.
    Only the chosen rows are copied out of the feature matrix.
    """
    chosen = _sampled(labels, rows, seed)
    model = SGDClassifier(loss="log_loss", alpha=REGULARISATION,  # not translated: option
                          class_weight="balanced", random_state=seed, max_iter=EPOCHS, tol=1e-3)
    with warnings.catch_warnings():  # a few more epochs change no figure that is shown
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features[chosen], labels[chosen])
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _sampled(labels: np.ndarray, rows: np.ndarray, seed: int) -> np.ndarray:
    """All positive rows and at most ``keep`` negative ones, in order."""
    positives, negatives = rows[labels[rows]], rows[~labels[rows]]
    keep = max(NEGATIVES_PER_POSITIVE * len(positives), MIN_NEGATIVES)
    if len(negatives) <= keep:
        return rows
    chosen = np.random.default_rng(seed).choice(negatives, size=keep, replace=False)
    return np.sort(np.concatenate([positives, chosen]))


def fit_codes(features: csr_matrix, labels: np.ndarray, seed: int, columns: list[int],
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


def probabilities(features: csr_matrix, weights: np.ndarray,
                  intercepts: np.ndarray) -> np.ndarray:
    """units x codes: each code's probability for each unit (``weights``: features x codes,
    C-contiguous, so that scipy multiplies without copying them)."""
    scores = np.asarray(features @ weights) + intercepts
    return 1.0 / (1.0 + np.exp(-scores))


@dataclass
class TrainedModel:
    """The featurizer and every suggestible code's weights."""

    featurizer: Featurizer
    code_ids: np.ndarray
    weights: np.ndarray  # codes x features
    intercepts: np.ndarray

    def __post_init__(self) -> None:
        self.by_feature = np.ascontiguousarray(self.weights.T)

    def probabilities(self, texts: list[str], lemma_texts: list[str]) -> np.ndarray:
        return self.probabilities_of(self.featurizer.transform(texts, lemma_texts))

    def probabilities_of(self, features: csr_matrix) -> np.ndarray:
        return probabilities(features, self.by_feature, self.intercepts)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, code_ids=self.code_ids, weights=self.weights,
                            intercepts=self.intercepts, **self.featurizer.arrays())
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        return cls(Featurizer.from_arrays(loaded), loaded["code_ids"], loaded["weights"],
                   loaded["intercepts"])

    def weighed_most(self, text: str, vector: csr_matrix, lemma_of: dict[str, str], row: int,
                     count: int = EXPLAINED_WORDS) -> list[str]:
        """The words of ``text`` (featurized: ``vector``) that pushed code ``row`` up most,
        strongest first."""
        lemma_terms, char_terms = self.featurizer.lemma_terms, self.featurizer.char_terms
        words = WORD.findall(text)
        padded = [(w, f" {w.lower()} ", lemma_of.get(w) or w.lower()) for w in words]
        score: dict[str, float] = defaultdict(float)
        for index, value in zip(vector.indices, vector.data, strict=True):
            weight = float(value * self.by_feature[index, row])
            if index < len(lemma_terms):
                parts = str(lemma_terms[index]).split(" ")
                holders = [w for w, _, lemma in padded if lemma in parts]
            else:
                gram = str(char_terms[index - len(lemma_terms)])
                holders = [w for w, spaced, _ in padded if gram in spaced]
            for word in set(holders):
                score[word] += weight / len(set(holders))
        ranked = sorted((s, w) for w, s in score.items() if s > 0)
        return [w for _, w in reversed(ranked[-count:])]
