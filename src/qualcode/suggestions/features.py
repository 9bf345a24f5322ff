"""Turning unit texts into features: lemma uni- and bigrams plus character n-grams.

Lemmas come from the store's lexicon (written at import), so the lemmatizer's dictionary is
not loaded; a word the lexicon lacks stands for itself, lower-cased. Character n-grams inside
word boundaries (3 to 5) catch the parts of German compounds (``Radweg``, ``Radwegbenutzung``);
each distinct word is cut into n-grams once (scikit-learn's ``char_wb`` cuts every occurrence,
which made featurizing ten times slower on a study-size corpus).
A fitted featurizer is kept as plain arrays (terms and their idf), never as a pickle.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property, lru_cache

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.suggestions.units import WORD

LEMMA_FEATURES = 50_000
CHAR_FEATURES = 100_000
CHAR_NGRAMS = (3, 5)
FEW_UNITS = 100  # below this, a term seen once is kept (min_df 1)
CACHED_WORDS = 20_000  # n-grams of the most recent words, kept (a few MB)


@lru_cache(maxsize=CACHED_WORDS)
def word_grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one lower-cased word padded by spaces (as ``char_wb``)."""
    padded = f" {word} "
    low, high = CHAR_NGRAMS
    return tuple(padded[i:i + n] for n in range(low, high + 1)
                 for i in range(len(padded) - n + 1))


def char_grams(text: str) -> list[str]:
    """Every word's character n-grams; words repeat, so each is cut into n-grams once."""
    grams: list[str] = []
    for word in WORD.findall(text.lower()):
        grams.extend(word_grams(word))
    return grams


def _lemma_vectorizer(min_df: int = 1, vocabulary: dict[str, int] | None = None
                      ) -> TfidfVectorizer:
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False,  # not translated: regex
                           ngram_range=(1, 2), sublinear_tf=True, min_df=min_df,
                           max_features=LEMMA_FEATURES, dtype=np.float32, vocabulary=vocabulary)


def _char_vectorizer(min_df: int = 1, vocabulary: dict[str, int] | None = None
                     ) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=char_grams, lowercase=False, sublinear_tf=True, min_df=min_df,
                           max_features=CHAR_FEATURES, dtype=np.float32, vocabulary=vocabulary)


class Featurizer:
    """TF-IDF of lemma n-grams and of character n-grams, side by side in one matrix."""

    def __init__(self, lemma: TfidfVectorizer, char: TfidfVectorizer) -> None:
        self.lemma, self.char = lemma, char

    @classmethod
    def fit(cls, texts: list[str], lemma_texts: list[str]) -> tuple[Featurizer, csr_matrix]:
        """The featurizer learnt from the texts, and their features (one pass over them)."""
        min_df = 2 if len(texts) >= FEW_UNITS else 1
        lemma, char = _lemma_vectorizer(min_df), _char_vectorizer(min_df)
        try:
            features = hstack([lemma.fit_transform(lemma_texts), char.fit_transform(texts)],
                              format="csr", dtype=np.float32)
        except ValueError as exc:  # an empty vocabulary: no unit has a word
            raise InvalidInput(_("None of the units to learn from contains a word; there is "
                                 "nothing to learn.")) from exc
        return cls(lemma, char), features

    def transform(self, texts: list[str], lemma_texts: list[str]) -> csr_matrix:
        return hstack([self.lemma.transform(lemma_texts), self.char.transform(texts)],
                      format="csr", dtype=np.float32)

    @cached_property
    def lemma_terms(self) -> np.ndarray:
        return _terms(self.lemma)

    @cached_property
    def char_terms(self) -> np.ndarray:
        return _terms(self.char)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"lemma_terms": self.lemma_terms, "lemma_idf": self.lemma.idf_,
                "char_terms": self.char_terms, "char_idf": self.char.idf_}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Featurizer:
        lemma = _lemma_vectorizer(vocabulary=_vocabulary(arrays["lemma_terms"]))
        char = _char_vectorizer(vocabulary=_vocabulary(arrays["char_terms"]))
        lemma.idf_, char.idf_ = arrays["lemma_idf"], arrays["char_idf"]
        return cls(lemma, char)


def _terms(vectorizer: TfidfVectorizer) -> np.ndarray:
    terms = np.empty(len(vectorizer.vocabulary_), dtype=object)
    for term, index in vectorizer.vocabulary_.items():
        terms[index] = term
    return terms.astype(str)


def _vocabulary(terms: np.ndarray) -> dict[str, int]:
    return {str(term): index for index, term in enumerate(terms)}

