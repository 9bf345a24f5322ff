"""Export figures: co-occurrence over 1,000,000 codings and 200 codes, quote tables of 10,000.

Targets (issue 5): the co-occurrence matrix (overlap) under 2 s, compared in the same run with
a plain SQL self-join of codings on overlapping ranges (stopped after a time limit); a quote
table of 10,000 quotes to XLSX and to DOCX in under 10 s each.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.common import CODEBOOK, REPO, postgres, timed
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.exports import quote_files
from qualcode.exports.matrices import (
    MatrixFilter,
    cooccurrence,
    document_code_matrix,
    load_codings,
)
from qualcode.exports.quotes import QuoteFilter, quote_table
from qualcode.models import Code, DocumentVersion
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.services.importing import import_paths
from qualcode.store import Store, open_store
from qualcode.store.lookup import find_coder
from qualcode.synthetic.corpus import generate_corpus

CODINGS = 1_000_000
CODES = 200
SQL_LIMIT_S = 60


def big_store(path: Path, url: str | None = None) -> Store:
    """The synthetic study corpus, 200 codes, 1,000,000 codings by two coders.

    In an SQLite file at ``path``, or on the PostgreSQL database ``url``.
    """
    corpus = path.parent / "corpus"
    if not corpus.exists():
        generate_corpus(corpus)
    store = open_store(url or str(path))
    load_codebook(store, read_codebook(CODEBOOK))
    import_paths(store, [corpus])
    with store.write() as session:
        for n in range(CODES - 46):
            session.add(Code(name=f"Zusatzcode {n:03d}", position=100 + n))
        coders = [find_coder(session, name, create=True).id for name in ("anna", "björn")]
        versions = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text))
                        .all())
        codes = list(session.scalars(select(Code.id)))
    rng = random.Random(2)
    ids = list(versions)

    def rows():  # type: ignore[no-untyped-def]
        for _ in range(CODINGS):
            version = rng.choice(ids)
            start = rng.randrange(0, len(versions[version]) - 300)
            yield NewCoding(version, rng.choice(codes), rng.choice(coders), start,
                            start + rng.randint(10, 300), "x")

    bulk_insert(store, rows())
    return store


def sql_self_join(path: Path) -> dict[str, object]:
    connection = sqlite3.connect(path)
    deadline = time.perf_counter() + SQL_LIMIT_S
    connection.set_progress_handler(lambda: int(time.perf_counter() > deadline), 100_000)
    start = time.perf_counter()
    try:
        connection.execute(
            'SELECT a.code_id, b.code_id, count(*) FROM codings a JOIN codings b '
            'ON a.version_id = b.version_id AND a.coder_id = b.coder_id AND a.id < b.id '
            'AND a.start < b."end" AND b.start < a."end" GROUP BY a.code_id, b.code_id'
        ).fetchall()
        finished = True
    except sqlite3.OperationalError:
        finished = False
    seconds = time.perf_counter() - start
    connection.close()
    return {"seconds": round(seconds, 1), "finished": finished,
            "note": "" if finished else f"stopped after {SQL_LIMIT_S} s"}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = big_store(tmp / "big.db")
        result = None

        def compute() -> None:
            nonlocal result
            result = cooccurrence(store, MatrixFilter())

        seconds = timed(compute)
        assert result is not None
        figures: dict[str, object] = {
            "cooccurrence_overlap": {
                "codings": CODINGS, "codes": len(result.codes), "seconds": round(seconds, 3),
                "of_which_reading_seconds": round(timed(
                    lambda: load_codings(store, MatrixFilter())), 3),
                "target_seconds": 2},
            "cooccurrence_turn_seconds": round(timed(
                lambda: cooccurrence(store, MatrixFilter(semantics="turn"))), 3),
            "document_code_matrix_seconds": round(timed(
                lambda: document_code_matrix(store, MatrixFilter())), 3),
            "sql_self_join": sql_self_join(tmp / "big.db"),
        }
        store.close()
        with postgres() as url:
            if url is not None:
                server_store = big_store(tmp / "big.db", url)
                figures["cooccurrence_overlap_postgres_seconds"] = round(timed(
                    lambda: cooccurrence(server_store, MatrixFilter())), 3)
                server_store.close()
        small = open_store(str(tmp / "quotes.db"))
        load_codebook(small, read_codebook(CODEBOOK))
        import_paths(small, [REPO / "transcripts" / "demo" / "docx"])
        with small.write() as session:
            coder = find_coder(session, "anna", create=True).id
            versions = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text))
                            .all())
            codes = list(session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
        rng = random.Random(3)
        rows = []
        for _ in range(10_000):
            version = rng.choice(list(versions))
            start = rng.randrange(0, len(versions[version]) - 300)
            end = start + rng.randint(60, 300)
            rows.append(NewCoding(version, rng.choice(codes), coder, start, end,
                                  versions[version][start:end]))
        bulk_insert(small, rows)
        table = quote_table(small, QuoteFilter(context=60))
        figures["quotes_10000"] = {
            "quotes": len(table.quotes),
            "build_seconds": round(timed(lambda: quote_table(small, QuoteFilter(context=60))),
                                   3),
            "xlsx_seconds": round(timed(lambda: quote_files.write_xlsx(
                tmp / "q.xlsx", table.quotes, context=True)), 3),
            "docx_seconds": round(timed(lambda: quote_files.write_docx(
                tmp / "q.docx", table.quotes, title="Stimmen aus der Praxis")), 3),
            "target_seconds": 10}
        small.close()
    return figures
