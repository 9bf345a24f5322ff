"""REFI-QDA exchange that never misplaces, duplicates or overflows (issue 11, part B)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from qualcode.errors import InvalidInput, UserError
from qualcode.exchange.refi_import import import_codebook, import_project
from qualcode.models import Code, Coder, Coding, DocumentVersion
from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump, import_demo, load_study_codebook, random_codings

U = "11111111-1111-1111-1111-111111111111"
S = "33333333-3333-3333-3333-333333333333"
CODE_A, CODE_B = "22222222-2222-2222-2222-22222222222A", "22222222-2222-2222-2222-22222222222B"

# Fictional; emoji beyond the BMP (🙂 😅 🇩🇪 👩‍👩‍👧 🔥 🎉), umlauts, ß, „quotes“, CRLF line ends.
NVIVO_TEXT = (
    "I: Wie war der Start im Quartier? 🙂\r\n"
    "B: Anfangs schwierig 😅 – die Ämter 🇩🇪 haben aber gut zusammengearbeitet.\r\n"
    "I: Und die Nachbarschaft?\r\n"
    "B: Großartig! 👩‍👩‍👧 Die Familien aus der Straße haben „einfach geholfen“. 🎉\r\n"
    "I: Gab es Probleme mit der Unterkunft?\r\n"
    "B: Ja, die Heizung 🔥 fiel oft aus, und die Küche war zu klein.\r\n"
)
PHRASES = ["Anfangs schwierig", "die Ämter 🇩🇪 haben", "gut zusammengearbeitet", "Nachbarschaft",
           "Großartig", "Die Familien", "„einfach geholfen“", "Probleme mit der Unterkunft",
           "die Heizung 🔥 fiel oft aus", "die Küche war zu klein"]


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def selection(number: int, start: object, end: object, code: str = CODE_A,
              user: str = U, extra: str = "") -> str:
    where = "" if start is None else f' startPosition="{start}"'
    where += "" if end is None else f' endPosition="{end}"'
    return (f'<PlainTextSelection guid="{number:08d}-0000-0000-0000-000000000000"{where} '
            f'creatingUser="{user}"><Coding guid="{number:08d}-1111-0000-0000-000000000000">'
            f'<CodeRef targetGUID="{code}"/></Coding>{extra}</PlainTextSelection>')


def project_xml(selections: list[str], *, origin: str = "MAXQDA 24", codes: str | None = None,
                source: str = 'plainTextPath="internal://S.txt"', inner: str = "",
                doctype: str = "") -> str:
    codes = codes if codes is not None else (
        f'<Code guid="{CODE_A}" name="Zusammenarbeit" isCodable="true"/>'
        f'<Code guid="{CODE_B}" name="Nachbarschaft" isCodable="true"/>')
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}\n'
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="Quartier" origin="{origin}">\n'
            f'<Users><User guid="{U}" name="Jürgen"/></Users>\n'
            f'<CodeBook><Codes>{codes}</Codes></CodeBook>\n'
            f'<Sources><TextSource guid="{S}" name="Gespräch Quartier" {source}>{inner}\n'
            + "\n".join(selections) + "\n</TextSource></Sources>\n</Project>")


def write_archive(path: Path, xml: str, text: str, member: str = "sources/S.txt") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        archive.writestr(member, text.encode("utf-8"))
    return path


def nvivo_selections(text: str, phrases: list[str], counting: str) -> list[str]:
    found = []
    for number, phrase in enumerate(phrases):
        start = text.index(phrase)
        end = start + len(phrase)
        if counting == "utf16":
            start, end = utf16(text, start), utf16(text, end)
        found.append(selection(number + 1, start, end))
    return found


def coded_texts(store) -> list[str]:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return list(session.scalars(select(Coding.text).order_by(Coding.start)))


def refused(store, path: Path, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    """Import must fail with one plain sentence and leave the store as it was."""
    before = dump(store)
    with pytest.raises(InvalidInput) as caught:
        import_project(store, path)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert str(path) in message
    assert dump(store) == before
    return message


# -- 1. duplicates ---------------------------------------------------------------------------


def test_same_name_sibling_codes_become_one_code(store, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 new_db: Callable[[str], str]) -> None:
    codes = (f'<Code guid="{CODE_A}" name="Zusammenarbeit" isCodable="true">'
             '<Code guid="AAAAAAAA-0000-0000-0000-000000000001" name="Ämter"/></Code>'
             f'<Code guid="{CODE_B}" name="Zusammenarbeit" isCodable="true">'
             '<Code guid="AAAAAAAA-0000-0000-0000-000000000002" name="Ämter"/></Code>')
    text = "B: Die Ämter haben gut zusammengearbeitet."
    xml = project_xml([selection(1, 3, 12, CODE_A), selection(2, 13, 42, CODE_B)], codes=codes)
    report = import_project(store, write_archive(tmp_path / "p.qdpx", xml, text))
    assert (report.codes, report.codes_same_name, report.codings) == (2, 2, 2)
    assert any("'Zusammenarbeit'" in w and "merged" in w for w in report.warnings)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Code)) == 2
        assert set(session.scalars(select(Coding.code_id))) == {
            session.scalar(select(Code.id).where(Code.name == "Zusammenarbeit"))}
    yaml = tmp_path / "codebook.yaml"
    db = new_db("cli.db")
    assert qualcode("import", "qdpx", str(tmp_path / "p.qdpx"), db=db).code == 0
    assert qualcode("codebook", "export", "-o", str(yaml), db=db).code == 0
    checked = qualcode("codebook", "check", str(yaml))
    assert checked.code == 0, checked.err


def test_a_repeated_selection_is_imported_once_and_counted(store, tmp_path: Path) -> None:
    text = "B: Die Ämter haben gut zusammengearbeitet."
    repeated = [selection(n, 3, 12) for n in (1, 2, 3)] + [selection(4, 3, 12, CODE_B)]
    xml = project_xml(repeated)
    report = import_project(store, write_archive(tmp_path / "d.qdpx", xml, text))
    assert (report.codings, report.duplicates) == (2, 2)
    assert coded_texts(store) == ["Die Ämter", "Die Ämter"]
    again = import_project(store, tmp_path / "d.qdpx")
    assert (again.codings, again.codings_known, again.sources_merged) == (0, 2, 1)
    broken = project_xml([*repeated, selection(5, 3, 999)])
    refused(store, write_archive(tmp_path / "kaputt.qdpx", broken.replace(
        "Gespräch Quartier", "Neues Gespräch"), text), "lies outside")


# -- 2. positions and entities ---------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [("3.5", 9), (3, "neun"), (None, 9), (3, None),
                                            ("", 9), (3, "9999999999999999999999")])
def test_bad_positions_are_a_clean_error_naming_the_selection(sqlite_store, tmp_path: Path,
                                                              start: object, end: object) -> None:
    text = "B: Geheimer Satz über Frau Müller."
    xml = project_xml([selection(1, 0, 5), selection(7, start, end)])
    message = refused(sqlite_store, write_archive(tmp_path / "b.qdpx", xml, text),
                      "00000007-0000-0000-0000-000000000000", "line")
    assert "Müller" not in message and "Geheimer" not in message


@pytest.mark.parametrize("where", ["qde", "inline source"])
def test_xml_entities_are_refused_not_cut(sqlite_store, tmp_path: Path, where: str) -> None:
    doctype = '<!DOCTYPE Project [<!ENTITY ent "Ersetzung">]>'
    if where == "qde":
        codes = (f'<Code guid="{CODE_A}" name="Zusammenarbeit"><Description>vor &ent; nach'
                 '</Description></Code>')
        xml = project_xml([selection(1, 0, 2)], codes=codes, doctype=doctype)
    else:
        xml = project_xml([selection(1, 0, 2)], source="",
                          inner="<PlainTextContent>B: vor &ent; nach</PlainTextContent>",
                          doctype=doctype)
    refused(sqlite_store, write_archive(tmp_path / "e.qdpx", xml, "B: Text"), "DTD")


def test_a_coding_without_code_is_a_clean_error(sqlite_store, tmp_path: Path) -> None:
    bare = selection(1, 0, 2).replace(f'<CodeRef targetGUID="{CODE_A}"/>', "")
    refused(sqlite_store, write_archive(tmp_path / "c.qdpx", project_xml([bare]), "B: Text"),
            "names no code", "line 6")


def test_an_undeclared_entity_is_a_clean_error(sqlite_store, tmp_path: Path) -> None:
    xml = project_xml([selection(1, 0, 2)], source="",
                      inner="<PlainTextContent>B: vor &ent; nach</PlainTextContent>")
    refused(sqlite_store, write_archive(tmp_path / "e.qdpx", xml, "B: Text"), "well-formed")


# -- 3. NVivo counts UTF-16 code units --------------------------------------------------------


def test_nvivo_positions_in_utf16_land_on_the_same_characters(store, tmp_path: Path) -> None:
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES, "utf16"),
                      origin="NVivo 12 Plus (12.6.1.970)")
    report = import_project(store, write_archive(tmp_path / "n.qdpx", xml, NVIVO_TEXT))
    assert sorted(coded_texts(store)) == sorted(PHRASES)
    assert report.positions == "UTF-16 code units" and report.warnings == []
    with store.read() as session:
        stored = session.scalar(select(DocumentVersion.text))
        for start, end, coded in session.execute(select(Coding.start, Coding.end, Coding.text)):
            assert stored[start:end] == coded
    assert stored == NVIVO_TEXT.replace("\r\n", "\n")


def test_a_program_counting_crlf_as_one_is_recognised(store, tmp_path: Path) -> None:
    as_lf = NVIVO_TEXT.replace("\r\n", "\n")  # positions counted as if the file had \n ends
    xml = project_xml(nvivo_selections(as_lf, PHRASES, "utf16"), origin="NVivo 12")
    report = import_project(store, write_archive(tmp_path / "n.qdpx", xml, NVIVO_TEXT))
    assert sorted(coded_texts(store)) == sorted(PHRASES)
    assert report.positions == "UTF-16 code units, \\r\\n as one"
    assert len(report.warnings) == 1 and "fit UTF-16 code units, \\r\\n as one" in \
        report.warnings[0]


def test_code_points_from_other_programs_stay_code_points(store, tmp_path: Path) -> None:
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES, "code points"),
                      origin="MAXQDA 24 (Release 24.7.0)")
    report = import_project(store, write_archive(tmp_path / "m.qdpx", xml, NVIVO_TEXT))
    assert sorted(coded_texts(store)) == sorted(PHRASES)
    assert report.positions == "code points" and report.warnings == []


def test_the_fit_overrules_an_origin_that_does_not_match(store, tmp_path: Path) -> None:
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES, "code points"),
                      origin="NVivo for Mac 15.0.0")
    report = import_project(store, write_archive(tmp_path / "m.qdpx", xml, NVIVO_TEXT))
    assert sorted(coded_texts(store)) == sorted(PHRASES)
    assert report.positions == "code points"
    assert any("origin suggests UTF-16" in w for w in report.warnings)


def test_too_few_selections_to_tell_is_a_warning(store, tmp_path: Path) -> None:
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES[1:3], "utf16"), origin="NVivo 14")
    report = import_project(store, write_archive(tmp_path / "f.qdpx", xml, NVIVO_TEXT))
    assert sorted(coded_texts(store)) == sorted(PHRASES[1:3])
    assert any("too few selections" in w for w in report.warnings)


def test_text_without_emoji_needs_no_decision(store, tmp_path: Path) -> None:
    text = "B: Die Ämter haben gut zusammengearbeitet.\r\nI: Schön."
    xml = project_xml([selection(1, 3, 12)], origin="NVivo 12")
    report = import_project(store, write_archive(tmp_path / "p.qdpx", xml, text))
    assert coded_texts(store) == ["Die Ämter"]
    assert report.warnings == [] and "agree" in report.positions_reason


@pytest.fixture
def emoji_project(tmp_path: Path, new_db: Callable[[str], str]) -> str:
    db = new_db("quelle.db")
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES, "utf16"), origin="NVivo 12")
    store = open_store(db)
    import_project(store, write_archive(tmp_path / "n.qdpx", xml, NVIVO_TEXT))
    store.close()
    return db


@pytest.mark.parametrize("positions", ["code-points", "utf16"])
def test_export_counts_as_asked_and_round_trips(emoji_project: str, tmp_path: Path,
                                                positions: str,
                                                new_db: Callable[[str], str]) -> None:
    target = tmp_path / f"{positions}.qdpx"
    done = qualcode("export", "qdpx", str(target), "--positions", positions, db=emoji_project)
    assert done.code == 0, done.err
    with zipfile.ZipFile(target) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        text = next(archive.read(n).decode("utf-8") for n in archive.namelist()
                    if n.endswith(".txt"))
    phrase = "die Heizung 🔥 fiel oft aus"
    start = text.index(phrase)
    if positions == "utf16":
        start = utf16(text, start)
    assert f'startPosition="{start}"' in qde
    again = new_db("wieder.db")
    imported = qualcode("import", "qdpx", str(target), db=again)
    assert imported.code == 0, imported.err
    assert "warning" not in imported.err
    copy, original = open_store(again), open_store(emoji_project)
    assert sorted(coded_texts(copy)) == sorted(coded_texts(original)) == sorted(PHRASES)
    copy.close()
    original.close()


@pytest.mark.parametrize("store_kind", ["sqlite"], indirect=True)  # an option refused
def test_export_refuses_an_unknown_counting(emoji_project: str, tmp_path: Path) -> None:
    assert_user_error(qualcode("export", "qdpx", str(tmp_path / "x.qdpx"), "--positions",
                               "bytes", db=emoji_project), "--positions")


# -- 4. where source texts are found ---------------------------------------------------------


@pytest.mark.parametrize("folder", ["sources", "Sources", ""])
def test_a_bare_qde_reads_the_texts_beside_it(store, tmp_path: Path, folder: str) -> None:
    text = "B: Die Ämter haben gut zusammengearbeitet."
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / "S.txt").write_text(text, encoding="utf-8")
    qde = tmp_path / "Projekt.qde"
    qde.write_text(project_xml([selection(1, 3, 12)]), encoding="utf-8")
    report = import_project(store, qde)
    assert (report.sources, report.codings, report.warnings) == (1, 1, [])
    assert coded_texts(store) == ["Die Ämter"]


@pytest.mark.parametrize("reference", ["sources/S.txt", "S.txt"])
def test_a_path_without_internal_prefix_inside_the_archive_is_read(
        store, tmp_path: Path, reference: str) -> None:
    text = "B: Die Ämter haben gut zusammengearbeitet."
    xml = project_xml([selection(1, 3, 12)], source=f'plainTextPath="{reference}"')
    report = import_project(store, write_archive(tmp_path / "p.qdpx", xml, text))
    assert report.codings == 1
    assert any("internal://" in n for n in report.notices)


@pytest.mark.parametrize("reference", ["../S.txt", "internal://../S.txt", "/etc/passwd",
                                       "internal:///etc/passwd", "sources/../../S.txt",
                                       "C:\\Daten\\S.txt", "relative:///S.txt"])
@pytest.mark.parametrize("bare", [False, True])
def test_paths_leaving_the_project_stay_refused(sqlite_store, tmp_path: Path, reference: str,
                                                bare: bool) -> None:
    inside = tmp_path / "projekt"
    (inside / "sources").mkdir(parents=True)
    (tmp_path / "S.txt").write_text("B: Draußen.", encoding="utf-8")
    xml = project_xml([selection(1, 0, 2)], source=f'plainTextPath="{reference}"')
    if bare:
        path = inside / "project.qde"
        path.write_text(xml, encoding="utf-8")
    else:
        path = write_archive(inside / "p.qdpx", xml, "B: Drinnen.")
    refused(sqlite_store, path, "leaves")


# -- 5. no temporary files left behind -------------------------------------------------------


# SQLite only: a killed export's temporary file is the exporter's, whatever the store; on
# PostgreSQL the two kills cost 17 s more.
@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("gross") / "gross.db")
    store = open_store(db)
    load_study_codebook(store)
    import_demo(store)
    with store.read() as session:
        codes = list(session.scalars(select(Code.id)))
        coder = session.scalar(select(Coder.id))
    if coder is None:
        from qualcode.store.lookup import find_coder

        with store.write() as session:
            coder = find_coder(session, "anna", create=True).id
    random_codings(store, 60_000, seed=3, codes=codes, coders=[coder], lengths=(5, 40))
    store.close()
    return db


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_export_leaves_nothing_behind(big_db: str, tmp_path: Path, how: int) -> None:
    target = tmp_path / "Projekt.qdpx"
    command = [sys.executable, "-m", "qualcode", "--db", big_db, "export", "qdpx", str(target)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".qualcode-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert process.poll() is None, "the export ended before it could be killed"
    os.kill(process.pid, how)
    process.wait(timeout=60)
    if how == signal.SIGTERM:  # cleaned up; or, on a loaded machine, ended after the rename
        left = [p.name for p in tmp_path.iterdir()]
        assert left in ([], ["Projekt.qdpx"]), left
        if left:  # then it is whole
            with zipfile.ZipFile(target) as archive:
                assert archive.testzip() is None and "project.qde" in archive.namelist()
            target.unlink()
    done = qualcode("export", "qdpx", str(target), db=big_db)
    assert done.code == 0, done.err
    assert [p.name for p in tmp_path.iterdir()] == ["Projekt.qdpx"]


def test_a_running_exports_temporary_file_is_left_alone(tmp_path: Path) -> None:
    from qualcode.exports.files import remove_stale_temporaries

    running = tmp_path / f".qualcode-{os.getppid()}-abc.qdpx"
    gone = tmp_path / ".qualcode-999999999-abc.qdpx"
    other = tmp_path / ".qualcode-notes.txt"
    for path in (running, gone, other):
        path.write_bytes(b"")
    remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name])


# -- 6. bounded resources --------------------------------------------------------------------


def test_a_source_over_the_limit_is_refused_before_reading(sqlite_store, tmp_path: Path) -> None:
    big = tmp_path / "gross.qdpx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", project_xml([selection(1, 0, 2)]))
        archive.writestr("sources/S.txt", os.urandom(51 * 1024 * 1024))
    refused(sqlite_store, big, "51 MB", "50 MB")


def test_a_zip_bomb_source_is_refused(sqlite_store, tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.qdpx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml([selection(1, 0, 2)]))
        archive.writestr("sources/S.txt", b"a" * (40 * 1024 * 1024))
    refused(sqlite_store, bomb, "zip bomb")


@pytest.mark.parametrize("depth", [1_500, 10_000])
def test_deeply_nested_codes_are_a_clean_error(sqlite_store, tmp_path: Path, depth: int) -> None:
    codes = "".join(f'<Code guid="C{n}" name="Ebene {n}">' for n in range(depth))
    codes += "</Code>" * depth
    xml = project_xml([], codes=codes)
    refused(sqlite_store, write_archive(tmp_path / "tief.qdpx", xml, "B: Text."),
            "nest more than")
    qdc = tmp_path / "tief.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' + codes
                   + "</Codes></CodeBook>", encoding="utf-8")
    with pytest.raises(InvalidInput, match="nest more than"):
        import_codebook(sqlite_store, qdc)


def test_a_text_over_the_xml_limit_is_a_clean_error(sqlite_store, tmp_path: Path) -> None:
    import base64

    noise = base64.b64encode(os.urandom(8 * 1024 * 1024)).decode()  # 11 MB, incompressible
    inline = f"<PlainTextContent>B: Straße {noise}</PlainTextContent>"
    xml = project_xml([selection(1, 0, 2)], source="", inner=inline)
    refused(sqlite_store, write_archive(tmp_path / "lang.qdpx", xml, "B: Text."), "10 MB")


def test_kept_texts_have_a_budget(sqlite_store, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import qualcode.exchange.refi_read as refi_read

    monkeypatch.setattr(refi_read, "MAX_HELD", 1024 * 1024)  # the real one is 256 MB
    notes = "".join(f'<Note guid="N{n}" name="Memo"><PlainTextContent>{"Grüße " * 2000}'
                    "</PlainTextContent></Note>" for n in range(100))
    xml = project_xml([selection(1, 0, 2)]).replace("</Project>", f"<Notes>{notes}</Notes>"
                                                                  "</Project>")
    refused(sqlite_store, write_archive(tmp_path / "memos.qdpx", xml, "B: Text."), "1 MB")


def test_cli_import_reports_counting_and_refuses_cleanly(tmp_path: Path,
                                                        new_db: Callable[[str], str]) -> None:
    db = new_db("q.db")
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES, "utf16"), origin="NVivo 12")
    done = qualcode("import", "qdpx", str(write_archive(tmp_path / "n.qdpx", xml, NVIVO_TEXT)),
                    db=db)
    assert done.code == 0, done.err
    assert "Positions read as UTF-16 code units" in done.out
    bad = project_xml([selection(1, "x", 4)])
    assert_user_error(qualcode("import", "qdpx", str(write_archive(tmp_path / "b.qdpx", bad,
                                                                   "B: Text.")), db=db),
                      "b.qdpx", "startPosition")


# -- 7. property-based: any input imports or is refused cleanly ------------------------------


def _valid_archive_bytes() -> tuple[bytes, bytes]:
    xml = project_xml(nvivo_selections(NVIVO_TEXT, PHRASES[:4], "utf16"), origin="NVivo 12")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        archive.writestr("sources/S.txt", NVIVO_TEXT.encode("utf-8"))
    return xml.encode("utf-8"), buffer.getvalue()


QDE, QDPX = _valid_archive_bytes()


def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    edit = st.tuples(st.integers(0, len(data) - 1), st.sampled_from(["set", "insert", "cut"]),
                     st.binary(min_size=1, max_size=8))

    def apply(edits: list[tuple[int, str, bytes]]) -> bytes:
        out = bytearray(data)
        for at, kind, chunk in edits:
            at = min(at, len(out))
            if kind == "set":
                out[at:at + len(chunk)] = chunk
            elif kind == "insert":
                out[at:at] = chunk
            else:
                del out[at:at + len(chunk)]
        return bytes(out)

    return st.lists(edit, min_size=1, max_size=6).map(apply)


XML_PIECES = st.sampled_from(["<", ">", "</Code>", "<Code guid='X' name='ä'>", "&amp;", "&x;",
                              "startPosition=\"-1\"", "endPosition=\"99999\"", "\"", "'",
                              "<![CDATA[", "<!DOCTYPE a>", "\U0001f600", "\r\n", "\x00"])


def xml_mutated(data: bytes) -> st.SearchStrategy[bytes]:
    text = data.decode("utf-8")
    edit = st.tuples(st.integers(0, len(text)), st.integers(0, 12), XML_PIECES)

    def apply(edits: list[tuple[int, int, str]]) -> bytes:
        out = text
        for at, cut, piece in edits:
            at = min(at, len(out))
            out = out[:at] + piece + out[at + cut:]
        return out.encode("utf-8", errors="surrogatepass")

    return st.lists(edit, min_size=1, max_size=5).map(apply)


def tree_mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """Well-formed XML with elements dropped, doubled or moved and attributes changed."""
    from lxml import etree

    size = len(etree.fromstring(data).xpath("//*"))
    values = st.one_of(st.integers(-3, 600).map(str), st.text(max_size=12),
                       st.sampled_from([U, S, CODE_A, CODE_B, "internal://S.txt", "NVivo 12"]))
    edit = st.tuples(st.sampled_from(["drop", "double", "move", "set"]), st.integers(1, size - 1),
                     st.integers(0, size - 1), values)

    def apply(edits: list[tuple[str, int, int, str]]) -> bytes:
        import copy

        root = etree.fromstring(data)
        for kind, at, to, value in edits:
            elements = root.xpath("//*")
            element, other = elements[at % len(elements)], elements[to % len(elements)]
            parent = element.getparent()
            if element is root or parent is None:
                continue
            if kind == "drop":
                parent.remove(element)
            elif kind == "double":
                element.addnext(copy.deepcopy(element))
            elif kind == "move" and element not in other.iterancestors() and element is not other:
                other.append(element)
            elif kind == "set" and element.attrib:
                name = sorted(element.attrib)[to % len(element.attrib)]
                element.set(name, "".join(ch for ch in value if ch.isprintable()))
        return etree.tostring(root, encoding="utf-8")

    return st.lists(edit, min_size=1, max_size=5).map(apply)


MEMBER_NAMES = st.sampled_from(["project.qde", "Projekt.qde", "sources/S.txt", "Sources/S.txt",
                                "S.txt", "../S.txt", "sources/", "sources/sub/S.txt", "a.qde"])


def zip_layouts() -> st.SearchStrategy[list[tuple[str, bytes]]]:
    contents = st.one_of(st.sampled_from([QDE, NVIVO_TEXT.encode(), b"", "ä".encode("cp1252")]),
                         st.binary(max_size=64))
    return st.lists(st.tuples(MEMBER_NAMES, contents), max_size=5)


def imports_or_refuses(store, path: Path, reader=import_project) -> None:  # type: ignore[no-untyped-def]
    before = dump(store)
    try:
        reader(store, path)
    except UserError:
        assert dump(store) == before


@pytest.mark.fuzz
@given(qde=st.one_of(mutated(QDE), xml_mutated(QDE), tree_mutated(QDE)))
def test_fuzz_mutated_project_xml(store, tmp_path: Path, qde: bytes) -> None:
    path = tmp_path / "fuzz.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/S.txt", NVIVO_TEXT.encode("utf-8"))
    imports_or_refuses(store, path)
    bare = tmp_path / "fuzz.qde"
    bare.write_bytes(qde)
    imports_or_refuses(store, bare)


@pytest.mark.fuzz
@given(archive=mutated(QDPX))
def test_fuzz_mutated_zip_bytes(store, tmp_path: Path, archive: bytes) -> None:
    path = tmp_path / "fuzz.qdpx"
    path.write_bytes(archive)
    imports_or_refuses(store, path)


@pytest.mark.fuzz
@pytest.mark.filterwarnings("ignore:Duplicate name")  # doubled members are part of the test
@given(members=zip_layouts())
def test_fuzz_zip_layouts(store, tmp_path: Path, members: list[tuple[str, bytes]]) -> None:
    path = tmp_path / "fuzz.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    imports_or_refuses(store, path)


@pytest.mark.fuzz
@given(start=st.one_of(st.integers(-5, 400), st.text(max_size=4)),
       end=st.one_of(st.integers(-5, 400), st.text(max_size=4)),
       text=st.text(max_size=60), origin=st.sampled_from(["NVivo 12", "MAXQDA", ""]))
def test_fuzz_random_positions_and_texts(store, tmp_path: Path, start: object,
                                         end: object, text: str, origin: str) -> None:
    from xml.sax.saxutils import quoteattr

    quoted = [quoteattr(str(v))[1:-1] for v in (start, end)]
    xml = project_xml([selection(1, *quoted)], origin=quoteattr(origin)[1:-1])
    path = tmp_path / "fuzz.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.encode("utf-8", errors="surrogatepass"))
        archive.writestr("sources/S.txt", text.encode("utf-8", errors="surrogatepass"))
    imports_or_refuses(store, path)


QDC = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
       '<Codes><Code guid="A" name="Wohnen" isCodable="true" color="#ff0000"><Description>'
       'Unterkunft, Ämter</Description><Code guid="B" name="Küche"/></Code>'
       '<Code guid="C" name="Wohnen"/></Codes><Sets/></CodeBook>').encode()


@pytest.mark.fuzz
@given(qdc=st.one_of(mutated(QDC), xml_mutated(QDC), tree_mutated(QDC)))
def test_fuzz_mutated_codebooks(store, tmp_path: Path, qdc: bytes) -> None:
    path = tmp_path / "fuzz.qdc"
    path.write_bytes(qdc)
    imports_or_refuses(store, path, import_codebook)
