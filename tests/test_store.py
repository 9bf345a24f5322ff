"""The store: creation at head, SQLite settings, one transaction per unit of work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from qualcode.errors import InvalidInput, StoreUnavailable, UserError
from qualcode.services.codings import add_coding
from qualcode.store import open_store, resolve_url
from qualcode.store.schema import HEAD
from tests.helpers import add_interview, dump, load_study_codebook


def test_new_store_is_created_at_head(store) -> None:
    assert store.revision() == HEAD


def test_sqlite_store_uses_wal_foreign_keys_and_busy_timeout(sqlite_store) -> None:
    with sqlite_store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 10_000


def test_failed_unit_of_work_leaves_store_unchanged(store) -> None:
    load_study_codebook(store)
    add_interview(store)
    before = dump(store)
    with pytest.raises(InvalidInput):
        add_coding(store, document="Interview Neuweiler", code="Wohnen und Unterbringung",
                   coder="anna", start=10, end=100_000)
    assert dump(store) == before


def test_error_inside_write_rolls_back_everything(store) -> None:
    add_interview(store)
    before = dump(store)
    with pytest.raises(RuntimeError), store.write() as session:
        session.execute(text("DELETE FROM document_variables"))
        raise RuntimeError("simulated crash in the middle of a unit of work")
    assert dump(store) == before


def test_path_and_env_resolve_to_sqlite_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_DB", raising=False)
    assert resolve_url(None) == "sqlite:///qualcode.db"
    monkeypatch.setenv("QUALCODE_DB", "/tmp/projekt.db")
    assert resolve_url(None) == "sqlite:////tmp/projekt.db"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_file_that_is_not_a_store_gives_plain_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notizen.db"
    bogus.write_text("Das ist keine Datenbank, sondern eine Notiz über Übergänge.\n" * 50)
    with pytest.raises(UserError, match=r"notizen\.db"):
        open_store(str(bogus))


def test_store_from_a_newer_qualcode_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "neu.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(StoreUnavailable, match="newer version"):  # a user error: exit 2
        open_store(str(path))


@pytest.mark.postgres
def test_unreachable_server_gives_plain_error() -> None:
    with pytest.raises(UserError, match="cannot be opened"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_bulk_insert_keeps_text_exactly_and_rebuilds_indexes(store) -> None:
    from sqlalchemy import inspect

    from qualcode.services.codings import NewCoding, bulk_insert
    from qualcode.store.lookup import find_coder

    load_study_codebook(store)
    add_interview(store)
    with store.write() as session:
        coder_id = find_coder(session, "bulk", create=True).id
    tricky = "Tab\there, Zeile\nneu, Backslash \\N, „Zitat“ 🙂"
    rows = [NewCoding(1, 1 + i % 40, coder_id, i, i + 5, tricky, None if i % 2 else "Memo ß")
            for i in range(1000)]
    assert bulk_insert(store, rows) == 1000
    with store.read() as session:
        texts = session.execute(text("SELECT DISTINCT text FROM codings")).scalars().all()
        memos = set(session.execute(text("SELECT memo FROM codings")).scalars())
        indexes = {i["name"] for i in inspect(session.connection()).get_indexes("codings")}
    assert texts == [tricky]
    assert memos == {None, "Memo ß"}
    assert {"ix_codings_code", "ix_codings_coder", "ix_codings_version_start"} <= indexes


def test_status_counts_agree_with_the_models(store) -> None:
    from sqlalchemy import func, select

    from qualcode.models import Code, Coding, Document, Segment
    from qualcode.services.status import status

    load_study_codebook(store)
    add_interview(store)
    for coder, start in (("anna", 0), ("anna", 30), ("björn", 5)):
        add_coding(store, document="Interview Neuweiler", code="Soziale Integration",
                   coder=coder, start=start, end=start + 12)
    info = status(store)
    with store.read() as session:
        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model))

        assert (info.documents, info.segments, info.codes, info.codings) == (
            count(Document), count(Segment), count(Code), count(Coding))
    assert info.codings_per_coder == {"anna": 2, "björn": 1}
