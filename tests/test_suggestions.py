"""Code suggestions: learnt from codings, measured like a coder, applied as one (issue 17)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.services.coding_import import import_codings
from qualcode.services.importing import import_paths
from qualcode.services.suggestions import apply, model_info, train
from qualcode.store import Store, open_store
from qualcode.suggestions.evaluation import MIN_POSITIVE_UNITS, document_folds
from tests.cli import assert_user_error, qualcode
from tests.coded_german import CODER, code_paths, import_fixture, read_fixture, sample

RAD = ["Der Radweg an der Hauptstraße ist viel zu schmal, Radfahrer müssen ausweichen.",
       "Auf dem Radweg parken ständig Autos, das ist gefährlich für Fahrräder.",
       "Wir brauchen einen neuen Radweg entlang der Bahnlinie, sicher und breit.",
       "Die Radwegbenutzungspflicht sollte aufgehoben werden, der Radweg ist marode."]
KITA = ["Die Kita öffnet erst um acht, für Schichtarbeiterinnen ist das zu spät.",
        "Es fehlen Betreuungsplätze in der Kita, die Warteliste ist lang.",
        "Die Erzieherinnen in der Kita sind überlastet, es gibt zu wenig Personal.",
        "Für die Kita-Gebühren gibt es kaum Ermäßigung, das belastet Familien."]
OTHER = ["Ich wohne seit zwanzig Jahren hier im Viertel. 🙂",
         "Das Wetter war gestern schön, wir waren im Park spazieren.",
         "Mein Nachbar grüßt immer freundlich, das schätze ich sehr.",
         "„Schön, dass Sie da sind“, sagte die Moderatorin zur Begrüßung."]
CODEBOOK = """codes:
  - name: Radverkehr
  - name: Betreuung
  - name: Selten
"""


def _write_interviews(folder: Path, count: int = 6) -> list[tuple[str, int, int, str]]:
    """``count`` interviews whose answers are about cycling, childcare or neither; returns
    (document, start, end, code) of every answer a person would code."""
    folder.mkdir(parents=True, exist_ok=True)
    spans = []
    for n in range(count):
        lines, text_so_far = [], ""
        answers = [(RAD[(n + k) % 4], "Radverkehr") for k in range(2)] + \
                  [(KITA[(n + k) % 4], "Betreuung") for k in range(2)] + \
                  [(OTHER[(n + k) % 4], None) for k in range(2)]
        for answer, code in answers:
            question = "I: Was beschäftigt Sie?"
            lines.append(question)
            text_so_far += question + "\n"
            start = len(text_so_far) + len("B: ")
            line = f"B: {answer}"
            lines.append(line)
            text_so_far += line + "\n"
            if code:
                spans.append((f"interview-{n}", start, start + len(answer), code))
        (folder / f"interview-{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spans


def _small_project(tmp_path: Path, *, count: int = 6, url: str | None = None) -> Store:
    store = open_store(url or str(tmp_path / "klein.db"))
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook

    load_codebook(store, read_codebook(tmp_path / "codebook.yaml"))
    spans = _write_interviews(tmp_path / "texts", count)
    assert not import_paths(store, [tmp_path / "texts"]).failed
    rows = ["document,coder,code,start,end"]
    rows += [f"{doc},anna,{code},{start},{end}" for doc, start, end, code in spans]
    rows.append(f"{spans[0][0]},anna,Selten,{spans[0][1]},{spans[0][2]}")  # one example only
    (tmp_path / "codings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_codings(store, tmp_path / "codings.csv")
    return store


@pytest.fixture
def small(tmp_path: Path) -> str:
    store = _small_project(tmp_path)
    store.close()
    return str(tmp_path / "klein.db")


def _tables(db: str) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("codings", "coders", "audit_log", "suggestion_models",
                              "suggestion_dismissals")}


# -- folds, determinism, staleness ---------------------------------------------------------

@pytest.mark.fuzz
@given(st.lists(st.integers(0, 30), min_size=5, max_size=200), st.integers(2, 5),
       st.integers(0, 2**31))
def test_folds_never_share_a_document(groups: list[int], folds: int, seed: int) -> None:
    groups_array = np.asarray(groups)
    if len(set(groups)) < folds:
        with pytest.raises(Exception, match="needs at least"):
            document_folds(groups_array, folds, seed)
        return
    fold = document_folds(groups_array, folds, seed)
    for document in set(groups):
        assert len(set(fold[groups_array == document])) == 1  # one document, one fold
    assert set(fold) == set(range(folds))
    assert (document_folds(groups_array, folds, seed) == fold).all()


def test_training_is_deterministic_for_a_seed_and_stale_after_codings_change(
        tmp_path: Path) -> None:
    from qualcode.models import SuggestionModel
    from qualcode.services.codings import add_coding

    store = _small_project(tmp_path)
    first = train(store, ["anna"], unit="turn", folds=3, seed=7)
    with store.read() as session:
        weights = session.get_one(SuggestionModel, first.model_id).weights
    second = train(store, ["anna"], unit="turn", folds=3, seed=7)
    with store.read() as session:
        assert session.get_one(SuggestionModel, second.model_id).weights == weights
    assert first.codes == second.codes and first.summary == second.summary
    info = model_info(store)
    assert info is not None and not info.stale
    add_coding(store, document="interview-1", code="Betreuung", coder="anna", start=0, end=5)
    info = model_info(store)
    assert info is not None and info.stale
    assert apply(store, "machine", min_kappa=-1).stale
    store.close()


def test_apply_dismiss_and_accept_on_both_stores(tmp_path: Path, store_url: str) -> None:
    from sqlalchemy import func, select

    from qualcode.models import AuditEntry, Coding, Document, DocumentVersion
    from qualcode.services.suggestions import accept, dismiss, next_unit, suggestions_for

    store = _small_project(tmp_path, url=store_url)
    try:
        train(store, ["anna"], unit="turn", folds=3)
        applied = apply(store, "machine", documents=["interview-2"], min_kappa=0.5)
        assert applied.codings > 0 and set(applied.per_code) <= {"Radverkehr", "Betreuung"}
        with store.read() as session:
            version, document = session.execute(
                select(DocumentVersion.id, Document.id).join(Document)
                .where(Document.name == "interview-3")).one()
        found = next_unit(store, "björn", documents=["interview-3"])
        assert found is not None and found.version_id == version
        turn = (found.start, found.end)
        shown = suggestions_for(store, "björn", version, *turn)
        for suggestion in shown:
            dismiss(store, "björn", suggestion.code_id, version, *turn)
        assert suggestions_for(store, "björn", version, *turn) == []
        model_unit = _rad_turns(store, version)[0]
        first = suggestions_for(store, "björn", version, *model_unit)[0]
        accept(store, "björn", document, first.code_id, *model_unit)
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(Coding)
                                  .where(Coding.start == model_unit[0])) >= 1
            assert session.scalars(select(AuditEntry.action)
                                   .where(AuditEntry.actor == "björn")).all() == [
                "accept-suggestion"]
        assert not model_info(store).stale  # björn's work is not what it learnt from
    finally:
        store.close()


def _rad_turns(store: Store, version: int) -> list[tuple[int, int]]:
    from sqlalchemy import select

    from qualcode.models import DocumentVersion, Segment

    with store.read() as session:
        text = session.get_one(DocumentVersion, version).text
        turns = session.execute(select(Segment.start, Segment.end).where(
            Segment.version_id == version, Segment.kind == "turn")).all()
    return [(a, b) for a, b in turns if "Radweg" in text[a:b]]


def test_a_code_with_too_few_examples_is_reported_not_suggestible(small: str) -> None:
    done = qualcode("suggest", "evaluate", "--from", "anna", "--folds", "3", "--json", db=small)
    assert done.code == 0, done.err
    figures = {c["code"]: c for c in json.loads(done.out)["codes"]}
    assert not figures["Selten"]["suggestible"]
    assert f"at least {MIN_POSITIVE_UNITS}" in figures["Selten"]["reason"]
    assert figures["Radverkehr"]["suggestible"] and figures["Radverkehr"]["kappa"] > 0.5
    text = qualcode("suggest", "evaluate", "--from", "anna", "--folds", "3", db=small)
    assert "Selten" in text.out and "not suggestible" in text.out
    assert _tables(small)["suggestion_models"] == []  # evaluate stores nothing


# -- the commands --------------------------------------------------------------------------

def test_train_apply_next_and_undo_through_the_cli(small: str) -> None:
    trained = qualcode("suggest", "train", "--from", "anna", "--folds", "3", db=small)
    assert trained.code == 0, trained.err
    assert "Radverkehr" in trained.out and "Stored the model" in trained.out
    before = _tables(small)["codings"]
    applied = qualcode("suggest", "apply", "--into", "machine", "--min-kappa", "0.5",
                       "--json", db=small)
    assert applied.code == 0, applied.err
    report = json.loads(applied.out)
    assert report["codings"] > 0 and not report["stale"]
    assert {s["code"] for s in report["skipped"]} >= {"Selten"}
    with sqlite3.connect(small) as conn:
        machine = conn.execute(
            "SELECT c.memo, a.batch FROM codings c JOIN coders k ON k.id = c.coder_id "
            "JOIN audit_log a ON a.entity = 'codings' AND a.entity_id = c.id "
            "WHERE k.name = 'machine'").fetchall()
    assert len(machine) == report["codings"]
    assert {batch for _, batch in machine} == {report["batch"]}  # one batch
    assert all(re.fullmatch(r"suggested, confidence (0\.[5-9]\d|1\.00)", memo)
               for memo, _ in machine)
    agreement = qualcode("agreement", "--coders", "anna,machine", db=small)
    assert agreement.code == 0 and "Radverkehr" in agreement.out
    following = qualcode("suggest", "next", "--coder", "björn", db=small)
    assert following.code == 0 and "least sure" in following.out
    assert qualcode("undo", "--coder", "machine", db=small).code == 0
    assert _tables(small)["codings"] == before


def test_bad_requests_are_user_errors_and_change_nothing(small: str) -> None:
    assert_user_error(qualcode("suggest", "apply", "--into", "machine", db=small),
                      "No suggestion model is trained yet")
    assert_user_error(qualcode("suggest", "train", "--from", "niemand", db=small),
                      "There is no coder 'niemand'")
    assert_user_error(qualcode("suggest", "train", "--from", "anna", "--unit", "absatz",
                               db=small), "Unknown unit 'absatz'")
    assert_user_error(qualcode("suggest", "evaluate", "--from", "anna", "--folds", "9",
                               db=small), "needs at least 9 documents")
    assert qualcode("suggest", "train", "--from", "anna", "--folds", "3", db=small).code == 0
    before = _tables(small)
    assert_user_error(qualcode("suggest", "apply", "--into", "anna", db=small),
                      "anna is a coder the model learnt from")
    assert_user_error(qualcode("suggest", "apply", "--into", "machine", "--where",
                               "Ort=Talbrück", db=small), "No document has a variable 'Ort'")
    assert _tables(small) == before


def test_a_text_without_speaker_labels_is_one_unnamed_speakers_turn_per_paragraph(
        tmp_path: Path) -> None:
    notes = tmp_path / "feldnotiz.txt"
    notes.write_text("Beobachtung am Kiosk, 14 Uhr.\n\nZwei Radfahrerinnen streiten über den "
                     "Radweg – „viel zu eng“.\nDanach Ruhe. 🚲\n", encoding="utf-8")
    db = str(tmp_path / "notiz.db")
    done = qualcode("import", str(notes), db=db)
    assert done.code == 0, done.err
    assert "each paragraph was imported as a turn of one unnamed speaker" in done.out + done.err
    shown = json.loads(qualcode("show", "feldnotiz", "--json", db=db).out)
    text = notes.read_text(encoding="utf-8")
    assert [text[t["start"]:t["end"]] for t in shown["turns"]] == [
        "Beobachtung am Kiosk, 14 Uhr.",
        "Zwei Radfahrerinnen streiten über den Radweg – „viel zu eng“.", "Danach Ruhe. 🚲"]
    assert {t["label"] for t in shown["turns"]} == {""}


def test_a_store_with_data_upgrades_to_the_suggestion_tables(tmp_path: Path) -> None:
    from tests.test_migrations import _fill_first_revision, _store_at

    path = tmp_path / "0006.db"
    _store_at(path, "0006_project_settings")
    _fill_first_revision(path)
    store = open_store(str(path))
    try:
        assert model_info(store) is None
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM codings").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM suggestion_dismissals").fetchone() == (0,)


# -- the real, human-coded fixture -----------------------------------------------------------

SUITE_SAMPLE = 450  # contributions; the benchmark (bench/suggest.py) uses all 3,139


def reference_scores(train_texts: list[str], train_labels: np.ndarray, test_texts: list[str],
                     test_labels: np.ndarray) -> tuple[float, float]:
    """TF-IDF on words + logistic regression, one model per code (the fixture's reference)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer()
    train_x, test_x = vectorizer.fit_transform(train_texts), vectorizer.transform(test_texts)
    predicted = np.zeros_like(test_labels)
    for column in range(train_labels.shape[1]):
        if 0 < train_labels[:, column].sum() < len(train_labels):
            model = LogisticRegression(class_weight="balanced", max_iter=1000)
            predicted[:, column] = model.fit(train_x, train_labels[:, column]).predict(test_x)
    return scores(test_labels, predicted)


def scores(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """Micro-F1 and the mean per-code Cohen's kappa (codes present in the test documents)."""
    from qualcode.agreement.coefficients import cohen_kappa

    hits = int((truth & predicted).sum())
    micro = 2 * hits / (int(truth.sum()) + int(predicted.sum()))
    kappas = [cohen_kappa(np.stack([truth[:, c], predicted[:, c]], 1).astype(np.int8),
                          np.ones(len(truth))) or 0.0
              for c in range(truth.shape[1]) if truth[:, c].any()]
    return micro, float(np.mean(kappas))


def compare_with_reference(store: Store, contributions: list, test_ids: set[str]
                           ) -> dict[str, dict[str, tuple[float, float]]]:
    """Our model (trained on the train documents, applied to the rest as 'machine') and the
    reference, per level: (micro-F1, mean kappa)."""
    from sqlalchemy import select

    from qualcode.models import Code, Coder, Coding, Document, DocumentVersion
    from qualcode.store.lookup import code_paths as store_paths

    train(store, [CODER], variables={"fold": ["train"]}, unit="document", folds=3)
    apply(store, "machine", variables={"fold": ["test"]}, min_kappa=-1.0)
    with store.read() as session:
        paths = store_paths(session)
        coded = session.execute(select(Document.name, Coding.code_id)
                                .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
                                .join(Document, Document.id == DocumentVersion.document_id)
                                .join(Coder, Coder.id == Coding.coder_id)
                                .where(Coder.name == "machine")).all()
        level_of = {c.id: 1 if c.parent_id is None else 2 for c in session.scalars(select(Code))}
    machine = {(name, paths[code]) for name, code in coded}
    train_part = [c for c in contributions if c.id not in test_ids]
    test_part = [c for c in contributions if c.id in test_ids]
    results = {}
    for level in (1, 2):
        codes = sorted(p for code_id, p in paths.items() if level_of[code_id] == level)
        ours = np.array([[(c.id, p) in machine for p in codes] for c in test_part])
        truth = _labels(contributions, test_part, codes)
        results[f"level {level}"] = {
            "ours": scores(truth, ours),
            "reference": reference_scores([c.text for c in train_part],
                                          _labels(contributions, train_part, codes),
                                          [c.text for c in test_part], truth)}
    return results


def _labels(contributions: list, part: list, codes: list[str]) -> np.ndarray:
    return np.array([[p in code_paths(contributions, c) for p in codes] for c in part])


def split(contributions: list, seed: int) -> set[str]:
    """A 30 % of the documents for testing."""
    rng = np.random.default_rng(seed)
    ids = [c.id for c in contributions]
    return set(rng.permutation(ids)[: round(len(ids) * 0.3)].tolist())


@pytest.mark.slow
def test_on_the_fixture_the_model_beats_the_tfidf_reference(tmp_path: Path) -> None:
    import yaml

    contributions = sample(read_fixture(), SUITE_SAMPLE, seed=17)
    test_ids = split(contributions, seed=17)
    store = open_store(str(tmp_path / "cimt.db"))
    fold_of = {c.id: "test" if c.id in test_ids else "train" for c in contributions}
    try:
        import_fixture(store, tmp_path, contributions, fold_of=fold_of)
        results = compare_with_reference(store, contributions, test_ids)
    finally:
        store.close()
    print(yaml.safe_dump(results))
    for level, figures in results.items():
        (ours_f1, ours_kappa), (ref_f1, ref_kappa) = figures["ours"], figures["reference"]
        assert ours_f1 >= ref_f1, (level, figures)
        assert ours_kappa >= ref_kappa, (level, figures)



@pytest.mark.fuzz
@given(st.lists(st.text(alphabet="aäößü „“🙂:\t IB1#0", max_size=30), max_size=8))
def test_turns_of_any_paragraphs_lie_in_the_text(paragraphs: list[str]) -> None:
    from qualcode.transcripts.turns import UNNAMED, split_turns

    transcript = split_turns(paragraphs)
    text = transcript.text
    for turn in transcript.turns:
        assert 0 <= turn.start <= turn.end <= len(text)
        if turn.label == UNNAMED:  # (a labelled turn may be empty: "B:" alone)
            assert turn.start < turn.end
            assert text[turn.start:turn.end] == text[turn.start:turn.end].strip()
    if transcript.turns and all(t.label == UNNAMED for t in transcript.turns):
        assert len(transcript.turns) == sum(1 for p in text.split("\n") if p.strip())
