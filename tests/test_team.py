"""The team server: each role may do exactly what it may, through qualcode and through raw SQL.

A real PostgreSQL server (tests/pgserver.py, trust authentication on 127.0.0.1, so logins need
no password here): the administrator ``postgres`` sets up the project and the first lead
``lena``; lena adds coders ``anna`` and ``bert`` and the reviewer ``rita``.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import text

from qualcode.errors import InvalidInput, NotAllowed, UserError
from qualcode.i18n import set_interface_language
from qualcode.services import team
from qualcode.services.codings import add_coding, remove_coding, update_coding
from qualcode.services.memos import set_memo
from qualcode.store import Store, open_store
from tests.cli import assert_user_error, qualcode
from tests.conftest import CODEBOOK, REPO
from tests.helpers import add_interview, dump, load_study_codebook
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.postgres

DOCUMENT = "Interview Neuweiler"
CODE = "Wohnen und Unterbringung"
OTHER_CODE = "Ämterübergreifende Zusammenarbeit"


def as_login(url: str, login: str) -> str:
    return url.replace("postgres@", f"{login}@", 1)


def raw(server: PostgresServer, url: str, login: str) -> psycopg.Connection:
    database = url.rsplit("/", 1)[1]
    return psycopg.connect(f"host=127.0.0.1 port={server.port} user={login} dbname={database}",
                           autocommit=True)


@pytest.fixture
def project(pg_url: str) -> Iterator[dict[str, Store]]:
    """A team project: codebook, one interview, lead lena, coders anna and bert, reviewer rita;
    anna and bert have one coding each on the same passage."""
    admin = open_store(pg_url)
    load_study_codebook(admin)
    add_interview(admin)
    team.init_team(admin)
    team.add_member(admin, "lena", "lead")
    stores = {"admin": admin}
    stores["lena"] = open_store(as_login(pg_url, "lena"))
    for login, role in (("anna", "coder"), ("bert", "coder"), ("rita", "reviewer")):
        team.add_member(stores["lena"], login, role)
        stores[login] = open_store(as_login(pg_url, login))
    for login in ("anna", "bert"):
        add_coding(stores[login], document=DOCUMENT, code=CODE, coder=login, start=3, end=40)
    yield stores
    for store in stores.values():
        store.close()


def coding_of(store: Store, coder: str) -> int:
    with store.read() as session:
        return session.execute(text(
            "SELECT c.id FROM codings c JOIN coders d ON d.id = c.coder_id WHERE d.name = :n "
            "ORDER BY c.id LIMIT 1"), {"n": coder}).scalar_one()


def test_roles_are_listed_and_init_runs_again(project: dict[str, Store], pg_url: str) -> None:
    team.init_team(project["admin"])  # idempotent
    assert_user_error(qualcode("team", "init", db=as_login(pg_url, "lena")), "owner")
    members = {m.login: (m.role, m.coder) for m in team.list_members(project["lena"])}
    assert members == {"anna": ("coder", "anna"), "bert": ("coder", "bert"),
                       "lena": ("lead", "lena"), "rita": ("reviewer", "rita")}
    listed = qualcode("team", "list", "--json", db=as_login(pg_url, "anna"))
    assert listed.code == 0, listed.err
    assert {m["login"]: m["role"] for m in json.loads(listed.out)}["rita"] == "reviewer"
    assert project["anna"].identity().coder == "anna"
    team.add_member(project["lena"], "dora", "coder", password="Geheimnis „ß“ 🙂")
    with project["admin"].read() as session:
        stored = session.execute(text(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'dora'")).scalar_one()
    assert stored.startswith("SCRAM-SHA-256$")


def test_a_coder_cannot_change_or_remove_anothers_codings_through_qualcode(
        project: dict[str, Store], pg_url: str) -> None:
    anna, admin = project["anna"], project["admin"]
    berts = coding_of(admin, "bert")
    before = dump(admin)
    for attempt in (lambda: remove_coding(anna, berts, actor="bert"),
                    lambda: update_coding(anna, berts, actor="bert", code=OTHER_CODE),
                    lambda: add_coding(anna, document=DOCUMENT, code=CODE, coder="bert",
                                       start=0, end=5),
                    lambda: set_memo(anna, "project", None, "Bert war hier… ß", coder="bert")):
        with pytest.raises(NotAllowed, match="You may only change your own codings"):
            attempt()
    with pytest.raises(InvalidInput):
        remove_coding(anna, berts, actor="anna")  # the service's own check says no first
    with pytest.raises(NotAllowed, match="you may not act as bert"):
        team.acting_coder(anna, "bert")
    refused = qualcode("undo", "--coder", "bert", db=as_login(pg_url, "anna"))
    assert_user_error(refused, "you may not act as bert")
    assert dump(admin) == before


def test_refusals_are_german_in_a_german_interface(project: dict[str, Store],
                                                   pg_url: str) -> None:
    berts = coding_of(project["admin"], "bert")
    set_interface_language("de")
    try:
        with pytest.raises(NotAllowed, match="Sie dürfen nur Ihre eigenen Codierungen ändern"):
            update_coding(project["anna"], berts, actor="bert", memo="übernommen")
    finally:
        set_interface_language(None)
    refused = qualcode("undo", "--coder", "bert", db=as_login(pg_url, "anna"),
                       env={"QUALCODE_LANG": "de"})
    assert_user_error(refused, "bert")
    assert "Sie" in refused.err


def test_a_coder_cannot_change_anothers_rows_the_codebook_or_the_audit_log_with_raw_sql(
        project: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    admin = project["admin"]
    berts = coding_of(admin, "bert")
    before = dump(admin)
    with raw(postgres_server, pg_url, "anna") as conn:
        assert conn.execute("DELETE FROM codings WHERE id = %s", (berts,)).rowcount == 0
        assert conn.execute("UPDATE codings SET start = 0 WHERE id = %s",
                            (berts,)).rowcount == 0
        refused = [
            "UPDATE codings SET coder_id = (SELECT id FROM coders WHERE name = 'bert') "
            "WHERE coder_id = (SELECT id FROM coders WHERE name = 'anna')",
            "INSERT INTO codings (version_id, code_id, coder_id, start, \"end\", text, is_voice, "
            "anchor_status, created_at, modified_at) SELECT version_id, code_id, coder_id, 0, 2, "
            f"'Ün', false, 'ok', now(), now() FROM codings WHERE id = {berts}",
            "UPDATE coders SET login = 'anna' WHERE name = 'bert'",
            "UPDATE codes SET name = 'Umbenannt'",
            "DELETE FROM codes",
            "INSERT INTO codes (name, position, created_at) VALUES ('Neu', 0, now())",
            "UPDATE audit_log SET actor = 'bert'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "TRUNCATE codings",
            "DELETE FROM team_members",
            "INSERT INTO team_members (login, coder_id, added_at) SELECT 'x', id, now() "
            "FROM coders LIMIT 1",
            "DELETE FROM documents",
            "UPDATE project_settings SET value = '{}'",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert dump(admin) == before


def test_a_coder_dismisses_suggestions_only_for_themselves(
        project: dict[str, Store], postgres_server: PostgresServer, pg_url: str) -> None:
    admin = project["admin"]
    insert = ("INSERT INTO suggestion_dismissals (coder_id, code_id, version_id, start, \"end\", "
              "created_at) ")
    with admin.write() as session:
        session.execute(text(insert + "SELECT id, (SELECT code_id FROM codings LIMIT 1), "
                             "(SELECT version_id FROM codings LIMIT 1), 0, 9, now() "
                             "FROM coders WHERE name = 'bert'"))
    before = dump(admin)
    with raw(postgres_server, pg_url, "anna") as conn:
        assert conn.execute("DELETE FROM suggestion_dismissals").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(insert + "SELECT id, (SELECT code_id FROM codings LIMIT 1), "
                         "(SELECT version_id FROM codings LIMIT 1), 3, 9, now() "
                         "FROM coders WHERE name = 'bert'")
        assert dump(admin) == before
        assert conn.execute(insert + "SELECT id, (SELECT code_id FROM codings LIMIT 1), "
                            "(SELECT version_id FROM codings LIMIT 1), 0, 9, now() "
                            "FROM coders WHERE name = 'anna'").rowcount == 1


def test_audit_entries_carry_the_login_s_own_name(project: dict[str, Store],
                                                   postgres_server: PostgresServer,
                                                   pg_url: str) -> None:
    with raw(postgres_server, pg_url, "anna") as conn:
        conn.execute("INSERT INTO audit_log (at, actor, action, entity, batch) "
                     "VALUES (now(), 'bert', 'add', 'codings', 'x')")
        assert conn.execute("SELECT actor FROM audit_log WHERE batch = 'x'").fetchone() == (
            "anna",)


def test_a_reviewer_seeds_and_resolves_consensus_a_coder_may_not(
        project: dict[str, Store], pg_url: str) -> None:
    admin = project["admin"]
    before = dump(admin)
    refused = qualcode("consensus", "seed", "--coders", "anna,bert", db=as_login(pg_url, "anna"))
    assert_user_error(refused, "consensus")
    assert dump(admin) == before

    seeded = qualcode("consensus", "seed", "--coders", "anna,bert", db=as_login(pg_url, "rita"))
    assert seeded.code == 0, seeded.err
    assert "Copied 1 agreed coding into consensus" in seeded.out
    add_coding(project["anna"], document=DOCUMENT, code=OTHER_CODE, coder="anna",
               start=50, end=90)
    resolved = qualcode("consensus", "resolve", "--document", DOCUMENT, "--code", OTHER_CODE,
                        "--start", "50", "--end", "90", "--take", "anna",
                        db=as_login(pg_url, "rita"))
    assert resolved.code == 0, resolved.err
    with admin.read() as session:
        consensus = session.execute(text(
            "SELECT count(*) FROM codings c JOIN coders d ON d.id = c.coder_id "
            "WHERE d.name = 'consensus'")).scalar_one()
        actors = set(session.execute(text(
            "SELECT actor FROM audit_log WHERE action = 'consensus'")).scalars())
    assert consensus == 2
    assert actors == {"rita"}
    berts = coding_of(admin, "bert")
    with pytest.raises(NotAllowed):
        remove_coding(project["rita"], berts, actor="bert")  # a reviewer is no lead


def test_a_lead_loads_the_codebook_imports_for_others_and_adds_a_coder(
        project: dict[str, Store], pg_url: str, tmp_path: Path) -> None:
    lena = as_login(pg_url, "lena")
    loaded = qualcode("codebook", "load", str(CODEBOOK), db=lena)
    assert loaded.code == 0, loaded.err
    renamed = qualcode("codebook", "rename", CODE, "Wohnen (Unterbringung)", db=lena)
    assert renamed.code == 0, renamed.err

    refused = qualcode("codebook", "rename", OTHER_CODE, "Ämter", db=as_login(pg_url, "anna"))
    assert_user_error(refused, "codes")

    rows = tmp_path / "codings.csv"
    with rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "coder", "code", "start", "end", "memo"])
        writer.writerow([DOCUMENT, "bert", OTHER_CODE, 10, 30, "nachgetragen – „Zitat“"])
        writer.writerow([DOCUMENT, "carla", OTHER_CODE, 12, 31, ""])
    imported = qualcode("import", "codings", str(rows), db=lena)
    assert imported.code == 0, imported.err

    added = qualcode("team", "add", "carla", "--role", "coder", "--coder", "carla", db=lena)
    assert added.code == 0, added.err
    before = dump(project["admin"])
    refused = qualcode("team", "add", "doris", "--role", "lead", db=as_login(pg_url, "anna"))
    assert refused.code == 2 and "Traceback" not in refused.err
    assert dump(project["admin"]) == before
    with project["admin"].read() as session:
        assert session.execute(text(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'doris'")).scalar_one() == 0
    with project["admin"].read() as session:
        importer = session.execute(text(
            "SELECT actor FROM audit_log WHERE action = 'import codings'")).scalar_one()
        carla = session.execute(text("SELECT login FROM coders WHERE name = 'carla'")).scalar()
    assert importer == "lena"
    assert carla == "carla"
    carla_store = open_store(as_login(pg_url, "carla"))
    try:
        carlas = coding_of(project["admin"], "carla")
        update_coding(carla_store, carlas, actor="carla", memo="meine Codierung 🙂")
    finally:
        carla_store.close()


def test_removed_login_loses_its_rights_but_keeps_its_codings(project: dict[str, Store],
                                                              pg_url: str) -> None:
    removed = qualcode("team", "remove", "bert", db=as_login(pg_url, "lena"))
    assert removed.code == 0, removed.err
    assert_user_error(qualcode("status", db=as_login(pg_url, "bert")), "permission denied")
    assert coding_of(project["admin"], "bert")


def test_a_coder_of_one_project_has_no_rights_in_another(project: dict[str, Store],
                                                         postgres_server: PostgresServer,
                                                         pg_url: str) -> None:
    other = pg_url.rsplit("/", 1)[0] + "/" + pg_url.rsplit("/", 1)[1] + "_zwei"
    name = other.rsplit("/", 1)[1]
    postgres_server.admin(f"CREATE DATABASE {name}")
    try:
        admin = open_store(other)
        team.init_team(admin)
        admin.close()
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            raw(postgres_server, other, "anna")
        assert_user_error(qualcode("status", db=as_login(other, "anna")), "permission denied")
    finally:
        postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_team_store_fixes_the_tui_coder_to_the_login(project: dict[str, Store],
                                                       pg_url: str, tmp_path: Path) -> None:
    from qualcode.tui.app import make_app

    app = make_app(as_login(pg_url, "anna"), coder=None, config_file=tmp_path / "c.toml")
    try:
        assert (app.coder, app.coder_fixed) == ("anna", True)
    finally:
        app.store.close()
    with pytest.raises(NotAllowed):
        make_app(as_login(pg_url, "anna"), coder="bert", config_file=tmp_path / "c.toml")


def test_team_commands_need_postgresql(sqlite_url: str) -> None:
    path = sqlite_url.removeprefix("sqlite:///")
    open_store(sqlite_url).close()
    before = Path(path).read_bytes()
    assert_user_error(qualcode("team", "init", db=path), "PostgreSQL")
    assert_user_error(qualcode("team", "init", db=path, env={"QUALCODE_LANG": "de"}),
                      "PostgreSQL")
    assert Path(path).read_bytes() == before


def test_a_store_without_team_init_behaves_as_before(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        load_study_codebook(store)
        add_interview(store)
        assert not store.identity().team
        assert team.acting_coder(store, "bert") == "bert"
        add_coding(store, document=DOCUMENT, code=CODE, coder="bert", start=0, end=5)
    finally:
        store.close()


def test_a_store_with_data_upgrades_to_0007(tmp_path: Path) -> None:
    from alembic import command

    from qualcode.store.engine import make_engine
    from qualcode.store.migrate import alembic_config

    path = tmp_path / "alt.db"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006_project_settings")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO coders (id, name, created_at) VALUES (1, 'jördis', "
                     "'2024-03-01')")
    store = open_store(str(path))
    try:
        with store.read() as session:
            assert session.execute(text("SELECT name, login FROM coders")).all() == [
                ("jördis", None)]
            assert session.execute(text("SELECT count(*) FROM team_members")).scalar() == 0
    finally:
        store.close()


WORKER = """
import sys
from qualcode.services.codings import add_coding
from qualcode.services.team import acting_coder
from qualcode.store import open_store

url = sys.argv[1]
store = open_store(url)
coder = acting_coder(store, None)
codes = {codes!r}
for i in range({per}):
    add_coding(store, document="Interview Neuweiler", code=codes[i % 2], coder=coder,
               start=i % 50, end=i % 50 + 20)
store.close()
"""
LOGINS = 8
PER_LOGIN = 500


@pytest.mark.slow
@pytest.mark.stress
def test_eight_logins_code_at_once_through_row_level_security(pg_url: str) -> None:
    admin = open_store(pg_url)
    load_study_codebook(admin)
    add_interview(admin)
    team.init_team(admin)
    for n in range(LOGINS):
        team.add_member(admin, f"coder{n}", "coder")
    script = WORKER.format(per=PER_LOGIN, codes=[CODE, OTHER_CODE])
    workers = [subprocess.Popen([sys.executable, "-c", script, as_login(pg_url, f"coder{n}")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(LOGINS)]
    failures = [err for worker in workers
                for _, err in [worker.communicate(timeout=600)] if worker.returncode]
    try:
        assert failures == []
        with admin.read() as session:
            per_coder = dict(session.execute(text(
                "SELECT d.name, count(*) FROM codings c JOIN coders d ON d.id = c.coder_id "
                "GROUP BY d.name")).all())
            actors = dict(session.execute(text(
                "SELECT actor, count(*) FROM audit_log WHERE entity = 'codings' "
                "GROUP BY actor")).all())
        assert per_coder == {f"coder{n}": PER_LOGIN for n in range(LOGINS)}
        assert actors == per_coder
    finally:
        admin.close()


def test_a_lead_restores_a_coder_s_deleted_work_from_the_audit_log(
        project: dict[str, Store], pg_url: str) -> None:
    anna = project["anna"]
    annas = coding_of(project["admin"], "anna")
    before = dump(project["admin"], "codings")
    remove_coding(anna, annas, actor="anna")
    with project["lena"].read() as session:
        batch = session.execute(text(
            "SELECT batch FROM audit_log WHERE actor = 'anna' AND action = 'remove'")).scalar_one()
    restored = qualcode("undo", "--coder", "lena", "--batch", batch, db=as_login(pg_url, "lena"))
    assert restored.code == 0, restored.err
    assert dump(project["admin"], "codings") == before


def test_the_setup_of_docs_team_md_with_an_administrator_who_is_no_superuser(
        postgres_server: PostgresServer, pg_url: str, tmp_path: Path) -> None:
    name = pg_url.rsplit("/", 1)[1] + "_doku"
    postgres_server.admin("CREATE ROLE qualcode_admin LOGIN CREATEROLE")
    postgres_server.admin(f"CREATE DATABASE {name} OWNER qualcode_admin")
    url = pg_url.rsplit("/", 1)[0] + "/" + name
    try:
        admin = as_login(url, "qualcode_admin")
        for step in (("init", "--codebook", str(CODEBOOK)), ("team", "init"),
                     ("team", "add", "lena", "--role", "lead")):
            done = qualcode(*step, db=admin)
            assert done.code == 0, (step, done.err)
        done = qualcode("team", "add", "anna", db=as_login(url, "lena"))
        assert done.code == 0, done.err
        lena = open_store(as_login(url, "lena"))
        add_interview(lena)
        lena.close()
        imported = qualcode("import", str(REPO / "transcripts" / "demo" / "txt"),
                            db=as_login(url, "lena"))
        assert imported.code == 0, imported.err
        own = tmp_path / "interview-eigenes.txt"
        own.write_text("I: Wie geht es Ihnen?\nB: Gut – „danke“, äußerst gut. 🙂\n",
                       encoding="utf-8")
        refused = qualcode("import", str(own), db=as_login(url, "anna"))
        assert refused.code == 2 and "Traceback" not in refused.err
        anna = open_store(as_login(url, "anna"))
        try:
            assert add_coding(anna, document=DOCUMENT, code=CODE, coder="anna", start=0, end=9)
        finally:
            anna.close()
    finally:
        postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")
        for login in ("anna", "lena"):
            postgres_server.admin(f"DROP OWNED BY {login}")
        postgres_server.admin(f"DROP ROLE anna, lena, qualcode_{name}_lead, "
                              f"qualcode_{name}_reviewer, qualcode_{name}_coder, qualcode_admin")


def test_only_a_lead_exports(project: dict[str, Store], pg_url: str, tmp_path: Path) -> None:
    target = tmp_path / "codierungen.csv"
    refused = qualcode("export", "codings", "-o", str(target), db=as_login(pg_url, "rita"))
    assert_user_error(refused, "Only the project's leads may export")
    assert not target.exists()
    done = qualcode("export", "codings", "-o", str(target), db=as_login(pg_url, "lena"))
    assert done.code == 0, done.err
    assert target.exists()


async def test_the_tui_shows_a_refusal_as_a_message_and_changes_nothing(
        project: dict[str, Store], pg_url: str, tmp_path: Path) -> None:
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.compare import CompareScreen
    from qualcode.tui.screens.error import ErrorScreen

    add_coding(project["anna"], document=DOCUMENT, code=OTHER_CODE, coder="anna",
               start=50, end=90)
    before = dump(project["admin"])
    app = make_app(as_login(pg_url, "anna"), config_file=tmp_path / "c.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("f8")  # the coder switch is off on a team store
        await pilot.pause()
        assert app.coder == "anna"
        app.push_screen(CompareScreen(["anna", "bert"], DOCUMENT))
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.items:  # type: ignore[attr-defined]
                break
        await pilot.press("a")  # settle into the consensus coder: a reviewer's right
        await pilot.pause(0.2)
        assert isinstance(app.screen, ErrorScreen)
        assert app.screen.message == "You may only change your own codings."
    app.store.close()
    assert dump(project["admin"]) == before


def test_a_coder_searches_and_autocodes_for_themselves_only(project: dict[str, Store],
                                                             pg_url: str) -> None:
    anna = as_login(pg_url, "anna")
    found = qualcode("search", "Ausländerbehörde", db=anna)
    assert found.code == 0, found.err
    before = dump(project["admin"])
    assert_user_error(qualcode("autocode", "Helferkreis", "--code", CODE, "--coder", "bert",
                               db=anna), "bert")
    assert dump(project["admin"]) == before
    coded = qualcode("autocode", "Helferkreis", "--code", CODE, "--coder", "anna", db=anna)
    assert coded.code == 0, coded.err
    undone = qualcode("undo", "--coder", "anna", db=anna)
    assert undone.code == 0, undone.err


@pytest.mark.fuzz
@given(login=st.one_of(st.text(max_size=70), st.from_regex(r"[a-z_][a-z0-9_.\-]{0,70}",
                                                            fullmatch=True)))
def test_any_login_name_is_added_or_refused_in_one_sentence(project: dict[str, Store],
                                                            login: str) -> None:
    assume(login not in ("anna", "bert", "lena", "rita", "postgres"))
    before = dump(project["admin"], "coders")
    try:
        member = team.add_member(project["lena"], login, "coder")
    except UserError as exc:
        assert "\n" not in str(exc)
        assert dump(project["admin"], "coders") == before
    else:
        assert member.login == login
        team.remove_member(project["lena"], login)


def test_a_machine_coder_belongs_to_the_login_that_made_it(project: dict[str, Store]) -> None:
    anna, bert = project["anna"], project["bert"]
    made = add_coding(anna, document=DOCUMENT, code=CODE, coder="anna:machine", start=5, end=25)
    assert team.acting_coder(anna, "anna:machine") == "anna:machine"
    with pytest.raises(NotAllowed):
        team.acting_coder(bert, "anna:machine")
    with pytest.raises(NotAllowed):
        remove_coding(bert, made.id, actor="anna:machine")
    with project["admin"].read() as session:
        assert session.execute(text(
            "SELECT login FROM coders WHERE name = 'anna:machine'")).scalar_one() == "anna"
    remove_coding(anna, made.id, actor="anna:machine")
