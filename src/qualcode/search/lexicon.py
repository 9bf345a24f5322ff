"""Lemmas of corpus words, read from the store's lexicon (see models.LexiconEntry)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qualcode.errors import StoreUnavailable
from qualcode.models import DocumentVersion, LexiconEntry
from qualcode.store import Store
from qualcode.transcripts.nlp import lemma as lemmatize

WORD = re.compile(r"\w+")
MAX_WORD = 200


def record_words(session: Session, texts: Iterable[str]) -> None:
    """Add every word of the texts (as search sees words) with its lemma; known words stay."""
    words = {w for text in texts for w in WORD.findall(text) if len(w) <= MAX_WORD}
    if not words:
        return
    rows = [{"word": w, "lemma": lemmatize(w)[:MAX_WORD]} for w in sorted(words)]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(LexiconEntry).on_conflict_do_nothing(index_elements=["word"])
    for start in range(0, len(rows), 5000):
        session.execute(statement, rows[start:start + 5000])


def ensure_lexicon(store: Store) -> None:
    """Fill an empty lexicon from the documents, once.

    Stores upgraded from revision 0002 have documents but no lexicon; without it every search
    would load the lemmatizer (about 120 MB) to lemmatize words the corpus already has.
    """
    with store.read() as session:
        if session.scalar(select(LexiconEntry.word).limit(1)) is not None:
            return
        if session.scalar(select(DocumentVersion.id).limit(1)) is None:
            return
    try:
        with store.write() as session:
            if session.scalar(select(LexiconEntry.word).limit(1)) is None:  # not filled meanwhile
                record_words(session, session.scalars(select(DocumentVersion.text)))
    except StoreUnavailable:
        pass  # e.g. a reader without write rights: search works without it, only heavier


# Per store URL: (row count when read, word -> lemma, all lemmas). Shared by threads.
_CACHE: dict[str, tuple[int, dict[str, str], set[str]]] = {}
_LOCK = threading.Lock()


class Lexicon:
    """word -> lemma for the corpus, read again when the lexicon has grown."""

    def __init__(self, session: Session, key: str) -> None:
        count = session.scalar(select(func.count()).select_from(LexiconEntry)) or 0
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is None or cached[0] != count:
                words = dict(session.execute(select(LexiconEntry.word, LexiconEntry.lemma))
                             .all())
                cached = (count, words, set(words.values()))
                _CACHE[key] = cached
        _, self.words, self.lemmas = cached

    def of_text_word(self, word: str) -> str:
        """The lemma of a word as it stands in a transcript."""
        found = self.words.get(word)
        return found if found is not None else lemmatize(word)

    def of_query_word(self, word: str) -> str:
        """The lemma of a word typed into a search: as written, in other cases, or computed."""
        for form in (word, word.capitalize(), word.lower()):
            if form in self.words:
                return self.words[form]
        if word.lower() in self.lemmas:
            return word.lower()
        return lemmatize(word)
