"""Which codings a matrix counts: filters by document variable and coder, and the rows of the
document x code matrix, on four documents whose counts are written out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.errors import InvalidInput, NotFound
from qualcode.exports.matrices import MatrixFilter, cooccurrence, document_code_matrix
from qualcode.services.codings import add_coding
from qualcode.services.documents import NewDocument, VariableValue, add_document
from qualcode.services.importing import import_paths
from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode

TEXT = ("B: Die Wohnung in der Straße am Mühlbach war zu klein. Arbeit gab es im Bauhof, "
        "aber ohne Sprachkurs ging das kaum – „kein Ort für Kinder“. 🙂\n")

# name, variables; "Geburtsort" shares its values with "Ort" on purpose.
DOCUMENTS = [
    ("Interview Talbrück", {"Ort": "Talbrück", "Rolle": "Bürgermeisterin",
                            "Geburtsort": "Mühlbach"}),
    ("Interview Mühlbach", {"Ort": "Mühlbach", "Rolle": "Bürgermeisterin",
                            "Geburtsort": "Talbrück"}),
    ("Interview Seedorf", {"Ort": "Talbrück", "Rolle": "Ehrenamtliche"}),
    ("Fokusgruppe Ämter", {"Rolle": "Verwaltung"}),
]
# document, coder, code, start, end: per document a different count of each code.
CODINGS = [
    ("Interview Talbrück", "anna", "Wohnen", 3, 54),
    ("Interview Talbrück", "anna", "Arbeit", 55, 81),
    ("Interview Talbrück", "björn", "Wohnen", 3, 30),
    ("Interview Mühlbach", "anna", "Arbeit", 55, 81),
    ("Interview Mühlbach", "anna", "Arbeit", 82, 110),
    ("Interview Seedorf", "björn", "Sprache", 82, 110),
    ("Fokusgruppe Ämter", "anna", "Wohnen", 3, 54),
    ("Fokusgruppe Ämter", "anna", "Sprache", 82, 110),
    ("Fokusgruppe Ämter", "anna", "Sprache", 0, 20),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("filters") / "f.db")
    store = open_store(path)
    load_codebook(store, parse_codebook("title: Drei\ncodes:\n  - name: Wohnen\n"
                                        "  - name: Arbeit\n  - name: Sprache\n"))
    for name, variables in DOCUMENTS:
        add_document(store, NewDocument(name, TEXT, variables=[
            VariableValue(key, value) for key, value in variables.items()]))
    for document, coder, code, start, end in CODINGS:
        add_coding(store, document=document, code=code, coder=coder, start=start, end=end)
    store.close()
    return path


def per_document(db: str, wanted: MatrixFilter, group_by: str | None = None
                 ) -> dict[str, dict[str, int]]:
    store = open_store(db)
    try:
        matrix = document_code_matrix(store, wanted, group_by)
    finally:
        store.close()
    return {row: {code: int(n) for code, n in zip(matrix.codes, counts, strict=True) if n}
            for row, counts in zip(matrix.rows, matrix.counts, strict=True)}


def test_every_document_with_its_codings(db: str) -> None:
    assert per_document(db, MatrixFilter()) == {
        "Fokusgruppe Ämter": {"Sprache": 2, "Wohnen": 1},
        "Interview Mühlbach": {"Arbeit": 2},
        "Interview Seedorf": {"Sprache": 1},
        "Interview Talbrück": {"Arbeit": 1, "Wohnen": 2},
    }


def test_a_variable_filter_reads_only_that_variable(db: str) -> None:
    # Mühlbach's Geburtsort is Talbrück: it must not count as Ort = Talbrück.
    assert per_document(db, MatrixFilter(variables={"Ort": ["Talbrück"]})) == {
        "Interview Seedorf": {"Sprache": 1},
        "Interview Talbrück": {"Arbeit": 1, "Wohnen": 2},
    }


def test_two_variables_must_both_hold(db: str) -> None:
    both = MatrixFilter(variables={"Ort": ["Talbrück"], "Rolle": ["Bürgermeisterin"]})
    assert per_document(db, both) == {"Interview Talbrück": {"Arbeit": 1, "Wohnen": 2}}
    reversed_order = MatrixFilter(variables={"Rolle": ["Bürgermeisterin"], "Ort": ["Talbrück"]})
    assert per_document(db, reversed_order) == {"Interview Talbrück": {"Arbeit": 1, "Wohnen": 2}}


def test_several_values_of_one_variable_are_either(db: str) -> None:
    wanted = MatrixFilter(variables={"Rolle": ["Ehrenamtliche", "Verwaltung"]})
    assert per_document(db, wanted) == {"Fokusgruppe Ämter": {"Sprache": 2, "Wohnen": 1},
                                        "Interview Seedorf": {"Sprache": 1}}


def test_a_coder_filter_counts_only_their_codings(db: str) -> None:
    assert per_document(db, MatrixFilter(coders=["björn"])) == {
        "Interview Seedorf": {"Sprache": 1}, "Interview Talbrück": {"Wohnen": 1}}


def test_rows_grouped_by_a_variable(db: str) -> None:
    # The focus group has no Ort: its row is "–".
    assert per_document(db, MatrixFilter(), group_by="Ort") == {
        "Mühlbach": {"Arbeit": 2},
        "Talbrück": {"Arbeit": 1, "Sprache": 1, "Wohnen": 2},
        "–": {"Sprache": 2, "Wohnen": 1},
    }


def test_a_known_variable_without_the_value_leaves_nothing_to_export(db: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        per_document(db, MatrixFilter(variables={"Ort": ["Hamburg"]}))
    assert str(caught.value) == "No coding matches these filters; there is nothing to export."


@pytest.mark.parametrize("variables", [{"Bundesland": ["Bayern"]},
                                       {"Ort": ["Talbrück"], "Bundesland": ["Bayern"]}])
def test_an_unknown_variable_is_named(db: str, variables: dict[str, list[str]]) -> None:
    with pytest.raises(NotFound) as caught:
        per_document(db, MatrixFilter(variables=variables))
    assert str(caught.value) == "No document has a variable 'Bundesland'."


def test_an_unknown_grouping_variable_is_named(db: str) -> None:
    with pytest.raises(NotFound) as caught:
        per_document(db, MatrixFilter(), group_by="Landkreis")
    assert str(caught.value) == "No document has a variable 'Landkreis'."


def test_an_unknown_coder_is_named(db: str) -> None:
    with pytest.raises(NotFound) as caught:
        per_document(db, MatrixFilter(coders=["anna", "zoë"]))
    assert str(caught.value) == "There is no coder 'zoë'."


def test_the_cooccurrence_of_a_filtered_subset(db: str) -> None:
    # Ort = Talbrück: Talbrück's anna has Wohnen [3,54) and Arbeit [55,81) (no overlap),
    # björn has Wohnen [3,30); Seedorf's björn has Sprache. Diagonal 2, 1, 1; no pairs.
    store = open_store(db)
    try:
        matrix = cooccurrence(store, MatrixFilter(variables={"Ort": ["Talbrück"]}))
    finally:
        store.close()
    assert matrix.codes == ["Arbeit", "Sprache", "Wohnen"]
    assert matrix.counts.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 2]]
    assert np.isnan(matrix.jaccard).all()


def test_the_cli_names_an_unknown_grouping_variable(db: str, tmp_path: Path) -> None:
    # It was an internal error (TypeError) before: the user saw no sentence, exit 1.
    target = tmp_path / "d.csv"
    result = qualcode("export", "matrix", "--kind", "documents", "--group-by", "Landkreis",
                      "-o", str(target), db=db)
    assert_user_error(result, "No document has a variable 'Landkreis'.")
    assert not target.exists()


def test_jaccard_reports_each_coder_and_document_it_measures(db: str) -> None:
    # Five (document, coder) groups: Talbrück anna and björn, Mühlbach anna, Seedorf björn,
    # Fokusgruppe anna; one step each, as the CLI's progress line shows them.
    steps: list[tuple[int, int, str]] = []
    store = open_store(db)
    try:
        cooccurrence(store, MatrixFilter(), jaccard=True,
                     progress=lambda done, total, what: steps.append((done, total, what)))
    finally:
        store.close()
    measured = [(done, total) for done, total, what in steps if what == "measuring coded text"]
    assert measured == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert [what for *_, what in steps][:2] == ["reading codings", "reading codings"]


def test_all_documents_counts_c_and_jaccard_by_hand(db: str) -> None:
    # Only the focus group's anna has codes that meet: Wohnen [3,54) and Sprache [0,20)
    # share [3,20) = 17 code points; Sprache [82,110) stands alone. One pair.
    # c: a = b = 1, n12 = 1, n_Sprache = 3, n_Wohnen = 3: 1 / (3 + 3 - 1) = 0.2.
    # Jaccard on code points, summed over (document, coder): Wohnen 51 + 27 + 51 = 129,
    # Sprache 28 + 28 + 20 = 76, both 17: 17 / (129 + 76 - 17) = 17 / 188.
    store = open_store(db)
    try:
        matrix = cooccurrence(store, MatrixFilter(), jaccard=True)
    finally:
        store.close()
    assert matrix.codes == ["Arbeit", "Sprache", "Wohnen"]
    assert matrix.counts.tolist() == [[3, 0, 0], [0, 3, 1], [0, 1, 3]]
    assert matrix.c_coefficient == pytest.approx(np.array([[1, 0, 0], [0, 1, 0.2],
                                                           [0, 0.2, 1]]))
    assert matrix.jaccard == pytest.approx(np.array([[1, 0, 0], [0, 1, 17 / 188],
                                                     [0, 17 / 188, 1]]))


def test_codings_of_one_code_point_share_it_fully(tmp_path: Path) -> None:
    # Both codes code only the 🙂 (one code point) in the same turn: Jaccard 1 on code points
    # and on turns, c = 1 / (1 + 1 - 1) = 1, one pair.
    store = open_store(str(tmp_path / "e.db"))
    load_codebook(store, parse_codebook("title: Zwei\ncodes:\n  - name: Wohnen\n"
                                        "  - name: Arbeit\n"))
    add_document(store, NewDocument("Notiz Öz", TEXT))
    smiley = TEXT.index("🙂")
    for code in ("Wohnen", "Arbeit"):
        add_coding(store, document="Notiz Öz", code=code, coder="cem", start=smiley,
                   end=smiley + 1)
    try:
        for semantics in ("overlap", "turn"):
            matrix = cooccurrence(store, MatrixFilter(semantics=semantics), jaccard=True)
            assert matrix.counts.tolist() == [[1, 1], [1, 1]], semantics
            assert matrix.c_coefficient.tolist() == [[1.0, 1.0], [1.0, 1.0]], semantics
            assert matrix.jaccard.tolist() == [[1.0, 1.0], [1.0, 1.0]], semantics
    finally:
        store.close()


def test_unplaced_codings_are_not_counted(tmp_path: Path) -> None:
    # After a correction the sentence about the Turnhalle is gone: its coding stays unplaced
    # on the old version and counts nowhere; the moved one counts once.
    transcript = tmp_path / "talbrueck.txt"
    transcript.write_text("B: Die Turnhalle war belegt. Ohne Netzwerk geht nichts.\n",
                          encoding="utf-8")
    store = open_store(str(tmp_path / "u.db"))
    load_codebook(store, parse_codebook("title: Zwei\ncodes:\n  - name: Wohnen\n"
                                        "  - name: Arbeit\n"))
    import_paths(store, [transcript])
    add_coding(store, document="talbrueck", code="Wohnen", coder="anna", start=3, end=28)
    add_coding(store, document="talbrueck", code="Arbeit", coder="anna", start=29, end=55)
    transcript.write_text("B: Ohne Netzwerk geht nichts.\n", encoding="utf-8")
    (item,) = import_paths(store, [transcript]).imported
    assert (item.reanchored.moved, item.reanchored.unplaced) == (1, 1)
    try:
        matrix = cooccurrence(store, MatrixFilter())
        documents = document_code_matrix(store, MatrixFilter())
    finally:
        store.close()
    assert matrix.codes == ["Arbeit"] and matrix.counts.tolist() == [[1]]
    assert documents.rows == ["talbrueck"] and documents.counts.tolist() == [[1]]
