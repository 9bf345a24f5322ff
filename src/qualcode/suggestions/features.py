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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

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
BIGRAM_MIX = 0x9E3779B1  # an odd multiplier (Fibonacci hashing) for the first lemma
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


def bigram_slots(unigrams: np.ndarray) -> np.ndarray:
    """The lemma-block slots of the bigrams of successive unigram slots (mixed, not hashed
    again from text: a third of the featurizing time otherwise)."""
    pairs = unigrams.astype(np.int64)
    return ((pairs[:-1] * BIGRAM_MIX + pairs[1:]) & (CHAR_OFFSET - 1)).astype(np.int32)


def lemma_slots(lemma_text: str) -> np.ndarray:
    """The lemma-block slots of the unit's lemma unigrams and bigrams."""
    unigrams = np.fromiter((lemma_slot(t) for t in lemma_text.split()), dtype=np.int32)
    return np.concatenate([unigrams, bigram_slots(unigrams)])


@dataclass
class _Counted:
    """Units' distinct slots (sorted within each unit) and their counts, one unit after
    another (``lengths`` per unit)."""

    slots: np.ndarray  # int32
    counts: np.ndarray  # uint16 (a term more often than that in one unit counts as that)
    lengths: np.ndarray  # int64


def counted(texts: list[str], lemma_texts: list[str]) -> _Counted:
    """The units' slots, counted in one sort for all of them."""
    parts: list[np.ndarray] = []
    sizes = np.zeros(len(texts), dtype=np.int64)
    for n, (text, lemma_text) in enumerate(zip(texts, lemma_texts, strict=True)):
        grams = [word_slots(w) for w in WORD.findall(text.lower())]
        grams.append(lemma_slots(lemma_text))
        sizes[n] = sum(len(g) for g in grams)
        parts.extend(grams)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
    raw = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    keys, counts = np.unique((owner << (BLOCK_BITS + 1)) | raw, return_counts=True)
    return _Counted((keys & (SLOTS - 1)).astype(np.int32),
                    np.minimum(counts, 65535).astype(np.uint16),
                    np.bincount(keys >> (BLOCK_BITS + 1), minlength=len(texts)))


def _document_frequencies(texts: list[str], lemma_texts: list[str]
                          ) -> tuple[np.ndarray, list[_Counted]]:
    """Per slot, the number of units it occurs in; and the units counted, in chunks."""
    frequencies = np.zeros(SLOTS, dtype=np.int32)
    chunks = []
    for begin in range(0, len(texts), PASS_UNITS):
        chunk = counted(texts[begin:begin + PASS_UNITS], lemma_texts[begin:begin + PASS_UNITS])
        frequencies += np.bincount(chunk.slots, minlength=SLOTS).astype(np.int32)
        chunks.append(chunk)
    return frequencies, chunks


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
        frequencies, chunks = _document_frequencies(texts, lemma_texts)
        columns = _kept(frequencies, 2 if len(texts) >= FEW_UNITS else 1)
        if not len(columns):  # no unit has a word
            raise InvalidInput(_("None of the units to learn from contains a word; there is "
                                 "nothing to learn."))
        idf = np.log((1 + len(texts)) / (1 + frequencies[columns])) + 1
        del frequencies
        featurizer = cls(columns, idf)
        return featurizer, featurizer._matrix(chunks, len(texts))

    def transform(self, texts: list[str], lemma_texts: list[str]) -> csr_matrix:
        columns, values, lengths = self._values(counted(texts, lemma_texts))
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return csr_matrix((values, columns, indptr), shape=(len(texts), len(self.columns)))

    def _matrix(self, chunks: list[_Counted], units: int) -> FeatureRows:
        """units x columns, written straight into arrays big enough for every counted slot
        (pages never written are never resident); each chunk is dropped once written."""
        most = sum(len(chunk.slots) for chunk in chunks)
        data = np.empty(most, dtype=np.float16)
        indices = np.empty(most, dtype=np.int32)
        indptr = np.zeros(units + 1, dtype=np.int64)
        filled, unit = 0, 0
        chunks.reverse()
        while chunks:
            columns, values, lengths = self._values(chunks.pop())
            data[filled:filled + len(values)] = values
            indices[filled:filled + len(columns)] = columns
            indptr[unit + 1:unit + 1 + len(lengths)] = filled + np.cumsum(lengths)
            filled, unit = filled + len(columns), unit + len(lengths)
        return FeatureRows(data[:filled], indices[:filled], indptr, len(self.columns))

    def _values(self, units: _Counted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept columns (sorted within each unit), their TF-IDF values (sublinear tf,
        each unit's lemma and char blocks l2-normalised apart), and how many per unit."""
        owner = np.repeat(np.arange(len(units.lengths)), units.lengths)
        columns = self.columns_of(units.slots)
        known = columns >= 0
        columns, owner = columns[known], owner[known]
        values = ((1 + np.log(units.counts[known].astype(np.float32)))
                  * self.idf[columns]).astype(np.float32)
        block = owner * 2 + (columns >= self.char_start)
        norms = np.sqrt(np.bincount(block, weights=values.astype(np.float64) ** 2,
                                    minlength=2 * len(units.lengths)))
        values /= norms[block].astype(np.float32)
        return columns, values, np.bincount(owner, minlength=len(units.lengths))

    def columns_of(self, slots: np.ndarray) -> np.ndarray:
        """The column of each slot, -1 where the slot is not kept."""
        found = np.searchsorted(self.columns, slots)
        inside = found < len(self.columns)
        hit = np.zeros(len(slots), dtype=bool)
        hit[inside] = self.columns[found[inside]] == slots[inside]
        return np.where(hit, found, -1).astype(np.int32)

    def word_columns(self, word: str) -> list[int]:
        """The char-block columns a lower-cased word contributes to."""
        columns = self.columns_of(np.unique(word_slots(word)))
        return columns[columns >= 0].tolist()

    def arrays(self) -> dict[str, np.ndarray]:
        return {"columns": self.columns, "idf": self.idf}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Featurizer:
        return cls(arrays["columns"].astype(np.int32), arrays["idf"])
