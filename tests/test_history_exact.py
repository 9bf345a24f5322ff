"""Undo and redo, step by step: which batch each one reverts, what it reports and records, and
what it refuses, with the exact rows before and after (issue #12, mutation testing)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from qualcode.errors import InvalidInput
from qualcode.models import AuditEntry
from qualcode.services.codes import merge_codes
from qualcode.services.codings import add_coding, remove_coding, update_coding
from qualcode.services.erasure import erase_document
from qualcode.services.history import redo, undo
from qualcode.services.memos import set_memo
from qualcode.store import Store, audit
from tests.helpers import INTERVIEW, add_interview, dump, load_study_codebook

TABLES = ("codes", "codings", "memos")
NORD, SUED = "Interview Neuweiler", "Interview Südheim"
WOHNEN = "Wohnen und Unterbringung"
FINANZEN = "Finanzierung und Entlastung durch Bund und Länder"


@pytest.fixture
def project(sqlite_store: Store) -> Store:
    load_study_codebook(sqlite_store)
    add_interview(sqlite_store, NORD)
    add_interview(sqlite_store, SUED)
    return sqlite_store


def _code(store: Store, word: str, coder: str = "anna", document: str = NORD,
          code: str = WOHNEN) -> int:
    start = INTERVIEW.index(word)
    return add_coding(store, document=document, code=code, coder=coder, start=start,
                      end=start + len(word)).id


def _batches(store: Store, actor: str) -> list[str]:
    """The actor's batches in the order they were written."""
    with store.read() as session:
        found: list[str] = []
        for batch in session.scalars(select(AuditEntry.batch).where(AuditEntry.actor == actor)
                                     .order_by(AuditEntry.id)):
            if batch not in found:
                found.append(batch)
        return found


def _entries(store: Store, batch: str) -> list[tuple]:
    with store.read() as session:
        return [(e.actor, e.action, e.entity, e.entity_id, e.before, e.after)
                for e in session.scalars(select(AuditEntry).where(AuditEntry.batch == batch)
                                         .order_by(AuditEntry.id))]


def test_undo_reports_and_records_what_it_reverted(project: Store) -> None:
    coding = _code(project, "Sozialamt")
    (added,) = _batches(project, "anna")
    (add_entry,) = _entries(project, added)
    reverted = undo(project, "anna")
    assert (reverted.reverted_batch, reverted.changes) == (added, 1)
    assert reverted.description == "1 coding removed"
    assert reverted.batch == _batches(project, "anna")[-1] != added
    assert _entries(project, reverted.batch) == [
        ("anna", "undo", "codings", coding, add_entry[5], None),
        ("anna", "undo", "batch", None, None, json.dumps({"reverts": added}))]
    again = redo(project, "anna")
    assert (again.reverted_batch, again.changes) == (reverted.batch, 1)
    assert again.description == "1 coding added"
    assert _entries(project, again.batch) == [
        ("anna", "redo", "codings", coding, None, add_entry[5]),
        ("anna", "redo", "batch", None, None, json.dumps({"reverts": reverted.batch}))]


def test_undo_and_redo_alternate_any_number_of_times(project: Store) -> None:
    empty = dump(project, *TABLES)
    _code(project, "Sozialamt")
    coded = dump(project, *TABLES)
    for _ in range(3):
        undo(project, "anna")
        assert dump(project, *TABLES) == empty
        redo(project, "anna")
        assert dump(project, *TABLES) == coded
    undo(project, "anna")
    assert dump(project, *TABLES) == empty


def test_nothing_to_undo_or_redo_is_said_plainly(project: Store) -> None:
    before = dump(project)
    with pytest.raises(InvalidInput) as caught:
        undo(project, "jürgen")
    assert str(caught.value) == "There is nothing to undo for 'jürgen'."
    with pytest.raises(InvalidInput) as caught:
        redo(project, "jürgen")
    assert str(caught.value) == "There is nothing to redo for 'jürgen'."
    assert dump(project) == before


def test_a_new_change_after_an_undo_ends_redo(project: Store) -> None:
    _code(project, "Sozialamt")
    undo(project, "anna")
    _code(project, "Helferkreis")
    helper = dump(project, *TABLES)
    with pytest.raises(InvalidInput, match="nothing to redo"):
        redo(project, "anna")
    assert dump(project, *TABLES) == helper


def test_each_coder_undoes_only_their_own_changes(project: Store) -> None:
    _code(project, "Sozialamt", coder="anna")
    before_bjoern = dump(project, *TABLES)
    _code(project, "Helferkreis", coder="björn")
    undo(project, "björn")
    assert dump(project, *TABLES) == before_bjoern  # anna's coding stays
    redo(project, "björn")
    undo(project, "anna")
    with project.read() as session:
        assert [tuple(r) for r in session.execute(text(
            "SELECT c.name, k.text FROM codings k JOIN coders c ON c.id = k.coder_id"))] == [
            ("björn", "Helferkreis")]
    with pytest.raises(InvalidInput, match="nothing to redo for 'björn'"):
        redo(project, "björn")


def test_a_batch_of_many_rows_is_undone_once(project: Store) -> None:
    _code(project, "Chaos")
    first = dump(project, *TABLES)
    for word in ("Sozialamt", "Helferkreis", "Ausländerbehörde"):
        _code(project, word, coder="lea")
    before_merge = dump(project, *TABLES)
    merge_codes(project, WOHNEN, FINANZEN, actor="anna")  # moves four codings: one batch
    reverted = undo(project, "anna")
    # four codings moved and the emptied code removed; named by the batch's first entry
    assert (reverted.changes, reverted.description) == (5, "1 code added, 4 codings changed")
    assert dump(project, *TABLES) == before_merge
    undo(project, "anna")  # the next undo reverts anna's coding from before the merge
    assert dump(project, *TABLES)["codings"] == [r for r in before_merge["codings"]
                                                 if r not in first["codings"]]
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo(project, "anna")


def test_a_named_batch_is_undone_even_when_not_the_newest(project: Store) -> None:
    _code(project, "Chaos")
    helper = _code(project, "Helferkreis")
    first, second = _batches(project, "anna")
    reverted = undo(project, "anna", first)
    assert reverted.reverted_batch == first
    with project.read() as session:
        assert list(session.scalars(text("SELECT id FROM codings"))) == [helper]
    assert undo(project, "anna").reverted_batch == second  # the newest still in effect
    assert dump(project, "codings")["codings"] == []
    redo(project, "anna")  # the newest undo: the second comes back first
    with project.read() as session:
        assert list(session.scalars(text("SELECT id FROM codings"))) == [helper]


def test_an_unknown_batch_is_refused(project: Store) -> None:
    _code(project, "Chaos")
    before = dump(project)
    with pytest.raises(InvalidInput) as caught:
        undo(project, "anna", "00000000-0000-0000-0000-000000000000")
    assert str(caught.value) == ("There is no change batch "
                                 "'00000000-0000-0000-0000-000000000000'.")
    assert dump(project) == before


def test_changes_to_other_tables_are_not_undone(project: Store) -> None:
    batch = audit.new_batch()
    with project.write() as session:
        session.add(AuditEntry(actor="anna", action="rename", entity="documents", entity_id=1,
                               batch=batch, before=json.dumps({"name": NORD}),
                               after=json.dumps({"name": "Neu"})))
    before = dump(project)
    with pytest.raises(InvalidInput) as caught:
        undo(project, "anna", batch)
    assert str(caught.value) == "Changes to documents cannot be undone."
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo(project, "anna")  # nor are they anyone's change in effect
    assert dump(project) == before


def test_a_conflict_is_named_and_changes_nothing(project: Store) -> None:
    coding = _code(project, "Sozialamt")
    update_coding(project, coding, actor="anna", memo="Amt")
    with project.write() as session:  # someone changed the row since, outside the log
        session.execute(text("UPDATE codings SET memo = 'anders' WHERE id = :i"), {"i": coding})
    before = dump(project)
    with pytest.raises(InvalidInput) as caught:
        undo(project, "anna")
    assert str(caught.value) == f"Cannot undo: codings {coding} was changed since."
    assert dump(project) == before


def test_a_removed_coding_comes_back_with_its_id_and_times(project: Store) -> None:
    coding = _code(project, "Sozialamt")
    added = dump(project, "codings")
    update_coding(project, coding, actor="anna", memo="„Amt“ 🙂", is_voice=True)
    kept = dump(project, "codings")
    remove_coding(project, coding, actor="anna")
    undo(project, "anna")
    assert dump(project, "codings") == kept
    undo(project, "anna")  # the update: memo, flag and time as after the add
    assert dump(project, "codings") == added


def test_memos_are_undone_and_redone(project: Store) -> None:
    states = [dump(project, "memos")]
    for memo in ("Erstes Memo „Kooperation“", "Zweite Fassung 🙂", ""):
        set_memo(project, "document", 2, memo, coder="anna")
        states.append(dump(project, "memos"))
    for state in reversed(states[:-1]):
        undo(project, "anna")
        assert dump(project, "memos") == state
    for state in states[1:]:
        redo(project, "anna")
        assert dump(project, "memos") == state


def test_erased_changes_are_passed_over(project: Store) -> None:
    kept = _code(project, "Chaos", document=NORD)
    _code(project, "Helferkreis", document=SUED)  # its entries are tombstoned by the erasure
    erase_document(project, SUED, actor="lead")
    reverted = undo(project, "anna")
    assert reverted.changes == 1
    assert dump(project, "codings")["codings"] == []
    redo(project, "anna")
    with project.read() as session:
        assert list(session.scalars(text("SELECT id FROM codings"))) == [kept]
    undo(project, "anna")
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo(project, "anna")


def test_undo_of_a_batch_erased_in_part_reverts_the_rest(project: Store) -> None:
    _code(project, "Chaos", document=NORD)
    _code(project, "Helferkreis", document=SUED)
    merge_codes(project, WOHNEN, FINANZEN, actor="lea")  # moves both codings, one batch
    erase_document(project, SUED, actor="lead")
    reverted = undo(project, "lea")
    with project.read() as session:
        codes = list(session.scalars(text(
            "SELECT c.name FROM codings k JOIN codes c ON c.id = k.code_id")))
    assert codes == [WOHNEN] and reverted.changes == 2  # the erased coding's move is gone
