"""Adding, changing, removing and bulk-loading codings, checked row by row: the stored values,
the audit entries undo relies on, the owner check, and the range limits (issue #12)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select, text

from qualcode.errors import InvalidInput, NotFound
from qualcode.models import AuditEntry
from qualcode.services.codings import (
    NewCoding,
    add_coding,
    bulk_insert,
    insert_codings,
    remove_coding,
    update_coding,
)
from qualcode.store import Store, open_store
from tests.helpers import INTERVIEW, add_interview, dump, load_study_codebook

DOC = "Interview Neuweiler"
WOHNEN = "Herausforderungen/Wohnen und Unterbringung"
KOOPERATION = "Vernetzung/Vernetzung und Kooperation in der Kommune"
HELFER = INTERVIEW.index("Helferkreis")
EMOJI = INTERVIEW.index("🙂")


@pytest.fixture
def project(sqlite_store: Store) -> Store:
    load_study_codebook(sqlite_store)
    add_interview(sqlite_store)
    return sqlite_store


def _codings(store: Store) -> list[tuple]:
    with store.read() as session:
        return [tuple(r) for r in session.execute(text(
            'SELECT id, version_id, code_id, coder_id, start, "end", text, memo, is_voice, '
            "is_anchor, anchor_status FROM codings ORDER BY id"))]


def _audit(store: Store) -> list[tuple]:
    with store.read() as session:
        return [(e.actor, e.action, e.entity, e.entity_id, e.batch,
                 json.loads(e.before) if e.before else None,
                 json.loads(e.after) if e.after else None)
                for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "codings")
                                          .order_by(AuditEntry.id))]


def _coder_id(store: Store, name: str) -> int:
    with store.read() as session:
        return session.execute(text("SELECT id FROM coders WHERE name = :n"),
                               {"n": name}).scalar_one()


def test_a_new_coding_is_stored_and_reported_as_asked(project: Store) -> None:
    made = add_coding(project, document=DOC, code="Wohnen und Unterbringung", coder="jürgen",
                      start=HELFER, end=HELFER + 11, memo="„Helferkreis“ – seit 2015 🙂")
    assert (made.document, made.code_path, made.coder, made.start, made.end, made.text,
            made.memo) == (DOC, WOHNEN, "jürgen", HELFER, HELFER + 11, "Helferkreis",
                           "„Helferkreis“ – seit 2015 🙂")
    (row,) = _codings(project)
    assert row == (made.id, 1, 29, _coder_id(project, "jürgen"), HELFER, HELFER + 11,
                   "Helferkreis", "„Helferkreis“ – seit 2015 🙂", False, False, "ok")
    ((actor, action, entity, entity_id, batch, before, after),) = _audit(project)
    assert (actor, action, entity, entity_id, before) == ("jürgen", "add", "codings", made.id,
                                                          None)
    assert len(batch) == 36
    assert {k: after[k] for k in ("id", "start", "end", "text", "code_id")} == {
        "id": made.id, "start": HELFER, "end": HELFER + 11, "text": "Helferkreis", "code_id": 29}


def test_an_accepted_suggestion_is_recorded_as_such(project: Store) -> None:
    made = add_coding(project, document=1, code=29, coder="anna", start=0, end=2,
                      action="accept-suggestion")
    assert (made.document, made.code_path, made.text, made.memo) == (DOC, WOHNEN, "I:", None)
    assert [(a[0], a[1]) for a in _audit(project)] == [("anna", "accept-suggestion")]


def test_positions_are_code_points_and_ranges_half_open(project: Store) -> None:
    made = add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=EMOJI,
                      end=EMOJI + 1)
    assert made.text == "🙂"
    last = add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=0,
                      end=len(INTERVIEW))
    assert last.text == INTERVIEW


@pytest.mark.parametrize(("start", "end"), [(-1, 4), (5, 5), (6, 5),
                                            (0, len(INTERVIEW) + 1)])
def test_a_range_outside_the_text_or_empty_is_refused(project: Store, start: int,
                                                      end: int) -> None:
    before = dump(project)
    with pytest.raises(InvalidInput) as caught:
        add_coding(project, document=DOC, code=WOHNEN, coder="neu", start=start, end=end)
    assert str(caught.value) == (
        f"The range [{start}, {end}) lies outside the text of 'Interview Neuweiler' "
        f"(0 to {len(INTERVIEW)} code points) or is empty.")
    assert dump(project) == before  # not even the new coder


def _own(project: Store) -> int:
    return add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=HELFER,
                      end=HELFER + 11, memo="erste Fassung").id


def test_only_the_owner_changes_or_removes_a_coding(project: Store) -> None:
    coding = _own(project)
    add_coding(project, document=DOC, code=WOHNEN, coder="björn", start=0, end=2)
    before = dump(project)
    message = (f"Coding {coding} belongs to anna, not to björn; each coder changes only their "
               "own codings.")
    with pytest.raises(InvalidInput) as caught:
        update_coding(project, coding, actor="björn", memo="übernommen")
    assert str(caught.value) == message
    with pytest.raises(InvalidInput) as caught:
        remove_coding(project, coding, actor="björn")
    assert str(caught.value) == message
    with pytest.raises(InvalidInput, match="belongs to anna, not to niemand"):
        remove_coding(project, coding, actor="niemand")  # not even a coder
    assert dump(project) == before


def test_a_coding_that_is_gone_is_not_found(project: Store) -> None:
    coding = _own(project)
    remove_coding(project, coding, actor="anna")
    for change in (lambda: remove_coding(project, coding, actor="anna"),
                   lambda: update_coding(project, coding, actor="anna", memo="x")):
        with pytest.raises(NotFound) as caught:
            change()
        assert str(caught.value) == (f"There is no coding {coding}; another coder may have "
                                     "removed it.")


def test_removal_deletes_the_row_and_keeps_it_in_the_log(project: Store) -> None:
    coding = _own(project)
    (row,) = _codings(project)
    remove_coding(project, coding, actor="anna")
    assert _codings(project) == []
    added, removed = _audit(project)
    assert removed[:4] == ("anna", "remove", "codings", coding)
    assert removed[4] != added[4] and len(removed[4]) == 36  # a batch of its own
    assert removed[5] == added[6] and removed[6] is None
    assert (removed[5]["start"], removed[5]["memo"]) == (row[4], "erste Fassung")


def test_each_change_touches_only_what_it_names(project: Store) -> None:
    coding = _own(project)
    states = [_codings(project)[0]]
    changes = [
        {"code": KOOPERATION},  # by path
        {"is_voice": True},
        {"is_anchor": True},
        {"memo": "Stimme aus der Praxis: „sofort wieder da“"},
        {},  # nothing named: nothing changes but the time
        {"memo": ""},  # an empty memo is no memo
        {"memo": "wieder da"},
        {"clear_memo": True},
        {"is_voice": False, "is_anchor": False},
    ]
    expected = [
        {2: 10}, {8: True}, {9: True}, {7: "Stimme aus der Praxis: „sofort wieder da“"}, {},
        {7: None}, {7: "wieder da"}, {7: None}, {8: False, 9: False},
    ]
    for change, differs in zip(changes, expected, strict=True):
        update_coding(project, coding, actor="anna", **change)  # type: ignore[arg-type]
        now = _codings(project)[0]
        assert now == tuple(differs.get(i, v) for i, v in enumerate(states[-1])), change
        states.append(now)
    updates = _audit(project)[1:]
    assert [(u[0], u[1], u[3]) for u in updates] == [("anna", "update", coding)] * len(changes)
    assert len({u[4] for u in updates}) == len(changes)  # one batch per change
    for (*_, before, after), old, new in zip(updates, states[:-1], states[1:], strict=True):
        assert (before["code_id"], before["memo"], before["is_voice"]) == (old[2], old[7], old[8])
        assert (after["code_id"], after["memo"], after["is_voice"]) == (new[2], new[7], new[8])
        assert after["is_anchor"] == new[9]
        assert after["modified_at"] > before["modified_at"]
        assert after["created_at"] == before["created_at"]


def test_changing_to_an_unknown_code_changes_nothing(project: Store) -> None:
    coding = _own(project)
    before = dump(project)
    with pytest.raises(NotFound):
        update_coding(project, coding, actor="anna", code="Gibt es nicht", is_voice=True)
    assert dump(project) == before


# -- bulk loading ------------------------------------------------------------------------------

def _rows(coder: int) -> list[NewCoding]:
    words = ["Chaos", "Ausländerbehörde", "Sozialamt", "Helferkreis", "Straße der Begegnung"]
    found = []
    for i, word in enumerate(words):
        start = INTERVIEW.index(word)
        found.append(NewCoding(1, 29 if i % 2 else 10, coder, start, start + len(word), word,
                               None if i == 0 else f"Notiz {i} – „{word}“", i in (1, 4)))
    return found


def _loaded(store: Store) -> list[tuple]:
    with store.read() as session:
        return [tuple(r) for r in session.execute(text(
            'SELECT version_id, code_id, coder_id, start, "end", text, memo, is_voice, '
            "is_anchor, anchor_status FROM codings ORDER BY id"))]


def _expected(rows: list[NewCoding]) -> list[tuple]:
    return [(r.version_id, r.code_id, r.coder_id, r.start, r.end, r.text, r.memo, r.is_voice,
             False, "ok") for r in rows]


@pytest.mark.parametrize("batch_size", [1, 2, 5, 50_000])
def test_bulk_insert_stores_every_field_in_any_chunk_size(project: Store,
                                                          batch_size: int) -> None:
    add_coding(project, document=DOC, code=WOHNEN, coder="anna", start=0, end=2)
    coder = _coder_id(project, "anna")
    audit_before = _audit(project)
    rows = _rows(coder)
    assert bulk_insert(project, iter(rows), batch_size=batch_size) == 5
    loaded = _loaded(project)
    assert loaded[1:] == _expected(rows)
    assert _audit(project) == audit_before  # bulk loads write no per-row entries
    with project.read() as session:
        stamps = session.execute(text("SELECT created_at, modified_at FROM codings")).all()
    # the bulk rows carry one time for both, written as the ORM writes it for a single add
    assert len({tuple(s) for s in stamps[1:]}) == 1 and stamps[1][0] == stamps[1][1]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", str(v))
               for stamp in stamps for v in stamp)
    assert datetime.fromisoformat(stamps[1][0]) >= datetime.fromisoformat(stamps[0][0])


def test_bulk_insert_of_nothing(project: Store) -> None:
    assert bulk_insert(project, []) == 0
    assert _loaded(project) == []


def test_bulk_insert_leaves_the_indexes_and_the_cache_as_they_were(project: Store) -> None:
    def indexes() -> list[tuple]:
        with project.read() as session:
            return [tuple(r) for r in session.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'codings' ORDER BY name"))]

    before = indexes()
    assert {name for name, _ in before} >= {"ix_codings_version_start", "ix_codings_code",
                                            "ix_codings_coder"}
    _create_coder(project)
    bulk_insert(project, _rows(1))
    assert indexes() == before
    with project.read() as session:
        assert session.execute(text("PRAGMA cache_size")).scalar() == -2000
        plan = " ".join(str(r[-1]) for r in session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM codings WHERE code_id = 29")))
    assert "ix_codings_code" in plan


def _create_coder(store: Store) -> bool:
    with store.write() as session:
        session.execute(text("INSERT INTO coders (id, name, created_at) "
                             "VALUES (1, 'anna', '2026-01-01')"))
    return True


def test_insert_codings_takes_its_rows_inside_the_units_transaction(project: Store) -> None:
    """The iterable may write in the same session: rows are drawn before each chunk."""
    _create_coder(project)
    before = dump(project)

    stored_when_drawn = []

    def rows(session):  # type: ignore[no-untyped-def]
        for row in _rows(1):
            session.execute(text("UPDATE coders SET name = name || '+' WHERE id = 1"))
            stored_when_drawn.append(session.execute(text("SELECT count(*) FROM codings"))
                                     .scalar())
            yield row

    with pytest.raises(RuntimeError), project.write() as session:
        assert insert_codings(session, rows(session), batch_size=2) == 5
        assert session.execute(text("SELECT name FROM coders")).scalar() == "anna+++++"
        raise RuntimeError("abgebrochen")
    assert stored_when_drawn == [0, 0, 2, 2, 4]  # two at a time: memory stays bounded
    assert dump(project) == before  # all of it in the one transaction


# -- PostgreSQL: staged through COPY -----------------------------------------------------------

@pytest.fixture
def team(pg_url: str):  # type: ignore[no-untyped-def]
    store = open_store(pg_url)
    load_study_codebook(store)
    add_interview(store)
    _create_coder(store)
    yield store
    store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("batch_size", [2, 50_000])
def test_bulk_insert_on_a_team_server_stores_every_field(team: Store, batch_size: int) -> None:
    rows = _rows(1)
    with team.write() as session:
        assert insert_codings(session, iter(rows), batch_size=batch_size) == 5
        # the foreign keys are checked again for the rest of the unit of work
        assert session.execute(text("SHOW session_replication_role")).scalar() == "origin"
        assert session.execute(text(
            "SELECT count(*) FROM pg_tables WHERE tablename = 'qualcode_codings_stage'"
        )).scalar() == 0
    assert _loaded(team) == _expected(rows)
    assert bulk_insert(team, []) == 0
    assert len(_loaded(team)) == 5


@pytest.mark.postgres
@pytest.mark.parametrize(("row", "table"), [
    (NewCoding(99, 10, 1, 0, 2, "I:"), "document_versions"),
    (NewCoding(1, 999, 1, 0, 2, "I:"), "codes"),
    (NewCoding(1, 10, 77, 0, 2, "I:"), "coders"),
])
def test_missing_keys_on_a_team_server_load_nothing(team: Store, row: NewCoding,
                                                    table: str) -> None:
    before = dump(team)
    with pytest.raises(InvalidInput) as caught:
        bulk_insert(team, [_rows(1)[0], row, row])  # two distinct keys, one of them gone
    assert str(caught.value) == (f"1 of the 2 rows of {table} that the codings refer to no "
                                 "longer exist; nothing was imported.")
    assert dump(team) == before


@pytest.mark.postgres
def test_a_trigger_of_its_own_on_a_team_server_keeps_the_triggers_on(team: Store) -> None:
    with team.write() as session:
        session.execute(text(
            "CREATE FUNCTION qualcode_count_insert() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN UPDATE coders SET name = name || '!' WHERE id = 1; RETURN NEW; END $$"))
        session.execute(text("CREATE TRIGGER zaehlen AFTER INSERT ON codings FOR EACH ROW "
                             "EXECUTE FUNCTION qualcode_count_insert()"))
    rows = _rows(1)
    assert bulk_insert(team, rows) == 5
    assert _loaded(team) == _expected(rows)
    with team.read() as session:  # replica mode would have skipped the trigger
        assert session.execute(text("SELECT name FROM coders")).scalar() == "anna!!!!!"
