"""German tokens, sentences and lemmas through a spaCy pipeline.

No trained German pipeline can be required (none is downloadable offline),
so the default is ``spacy.blank("de")`` with the rule-based sentencizer, a
component that undoes sentence breaks before a lower-case word (``(unv.) und
dann``), and a lemmatizer component built on simplemma with a fallback for
compounds it does not know (``Helferkreise`` -> ``helferkreis``). The fixer also
keeps an emoji or a dash after a full stop with the sentence it follows. Set
``QUALCODE_SPACY_MODEL`` to the name of an installed trained pipeline to use
it instead; its own sentence splitting and lemmas are kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MIN_COMPOUND = 8
MIN_PART = 4


@lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """The lower-cased lemma of one German word."""
    import simplemma

    if not any(ch.isalpha() for ch in word):
        return word.lower()
    if "-" in word.strip("-"):  # Zweizimmer-Wohnung: each part stays searchable
        return "-".join(lemma(part) if part else "" for part in word.split("-"))
    base = simplemma.lemmatize(word, lang="de")
    if base == word and len(word) >= MIN_COMPOUND and not simplemma.is_known(word, lang="de"):
        base = _compound_lemma(word)
    return base.lower()


def _compound_lemma(word: str) -> str:
    """Lemmatise the longest known last part of a compound: Helferkreise -> Helferkreis."""
    import simplemma

    for cut in range(MIN_PART - 1, len(word) - MIN_PART + 1):
        tail = word[cut].upper() + word[cut + 1:]
        if simplemma.is_known(tail, lang="de"):
            return word[:cut] + simplemma.lemmatize(tail, lang="de").lower()
    return word


@dataclass(frozen=True)
class Analysis:
    """Sentences as [start, end) relative to the analysed text, and its lemmas joined by spaces."""

    sentences: list[tuple[int, int]]
    lemmas: str


def _register_components() -> None:
    from spacy.language import Language

    if "qualcode_lemmatizer" in Language.factories:
        return

    @Language.component("qualcode_sentence_fixer")
    def sentence_fixer(doc: Doc) -> Doc:
        for token in doc[1:]:
            if token.is_sent_start and not token.is_space and _continues_sentence(token.text):
                token.is_sent_start = False
        return doc

    @Language.component("qualcode_lemmatizer")
    def lemmatizer(doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = lemma(token.text)
        return doc


OPENERS = "„‚\"'«»([{‹›"


def _continues_sentence(token: str) -> bool:
    """A lower-case word, or a token of no letters or digits (emoji, dash), that the
    sentencizer put at a sentence start belongs to the sentence before."""
    if token[:1].islower():
        return True
    return not any(ch.isalnum() for ch in token) and token[:1] not in OPENERS


@lru_cache(maxsize=1)
def pipeline() -> Language:
    import spacy

    _register_components()
    model = os.environ.get("QUALCODE_SPACY_MODEL")
    if model:
        return spacy.load(model)
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("qualcode_sentence_fixer")
    nlp.add_pipe("qualcode_lemmatizer")
    return nlp


def analyse(texts: list[str]) -> list[Analysis]:
    """Sentences and lemmas of each text (one per speaker turn)."""
    results = []
    for doc in pipeline().pipe(texts, batch_size=256):
        sentences = []
        for sent in doc.sents:
            span = sent.text
            stripped = span.strip()
            if stripped:
                start = sent.start_char + (len(span) - len(span.lstrip()))
                sentences.append((start, start + len(stripped)))
        lemmas = " ".join(t.lemma_.lower() for t in doc if not (t.is_punct or t.is_space))
        results.append(Analysis(sentences, lemmas))
    return results
