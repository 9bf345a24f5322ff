"""Co-occurrence in the same turn or within N sentences, counted by hand on two transcripts.

Turns and sentences are the store's own segments of imported .txt files; a coding belongs
to the unit it starts in, and text before the first unit to the first unit.
"""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.errors import InvalidInput
from qualcode.exports.matrices import MatrixFilter, cooccurrence
from qualcode.services.codings import add_coding
from qualcode.services.importing import import_paths
from qualcode.store import open_store

TALBRUECK = (
    "I: Wie war das im Frühjahr 2022?\n"  # turn 0 = sentence 0 [3, 32)
    "B: Die Turnhalle war belegt. Der Helferkreis war sofort da. Ohne Netzwerk geht nichts.\n"
    # turn 1 [36, 119): sentences 1 [36, 61), 2 [62, 92), 3 [93, 119)
    "I: Und heute?\n"  # turn 2 = sentence 4 [123, 133)
    "B: Heute fehlen Wohnungen. Große Wohnungen für Familien – „kein Ort für Kinder“. 🙂\n"
    # turn 3 [137, 216): sentences 5 [137, 160), 6 [161, 216)
)
SEEDORF = "I: Und Sie?\nB: Ja. Nein.\n"  # turn 1 [15, 24): sentences "Ja." and "Nein."

# number: document, code, phrase (first occurrence) -> turn, sentence
CODINGS = [
    ("talbrueck", "Wohnen", "Die Turnhalle war belegt."),  # 1: T1 S1
    ("talbrueck", "Arbeit", "Ohne Netzwerk geht nichts."),  # 2: T1 S3
    ("talbrueck", "Wohnen", "Heute fehlen Wohnungen."),  # 3: T3 S5
    ("talbrueck", "Sprache", "Und heute?"),  # 4: T2 S4
    ("talbrueck", "Arbeit", "Große Wohnungen für Familien"),  # 5: T3 S6
    ("talbrueck", "Sprache", "I: Wie"),  # 6: before turn 0, so T0 S0
    ("talbrueck", "Wohnen", "Und heute?"),  # 7: T2 S4
    ("seedorf", "Wohnen", "Ja."),  # 8: T1 S1
    ("seedorf", "Arbeit", "Nein."),  # 9: T1 S2
]
# Codes in path order: Arbeit (2, 5, 9), Sprache (4, 6), Wohnen (1, 3, 7, 8).


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("units")
    texts = {"talbrueck": TALBRUECK, "seedorf": SEEDORF}
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    path = str(folder / "u.db")
    store = open_store(path)
    load_codebook(store, parse_codebook("title: Drei\ncodes:\n  - name: Wohnen\n"
                                        "  - name: Arbeit\n  - name: Sprache\n"))
    report = import_paths(store, sorted(folder.glob("*.txt")))
    assert not report.failed
    for document, code, phrase in CODINGS:
        start = texts[document].index(phrase)
        add_coding(store, document=document, code=code, coder="anna", start=start,
                   end=start + len(phrase))
    store.close()
    return path


def matrix_of(db: str, semantics: str, window: int = 1):  # type: ignore[no-untyped-def]
    store = open_store(db)
    try:
        matrix = cooccurrence(store, MatrixFilter(semantics=semantics, window=window),
                              jaccard=True)
    finally:
        store.close()
    assert matrix.codes == ["Arbeit", "Sprache", "Wohnen"]
    return matrix


def test_same_turn(db: str) -> None:
    # Turn pairs: 1-2 and 3-5 (Talbrück), 8-9 (Seedorf): Arbeit–Wohnen 3; 4-7: Sprache–Wohnen 1.
    # c(Arbeit, Wohnen): a = 3 (2, 5, 9), b = 3 (1, 3, 8): 3 / (3 + 4 - 3) = 3/4.
    # c(Sprache, Wohnen): a = 1, b = 1: 1 / (2 + 4 - 1) = 1/5.
    # Jaccard on turns: Arbeit {T1, T3, Seedorf T1}, Sprache {T0, T2},
    # Wohnen {T1, T2, T3, Seedorf T1}: 3/4 and 1/5.
    matrix = matrix_of(db, "turn")
    assert matrix.counts.tolist() == [[3, 0, 3], [0, 2, 1], [3, 1, 4]]
    assert matrix.c_coefficient == pytest.approx(np.array([[1, 0, 3 / 4], [0, 1, 1 / 5],
                                                           [3 / 4, 1 / 5, 1]]))
    assert matrix.jaccard == pytest.approx(np.array([[1, 0, 3 / 4], [0, 1, 1 / 5],
                                                     [3 / 4, 1 / 5, 1]]))


def test_within_one_sentence(db: str) -> None:
    # Start sentences at most 1 apart: 2-4 (S3, S4) Arbeit–Sprache; 2-7, 3-5, 8-9
    # Arbeit–Wohnen; 1-6 (S1, S0), 3-4, 4-7 Sprache–Wohnen.
    # c(Arbeit, Sprache) = 1 / (3 + 2 - 1) = 1/4; c(Arbeit, Wohnen): a = 3, b = 3: 3/4;
    # c(Sprache, Wohnen): a = 2 (4, 6), b = 3 (1, 3, 7): 2.5 / (2 + 4 - 2.5) = 5/7.
    # Jaccard on start sentences: Sprache {S0, S4} and Wohnen {S1, S4, S5, Seedorf S1}
    # share S4: 1/5; Arbeit {S3, S6, Seedorf S2} shares none.
    matrix = matrix_of(db, "sentences", window=1)
    assert matrix.counts.tolist() == [[3, 1, 3], [1, 2, 3], [3, 3, 4]]
    assert matrix.c_coefficient == pytest.approx(np.array([[1, 1 / 4, 3 / 4], [1 / 4, 1, 5 / 7],
                                                           [3 / 4, 5 / 7, 1]]))
    assert matrix.jaccard == pytest.approx(np.array([[1, 0, 0], [0, 1, 1 / 5],
                                                     [0, 1 / 5, 1]]))


def test_in_the_same_sentence(db: str) -> None:
    # Window 0: only 4 and 7 start in the same sentence (S4).
    matrix = matrix_of(db, "sentences", window=0)
    assert matrix.counts.tolist() == [[3, 0, 0], [0, 2, 1], [0, 1, 4]]


def test_a_negative_window_and_an_unknown_semantics_are_refused(db: str) -> None:
    store = open_store(db)
    try:
        with pytest.raises(InvalidInput) as negative:
            cooccurrence(store, MatrixFilter(semantics="sentences", window=-1))
        with pytest.raises(InvalidInput) as unknown:
            cooccurrence(store, MatrixFilter(semantics="absatz"))
    finally:
        store.close()
    assert str(negative.value) == "--window must be 0 or more, not -1."
    assert str(unknown.value) == "--semantics must be one of overlap, turn, sentences."

