"""Checks that once leaned on fakes, made with the real thing.

A coder's codings are their own (on both stores); a .docx encrypted by a real Office
encryption routine is refused as password-protected; the progress line is drawn on a real
terminal (a pseudo-terminal) and never on a pipe.
"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.errors import InvalidInput
from qualcode.services.codings import add_coding, remove_coding, update_coding
from qualcode.services.importing import import_paths
from qualcode.store import Store, open_store
from tests.helpers import add_interview, dump, load_study_codebook, random_codings


def test_a_coder_cannot_change_or_remove_another_coders_coding(store: Store) -> None:
    load_study_codebook(store)
    add_interview(store)
    annas = add_coding(store, document="Interview Neuweiler", code="Soziale Integration",
                       coder="anna", start=3, end=40, memo="Annas Notiz")
    add_coding(store, document="Interview Neuweiler", code="Soziale Integration",
               coder="björn", start=50, end=60)
    before = dump(store)
    attempts = [
        lambda: update_coding(store, annas.id, actor="björn", memo="überschrieben"),
        lambda: update_coding(store, annas.id, actor="björn", code="Wohnen und Unterbringung"),
        lambda: update_coding(store, annas.id, actor="björn", is_voice=True),
        lambda: update_coding(store, annas.id, actor="björn", clear_memo=True),
        lambda: remove_coding(store, annas.id, actor="björn"),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput, match="each coder changes only their own codings"):
            attempt()
    assert dump(store) == before
    update_coding(store, annas.id, actor="anna", memo="geändert")
    remove_coding(store, annas.id, actor="anna")
    assert len(dump(store, "codings")["codings"]) == 1


def _encrypted_docx(path: Path, password: str) -> Path:
    from docx import Document
    from msoffcrypto.format.ooxml import OOXMLFile

    document = Document()
    document.add_paragraph("I: Wie war der Herbst 2015 für Sie?")
    document.add_paragraph("B: Anstrengend – aber „wir haben’s geschafft“.")
    plain = io.BytesIO()
    document.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return path


def test_a_password_protected_docx_is_refused_plainly(sqlite_store: Store,
                                                      tmp_path: Path) -> None:
    path = _encrypted_docx(tmp_path / "geschützt.docx", "geheim")
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container
    before = dump(sqlite_store)
    report = import_paths(sqlite_store, [path])
    (_, message), = report.failed
    assert "geschützt.docx" in message and "password-protected" in message
    assert dump(sqlite_store) == before


@pytest.fixture(scope="module")
def many_codings(tmp_path_factory: pytest.TempPathFactory) -> str:
    """150,001 codings: enough for an export to take longer than the progress line's delay."""
    from sqlalchemy import select

    from qualcode.models import Code, Coder

    db = str(tmp_path_factory.mktemp("progress") / "viele.db")
    store = open_store(db)
    load_study_codebook(store)
    for n in range(3):
        add_interview(store, f"Interview {n}")
    add_coding(store, document="Interview 0", code="Soziale Integration", coder="anna",
               start=0, end=10)
    with store.read() as session:
        codes = list(session.scalars(select(Code.id).limit(5)))
        coders = list(session.scalars(select(Coder.id)))
    random_codings(store, 150_000, seed=5, codes=codes, coders=coders, lengths=(5, 40))
    store.close()
    return db


def _export(db: str, target: Path, *, terminal: bool) -> str:
    command = [sys.executable, "-m", "qualcode", "--db", db, "export", "codings", "-o",
               str(target)]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    assert process.wait(timeout=300) == 0
    os.close(leader)
    return drawn.decode("utf-8", "replace")


def test_progress_is_drawn_on_a_terminal_and_never_on_a_pipe(many_codings: str,
                                                             tmp_path: Path) -> None:
    on_terminal = _export(many_codings, tmp_path / "a.csv", terminal=True)
    assert "writing codings" in on_terminal and "/150001" in on_terminal
    assert on_terminal.endswith("\r\x1b[2K") or "\r\x1b[2K" in on_terminal[-20:]
    on_pipe = _export(many_codings, tmp_path / "b.csv", terminal=False)
    assert "\x1b" not in on_pipe and "writing codings" not in on_pipe
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
