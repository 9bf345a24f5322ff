"""Undo and redo from the audit log: every change comes back exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.models import Code, Coding
from qualcode.search.autocode import autocode
from qualcode.services.codes import delete_code, merge_codes, rename_code
from qualcode.services.codings import add_coding, remove_coding, update_coding
from qualcode.services.history import redo, undo
from qualcode.services.memos import set_memo
from qualcode.store import Store, audit, open_store
from qualcode.store.lookup import find_coder
from tests.cli import assert_user_error, qualcode
from tests.helpers import INTERVIEW, add_interview, dump, import_demo, load_study_codebook

TABLES = ("codes", "codings", "memos")
DOC = "Interview Neuweiler"
WOHNEN = "Wohnen und Unterbringung"
FINANZEN = "Finanzierung und Entlastung durch Bund und Länder"


@pytest.fixture
def project(store: Store) -> Store:
    load_study_codebook(store)
    add_interview(store)
    return store


def _span(word: str) -> tuple[int, int]:
    start = INTERVIEW.index(word)
    return start, start + len(word)


def test_each_coding_change_undoes_and_redoes_exactly(project: Store) -> None:
    states = [dump(project, *TABLES)]
    start, end = _span("Ausländerbehörde")
    made = add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=start, end=end)
    states.append(dump(project, *TABLES))
    update_coding(project, made.id, actor="anna", code=FINANZEN, memo="Behörde „vor Ort“ 🙂")
    states.append(dump(project, *TABLES))
    remove_coding(project, made.id, actor="anna")
    states.append(dump(project, *TABLES))
    for text in ("Erstes Memo: Kooperation „auf Augenhöhe“", "Überarbeitet 🙂", ""):
        set_memo(project, "document", 1, text, coder="anna")  # written, changed, deleted
        states.append(dump(project, *TABLES))
    for state in reversed(states[:-1]):
        undo(project, "anna")
        assert dump(project, *TABLES) == state
    with pytest.raises(InvalidInput, match="nothing to undo"):
        undo(project, "anna")
    for state in states[1:]:
        redo(project, "anna")
        assert dump(project, *TABLES) == state
    with pytest.raises(InvalidInput, match="nothing to redo"):
        redo(project, "anna")


def test_merge_and_forced_delete_come_back_whole(project: Store) -> None:
    for coder, word in (("anna", "Chaos"), ("anna", "Sozialamt"), ("björn", "Helferkreis")):
        start, end = _span(word)
        add_coding(project, document=DOC, code=WOHNEN, coder=coder, start=start, end=end)
    start, end = _span("Chaos")
    add_coding(project, document=DOC, code=FINANZEN, coder="anna", start=start, end=end)
    before = dump(project, *TABLES)
    # anna's "Chaos" is on both codes: the merge drops that duplicate and moves the rest
    assert merge_codes(project, WOHNEN, FINANZEN, actor="lea") == 2
    merged = dump(project, *TABLES)
    # the merge moved two codings, dropped the duplicate and deleted the code: undo says so
    assert undo(project, "lea").description == \
        "1 code added, 2 codings changed, 1 coding added"
    assert dump(project, *TABLES) == before
    assert redo(project, "lea").description == \
        "1 coding removed, 2 codings changed, 1 code removed"
    assert dump(project, *TABLES) == merged
    undo(project, "lea")
    assert delete_code(project, WOHNEN, force=True, actor="lea") == 3
    undo(project, "lea")
    assert dump(project, *TABLES) == before


def test_undo_refuses_to_overwrite_a_later_change(project: Store) -> None:
    start, end = _span("Straße der Begegnung")
    add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=start, end=end)
    rename_code(project, WOHNEN, "Wohnen", actor="lea")
    merge_codes(project, "Wohnen", FINANZEN, actor="lea")  # moves anna's coding
    before = dump(project, *TABLES)
    with pytest.raises(InvalidInput, match="changed since"):
        undo(project, "anna")
    assert dump(project, *TABLES) == before


def test_a_big_autocode_undoes_in_one_go(project: Store) -> None:
    import_demo(project)
    before = dump(project, *TABLES)
    done = autocode(project, "Wohnung OR Ehrenamt* OR Netzwerk*", code=WOHNEN, coder="anna")
    assert done.created >= 20
    reverted = undo(project, "anna")
    assert reverted.changes == done.created
    assert dump(project, *TABLES) == before


def test_a_row_added_and_removed_in_one_batch(project: Store) -> None:
    """Undo walks the batch backwards: put back, then take away again; nothing is left."""
    before = dump(project, *TABLES)
    with project.write() as session:
        batch = audit.new_batch()
        coder = find_coder(session, "anna", create=True)
        code_id = session.scalar(select(Code.id).where(Code.name == WOHNEN))
        version_id = session.scalar(select(Coding.version_id).limit(1)) or 1
        coding = Coding(version_id=version_id, code_id=code_id, coder_id=coder.id, start=0,
                        end=5, text=INTERVIEW[:5])
        session.add(coding)
        session.flush()
        audit.record(session, actor="anna", action="add", obj=coding, before=None,
                     after=audit.snapshot(coding), batch=batch)
        audit.record(session, actor="anna", action="remove", obj=coding,
                     before=audit.snapshot(coding), after=None, batch=batch)
        session.delete(coding)
    coders = dump(project, "coders")
    undo(project, "anna")
    assert dump(project, *TABLES) == before and dump(project, "coders") == coders
    redo(project, "anna")
    assert dump(project, *TABLES) == before


def test_codebook_commands_are_undone_by_their_author(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    store = open_store(db)
    load_study_codebook(store)
    add_interview(store)
    start, end = _span("Sozialamt")
    add_coding(store, document=DOC, code=WOHNEN, coder="anna", start=start, end=end)
    before = dump(store, *TABLES)
    store.close()
    merged = qualcode("codebook", "merge", WOHNEN, FINANZEN, "--by", "lea", db=db)
    assert merged.code == 0 and "qualcode undo --coder lea" in merged.out
    assert_user_error(qualcode("undo", "--coder", "anna", db=db), "changed since")
    assert qualcode("undo", "--coder", "lea", db=db).code == 0
    store = open_store(db)
    assert dump(store, *TABLES) == before
    store.close()


def test_undo_names_memos_and_codes_in_words(project: Store) -> None:
    from qualcode.models import AuditEntry
    from qualcode.services.history import describe

    for text in ("Erstes Memo: „auf Augenhöhe“", "Überarbeitet 🙂", ""):
        set_memo(project, "document", 1, text, coder="anna")
    said = [undo(project, "anna").description for _ in range(3)]
    assert said == ["1 memo added", "1 memo changed", "1 memo removed"]

    def entry(entity: str, before: str | None, after: str | None) -> AuditEntry:
        return AuditEntry(actor="lea", action="merge", entity=entity, entity_id=1,
                          batch="b", before=before, after=after)

    assert describe([entry("codes", None, "{}"), entry("codes", None, "{}"),
                     entry("memos", "{}", "{}"), entry("memos", "{}", "{}")]) == \
        "2 codes removed, 2 memos changed"
