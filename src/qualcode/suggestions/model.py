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
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.suggestions.features import Featurizer, bigram_slots, lemma_slot, word_slots
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

    def weighed_most(self, text: str, vector: csr_matrix, lemma_of: dict[str, str],
                     rows: list[int], count: int = EXPLAINED_WORDS) -> dict[int, list[str]]:
        """For each code ``row``, the words of ``text`` (featurized: ``vector``) that pushed it
        up most, strongest first: each column's weight is shared by the words holding its
        term."""
        words = WORD.findall(text)
        known = sorted(set(words))
        if not known:
            return {row: [] for row in rows}
        columns, owners = self._holders(words, known, lemma_of)
        entry = np.searchsorted(vector.indices, columns)  # the vector's entry of each column
        inside = entry < len(vector.indices)
        inside[inside] = vector.indices[entry[inside]] == columns[inside]
        columns, owners, entry = columns[inside], owners[inside], entry[inside]
        holders = np.bincount(columns, minlength=len(self.featurizer.columns))[columns]
        pushes = vector.data[entry, None] * self.by_feature[columns][:, rows]
        scores = np.zeros((len(known), len(rows)))
        np.add.at(scores, owners, pushes / holders[:, None])
        found = {}
        for n, row in enumerate(rows):
            ranked = sorted((float(s), w) for w, s in zip(known, scores[:, n], strict=True)
                            if s > 0)
            found[row] = [w for _, w in reversed(ranked[-count:])]
        return found

    def _holders(self, words: list[str], known: list[str], lemma_of: dict[str, str]
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (column, word) pairs: the words of the text (as positions in ``known``)
        whose n-grams, lemma or lemma bigram each column counts."""
        featurizer = self.featurizer
        place = {word: n for n, word in enumerate(known)}
        owner = np.asarray([place[w] for w in words], dtype=np.int64)
        lemmas = [lemma_of.get(w) or w.lower() for w in words]
        grams = [word_slots(w.lower()) for w in words]
        slots = [np.concatenate(grams)] if grams else []
        owners = [np.repeat(owner, [len(g) for g in grams])]
        slots.append(np.asarray([lemma_slot(lemma) for lemma in lemmas], dtype=np.int32))
        owners.append(owner)
        bigrams = bigram_slots(slots[-1])
        slots += [bigrams, bigrams]
        owners += [owner[:-1], owner[1:]]
        columns = featurizer.columns_of(np.concatenate(slots)).astype(np.int64)
        pairs = np.unique(columns * len(known) + np.concatenate(owners))
        pairs = pairs[pairs >= 0]
        return pairs // len(known), pairs % len(known)
