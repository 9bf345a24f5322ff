"""The c-coefficient and Jaccard on hand-computed cases: both stay in [0, 1].

c = n12 / (n1 + n2 - n12) with n1, n2 the codings of each code and n12 = (a + b) / 2, where a
is the number of codings of code 1 that meet at least one coding of code 2 and b the reverse
(docs/exports.md). The pair counts (the matrix's off-diagonal) still count pairs.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.exports import matrices
from qualcode.exports.matrices import (
    MatrixFilter,
    _narrow,
    c_coefficient,
    cooccurrence,
    meetings,
)
from qualcode.services.coding_import import import_codings
from qualcode.services.documents import NewDocument, add_document
from qualcode.store import open_store
from tests.cli import qualcode

TEXT = ("B: Die Unterkunft in der Turnhalle war laut – „kein Ort für Kinder“, sagte Frau Öz. "
        "Später kam die Arbeit im Bauhof dazu; ohne Sprachkurs ging das kaum. 🙂 Die Nachbarn "
        "halfen, die Gemeinde zahlte die Miete für eine Wohnung in der Straße am Mühlbach. "
        "Und die Schule? Die Kinder lernten schnell Deutsch, schneller als wir.\n")

# (coder, code, start, end); each coder holds one case. Codes: A = Wohnen, B = Arbeit.
ENCLOSING = [("anna", "Wohnen", 0, 100),
             ("anna", "Arbeit", 10, 20), ("anna", "Arbeit", 30, 40), ("anna", "Arbeit", 50, 60),
             ("anna", "Arbeit", 200, 210)]
CHAIN = [("björn", "Wohnen", 0, 10), ("björn", "Arbeit", 5, 15), ("björn", "Wohnen", 12, 20),
         ("björn", "Arbeit", 18, 30), ("björn", "Wohnen", 40, 50)]
SAME_CODE = [("cem", "Wohnen", 0, 20), ("cem", "Wohnen", 10, 30), ("cem", "Arbeit", 15, 25),
             ("cem", "Arbeit", 100, 110)]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("c-index")
    path = str(folder / "m.db")
    store = open_store(path)
    load_codebook(store, parse_codebook("title: Zwei\ncodes:\n  - name: Wohnen\n"
                                        "  - name: Arbeit\n"))
    assert len(TEXT) > 210
    add_document(store, NewDocument("Gespräch Mühlbach", TEXT))
    table = folder / "codings.csv"
    table.write_text("document,coder,code,start,end\n" + "".join(
        f"Gespräch Mühlbach,{coder},{code},{start},{end}\n"
        for coder, code, start, end in ENCLOSING + CHAIN + SAME_CODE), encoding="utf-8")
    import_codings(store, table)
    store.close()
    return path


def figures(db: str, coder: str) -> tuple[int, float, float]:
    """Pairs, c and Jaccard of Arbeit (row 0) and Wohnen (row 1) for one coder's case."""
    store = open_store(db)
    matrix = cooccurrence(store, MatrixFilter(coders=[coder]), jaccard=True)
    store.close()
    assert matrix.codes == ["Arbeit", "Wohnen"]
    assert matrix.c_coefficient[0, 1] == matrix.c_coefficient[1, 0]
    return int(matrix.counts[0, 1]), matrix.c_coefficient[0, 1], matrix.jaccard[0, 1]


def test_one_coding_enclosing_three(db: str) -> None:
    # Wohnen [0,100) encloses Arbeit [10,20), [30,40), [50,60); Arbeit [200,210) stands alone.
    # pairs: 3. n_Wohnen = 1, n_Arbeit = 4. a (Wohnen codings meeting Arbeit) = 1,
    # b (Arbeit codings meeting Wohnen) = 3; n12 = (1 + 3) / 2 = 2; c = 2 / (1 + 4 - 2) = 2/3.
    # (Per pair it would be 3 / (1 + 4 - 3) = 1.5; without the lone coding 3 / 1 = 3.)
    # Jaccard on code points: both 30, either 100 + 10 = 110.
    pairs, c, jaccard = figures(db, "anna")
    assert pairs == 3
    assert c == pytest.approx(2 / 3)
    assert jaccard == pytest.approx(30 / 110)


def test_chain(db: str) -> None:
    # Wohnen [0,10) – Arbeit [5,15) – Wohnen [12,20) – Arbeit [18,30); Wohnen [40,50) alone.
    # pairs: 3. n_Wohnen = 3, n_Arbeit = 2; a = 2 (the first two Wohnen), b = 2;
    # n12 = 2; c = 2 / (3 + 2 - 2) = 2/3 (per pair: 3 / (5 - 3) = 1.5).
    # Jaccard: Wohnen covers 10 + 8 + 10 = 28, Arbeit 10 + 12 = 22, both 5 + 3 + 2 = 10;
    # either 28 + 22 - 10 = 40.
    pairs, c, jaccard = figures(db, "björn")
    assert pairs == 3
    assert c == pytest.approx(2 / 3)
    assert jaccard == pytest.approx(10 / 40)


def test_two_overlapping_codings_of_one_code(db: str) -> None:
    # Wohnen [0,20) and Wohnen [10,30) overlap each other; both meet Arbeit [15,25);
    # Arbeit [100,110) is alone. Codings of one code are not merged: n_Wohnen = 2 (the
    # diagonal), a = 2, b = 1, n12 = 1.5, c = 1.5 / (2 + 2 - 1.5) = 0.6; pairs: 2.
    # Jaccard counts a code point once however many codings of one code cover it:
    # Wohnen covers [0,30) = 30, Arbeit 10 + 10 = 20, both [15,25) = 10; 10 / 40.
    pairs, c, jaccard = figures(db, "cem")
    assert pairs == 2
    assert c == pytest.approx(0.6)
    assert jaccard == pytest.approx(10 / 40)
    store = open_store(db)
    matrix = cooccurrence(store, MatrixFilter(coders=["cem"]))
    store.close()
    assert matrix.counts[1, 1] == 2 and matrix.counts[0, 0] == 2


def test_all_three_cases_together_through_the_cli(db: str, tmp_path: Path) -> None:
    # Cases of different coders never meet: a = 1 + 2 + 2 = 5, b = 3 + 2 + 1 = 6,
    # n12 = 5.5; n_Wohnen = 1 + 3 + 2 = 6, n_Arbeit = 4 + 2 + 2 = 8;
    # c = 5.5 / (6 + 8 - 5.5) = 5.5 / 8.5.
    target = tmp_path / "c.csv"
    result = qualcode("export", "matrix", "--measure", "c", "-o", str(target), db=db)
    assert result.code == 0, result.err
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["", "Arbeit", "Wohnen"]
    assert float(rows[1][2]) == pytest.approx(5.5 / 8.5, abs=1e-4)
    assert float(rows[1][1]) == 1


@st.composite
def codings(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 40))
    size = draw(st.integers(1, 4))
    values = [draw(st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, size - 1),
                             st.integers(0, 60), st.integers(1, 25))) for _ in range(n)]
    version, coder, code, start, length = (np.array(v, dtype=np.int64)
                                           for v in zip(*values, strict=True))
    return version, coder, code, start, start + length, size


@pytest.mark.fuzz
@given(codings())
def test_distinct_partners_match_brute_force_and_c_stays_in_unit_range(data) -> None:  # type: ignore[no-untyped-def]
    version, coder, code, start, end, size = data
    found = meetings(version, coder, code, start, end, size)
    met = np.zeros((size, size), dtype=np.int64)
    pairs = np.zeros((size, size), dtype=np.int64)

    def meet(x: int, y: int) -> bool:
        return bool(version[x] == version[y] and coder[x] == coder[y]
                    and start[x] < end[y] and start[y] < end[x])

    for x in range(len(code)):
        for other in set(range(size)) - {int(code[x])}:
            met[code[x], other] += any(meet(x, y) for y in range(len(code)) if code[y] == other)
    for x, y in itertools.combinations(range(len(code)), 2):
        if code[x] != code[y] and meet(x, y):
            pairs[code[x], code[y]] += 1
            pairs[code[y], code[x]] += 1
    assert (found.met == met).all()
    assert (found.pairs == pairs).all()
    assert found.met.dtype.kind == found.pairs.dtype.kind == "i"  # counts, written as such
    with pytest.MonkeyPatch.context() as patch:  # many slices of two pairs each: the same
        patch.setattr(matrices, "PAIRS_PER_CHUNK", 2)
        sliced = meetings(version, coder, code, start, end, size)
    assert (sliced.met == met).all() and (sliced.pairs == pairs).all()
    c = c_coefficient(found.met, np.bincount(code, minlength=size))
    assert ((c >= 0) & (c <= 1)).all()


@pytest.mark.parametrize(("values", "narrowed"), [
    ([], True), ([-(2**31), 0, 2**31 - 1], True), ([2**31], False), ([-(2**31) - 1], False)])
def test_values_are_narrowed_to_int32_exactly_when_they_fit(values: list[int],
                                                            narrowed: bool) -> None:
    given_values = np.array(values, dtype=np.int64)
    result = _narrow(given_values)
    assert result.dtype == (np.int32 if narrowed else np.int64)
    assert result.tolist() == values
