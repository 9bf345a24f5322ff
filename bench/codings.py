"""Codings import figures (issue 11): the PostgreSQL staging route and peak memory.

Targets: 1,000,000 codings bulk-inserted on PostgreSQL through the staging route (COPY into a
temporary table, one INSERT ... SELECT with keys checked set-wise) within 3x of a plain COPY of
the same rows into an unindexed table, measured in the same run; importing a 1,000,000-row
codings CSV (``qualcode import codings`` in a subprocess) with a peak RSS under 1 GB.

``QUALCODE_BENCH_CODINGS`` sets a smaller count for a quick look.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from bench.common import CODEBOOK, REPO, postgres, timed
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.services.codes import code_tree
from qualcode.services.codings import STAGED_COLUMNS, STAGED_TYPES, NewCoding, bulk_insert
from qualcode.services.documents import NewDocument, add_document
from qualcode.store import Store, open_store
from qualcode.store.lookup import find_coder

ROWS = int(os.environ.get("QUALCODE_BENCH_CODINGS", "1000000"))
DOCUMENTS = 6
SENTENCE = ("B: Die Zusammenarbeit mit den Ehrenamtlichen im Helferkreis hat sich seit 2015 "
            "deutlich verändert, vor allem bei der Wohnungssuche. ")
TEXT = SENTENCE * 120
MAX_RSS_MB = 1024

PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
if done.returncode:
    sys.exit(done.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def project(store: Store) -> tuple[list[int], int]:
    """The study codebook and six documents; the code ids and a coder's id."""
    load_codebook(store, read_codebook(CODEBOOK))
    for n in range(DOCUMENTS):
        add_document(store, NewDocument(name=f"Transkript {n}", text=TEXT))
    with store.write() as session:
        coder = find_coder(session, "bulk", create=True).id
    return [c.id for c in code_tree(store)], coder


def rows(codes: list[int], coder: int) -> Iterator[NewCoding]:
    for i in range(ROWS):
        start = (i * 13) % 8_000
        yield NewCoding(1 + i % DOCUMENTS, codes[i % len(codes)], coder, start, start + 80,
                        TEXT[start:start + 80], "Notiz ß" if i % 10 == 0 else None, i % 7 == 0)


def plain_copy(url: str, codes: list[int], coder: int) -> float:
    """The same rows, the same way (binary COPY), into a table without keys or indexes."""
    import psycopg

    quoted = ", ".join(f'"{c}"' for c in STAGED_COLUMNS)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute('CREATE TABLE plain_codings (version_id integer, code_id integer, '
                     'coder_id integer, start integer, "end" integer, text text, memo text, '
                     "is_voice boolean)")

        sql = f"COPY plain_codings ({quoted}) FROM STDIN (FORMAT BINARY)"

        def load() -> None:
            with conn.cursor() as cursor, cursor.copy(sql) as copy:
                copy.set_types(STAGED_TYPES)
                for c in rows(codes, coder):
                    copy.write_row((c.version_id, c.code_id, c.coder_id, c.start, c.end, c.text,
                                    c.memo, c.is_voice))
            conn.commit()

        return timed(load)


def staged_route(url: str) -> dict[str, object]:
    """As the bench's superuser (per-row FK triggers skipped) and as a plain writer role."""
    store = open_store(url)
    codes, coder = project(store)
    baseline = plain_copy(url, codes, coder)
    staged = timed(lambda: bulk_insert(store, rows(codes, coder)))
    with store.write() as session:
        session.execute(text("TRUNCATE codings"))
        for sql in ("CREATE ROLE bench_writer LOGIN", "GRANT USAGE ON SCHEMA public TO "
                    "bench_writer", "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO "
                    "bench_writer", "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "
                    "bench_writer"):
            session.execute(text(sql))
    store.close()
    writer = open_store(url.replace("://postgres@", "://bench_writer@"))
    with_triggers = timed(lambda: bulk_insert(writer, rows(codes, coder)))
    writer.close()
    return {"codings": ROWS, "staged_seconds": round(staged, 3),
            "plain_copy_seconds": round(baseline, 3), "ratio": round(staged / baseline, 2),
            "target_ratio": 3, "staged_seconds_as_plain_writer_role": round(with_triggers, 3)}


def codings_csv(path: Path, codes: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "coder", "code", "start", "end", "memo", "stimme"])
        for i in range(ROWS):
            start = (i * 13) % 8_000
            writer.writerow([f"Transkript {i % DOCUMENTS}", f"coder{i % 4}", codes[i % len(codes)],
                             start, start + 80, "Notiz, mit „Zitat“" if i % 10 == 0 else "",
                             "true" if i % 7 == 0 else "false"])


def import_peak(db: str, csv_file: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "qualcode", "--db", db, "import", "codings", str(csv_file)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}

    def run() -> None:
        nonlocal peak_kib
        done = subprocess.run([sys.executable, "-c", PEAK, *command], check=True,
                              capture_output=True, text=True, env=env)
        peak_kib = int(done.stdout)

    peak_kib = 0
    seconds = timed(run)
    return {"rows": ROWS, "seconds": round(seconds, 3), "peak_rss_mb": round(peak_kib / 1024),
            "target_mb": MAX_RSS_MB}


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "import.db"
        store = open_store(str(db))
        project(store)
        paths = [c.path for c in code_tree(store)]
        store.close()
        csv_file = Path(tmp) / "codings.csv"
        codings_csv(csv_file, paths)
        figures["csv_mb"] = round(csv_file.stat().st_size / 2**20)
        figures["import_csv_sqlite"] = import_peak(str(db), csv_file)
        with postgres() as url:
            if url is None:
                figures["postgres"] = "skipped: no PostgreSQL server binaries installed"
                return figures
            figures["bulk_insert_postgres_staged"] = staged_route(url)
            pg = open_store(url)
            with pg.write() as session:
                session.execute(text("TRUNCATE codings"))
            pg.close()
            figures["import_csv_postgres"] = import_peak(url, csv_file)
    return figures
