"""Packed integer reads (store.columns) on SQLite and PostgreSQL, and the matrices built on them."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sqlalchemy import select

from qualcode.exports.matrices import MatrixFilter, cooccurrence
from qualcode.models import Code, Coding, DocumentVersion
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.store import Store
from qualcode.store.columns import pack_groups, read_int_columns
from qualcode.store.lookup import code_paths, find_coder
from tests.helpers import INTERVIEW, add_interview, load_study_codebook


def _coded(store: Store) -> None:
    load_study_codebook(store)
    add_interview(store)
    add_interview(store, "Interview Altenbrück")
    with store.write() as session:
        coders = [find_coder(session, n, create=True).id for n in ("anna", "björn", "cem")]
        versions = list(session.scalars(select(DocumentVersion.id)))
        codes = list(session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))[:6]
    rng = random.Random(5)
    rows = []
    for _ in range(300):
        start = rng.randrange(0, len(INTERVIEW) - 40)
        end = start + rng.randint(1, 40)
        rows.append(NewCoding(rng.choice(versions), rng.choice(codes), rng.choice(coders),
                              start, end, INTERVIEW[start:end]))
    bulk_insert(store, rows)


def test_packed_columns_equal_a_plain_read(store: Store) -> None:
    _coded(store)
    query = select(Coding.version_id, Coding.coder_id, Coding.code_id, Coding.start,
                   Coding.end).where(Coding.anchor_status != "unplaced").order_by(Coding.id)
    with store.read() as session:
        plain = np.array(session.execute(query).all(), dtype=np.int64)
        narrow = read_int_columns(session, query, [1000, 10, 1000, len(INTERVIEW),
                                                   len(INTERVIEW)])
        # bounds this wide need one packed value per column: the fallback path
        wide = read_int_columns(session, query, [2**40] * 5)
    for packed in (narrow, wide):
        assert (np.stack(packed, axis=1) == plain).all()


def test_groups_fill_63_bits() -> None:
    assert pack_groups([7, 2, 8, 17, 17]) == [[0, 1, 2, 3, 4]]
    assert pack_groups([40, 30, 20, 63]) == [[0], [1, 2], [3]]
    with pytest.raises(ValueError):
        pack_groups([64])


def test_cooccurrence_on_both_stores_matches_brute_force(store: Store) -> None:
    _coded(store)
    with store.read() as session:
        paths = code_paths(session)
        rows = session.execute(select(Coding.version_id, Coding.coder_id, Coding.code_id,
                                      Coding.start, Coding.end)).all()
    expected: dict[tuple[str, str], int] = {}
    for n, a in enumerate(rows):
        for b in rows[n + 1:]:
            if a[:2] == b[:2] and a[2] != b[2] and a[3] < b[4] and b[3] < a[4]:
                for pair in ((paths[a[2]], paths[b[2]]), (paths[b[2]], paths[a[2]])):
                    expected[pair] = expected.get(pair, 0) + 1
    matrix = cooccurrence(store, MatrixFilter())
    index = {code: n for n, code in enumerate(matrix.codes)}
    found = {(a, b): int(matrix.counts[index[a], index[b]])
             for a in matrix.codes for b in matrix.codes if a != b}
    assert {k: v for k, v in found.items() if v} == expected
    assert sorted(np.diag(matrix.counts).tolist()) == sorted(
        sum(1 for r in rows if paths[r[2]] == code) for code in matrix.codes)
