"""``import codings`` keeps every field, loads in one transaction, streams, and store errors
reach the user as one plain sentence without SQL or row data (issue 11, part A)."""

from __future__ import annotations

import csv
import threading
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from qualcode.errors import InvalidInput, QualcodeError, StoreError, UserError
from qualcode.exports.codings_file import coding_rows, count_codings, write_codings
from qualcode.exports.files import FORMULA_STARTS, reversible_cell, unescaped_cell
from qualcode.services.coding_import import MAX_LISTED, import_codings
from qualcode.services.codings import NewCoding, add_coding, bulk_insert, update_coding
from qualcode.services.documents import NewDocument, add_document
from qualcode.store import Store, open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import INTERVIEW, add_interview, dump, load_study_codebook

TRICKY = [
    'Er sagte "ja", dann', "Komma, Semikolon; Tab\tEnde", "Zeile 1\nZeile 2\r\nZeile 3\rEnde",
    "NEL\x85mitten", "LS\u2028und PS\u2029drin", "Steuerzeichen \x0b\x0c\x1c\x1d\x1e\x7f",
    "=SUMME(A1:A9)", "+49 170 123", "-5 Punkte", "@anna", "'zitiert", "''zwei", "\tTab vorn",
    "\rCR vorn", "\nLF vorn", " Leerzeichen rundum ", "Emoji 👩‍👩‍👧 „Zitat“ ß", '"', "''", "'",
]
CODES = ["Wohnen und Unterbringung", "Ämterübergreifende Zusammenarbeit", "Ukraine seit 2022"]


def project(store: Store) -> None:
    load_study_codebook(store)
    add_interview(store)
    add_document(store, NewDocument(name="=Gespräch Süd", text=INTERVIEW))


def export_csv(store: Store, path: Path) -> bytes:
    write_codings(path, coding_rows(store), count_codings(store), "csv")
    return path.read_bytes()


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def codings_table(store: Store) -> list[tuple]:
    with store.read() as session:
        return [tuple(r) for r in session.execute(text(
            'SELECT version_id, code_id, coder_id, start, "end", text, memo, is_voice '
            "FROM codings ORDER BY version_id, start, \"end\", memo"))]


# -- round trip ---------------------------------------------------------------------------------

def test_export_then_import_keeps_every_field(store: Store, tmp_path: Path) -> None:
    project(store)
    for i, memo in enumerate([*TRICKY, None]):
        made = add_coding(store, document="=Gespräch Süd" if i % 2 else "Interview Neuweiler",
                          code=CODES[i % 3], coder=("@björn", "-anna", "'carla")[i % 3],
                          start=i, end=i + 7 + i % 5, memo=memo)
        if i % 4 == 0:
            update_coding(store, made.id, actor=made.coder, is_voice=True)
    first = export_csv(store, tmp_path / "erst.csv")
    cells = [c for row in csv.reader((tmp_path / "erst.csv").open(encoding="utf-8-sig",
                                                                     newline="")) for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]  # spreadsheet-safe
    before = codings_table(store)
    with store.write() as session:
        session.execute(text("DELETE FROM codings"))
    done = import_codings(store, tmp_path / "erst.csv")
    assert done.rows == len(TRICKY) + 1
    assert codings_table(store) == before
    assert export_csv(store, tmp_path / "zweit.csv") == first


def test_jsonl_export_round_trips_too(store: Store, tmp_path: Path) -> None:
    project(store)
    for i, memo in enumerate(TRICKY):
        add_coding(store, document="Interview Neuweiler", code=CODES[i % 3], coder="anna",
                   start=i, end=i + 9, memo=memo)
    before = codings_table(store)
    path = tmp_path / "codings.jsonl"
    write_codings(path, coding_rows(store), count_codings(store), "jsonl")
    with store.write() as session:
        session.execute(text("DELETE FROM codings"))
    assert import_codings(store, path).rows == len(TRICKY)
    assert codings_table(store) == before


def test_hand_written_csv_with_quotes_breaks_and_nel(sqlite_store: Store, tmp_path: Path) -> None:
    project(sqlite_store)
    path = tmp_path / "hand.csv"
    path.write_text(
        "document;coder;code;start;end;memo;stimme\r\n"
        'Interview Neuweiler;anna;Wohnen und Unterbringung;0;5;"Er sagte ""ja"", dann";true\r\n'
        'Interview Neuweiler;anna;Wohnen und Unterbringung;5;9;"zwei\nZeilen";FALSE\r\n'
        "Interview Neuweiler;anna;Wohnen und Unterbringung;9;12;NEL\x85bleibt;\r\n",
        encoding="utf-8")
    assert import_codings(sqlite_store, path).rows == 3
    rows = codings_table(sqlite_store)
    assert [(r[6], r[7]) for r in rows] == [('Er sagte "ja", dann', True),
                                            ("zwei\nZeilen", False), ("NEL\x85bleibt", False)]


def test_escaping_is_undone_exactly() -> None:
    for value in [*TRICKY, "", "normal"]:
        escaped = reversible_cell(value)
        assert isinstance(escaped, str) and not escaped.startswith(FORMULA_STARTS)
        assert unescaped_cell(escaped) == value


@pytest.mark.fuzz
@given(memos=st.lists(st.text(st.characters(blacklist_categories=("Cs",),
                                            blacklist_characters="\x00")), min_size=1,
                      max_size=5))
def test_any_memo_round_trips(sqlite_store: Store, tmp_path_factory: pytest.TempPathFactory,
                              memos: list[str]) -> None:
    with sqlite_store.write() as session:
        session.execute(text("DELETE FROM codings"))
    if not count_documents(sqlite_store):
        project(sqlite_store)
    rows = [NewCoding(1, 1 + i, 1, i, i + 3, INTERVIEW[i:i + 3], memo or None, i % 2 == 0)
            for i, memo in enumerate(memos)]
    with sqlite_store.write() as session:
        session.execute(text("INSERT INTO coders (id, name, created_at) SELECT 1, 'anna', "
                             "'2026-01-01' WHERE NOT EXISTS (SELECT 1 FROM coders)"))
    bulk_insert(sqlite_store, rows)
    before = codings_table(sqlite_store)
    path = tmp_path_factory.mktemp("rt") / "c.csv"
    export_csv(sqlite_store, path)
    with sqlite_store.write() as session:
        session.execute(text("DELETE FROM codings"))
    import_codings(sqlite_store, path)
    assert codings_table(sqlite_store) == before


def count_documents(store: Store) -> int:
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM documents")).scalar_one()


# -- all or nothing, and what errors say --------------------------------------------------------

def test_one_transaction_one_audit_entry(store: Store, tmp_path: Path) -> None:
    project(store)
    good = write_csv(tmp_path / "gut.csv", [["document", "coder", "code", "start", "end"],
                     *[["Interview Neuweiler", f"neu{i % 3}", CODES[0], i, i + 4]
                       for i in range(30)]])
    import_codings(store, good)
    with store.read() as session:
        entries = session.execute(text(
            "SELECT count(*) FROM audit_log WHERE action = 'import codings'")).scalar_one()
    assert entries == 1 and len(codings_table(store)) == 30
    before = dump(store)
    bad = write_csv(tmp_path / "schlecht.csv", [["document", "coder", "code", "start", "end"],
                    *[["Interview Neuweiler", f"ganz neu {i % 7}", CODES[1], i % 300, i % 300 + 4]
                      for i in range(70_000)], ["Interview Neuweiler", "x", CODES[1], 5, 1]])
    with pytest.raises(InvalidInput, match="row 70002: range"):
        import_codings(store, bad)
    assert dump(store) == before  # no coder, no audit entry, no coding left behind


def test_bad_rows_are_listed_by_number_without_their_contents(sqlite_store: Store,
                                                               tmp_path: Path) -> None:
    project(sqlite_store)
    secret = "Frau Geheimnisträgerin Müller"
    rows = [["document", "coder", "code", "start", "end", "stimme"]]
    rows += [[secret, secret, CODES[0], 0, 4, ""] for _ in range(MAX_LISTED + 5)]
    rows += [["Interview Neuweiler", "anna", secret, 0, 4, ""],
             ["Interview Neuweiler", "anna", CODES[0], "vier", 4, ""],
             ["Interview Neuweiler", "anna", CODES[0], 0, 4, secret]]
    path = write_csv(tmp_path / "geheim.csv", rows)
    before = dump(sqlite_store)
    result = qualcode("import", "codings", str(path), db=sqlite_store.url)
    assert_user_error(result, "28 bad rows", "row 2: unknown document", "(and 8 more)")
    assert secret not in result.err and "Müller" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert dump(sqlite_store) == before
    with pytest.raises(InvalidInput) as caught:
        import_codings(sqlite_store, write_csv(tmp_path / "drei.csv", [rows[0], *rows[-3:]]))
    assert "row 2: unknown code; row 3: start and end must be whole numbers; row 4: stimme" \
        in str(caught.value)


@pytest.mark.parametrize("content", [
    b"", b"\xef\xbb\xbf\n\n", b"document,coder\nx,y\n", b"\xff\xfe\x00d\x00o",
    b"document,coder,code,start,end\nInterview,anna,x,0,\x00\n",
    b"document,coder,code,start,end\n" + b"a" * 70_000 + b"\xc3(",
])
def test_unreadable_files_are_one_sentence(sqlite_store: Store, tmp_path: Path,
                                           content: bytes) -> None:
    project(sqlite_store)
    path = tmp_path / "kaputt.csv"
    path.write_bytes(content)
    before = dump(sqlite_store)
    with pytest.raises(InvalidInput, match=r"kaputt\.csv"):
        import_codings(sqlite_store, path)
    assert dump(sqlite_store) == before


def test_a_row_longer_than_the_limit_is_refused(sqlite_store: Store, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.services import coding_import

    project(sqlite_store)
    monkeypatch.setattr(coding_import, "MAX_ROW_CHARS", 1000)
    path = tmp_path / "lang.csv"
    memo = "ä\n" * 600
    path.write_text("document,coder,code,start,end,memo\n"
                    f'Interview Neuweiler,anna,{CODES[0]},0,4,"{memo}"\n')
    with pytest.raises(InvalidInput, match="longer than 1,000 characters"):
        import_codings(sqlite_store, path)


@pytest.mark.fuzz
@given(content=st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.sampled_from(["Interview Neuweiler", "anna", CODES[0], "0", "5", "7",
                                       "", '"', '""', "\r", "\n", "\x85", ";", ",", "\t",
                                       "'", "=1", "true", "-3", "ß"]), max_size=8),
             max_size=6).map(lambda rows: "document,coder,code,start,end,memo,stimme\n" +
                             "\n".join(",".join(r) for r in rows)).map(str.encode)))
def test_any_bytes_import_or_fail_cleanly(sqlite_store: Store,
                                          tmp_path_factory: pytest.TempPathFactory,
                                          content: bytes) -> None:
    if not count_documents(sqlite_store):
        project(sqlite_store)
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_bytes(content)
    before = dump(sqlite_store, "codings", "coders", "audit_log")
    try:
        import_codings(sqlite_store, path)
    except InvalidInput:
        assert dump(sqlite_store, "codings", "coders", "audit_log") == before


def test_a_missing_key_fails_cleanly(store: Store) -> None:
    from qualcode.store.lookup import find_coder

    project(store)
    with store.write() as session:
        coder = find_coder(session, "anna", create=True).id
    before = dump(store)
    with pytest.raises(QualcodeError) as caught:
        bulk_insert(store, [NewCoding(1, 1, coder, 0, 5, INTERVIEW[:5]),
                            NewCoding(1, 99_999, coder, 0, 5, INTERVIEW[:5])])
    assert "99999" not in str(caught.value) and "INSERT" not in str(caught.value)
    assert dump(store) == before


@pytest.mark.postgres
def test_a_writer_who_is_no_superuser_loads_through_the_triggers(pg_url: str,
                                                                tmp_path: Path) -> None:
    """Without the right to switch the per-row triggers off, they run: same result."""
    store = open_store(pg_url)
    project(store)
    role = "schreiber_" + uuid.uuid4().hex[:8]
    with store.write() as session:
        for sql in (f"CREATE ROLE {role} LOGIN", f"GRANT USAGE ON SCHEMA public TO {role}",
                    f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public "
                    f"TO {role}", f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"):
            session.execute(text(sql))
    store.close()
    writer = open_store(_as_role(pg_url, role))
    path = write_csv(tmp_path / "c.csv", [["document", "coder", "code", "start", "end"],
                     *[["Interview Neuweiler", "anna", CODES[i % 3], i, i + 5]
                       for i in range(100)]])
    assert import_codings(writer, path).rows == 100
    with writer.read() as session:
        assert session.execute(text("SHOW session_replication_role")).scalar() == "origin"
    before = dump(writer)
    with pytest.raises(InvalidInput, match="no longer exist"):
        bulk_insert(writer, [NewCoding(1, 99_999, 1, 0, 5, INTERVIEW[:5])])
    assert dump(writer) == before
    writer.close()


def _as_role(url: str, role: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role).render_as_string(hide_password=False)


# -- errors at the store boundary ---------------------------------------------------------------

def test_read_only_sqlite_file_is_one_sentence(tmp_path: Path) -> None:
    db = tmp_path / "nurlesen.db"
    store = open_store(str(db))
    project(store)
    store.close()
    secret = "Herr Vertraulich Özdemir"
    path = write_csv(tmp_path / "c.csv", [["document", "coder", "code", "start", "end", "memo"],
                                          ["Interview Neuweiler", secret, CODES[0], 0, 5,
                                           secret]])
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    result = qualcode("import", "codings", str(path), db=read_only)
    assert_user_error(result, "is read-only")
    _assert_private(result.err, secret)
    assert qualcode("status", db=read_only).code == 0  # reading still works


@pytest.mark.postgres
def test_role_without_write_rights_is_one_sentence(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    project(store)
    role = "leser_" + uuid.uuid4().hex[:8]
    with store.write() as session:
        for sql in (f"CREATE ROLE {role} LOGIN", f"GRANT USAGE ON SCHEMA public TO {role}",
                    f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
                    f"REVOKE SELECT ON codings FROM {role}"):
            session.execute(text(sql))
    store.close()
    reader = _as_role(pg_url, role)
    secret = "Frau Streng Geheim"
    path = write_csv(tmp_path / "c.csv", [["document", "coder", "code", "start", "end", "memo"],
                                          ["Interview Neuweiler", secret, CODES[0], 0, 5,
                                           secret]])
    result = qualcode("import", "codings", str(path), db=reader)
    assert_user_error(result, "does not allow this (coders)", "nothing was changed")
    _assert_private(result.err, secret)
    result = qualcode("status", db=reader)  # a read the role may not do
    assert_user_error(result, "does not allow", "nothing was changed")
    _assert_private(result.err, secret)


def _assert_private(err: str, secret: str) -> None:
    assert len(err.strip().splitlines()) == 1, err
    for leak in ("INSERT", "SELECT", "Internal error", secret, "[SQL"):
        assert leak not in err, err


def test_integrity_errors_name_no_values(store: Store) -> None:
    secret = "Doppelt Vorhanden"
    with store.write() as session:
        session.execute(text("INSERT INTO coders (name, created_at) VALUES (:n, :t)"),
                        {"n": secret, "t": "2026-01-01"})
    with pytest.raises(StoreError) as caught, store.write() as session:
        session.execute(text("INSERT INTO coders (name, created_at) VALUES (:n, :t)"),
                        {"n": secret, "t": "2026-01-01"})
    assert not isinstance(caught.value, UserError)
    assert secret not in str(caught.value) and "INSERT" not in str(caught.value)
    assert "coders" in str(caught.value) or "uq_coders_name" in str(caught.value)


@pytest.mark.postgres
def test_a_deadlock_is_retried(pg_url: str) -> None:
    import psycopg

    store = open_store(pg_url)
    with store.write() as session:
        session.execute(text("INSERT INTO coders (name, created_at) VALUES ('a', now()), "
                             "('b', now())"))
    other = psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql"))
    other.execute("SET deadlock_timeout = '20s'")  # so this test's writer is the victim
    other.execute("UPDATE coders SET name = name WHERE name = 'b'")
    attempts = []

    def work(session) -> None:  # type: ignore[no-untyped-def]
        attempts.append(1)
        session.execute(text("UPDATE coders SET name = name WHERE name = 'a'"))
        if len(attempts) == 1:
            blocker = threading.Timer(0.3, lambda: (
                other.execute("UPDATE coders SET name = name WHERE name = 'a'"),
                other.commit()))
            blocker.start()
            session.execute(text("UPDATE coders SET name = name WHERE name = 'b'"))

    store.run_write(work)
    other.close()
    store.close()
    assert len(attempts) == 2



def test_the_tui_leaves_database_errors_to_the_store() -> None:
    import ast

    from tests.conftest import REPO

    for path in (REPO / "src" / "qualcode" / "tui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.startswith("sqlalchemy")], path
