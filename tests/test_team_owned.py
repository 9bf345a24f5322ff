"""Owned team rows (issues #15, #16): suggestion models, stop-list names and "not identifying"
marks belong to the coder who made them; erasure is for leads only.

A real PostgreSQL server (tests/pgserver.py); each login connects as itself, through qualcode
and through raw SQL, as in tests/test_team.py: the administrator ``postgres`` sets up the
project, ``lena`` leads, ``anna`` and ``bert`` code, ``rita`` reviews.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from qualcode.errors import NotAllowed, UserError
from qualcode.services import team
from qualcode.services.privacy import (
    add_to_stop_list,
    check_documents,
    mark_not_identifying,
    remove_from_stop_list,
    stop_entries,
    stop_list,
)
from qualcode.services.suggestions import apply, model_info, next_unit, train
from qualcode.store import Store, open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump
from tests.pgserver import PostgresServer
from tests.privacy_study import make_study
from tests.test_suggestions import _small_project
from tests.test_team import as_login, raw

LOGINS = (("anna", "coder"), ("bert", "coder"), ("rita", "reviewer"))
NORDHEIM = "Interview Nordheim"
OWNED = ("suggestion_models", "privacy_stop_names", "privacy_quiet_passages", "codings",
         "coders", "documents", "audit_log")


def _team(admin: Store, url: str) -> dict[str, Store]:
    """lena leads; anna (mapped to the coder who already coded), bert and rita join."""
    team.init_team(admin)
    team.add_member(admin, "lena", "lead")
    stores = {"admin": admin, "lena": open_store(as_login(url, "lena"))}
    for login, role in LOGINS:
        team.add_member(stores["lena"], login, role)
        stores[login] = open_store(as_login(url, login))
    return stores


@pytest.fixture
def coded(pg_url: str, tmp_path: Path) -> Iterator[dict[str, Store]]:
    """The suggestions' small project (anna coded six interviews) on a team store."""
    stores = _team(_small_project(tmp_path, url=pg_url), pg_url)
    yield stores
    for store in stores.values():
        store.close()


@pytest.fixture
def study(pg_url: str, tmp_path: Path) -> Iterator[dict[str, Store]]:
    """The privacy study (four documents, anna's codings) on a team store."""
    make_study(tmp_path, url=pg_url)
    stores = _team(open_store(pg_url), pg_url)
    yield stores
    for store in stores.values():
        store.close()


def _owner_of(store: Store, table: str, where: str) -> str | None:
    with store.read() as session:
        return session.execute(text(
            f"SELECT c.name FROM {table} t LEFT JOIN coders c ON c.id = t.coder_id "
            f"WHERE {where}")).scalar_one()


# -- suggestion models -------------------------------------------------------------------------

def test_a_coder_trains_a_model_of_their_own_another_cannot_see_change_or_delete_it(
        coded: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    admin = coded["admin"]
    learnt = train(coded["anna"], ["anna"], folds=3)
    assert _owner_of(admin, "suggestion_models", f"t.id = {learnt.model_id}") == "anna"
    assert model_info(coded["anna"]).owner == "anna"  # type: ignore[union-attr]
    assert model_info(coded["bert"]) is None  # bert sees no model of anna's
    before = dump(admin, *OWNED)
    with raw(postgres_server, pg_url, "bert") as conn:
        assert conn.execute("SELECT count(*) FROM suggestion_models").fetchone() == (0,)
        assert conn.execute("UPDATE suggestion_models SET seed = 7").rowcount == 0
        assert conn.execute("DELETE FROM suggestion_models").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO suggestion_models (coder_id, unit, coders, filters, seed, "
                         "codings_version, units, figures, weights, created_at) SELECT id, "
                         "'turn', '[]', '{}', 1, 'x', 0, '[]', '', now() FROM coders "
                         "WHERE name = 'anna'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO suggestion_models (coder_id, unit, coders, filters, seed, "
                         "codings_version, units, figures, weights, created_at) VALUES "
                         "(NULL, 'turn', '[]', '{}', 1, 'x', 0, '[]', '', now())")
    with raw(postgres_server, pg_url, "rita") as conn:  # a reviewer reads every model
        assert conn.execute("SELECT count(*) FROM suggestion_models").fetchone() == (1,)
        assert conn.execute("DELETE FROM suggestion_models").rowcount == 0
    assert dump(admin, *OWNED) == before
    with pytest.raises(NotAllowed, match="you may not act as anna"):
        train(coded["bert"], ["anna"], folds=3, owner="anna")
    assert dump(admin, *OWNED) == before

    trained = qualcode("suggest", "train", "--from", "anna", "--folds", "3",
                       db=as_login(pg_url, "bert"))
    assert trained.code == 0, trained.err
    assert "--into bert:machine" in trained.out
    with admin.read() as session:
        owners = sorted(session.execute(text(
            "SELECT c.name FROM suggestion_models m JOIN coders c ON c.id = m.coder_id"))
            .scalars())
    assert owners == ["anna", "bert"]  # bert's training replaced nothing of anna's
    assert model_info(coded["bert"]).owner == "bert"  # type: ignore[union-attr]


def test_apply_goes_only_into_the_login_s_own_machine_coder(
        coded: dict[str, Store], pg_url: str) -> None:
    admin = coded["admin"]
    train(coded["anna"], ["anna"], folds=3)
    train(coded["bert"], ["anna"], folds=3)
    anna, bert = as_login(pg_url, "anna"), as_login(pg_url, "bert")
    applied = qualcode("suggest", "apply", "--min-kappa", "0", db=anna)
    assert applied.code == 0, applied.err
    assert "as anna:machine" in applied.out
    with admin.read() as session:
        assert session.execute(text(
            "SELECT login FROM coders WHERE name = 'anna:machine'")).scalar_one() == "anna"
    before = dump(admin, *OWNED)
    for into in ("anna:machine", "machine", "bert", "anna:nachgetragen", "consensus"):
        refused = qualcode("suggest", "apply", "--into", into, "--min-kappa", "0", db=bert)
        assert_user_error(refused, "bert:machine")
    german = qualcode("suggest", "apply", "--into", "anna:machine", db=bert,
                      env={"QUALCODE_LANG": "de"})
    assert_user_error(german, "bert:machine")
    assert "Sie" in german.err
    assert dump(admin, *OWNED) == before
    done = apply(coded["bert"], min_kappa=0.0)
    assert done.coder == "bert:machine" and done.codings > 0


def test_next_and_the_panel_use_the_coder_s_own_model_else_the_project_s(
        coded: dict[str, Store], pg_url: str) -> None:
    admin, bert = coded["admin"], coded["bert"]
    refused = qualcode("suggest", "next", "--coder", "bert", db=as_login(pg_url, "bert"))
    assert_user_error(refused, "No suggestion model")
    project_model = train(admin, ["anna"], folds=3)  # the owner is no member: the project's
    assert _owner_of(admin, "suggestion_models", "true") is None
    info = model_info(bert, "bert")
    assert info is not None and (info.id, info.owner) == (project_model.model_id, None)
    found = qualcode("suggest", "next", "--coder", "bert", "--json", db=as_login(pg_url, "bert"))
    assert found.code == 0, found.err
    assert json.loads(found.out)["code"]
    own = train(bert, ["anna"], folds=3, unit="sentence")
    info = model_info(bert, "bert")
    assert info is not None and (info.id, info.owner, info.unit) == (own.model_id, "bert",
                                                                     "sentence")
    assert next_unit(bert, "bert") is not None
    assert_user_error(qualcode("suggest", "next", "--coder", "anna",
                               db=as_login(pg_url, "bert")), "you may not act as anna")
    with admin.read() as session:  # the project's model stays beside bert's
        assert session.execute(text("SELECT count(*) FROM suggestion_models")).scalar() == 2


# -- the stop list and "not identifying" marks -------------------------------------------------

def test_coders_add_stop_names_and_marks_everyone_reads_them_each_removes_only_their_own(
        study: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    admin = study["admin"]
    assert add_to_stop_list(study["anna"], "Olena Kovalenko", actor=None)
    anna, bert = as_login(pg_url, "anna"), as_login(pg_url, "bert")
    added = qualcode("privacy", "stop", "Jörg Strauß", db=bert)
    assert added.code == 0, added.err
    again = qualcode("privacy", "stop", "olena  KOVALENKO", db=bert)
    assert again.code == 0 and "already" in again.out
    listed = json.loads(qualcode("privacy", "stop-list", "--json", db=bert).out)
    assert [(e["name"], e["coder"]) for e in listed] == [("Olena Kovalenko", "anna"),
                                                         ("Jörg Strauß", "bert")]
    text_of = check_documents(admin, [NORDHEIM])
    krause = next(f for f in text_of if f.found == "Herrn Krause")
    marked = qualcode("privacy", "not-identifying", "--document", NORDHEIM, "--start",
                      str(krause.start), "--end", str(krause.end), db=anna)
    assert marked.code == 0, marked.err
    assert _owner_of(admin, "privacy_quiet_passages", "true") == "anna"
    checked = json.loads(qualcode("privacy", "check", "--document", NORDHEIM, "--json",
                                  db=bert).out)  # bert's check reads anna's rows
    assert "Herrn Krause" not in [f["found"] for f in checked]
    assert ("stop_list", "Olena Kovalenko") in [(f["kind"], f["found"]) for f in checked]

    before = dump(admin, *OWNED)
    with raw(postgres_server, pg_url, "bert") as conn:
        assert conn.execute("DELETE FROM privacy_stop_names WHERE name = 'Olena Kovalenko'"
                            ).rowcount == 0
        assert conn.execute("DELETE FROM privacy_quiet_passages").rowcount == 0
        for statement in ("UPDATE privacy_stop_names SET name = 'Ümit'",
                          "UPDATE privacy_quiet_passages SET passage = 'x'",
                          "INSERT INTO privacy_stop_names (name, coder_id, created_at) "
                          "SELECT 'Müller', id, now() FROM coders WHERE name = 'anna'",
                          "INSERT INTO privacy_stop_names (name, coder_id, created_at) "
                          "VALUES ('Müller', NULL, now())",
                          "UPDATE project_settings SET value = '{}'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert_user_error(qualcode("privacy", "unstop", "Olena Kovalenko", db=bert),
                      "only remove names you added")
    german = qualcode("privacy", "unstop", "Olena Kovalenko", db=bert,
                      env={"QUALCODE_LANG": "de"})
    assert_user_error(german, "Sie")
    assert_user_error(qualcode("privacy", "stop", "Anton Ärger", "--coder", "anna", db=bert),
                      "you may not act as anna")
    assert dump(admin, *OWNED) == before
    assert "Kovalenko" not in german.err  # no row data in a message

    with raw(postgres_server, pg_url, "bert") as conn:
        assert conn.execute("DELETE FROM privacy_stop_names WHERE name = 'Jörg Strauß'"
                            ).rowcount == 1
    remove_from_stop_list(study["lena"], "Olena Kovalenko", actor=None)  # a lead may
    assert stop_list(admin) == []


async def test_a_coder_marks_and_stop_lists_in_the_tui_on_a_team_store(
        study: dict[str, Store], pg_url: str, tmp_path: Path) -> None:
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.screens.privacy import PrivacyScreen
    from tests.test_privacy_tui import wait_for

    app = make_app(as_login(pg_url, "anna"), document=NORDHEIM,
                   config_file=tmp_path / "config.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen)
                       and app.screen.data is not None)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, PrivacyScreen)
                       and app.screen.findings)
        screen = app.screen
        assert screen.findings[0].found == "Herrn Krause"
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.findings
                       and screen.findings[0].found != "Herrn Krause")
        names = [f.found for f in screen.findings]
        await pilot.press(*["down"] * names.index("Olena Kovalenko"), "s")
        await wait_for(pilot, lambda: stop_list(app.store) == ["Olena Kovalenko"])
    app.store.close()
    admin = study["admin"]
    assert _owner_of(admin, "privacy_stop_names", "true") == "anna"
    assert _owner_of(admin, "privacy_quiet_passages", "true") == "anna"
    assert [e.coder for e in stop_entries(study["bert"])] == ["anna"]
    assert mark_not_identifying(study["bert"], NORDHEIM, 3, 9, actor=None) is None
    assert _owner_of(admin, "privacy_quiet_passages", "t.id = (SELECT max(id) FROM "
                     "privacy_quiet_passages)") == "bert"


# -- erasure -------------------------------------------------------------------------------------

def test_erase_is_for_leads_only_on_a_team_store(
        study: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    admin = study["admin"]
    mark_not_identifying(study["anna"], "Interview Seedorf", 3, 9, actor=None)
    before = dump(admin, *OWNED, "speakers", "segments", "document_versions")
    for login in ("anna", "rita"):
        for how in (("--document", "Interview Seedorf"),
                    ("--speaker", "TN2", "--document", "Fokusgruppe Lindau")):
            refused = qualcode("erase", *how, "--yes", db=as_login(pg_url, login))
            assert_user_error(refused, "Only the project's leads may erase")
    german = qualcode("erase", "--document", "Interview Seedorf", "--yes",
                      db=as_login(pg_url, "anna"), env={"QUALCODE_LANG": "de"})
    assert_user_error(german, "nur die Projektleitung löschen")
    with raw(postgres_server, pg_url, "anna") as conn:
        for statement in ("DELETE FROM documents", "UPDATE document_versions SET text = ''",
                          "DELETE FROM speakers",
                          "UPDATE audit_log SET after = NULL",
                          "SELECT qualcode_tombstone(ARRAY(SELECT id FROM audit_log))"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert dump(admin, *OWNED, "speakers", "segments", "document_versions") == before

    erased = qualcode("erase", "--document", "Interview Seedorf", "--yes",
                      db=as_login(pg_url, "lena"))
    assert erased.code == 0, erased.err
    with admin.read() as session:
        assert session.execute(text("SELECT count(*) FROM documents WHERE name = "
                                    "'Interview Seedorf'")).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM privacy_quiet_passages")).scalar() == 0
        logged = " ".join(f"{b} {a}" for b, a in session.execute(text(
            "SELECT before, after FROM audit_log")))
        actor = session.execute(text("SELECT actor FROM audit_log WHERE action = 'erase'"
                                     )).scalar_one()
    assert "Strauß" not in logged and "Das Geld reicht nie" not in logged
    assert actor == "lena"


# -- upgrading -------------------------------------------------------------------------------------

def test_a_store_with_data_upgrades_to_0010(tmp_path: Path) -> None:
    from alembic import command

    from qualcode.store.engine import make_engine
    from qualcode.store.migrate import alembic_config

    path = tmp_path / "alt.db"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009_suggestions")
    engine.dispose()
    settings = {"stop_list": ["Jördis Weiß", "JÖRDIS WEISS", "Ümit Öztürk"],
                "not_identifying": [{"document": "Fokusgruppe Talbrück", "passage": "a" * 64},
                                    {"document": "gelöscht", "passage": "b" * 64}],
                "anderes": {"bleibt": True}}
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            INSERT INTO documents (id, name, created_at)
                VALUES (1, 'Fokusgruppe Talbrück', '2024-03-01');
            INSERT INTO coders (id, name, created_at) VALUES (1, 'jördis', '2024-03-01');
            INSERT INTO suggestion_models (id, unit, coders, filters, seed, codings_version,
                                           units, figures, weights, created_at)
                VALUES (1, 'turn', '["jördis"]', '{}', 1, 'v', 3, '[]', x'00', '2024-03-02');
        """)
        conn.execute("INSERT INTO project_settings (key, value, updated_at) "
                     "VALUES ('privacy', ?, '2024-03-03 10:00:00')",
                     (json.dumps(settings, ensure_ascii=False),))
    store = open_store(str(path))
    try:
        with store.read() as session:
            assert session.execute(text(
                "SELECT id, coder_id, units FROM suggestion_models")).all() == [(1, None, 3)]
            assert session.execute(text(
                "SELECT name, coder_id FROM privacy_stop_names ORDER BY id")).all() == [
                ("Jördis Weiß", None), ("Ümit Öztürk", None)]  # ß casefolds to ss: once
            assert session.execute(text(
                "SELECT document_id, passage, coder_id FROM privacy_quiet_passages")).all() == [
                (1, "a" * 64, None)]
            assert json.loads(session.execute(text(
                "SELECT value FROM project_settings WHERE key = 'privacy'")).scalar_one()) == {
                "anderes": {"bleibt": True}}
        assert model_info(store, "jördis").owner is None  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_team_store_upgraded_to_0010_gets_the_rules_for_the_new_rows(
        coded: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    from alembic import command

    from qualcode.store.migrate import alembic_config, upgrade_to_head

    admin = coded["admin"]
    with admin.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0009_suggestions")
    upgrade_to_head(admin)
    train(coded["anna"], ["anna"], folds=3)
    with raw(postgres_server, pg_url, "bert") as conn:
        assert conn.execute("SELECT count(*) FROM suggestion_models").fetchone() == (0,)
        conn.execute("INSERT INTO privacy_stop_names (name, coder_id, created_at) "
                     "SELECT 'Bärbel', id, now() FROM coders WHERE name = 'bert'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO privacy_stop_names (name, coder_id, created_at) "
                         "SELECT 'Anton', id, now() FROM coders WHERE name = 'anna'")


# -- a single user -------------------------------------------------------------------------------

def test_a_single_user_sqlite_store_behaves_as_before(tmp_path: Path) -> None:
    store = _small_project(tmp_path)
    db = str(tmp_path / "klein.db")
    try:
        trained = qualcode("suggest", "train", "--from", "anna", "--folds", "3", db=db)
        assert trained.code == 0, trained.err
        assert "--into machine" in trained.out
        assert model_info(store).owner is None  # type: ignore[union-attr]
        applied = qualcode("suggest", "apply", "--min-kappa", "0", db=db)
        assert applied.code == 0 and "as machine" in applied.out, applied.err
        assert model_info(store, "björn").owner is None  # type: ignore[union-attr]
        own = train(store, ["anna"], folds=3, owner="björn")
        assert model_info(store, "björn").id == own.model_id  # type: ignore[union-attr]
        assert model_info(store).owner is None  # type: ignore[union-attr]
        assert apply(store, "anna:maschine", coder="björn", min_kappa=0.0).codings > 0

        assert add_to_stop_list(store, "Frau Dr. Yılmaz", actor="anna")
        added = qualcode("privacy", "stop", "Jörg Strauß", db=db)
        assert added.code == 0, added.err
        assert [(e.name, e.coder) for e in stop_entries(store)] == [
            ("Frau Dr. Yılmaz", "anna"), ("Jörg Strauß", None)]
        removed = qualcode("privacy", "unstop", "frau dr. yilmaz", db=db)
        assert_user_error(removed, "not on the stop list")
        removed = qualcode("privacy", "unstop", "frau dr. yılmaz", db=db)
        assert removed.code == 0, removed.err
        assert stop_list(store) == ["Jörg Strauß"]
    finally:
        store.close()


@pytest.mark.fuzz
@given(name=st.text(max_size=260))
def test_any_stop_name_is_added_or_refused_in_one_sentence(sqlite_url: str, name: str) -> None:
    store = open_store(sqlite_url)
    try:
        before = dump(store, "privacy_stop_names", "coders", "audit_log")
        try:
            added = add_to_stop_list(store, name, actor="anna")
        except UserError as exc:
            assert "\n" not in str(exc)
            assert dump(store, "privacy_stop_names", "coders", "audit_log") == before
        else:
            listed = [n.casefold() for n in stop_list(store)]
            assert " ".join(name.split()).casefold() in listed
            assert added == (len(listed) > len(before["privacy_stop_names"]))
    finally:
        store.close()
