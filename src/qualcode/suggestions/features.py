"""Turning unit texts into features: lemma uni- and bigrams plus character n-grams, hashed.

Lemmas come from the store's lexicon (written at import), so the lemmatizer's dictionary is
not loaded; a word the lexicon lacks stands for itself, lower-cased. Character n-grams inside
word boundaries (3 to 5, as scikit-learn's ``char_wb``) catch the parts of German compounds
(``Radweg``, ``Radwegbenutzung``); each distinct word is cut and hashed once.

Every term is hashed (CRC-32) into a fixed space instead of being kept in a vocabulary: a
vocabulary of every character n-gram of a study corpus, with its counts, was the largest
part of training's memory. The columns seen in at least ``min_df`` training units (at most
``LEMMA_FEATURES`` and ``CHAR_FEATURES`` of them, the most frequent) are kept as one sorted
integer array with their idf; the model's weights exist for those columns only. The matrix is
built once, in float32, in two passes over the texts (document frequencies, then values), so
that no copy of it is ever made. Values are TF-IDF with sublinear tf, each block (lemmas,
characters) l2-normalised on its own. Nothing here imports scikit-learn: suggesting for one
unit needs only numpy and the stored arrays.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.suggestions.units import WORD

LEMMA_FEATURES = 50_000
CHAR_FEATURES = 100_000
CHAR_NGRAMS = (3, 5)
BLOCK_BITS = 21  # each block hashes into 2**21 slots; the char block lies above the lemma block
CHAR_OFFSET = 1 << BLOCK_BITS
SLOTS = 2 << BLOCK_BITS
FEW_UNITS = 100  # below this, a term seen once is kept (min_df 1)
CACHED_WORDS = 20_000  # hashed n-grams of the most recent words, kept (a few MB)
CACHED_TERMS = 50_000  # hashed lemma terms, kept
PASS_UNITS = 1000  # units whose hashed terms are counted together
GATHERED_ROWS = 500  # rows copied at a time out of the compact features


def _slot(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & (CHAR_OFFSET - 1)  # not translated: encoding


@lru_cache(maxsize=CACHED_TERMS)
def lemma_slot(term: str) -> int:
    return _slot(term)


def word_grams(word: str) -> list[str]:
    """The character n-grams of one lower-cased word padded by spaces (as ``char_wb``)."""
    padded = f" {word} "
    low, high = CHAR_NGRAMS
    return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


@lru_cache(maxsize=CACHED_WORDS)
def word_slots(word: str) -> np.ndarray:
    """The char-block slots of one lower-cased word's n-grams (repeats kept: they count)."""
    return np.fromiter((CHAR_OFFSET + _slot(g) for g in word_grams(word)), dtype=np.int32)


def lemma_slots(lemma_text: str) -> list[int]:
    """The lemma-block slots of the unit's lemma unigrams and bigrams."""
    terms = lemma_text.split()
    slots = [lemma_slot(t) for t in terms]
    slots.extend(lemma_slot(f"{a} {b}") for a, b in pairwise(terms))
    return slots


def unit_slots(text: str, lemma_text: str) -> tuple[np.ndarray, np.ndarray]:
    """The unit's distinct slots (sorted) and how often each occurs."""
    parts = [word_slots(w) for w in WORD.findall(text.lower())]
    parts.append(np.asarray(lemma_slots(lemma_text), dtype=np.int32))
    return np.unique(np.concatenate(parts), return_counts=True)


def _document_frequencies(texts: list[str], lemma_texts: list[str]) -> tuple[np.ndarray, int]:
    """Per slot, the number of units it occurs in; and the number of (unit, slot) pairs."""
    frequencies = np.zeros(SLOTS, dtype=np.int32)
    pairs = 0
    for begin in range(0, len(texts), PASS_UNITS):
        found = [unit_slots(t, lt)[0] for t, lt in zip(texts[begin:begin + PASS_UNITS],
                                                       lemma_texts[begin:begin + PASS_UNITS],
                                                       strict=True)]
        chunk = np.concatenate(found) if found else np.zeros(0, dtype=np.int32)
        pairs += len(chunk)
        frequencies += np.bincount(chunk, minlength=SLOTS).astype(np.int32)
    return frequencies, pairs


def _kept(frequencies: np.ndarray, min_df: int) -> np.ndarray:
    """The slots kept as columns, sorted: seen in at least ``min_df`` units, the most frequent
    ones of each block up to its limit (ties: the lower slot)."""
    kept = []
    for low, high, limit in ((0, CHAR_OFFSET, LEMMA_FEATURES),
                             (CHAR_OFFSET, SLOTS, CHAR_FEATURES)):
        block = frequencies[low:high]
        seen = np.flatnonzero(block >= min_df)
        if len(seen) > limit:
            seen = np.sort(seen[np.argsort(-block[seen], kind="stable")[:limit]])
        kept.append(seen + low)
    return np.concatenate(kept).astype(np.int32)


class FeatureRows:
    """The features of a corpus, kept compactly (float16 values: three significant digits
    are plenty for TF-IDF), from which float32 matrices of chosen rows are cut for fitting."""

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 columns: int) -> None:
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (len(indptr) - 1, columns)

    @property
    def nnz(self) -> int:
        return len(self.data)

    def rows(self, chosen: np.ndarray) -> csr_matrix:
        """The chosen rows (sorted or not), as a float32 matrix of their own."""
        starts, lengths = self.indptr[chosen], np.diff(self.indptr)[chosen]
        indptr = np.zeros(len(chosen) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        data = np.empty(indptr[-1], dtype=np.float32)
        indices = np.empty(indptr[-1], dtype=np.int32)
        for begin in range(0, len(chosen), GATHERED_ROWS):  # bounded index arrays
            end = min(begin + GATHERED_ROWS, len(chosen))
            to = np.arange(indptr[begin], indptr[end])
            source = to + np.repeat(starts[begin:end] - indptr[begin:end], lengths[begin:end])
            data[indptr[begin]:indptr[end]] = self.data[source]
            indices[indptr[begin]:indptr[end]] = self.indices[source]
        return csr_matrix((data, indices, indptr), shape=(len(chosen), self.shape[1]))


class Featurizer:
    """TF-IDF of hashed lemma n-grams and character n-grams, side by side in one matrix."""

    def __init__(self, columns: np.ndarray, idf: np.ndarray) -> None:
        self.columns = columns  # the kept slots, sorted; a slot's column is its position
        self.idf = idf.astype(np.float32)
        self.char_start = int(np.searchsorted(columns, CHAR_OFFSET))

    @classmethod
    def fit(cls, texts: list[str], lemma_texts: list[str]) -> tuple[Featurizer, FeatureRows]:
        """The featurizer learnt from the texts, and their features."""
        frequencies, pairs = _document_frequencies(texts, lemma_texts)
        columns = _kept(frequencies, 2 if len(texts) >= FEW_UNITS else 1)
        if not len(columns):  # no unit has a word
            raise InvalidInput(_("None of the units to learn from contains a word; there is "
                                 "nothing to learn."))
        idf = np.log((1 + len(texts)) / (1 + frequencies[columns])) + 1
        del frequencies
        featurizer = cls(columns, idf)
        return featurizer, featurizer._matrix(texts, lemma_texts, pairs)

    def transform(self, texts: list[str], lemma_texts: list[str]) -> csr_matrix:
        rows = list(self._rows(texts, lemma_texts))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(columns) for columns, _values in rows], out=indptr[1:])
        data = [values for _columns, values in rows] or [np.zeros(0, dtype=np.float32)]
        indices = [columns for columns, _values in rows] or [np.zeros(0, dtype=np.int32)]
        return csr_matrix((np.concatenate(data), np.concatenate(indices), indptr),
                          shape=(len(rows), len(self.columns)))

    def _matrix(self, texts: list[str], lemma_texts: list[str], most: int) -> FeatureRows:
        """units x columns, written straight into arrays of ``most`` entries (an upper bound:
        pages never written are never resident)."""
        data = np.empty(most, dtype=np.float16)
        indices = np.empty(most, dtype=np.int32)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        filled = 0
        for n, (columns, values) in enumerate(self._rows(texts, lemma_texts)):
            data[filled:filled + len(values)] = values
            indices[filled:filled + len(columns)] = columns
            filled += len(columns)
            indptr[n + 1] = filled
        return FeatureRows(data[:filled], indices[:filled], indptr, len(self.columns))

    def _rows(self, texts: list[str], lemma_texts: list[str]
              ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for text, lemma_text in zip(texts, lemma_texts, strict=True):
            yield self.row(text, lemma_text)

    def row(self, text: str, lemma_text: str) -> tuple[np.ndarray, np.ndarray]:
        """One unit's columns (sorted) and TF-IDF values."""
        slots, counts = unit_slots(text, lemma_text)
        columns = self.columns_of(slots)
        known = columns >= 0
        columns, counts = columns[known], counts[known]
        values = ((1 + np.log(counts)) * self.idf[columns]).astype(np.float32)
        split = int(np.searchsorted(columns, self.char_start))
        for block in (values[:split], values[split:]):
            norm = np.sqrt(np.dot(block, block))
            if norm > 0:
                block /= norm
        return columns, values

    def columns_of(self, slots: np.ndarray) -> np.ndarray:
        """The column of each slot, -1 where the slot is not kept."""
        found = np.searchsorted(self.columns, slots)
        inside = found < len(self.columns)
        hit = np.zeros(len(slots), dtype=bool)
        hit[inside] = self.columns[found[inside]] == slots[inside]
        return np.where(hit, found, -1).astype(np.int32)

    def word_columns(self, word: str) -> list[int]:
        """The char-block columns a lower-cased word contributes to."""
        return [self._column.get(slot, -1) for slot in set(word_slots(word).tolist())]

    def term_column(self, term: str) -> int:
        """The lemma-block column of a lemma or a bigram ``"a b"`` (-1: not kept)."""
        return self._column.get(lemma_slot(term), -1)

    @cached_property
    def _column(self) -> dict[int, int]:
        """slot -> column, for explaining (a few MB: built on the first explanation)."""
        return {slot: column for column, slot in enumerate(self.columns.tolist())}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"columns": self.columns, "idf": self.idf}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Featurizer:
        return cls(arrays["columns"].astype(np.int32), arrays["idf"])
