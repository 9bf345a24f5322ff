"""Co-occurrence and document x code matrices, checked against brute force and plain SQL."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from qualcode.exports.matrices import MatrixFilter, cooccurrence, document_code_matrix
from qualcode.models import Coder, Coding, Segment
from qualcode.services.codes import code_tree
from qualcode.store import open_store
from qualcode.store.lookup import code_paths, find_coder
from tests.cli import qualcode
from tests.helpers import import_demo, load_study_codebook, random_codings


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("matrix") / "m.db"
    store = open_store(str(db))
    load_study_codebook(store)
    import_demo(store)
    codes = [c.id for c in code_tree(store) if c.depth == 1][:8]
    with store.write() as session:
        coders = [find_coder(session, n, create=True).id for n in ("anna", "björn")]
    random_codings(store, 600, seed=11, codes=codes, coders=coders, lengths=(20, 400))
    store.close()
    return str(db)


def _codings(db: str) -> list[tuple[int, int, str, int, int]]:
    store = open_store(db)
    with store.read() as session:
        paths = code_paths(session)
        rows = [(v, c, paths[k], s, e) for v, c, k, s, e in session.execute(
            select(Coding.version_id, Coding.coder_id, Coding.code_id, Coding.start,
                   Coding.end))]
    store.close()
    return rows


def _brute_force(rows, meets) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    counts: dict[tuple[str, str], int] = {}
    for a, b in combinations(rows, 2):
        if a[0] == b[0] and a[1] == b[1] and a[2] != b[2] and meets(a, b):
            counts[(a[2], b[2])] = counts.get((a[2], b[2]), 0) + 1
            counts[(b[2], a[2])] = counts.get((b[2], a[2]), 0) + 1
    return counts


def _check(matrix, expected: dict[tuple[str, str], int], rows) -> None:  # type: ignore[no-untyped-def]
    index = {code: n for n, code in enumerate(matrix.codes)}
    for (a, b), n in expected.items():
        assert matrix.counts[index[a], index[b]] == n, (a, b)
    off = matrix.counts - np.diag(np.diag(matrix.counts))
    assert off.sum() == sum(expected.values())
    assert (matrix.counts == matrix.counts.T).all()
    frequency = {code: sum(1 for r in rows if r[2] == code) for code in matrix.codes}
    assert [matrix.counts[i, i] for i in range(len(matrix.codes))] == \
        [frequency[c] for c in matrix.codes]


def test_overlap_matches_brute_force_and_sql_self_join(coded: str) -> None:
    rows = _codings(coded)
    matrix = cooccurrence(open_store(coded), MatrixFilter())
    _check(matrix, _brute_force(rows, lambda a, b: a[3] < b[4] and b[3] < a[4]), rows)
    store = open_store(coded)
    with store.read() as session:
        paths = code_paths(session)
        joined = session.execute(text(
            'SELECT a.code_id, b.code_id, count(*) FROM codings a JOIN codings b '
            'ON a.version_id = b.version_id AND a.coder_id = b.coder_id AND a.id <> b.id '
            'AND a.code_id <> b.code_id AND a.start < b."end" AND b.start < a."end" '
            'GROUP BY a.code_id, b.code_id')).all()
    index = {code: n for n, code in enumerate(matrix.codes)}
    for a, b, n in joined:
        assert matrix.counts[index[paths[a]], index[paths[b]]] == n


def test_c_coefficient_and_jaccard(coded: str) -> None:
    rows = _codings(coded)
    matrix = cooccurrence(open_store(coded), MatrixFilter(), jaccard=True)
    n = matrix.counts
    i, j = 0, 1
    a, b = matrix.codes[0], matrix.codes[1]

    def meeting(code: str, other: str) -> int:  # codings of code that meet a coding of other
        return sum(1 for r in rows if r[2] == code and any(
            (o[0], o[1], o[2]) == (r[0], r[1], other) and o[3] < r[4] and r[3] < o[4]
            for o in rows))

    n12 = (meeting(a, b) + meeting(b, a)) / 2
    assert matrix.c_coefficient[i, j] == pytest.approx(n12 / (n[i, i] + n[j, j] - n12))
    assert ((matrix.c_coefficient >= 0) & (matrix.c_coefficient <= 1)).all()
    both = either = 0
    for key in {(r[0], r[1]) for r in rows}:
        cover_a = {p for r in rows if (r[0], r[1]) == key and r[2] == a
                   for p in range(r[3], r[4])}
        cover_b = {p for r in rows if (r[0], r[1]) == key and r[2] == b
                   for p in range(r[3], r[4])}
        both += len(cover_a & cover_b)
        either += len(cover_a | cover_b)
    assert matrix.jaccard[0, 1] == pytest.approx(both / either)


@pytest.mark.parametrize(("semantics", "window"), [("turn", 0), ("sentences", 2)])
def test_turn_and_sentence_semantics(coded: str, semantics: str, window: int) -> None:
    rows = _codings(coded)
    store = open_store(coded)
    kind = "turn" if semantics == "turn" else "sentence"
    with store.read() as session:
        starts: dict[int, list[int]] = {}
        for v, s in session.execute(select(Segment.version_id, Segment.start).where(
                Segment.kind == kind).order_by(Segment.start)):
            starts.setdefault(v, []).append(s)

    def unit(row) -> int:  # type: ignore[no-untyped-def]
        import bisect

        return max(bisect.bisect_right(starts[row[0]], row[3]) - 1, 0)

    reach = 0 if semantics == "turn" else window
    expected = _brute_force(rows, lambda a, b: abs(unit(a) - unit(b)) <= reach)
    matrix = cooccurrence(store, MatrixFilter(semantics=semantics, window=window), jaccard=True)
    _check(matrix, expected, rows)
    # Jaccard on units: the (document, coder, unit) places coded with both codes / with either
    places = {code: {(r[0], r[1], unit(r)) for r in rows if r[2] == code} for code in matrix.codes}
    for i, a in enumerate(matrix.codes):
        for j, b in enumerate(matrix.codes):
            share = len(places[a] & places[b]) / len(places[a] | places[b])
            assert matrix.jaccard[i, j] == pytest.approx(share), (a, b)


def test_coder_and_variable_subsets(coded: str) -> None:
    rows = _codings(coded)
    store = open_store(coded)
    with store.read() as session:
        anna = session.scalar(select(Coder.id).where(Coder.name == "anna"))
    mine = [r for r in rows if r[1] == anna]
    matrix = cooccurrence(store, MatrixFilter(coders=["anna"]))
    assert int(np.trace(matrix.counts)) == len(mine)
    documents = document_code_matrix(store, MatrixFilter(), group_by="kind")
    assert documents.rows == ["focus group", "interview"]
    assert documents.counts.sum() == len(rows)
    per_doc = document_code_matrix(store, MatrixFilter(variables={"kind": ["interview"]}))
    assert len(per_doc.rows) == 4


def test_files_and_pictures(coded: str, tmp_path: Path) -> None:
    for name in ("c.csv", "c.xlsx", "c.png", "c.svg"):
        result = qualcode("export", "matrix", "-o", str(tmp_path / name), "--measure", "c",
                          db=coded)
        assert result.code == 0, result.err
        assert (tmp_path / name).stat().st_size > 500
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    # names stay text (wrapped on two lines at most), umlauts intact
    assert "Ämterübergreifende" in svg and "Zusammenarbeit" in svg
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    sheet = load_workbook(tmp_path / "c.xlsx").active
    first_path = sheet.cell(2, 1).value
    assert "/" in first_path and sheet.cell(1, 2).value == first_path.rsplit("/", 1)[1]
    assert sheet.cell(1, 2).alignment.text_rotation == 90
    assert sheet.row_dimensions[1].height >= 7 * len(sheet.cell(1, 2).value)
    assert sheet.freeze_panes == "B2" and sheet.page_setup.orientation == "landscape"
    result = qualcode("export", "matrix", "--kind", "documents", "--group-by", "municipality",
                      "-o", str(tmp_path / "d.csv"), db=coded)
    assert result.code == 0, result.err


def test_pair_counts_in_chunks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import qualcode.exports.matrices as matrices

    rng = np.random.default_rng(1)
    n = 4000
    version, coder, code = (rng.integers(0, k, n) for k in (3, 2, 7))
    start = rng.integers(0, 10_000, n)
    end = start + rng.integers(1, 500, n)
    whole = matrices.pair_counts(version, coder, code, start, end, 7)
    monkeypatch.setattr(matrices, "PAIRS_PER_CHUNK", 997)
    assert (matrices.pair_counts(version, coder, code, start, end, 7) == whole).all()


def test_big_heatmaps_stay_printable(tmp_path: Path) -> None:
    import struct

    from qualcode.exports.matrix_files import write_heatmap

    codes = [f"Thema {n // 10}/Ein recht langer Codename für Code Nummer {n}" for n in range(100)]
    values = np.arange(100 * 100).reshape(100, 100)
    picture = tmp_path / "gross.png"
    write_heatmap(picture, codes, codes, values, "Gemeinsames Auftreten", diagonal_apart=True)
    width, height = struct.unpack(">II", picture.read_bytes()[16:24])
    # 100 cells of 0.4 inches at 150 dpi would be 6,000 pixels before the labels
    assert max(width, height) < 4500
