"""A trained model: every suggestible code's weights over the featurizer's columns, its
probabilities, the words that weighed most, and its storage.

A code's probability is the confidence of a suggestion; a unit is suggested a code at 0.5 or
above. The weights are stored as float32 numpy arrays (``np.savez_compressed``, pickles
refused on loading) beside the featurizer's columns and idf, under a format number: a model
stored in another format is reported as one to train again, never half-read. Loading it needs
numpy and scipy only, not scikit-learn.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.suggestions.features import Featurizer
from qualcode.suggestions.units import WORD

FORMAT = 2  # 1 (no number stored): vocabularies of terms; 2: hashed columns
EXPLAINED_WORDS = 3


def probabilities(features: csr_matrix, weights: np.ndarray,
                  intercepts: np.ndarray) -> np.ndarray:
    """units x codes: each code's probability for each unit (``weights``: features x codes,
    C-contiguous, so that scipy multiplies without copying them)."""
    scores = np.asarray(features @ weights) + intercepts
    return 1.0 / (1.0 + np.exp(-scores))


class OutdatedModel(InvalidInput):
    """The stored model was written in a format this qualcode does not read."""


def stored_format(data: bytes) -> int | None:
    """The format number of a stored model (None: unreadable)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return int(arrays["format"]) if "format" in arrays.files else 1
    except (OSError, ValueError, zipfile.BadZipFile):
        return None


@dataclass
class TrainedModel:
    """The featurizer and every suggestible code's weights."""

    featurizer: Featurizer
    code_ids: np.ndarray
    weights: np.ndarray  # codes x features
    intercepts: np.ndarray

    def __post_init__(self) -> None:
        self.by_feature = np.ascontiguousarray(self.weights.T, dtype=np.float32)
        self.weights = self.by_feature.T  # one copy of the weights, not two

    def probabilities(self, texts: list[str], lemma_texts: list[str]) -> np.ndarray:
        return self.probabilities_of(self.featurizer.transform(texts, lemma_texts))

    def probabilities_of(self, features: csr_matrix) -> np.ndarray:
        return probabilities(features, self.by_feature, self.intercepts)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, format=np.asarray(FORMAT), code_ids=self.code_ids,
                            weights=np.ascontiguousarray(self.weights, dtype=np.float32),
                            intercepts=self.intercepts.astype(np.float32),
                            **self.featurizer.arrays())
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TrainedModel:
        if stored_format(data) != FORMAT:
            raise OutdatedModel(_("The stored suggestion model was made by another version "
                                  "of qualcode; train it again with 'qualcode suggest "
                                  "train'."))
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        return cls(Featurizer.from_arrays(loaded), loaded["code_ids"], loaded["weights"],
                   loaded["intercepts"])

    def weighed_most(self, text: str, vector: csr_matrix, lemma_of: dict[str, str], row: int,
                     count: int = EXPLAINED_WORDS) -> list[str]:
        """The words of ``text`` (featurized: ``vector``) that pushed code ``row`` up most,
        strongest first: each column's weight is shared by the words holding its term."""
        holders = self._holders(WORD.findall(text), lemma_of)
        score: dict[str, float] = defaultdict(float)
        for index, value in zip(vector.indices, vector.data, strict=True):
            words = holders.get(int(index), set())
            weight = float(value * self.by_feature[index, row])
            for word in words:
                score[word] += weight / len(words)
        ranked = sorted((s, w) for w, s in score.items() if s > 0)
        return [w for _, w in reversed(ranked[-count:])]

    def _holders(self, words: list[str], lemma_of: dict[str, str]) -> dict[int, set[str]]:
        """column -> the words of the text whose n-grams, lemma or lemma bigram it counts."""
        featurizer = self.featurizer
        holders: dict[int, set[str]] = defaultdict(set)
        lemmas = [lemma_of.get(w) or w.lower() for w in words]
        for word, lemma in zip(words, lemmas, strict=True):
            for column in featurizer.word_columns(word.lower()).tolist():
                holders[column].add(word)
            holders[featurizer.term_column(lemma)].add(word)
        for n in range(len(words) - 1):
            column = featurizer.term_column(f"{lemmas[n]} {lemmas[n + 1]}")
            holders[column].update((words[n], words[n + 1]))
        holders.pop(-1, None)
        return holders
