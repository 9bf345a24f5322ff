"""Suggestions within bounded memory (issue 17's benchmarks): hashed features kept compactly,
row copies cut from them exactly, suggesting without scikit-learn, and an old stored model
reported stale rather than crashing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from qualcode.models import SuggestionModel
from qualcode.services.suggestions import model_info, suggestions_for, train
from qualcode.suggestions.features import Featurizer
from qualcode.suggestions.fitting import MAX_NEGATIVES, MAX_POSITIVES, _sampled
from tests.cli import assert_user_error, qualcode
from tests.test_suggestions import KITA, OTHER, RAD, _small_project, _tables

TEXTS = RAD + KITA + OTHER + ["Grüße aus der Straßenbahn 🚋, „Fahrradstraße“ statt Parkplätze."]


def _lemmas(texts: list[str]) -> list[str]:
    return [" ".join(t.lower().split()) for t in texts]


def test_features_are_hashed_tfidf_rows_with_each_block_normalised() -> None:
    featurizer, features = Featurizer.fit(TEXTS, _lemmas(TEXTS))
    matrix = features.rows(np.arange(len(TEXTS)))
    assert matrix.dtype == np.float32 and matrix.shape == (len(TEXTS), len(featurizer.columns))
    again = featurizer.transform(TEXTS, _lemmas(TEXTS))
    assert np.allclose(matrix.toarray(), again.toarray(), atol=1e-3)  # float16 when kept
    for row in again:
        lemma = row.data[row.indices < featurizer.char_start]
        chars = row.data[row.indices >= featurizer.char_start]
        assert np.isclose(np.linalg.norm(lemma), 1, atol=1e-5)
        assert np.isclose(np.linalg.norm(chars), 1, atol=1e-5)
    radweg = featurizer.word_columns("radweg")
    assert radweg and all(c >= featurizer.char_start for c in radweg)
    rad_rows = again[: len(RAD)].toarray()[:, radweg]
    assert (rad_rows > 0).any(axis=1).all()  # the compound's n-grams are in every Rad text
    assert featurizer.transform(["Radweg"], ["radweg"]).nnz > 0
    assert featurizer.transform(["…"], [""]).nnz == 0


@pytest.mark.fuzz
@given(st.lists(st.integers(0, len(TEXTS) - 1), max_size=30))
def test_cut_rows_equal_the_rows_of_the_whole_matrix(chosen: list[int]) -> None:
    _featurizer, features = Featurizer.fit(TEXTS, _lemmas(TEXTS))
    whole = features.rows(np.arange(len(TEXTS))).toarray()
    cut = features.rows(np.asarray(chosen, dtype=np.int64))
    assert cut.shape == (len(chosen), whole.shape[1])
    assert np.array_equal(cut.toarray(), whole[chosen])


def test_a_fit_copies_a_bounded_number_of_rows() -> None:
    labels = np.zeros(50_000, dtype=bool)
    labels[:20_000] = True
    chosen = _sampled(labels, np.arange(len(labels)), seed=3)
    assert (labels[chosen]).sum() == MAX_POSITIVES
    assert (~labels[chosen]).sum() == MAX_NEGATIVES
    assert (np.diff(chosen) > 0).all()
    assert np.array_equal(chosen, _sampled(labels, np.arange(len(labels)), seed=3))


def test_suggesting_loads_neither_scikit_learn_nor_the_transcript(tmp_path: Path) -> None:
    store = _small_project(tmp_path)
    train(store, ["anna"], unit="turn", folds=3)
    store.close()
    script = (
        "import sys\n"
        "from sqlalchemy import select\n"
        "from qualcode.models import Segment\n"
        "from qualcode.services.suggestions import suggestions_for\n"
        "from qualcode.store import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "with store.read() as session:\n"
        "    turns = session.execute(select(Segment.version_id, Segment.start, Segment.end)\n"
        "                            .where(Segment.kind == 'turn')).all()\n"
        "found = [s for t in turns for s in suggestions_for(store, 'björn', *t)]\n"
        "assert found and all(s.words for s in found), found\n"
        "print(sorted({s.code for s in found}), 'sklearn' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "klein.db")],
                          capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split()[-1] == "False", done.stdout
    assert "Radverkehr" in done.stdout and "Betreuung" in done.stdout


def test_an_older_stored_model_is_stale_and_refused_as_a_user_error(tmp_path: Path) -> None:
    store = _small_project(tmp_path)
    train(store, ["anna"], unit="turn", folds=3)
    old = io.BytesIO()  # the first format: vocabularies of terms, no format number
    np.savez_compressed(old, code_ids=np.asarray([1]), weights=np.zeros((1, 2), np.float32),
                        intercepts=np.zeros(1, np.float32),
                        lemma_terms=np.asarray(["radweg", "kita"]), lemma_idf=np.ones(2),
                        char_terms=np.asarray([" ra"]), char_idf=np.ones(1))
    with store.write() as session:
        session.execute(update(SuggestionModel).values(weights=old.getvalue()))
    info = model_info(store)
    assert info is not None and info.stale
    with pytest.raises(Exception, match="train it again") as raised:
        suggestions_for(store, "björn", 1, 0, 20)
    from qualcode.errors import UserError

    assert isinstance(raised.value, UserError)
    store.close()
    db = str(tmp_path / "klein.db")
    before = _tables(db)
    assert_user_error(qualcode("suggest", "apply", "--into", "machine", db=db), "train it again")
    assert _tables(db) == before
