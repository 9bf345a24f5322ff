"""qualcode erase: a document, or one speaker in it, gone from every table; the erasure recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from qualcode.services.memos import set_memo
from qualcode.services.privacy import mark_not_identifying
from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump
from tests.privacy_study import TEXTS, make_study


@pytest.fixture
def study(tmp_path: Path) -> str:
    return make_study(tmp_path)


def everything(db: str) -> str:
    """Every cell of every table, the full-text index included, as one text."""
    store = open_store(db)
    with store.read() as session:
        tables = inspect(session.get_bind()).get_table_names()
        cells = [str(cell) for table in tables
                 for row in session.execute(text(f'SELECT * FROM "{table}"'))
                 for cell in row]
    store.close()
    return "\n".join(cells)


def test_erase_a_document_leaves_nothing_of_it(study: str) -> None:
    store = open_store(study)
    with store.read() as session:
        document_id = session.execute(text(
            "SELECT id FROM documents WHERE name = 'Interview Nordheim'")).scalar_one()
    set_memo(store, "document", document_id, "Frau Aydın wirkte erschöpft", coder="anna")
    mark_not_identifying(store, "Interview Nordheim", 3, 8, actor="anna")
    store.close()
    assert "Kovalenko" in everything(study)
    result = qualcode("erase", "--document", "Interview Nordheim", "--yes", db=study)
    assert result.code == 0, result.err
    left = everything(study)
    for gone in ("Nordheim", "Kovalenko", "Übersetzen", "krause@nordheim", "0228 123456",
                 "Selin", "Aydın", "erschöpft", "Integrationsbeauftragte"):
        assert gone not in left, gone
    assert "Seedorf" in left and "Karin Vogt" in left  # the rest stays
    store = open_store(study)
    with store.read() as session:
        erased = session.execute(text("SELECT after FROM audit_log WHERE action = 'erase'")
                                 ).scalars().all()
        tombstones = session.execute(text(
            "SELECT count(*) FROM audit_log WHERE after = :t OR before = :t"),
            {"t": json.dumps({"erased": True})}).scalar_one()
    store.close()
    assert [json.loads(e) for e in erased] == [
        {"erased": "document", "codings": 1, "memos": 1, "turns": 1}]
    assert tombstones >= 3  # the import, the coding and the memo: entries kept, contents gone
    assert "Kovalenko" not in qualcode("search", "Kovalenko", db=study).out


def test_erase_one_speaker_keeps_everyone_else_in_place(study: str) -> None:
    before = dump(open_store(study), "codings")["codings"]
    result = qualcode("erase", "--speaker", "TN2", "--document", "Fokusgruppe Lindau",
                      "--yes", db=study)
    assert result.code == 0, result.err
    assert "1 turns, 1 codings" in result.out
    left = everything(study)
    for gone in ("Thomas Huber", "Kämmerei", "Die Kosten trägt bei uns der Kreis"):
        assert gone not in left, gone
    after = dump(open_store(study), "codings")["codings"]
    assert len(after) == len(before) - 1
    store = open_store(study)
    with store.read() as session:
        current = session.execute(text(
            "SELECT v.text FROM document_versions v JOIN documents d ON d.id = v.document_id "
            "WHERE d.name = 'Fokusgruppe Lindau'")).scalar_one()
        kept = session.execute(text(
            'SELECT c.start, c."end", c.text FROM codings c JOIN document_versions v '
            "ON v.id = c.version_id JOIN documents d ON d.id = v.document_id "
            "WHERE d.name = 'Fokusgruppe Lindau'")).all()
    store.close()
    assert len(current) == len(TEXTS["lindau.txt"])  # offsets of the others stay valid
    assert "[gelöscht]" in current and "Karin Vogt" in current
    assert kept and all(current[start:end] == coded for start, end, coded in kept)
    assert "Kosten" not in qualcode("search", "Kosten", db=study).out


def test_erase_refuses_unknown_names_and_changes_nothing(study: str) -> None:
    before = dump(open_store(study))
    assert_user_error(qualcode("erase", "--document", "Gibt es nicht", "--yes", db=study),
                      "Gibt es nicht")
    assert_user_error(qualcode("erase", "--speaker", "TN9", "--document",
                               "Fokusgruppe Lindau", "--yes", db=study), "TN9")
    assert dump(open_store(study)) == before


def test_erase_asks_first(study: str) -> None:
    before = dump(open_store(study))
    result = qualcode("erase", "--document", "Interview Seedorf", db=study)
    assert result.code == 1
    assert dump(open_store(study)) == before


def test_erase_on_either_store(store_url: str, tmp_path: Path) -> None:
    """The services on SQLite and PostgreSQL: the speaker's text leaves the index as well."""
    from qualcode.search.engine import search
    from qualcode.services.erasure import erase_speaker
    from qualcode.services.privacy import export_log

    db = make_study(tmp_path, url=None if store_url.startswith("sqlite") else store_url)
    store = open_store(db)
    assert search(store, "Kosten").hits
    erased = erase_speaker(store, "TN2", "Fokusgruppe Lindau", actor="lead")
    assert (erased.turns, erased.codings) == (1, 1)
    assert not search(store, "Kosten").hits and search(store, "Willkommen").hits
    assert export_log(store) == []
    store.close()


def test_undo_passes_over_what_was_erased(study: str) -> None:
    from qualcode.services.history import undo

    store = open_store(study)
    before = dump(store, "codings")["codings"]
    store.close()
    assert qualcode("erase", "--document", "Interview Nordheim", "--yes", db=study).code == 0
    store = open_store(study)
    reverted = undo(store, "anna")  # the newest coding left (Altmark), not the erased one
    after = dump(store, "codings")["codings"]
    store.close()
    assert reverted.changes == 1
    assert len(after) == len(before) - 2


def test_undo_passes_over_a_removal_whose_row_was_erased(study: str) -> None:
    """A coding removed before the erasure is erased from the log too (it held the coded
    text), so its removal keeps only a tombstone and there is nothing to put back."""
    from qualcode.services.codings import remove_coding
    from qualcode.services.erasure import erase_document
    from qualcode.services.history import undo

    store = open_store(study)
    with store.read() as session:
        coding_id, coded = session.execute(text(
            "SELECT c.id, c.text FROM codings c JOIN coders k ON k.id = c.coder_id "
            "JOIN document_versions v ON v.id = c.version_id "
            "JOIN documents d ON d.id = v.document_id "
            "WHERE k.name = 'anna' AND d.name = 'Interview Nordheim' ORDER BY c.id")).first()
    remove_coding(store, coding_id, actor="anna")
    erase_document(store, "Interview Nordheim", actor="lead")
    before = len(dump(store, "codings")["codings"])
    reverted = undo(store, "anna")  # anna's newest coding elsewhere goes; nothing comes back
    assert reverted.changes == 1
    assert len(dump(store, "codings")["codings"]) == before - 1
    store.close()
    assert len(coded) > 3 and coded not in everything(study)
