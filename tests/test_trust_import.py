"""Transcript import under bad input: odd file names, folder trees, headers, bombs, fuzzing."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import UserError
from qualcode.limits import MAX_TRANSCRIPT_BYTES, MIB
from qualcode.services.documents import list_documents, show_document
from qualcode.services.importing import ImportInterrupted, import_paths
from qualcode.transcripts.manifest import read_manifest
from qualcode.transcripts.turns import split_turns
from tests.cli import assert_user_error, qualcode
from tests.conftest import REPO
from tests.helpers import dump

DIALOGUE = [
    "I: Wie haben Sie das Frühjahr 2022 erlebt? #00:00:12-3#",
    "B: Das war (unv.) – „wirklich“ anstrengend. 🙂 #00:01:02-0#",
    "I: Und die Ehrenamtlichen in der Straße der Begegnung? #00:01:30-1#",
    "B: Die waren sofort da, äußerst verlässlich. #00:02:10-4#",
]
ODT_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def names(store) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(d.name for d in list_documents(store))


# 1. A file name that is not valid UTF-8 -------------------------------------------------------

def _latin1_named_file(folder: Path) -> bytes:
    raw = os.fsencode(folder) + b"/b_Interview_M\xfcller.txt"
    descriptor = os.open(raw, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(descriptor, "\n".join(DIALOGUE).encode("utf-8"))
    os.close(descriptor)
    return raw


def test_a_file_name_that_is_not_utf8_is_one_failed_file(store, tmp_path: Path) -> None:
    folder = tmp_path / "ordner"
    write(folder / "a_Interview.txt", DIALOGUE)
    _latin1_named_file(folder)
    write(folder / "c_Interview.txt", DIALOGUE)
    report = import_paths(store, [folder])
    assert [i.document for i in report.imported] == ["a_Interview", "c_Interview"]
    (path, message), = report.failed
    assert path == str(folder / "b_Interview_M\ufffdller.txt")
    assert message.startswith(f"{path}: the file name (or a folder name in its path) is not "
                              "valid UTF-8")
    assert names(store) == ["a_Interview", "c_Interview"]


def test_cli_lists_the_badly_named_file_and_imports_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "ordner"
    write(folder / "a_Interview.txt", DIALOGUE)
    _latin1_named_file(folder)
    write(folder / "c_Interview.txt", DIALOGUE)
    db = str(tmp_path / "q.db")
    result = qualcode("import", str(folder), db=db)
    assert_user_error(result, "b_Interview_M\ufffdller.txt: the file name",
                      "1 of 3 files failed")
    assert "nothing was changed" not in result.err
    assert "a_Interview" in result.out and "c_Interview" in result.out
    assert "Documents: 2" in qualcode("status", db=db).out


# 2. Folders with subfolders -------------------------------------------------------------------

def test_the_demo_folder_with_its_subfolders_imports(tmp_path: Path) -> None:
    """docx/ and txt/ hold the same six transcripts, named alike by their manifests: the txt
    copies (other line layout) must not silently become second versions of the docx ones."""
    db = str(tmp_path / "q.db")
    result = qualcode("import", str(REPO / "transcripts" / "demo"), db=db)
    assert_user_error(result, "6 of 12 files failed",
                      "interview-kesselbrunn.txt: gives the document name 'Interview "
                      "Kesselbrunn' like ")
    assert result.out.count("new          ") == 6 and "new version" not in result.out
    assert "Documents: 6" in qualcode("status", db=db).out
    assert "Interview Kesselbrunn  [interview" in qualcode("documents", db=db).out


def test_a_tree_is_walked_with_a_manifest_per_folder(store, tmp_path: Path) -> None:
    root = tmp_path / "Projekt"
    write(root / "Welle 1" / "gemeinde-a.txt", DIALOGUE)
    write(root / "Welle 2" / "Landkreis" / "kreis-b.txt", DIALOGUE)
    (root / "Welle 2" / "Landkreis" / "manifest.yaml").write_text(
        "documents:\n  - file: kreis-b.txt\n    name: Interview Landkreis Bärental\n"
        "    kind: interview\n", encoding="utf-8")
    write(root / ".versteckt" / "alt.txt", DIALOGUE)
    write(root / "Welle 1" / ".notiz.txt", DIALOGUE)
    (root / "Welle 1" / "~$meinde-a.docx").write_bytes(b"\0" * 162)
    os.symlink(root, root / "Welle 2" / "schleife")  # a cycle, not followed
    report = import_paths(store, [root])
    assert report.failed == []
    assert names(store) == ["Interview Landkreis Bärental", "gemeinde-a"]
    assert show_document(store, "Interview Landkreis Bärental").variables["kind"] == "interview"


def test_a_folder_with_nothing_to_import_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "leer"
    (folder / "unterordner").mkdir(parents=True)
    (folder / "unterordner" / "scan.pdf").write_bytes(b"%PDF-1.4")
    db = str(tmp_path / "q.db")
    assert_user_error(qualcode("import", str(folder), db=db),
                      f"{folder}: no transcript files")


def test_two_files_that_would_be_one_document_are_not_merged(store, tmp_path: Path) -> None:
    root = tmp_path / "stapel"
    write(root / "2023" / "interview.txt", DIALOGUE)
    write(root / "2024" / "interview.txt", DIALOGUE[:2])
    report = import_paths(store, [root])
    assert [i.document for i in report.imported] == ["interview"]
    (path, message), = report.failed
    assert path == str(root / "2024" / "interview.txt")
    assert "the document name 'interview'" in message
    assert [i.version for i in report.imported] == [1]
    write(root / "2024" / "interview.txt", DIALOGUE)  # the same text twice is one document
    report = import_paths(store, [root])
    assert report.failed == []
    assert [i.status for i in report.imported] == ["unchanged", "unchanged"]


# 3. Header lines that look like speaker labels -------------------------------------------------

HEADER = [
    "Interview Nr. 07 – Landkreis Bärental (fiktiv)",
    "Datum: 09.01.2024",
    "Interviewer: M. Schulte",
    "Befragte: Leiterin Sozialamt (B)",
    "",
]


def test_header_labels_are_preamble_not_speakers() -> None:
    transcript = split_turns([*HEADER, *DIALOGUE])
    assert [t.label for t in transcript.turns] == ["I", "B", "I", "B"]
    assert transcript.text.startswith("Interview Nr. 07")
    first = transcript.turns[0]
    assert transcript.text[first.start:first.end].startswith("Wie haben Sie")


def test_a_legend_of_moderation_and_participants_is_preamble() -> None:
    header = ["Fokusgruppe Kesselbrunn", "Moderation: Dr. A. Kranz",
              "Teilnehmerin 1: Ehrenamtliche (TN1)", "Teilnehmer 2: Sozialamt (TN2)", ""]
    dialogue = ["Moderation: Herzlich willkommen. #00:00:05-0#", "TN1: Danke. #00:00:09-1#",
                "TN2: Gern. Ich bin Herr Özdemir. #00:00:12-0#",
                "Moderation: Beginnen wir. #00:00:20-3#", "TN7: Darf ich kurz? #00:00:25-0#",
                "TN1: Natürlich. #00:00:27-9#"]
    transcript = split_turns([*header, *dialogue])
    assert [t.label for t in transcript.turns] == ["Moderation", "TN1", "TN2", "Moderation",
                                                   "TN7", "TN1"]


def test_a_two_turn_interview_and_a_single_opening_turn_stay_turns() -> None:
    assert [t.label for t in split_turns(["I: Frage?", "B: Antwort."]).turns] == ["I", "B"]
    # a speaker heard once, at the start, with a time mark, opens the dialogue
    lines = ["TN3: Ich fange an. #00:00:01-0#", "Moderation: Gut. #00:00:04-0#",
             "TN1: Ja. #00:00:06-0#", "Moderation: Weiter. #00:00:08-0#"]
    assert [t.label for t in split_turns(lines).turns] == ["TN3", "Moderation", "TN1",
                                                          "Moderation"]


def test_the_manifest_names_speakers_who_speak_once(store, tmp_path: Path) -> None:
    folder = tmp_path / "mit-manifest"
    write(folder / "kurz.txt", ["Befragte: Frau K., Jobcenter", *DIALOGUE])
    (folder / "manifest.yaml").write_text(
        "documents:\n  - file: kurz.txt\n    speakers:\n      Befragte: {role: Sachbearbeiterin}"
        "\n", encoding="utf-8")
    import_paths(store, [folder])
    assert [t.label for t in show_document(store, "kurz").turns] == ["Befragte", "I", "B", "I",
                                                                     "B"]


# 4. Bounded resources -------------------------------------------------------------------------

def zip_of_zeros(path: Path, member: str, size: int) -> Path:
    """A deflated member of ``size`` zero bytes, written as a stream (the test holds 1 MB)."""
    chunk = bytes(MIB)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if path.suffix == ".docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as stream:
            for _ in range(size // MIB):
                stream.write(chunk)
    return path


def run_limited(*args: str, memory: int = 1024 * MIB) -> subprocess.CompletedProcess[str]:
    """The real CLI with an address-space limit, so a regression fails instead of swapping."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory * 2, memory * 2))

    return subprocess.run([sys.executable, "-m", "qualcode", *args], capture_output=True,
                          text=True, timeout=120, preexec_fn=limit)


@pytest.mark.parametrize(("name", "member"), [("bombe.docx", "word/document.xml"),
                                              ("bombe.odt", "content.xml")])
def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path, name: str, member: str) -> None:
    bomb = zip_of_zeros(tmp_path / name, member, 300 * MIB)
    assert bomb.stat().st_size < MIB
    done = run_limited("--db", str(tmp_path / "q.db"), "import", str(bomb))
    assert done.returncode == 2, done.stderr
    assert f"{bomb}: an archive member expands" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_odt_with_entities_is_refused_and_deep_nesting_is_read(sqlite_store,
                                                                   tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "ha">{laughs}]>'
            f"<office:document-content {ODT_NAMESPACES}><office:body><office:text>"
            "<text:p>B: &l9;</text:p></office:text></office:body></office:document-content>")
    deep = (f"<office:document-content {ODT_NAMESPACES}><office:body><office:text>"
            + "<text:section>" * 3000 + "<text:p>I: Wie tief?</text:p><text:p>"
            + "<text:span>" * 5000 + "B: Sehr tief – „ganz unten“." + "</text:span>" * 5000
            + "</text:p>" + "</text:section>" * 3000
            + "</office:text></office:body></office:document-content>")
    paths = {}
    for name, content in (("lachen.odt", bomb), ("tief.odt", deep)):
        paths[name] = tmp_path / name
        with zipfile.ZipFile(paths[name], "w") as archive:
            archive.writestr("content.xml", content)
    before = dump(sqlite_store)
    (_, message), = import_paths(sqlite_store, [paths["lachen.odt"]]).failed
    assert message == (f"{paths['lachen.odt']}: is not a valid .odt file (it declares XML "
                       "entities, which an .odt never needs).")
    assert dump(sqlite_store) == before
    assert import_paths(sqlite_store, [paths["tief.odt"]]).failed == []
    turns = show_document(sqlite_store, "tief").turns
    assert [(t.label, t.text) for t in turns] == [("I", "Wie tief?"),
                                                  ("B", "Sehr tief – „ganz unten“.")]


def test_a_text_file_just_over_the_limit_is_refused(sqlite_store, tmp_path: Path) -> None:
    big = tmp_path / "riesig.txt"
    with big.open("wb") as stream:
        stream.write("I: Grüße\n".encode())
        stream.truncate(MAX_TRANSCRIPT_BYTES + 1)  # sparse: nothing much is written
    before = dump(sqlite_store)
    (_, message), = import_paths(sqlite_store, [big]).failed
    assert message == f"{big}: is 50 MB, over the limit of 50 MB for one transcript."
    assert dump(sqlite_store) == before


def test_a_manifest_with_aliases_or_too_large_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    write(folder / "a.txt", DIALOGUE)
    manifest = folder / "manifest.yaml"
    manifest.write_text("documents:\n  - &eintrag {file: a.txt, kind: interview}\n"
                        "  - *eintrag\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"manifest\.yaml:2: uses a YAML anchor or alias"):
        read_manifest(manifest)
    with manifest.open("wb") as stream:
        stream.write(b"documents: []\n")
        stream.truncate(5 * MIB + 1)
    with pytest.raises(UserError, match=r"manifest\.yaml: is 5 MB, over the limit of 5 MB"):
        read_manifest(manifest)


# 5. Honest messages ---------------------------------------------------------------------------

def test_an_import_stopped_midway_says_what_was_stored(sqlite_store, tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        write(tmp_path / "stapel" / f"{name}.txt", DIALOGUE)

    def stop_at_the_second_file(done: int, total: int, what: str) -> None:
        if what.startswith("storing") and done == 1:
            raise RuntimeError("Stromausfall")

    with pytest.raises(ImportInterrupted) as caught:
        import_paths(sqlite_store, [tmp_path / "stapel"], progress=stop_at_the_second_file)
    message = str(caught.value)
    assert "1 of 3 files were imported" in message and "nothing was changed" not in message
    assert [i.document for i in caught.value.report.imported] == ["a"]
    assert names(sqlite_store) == ["a"]


# 6. Property-based tests: any input imports or is one UserError, never a partial write --------

def import_or_refuse(store, path: Path) -> None:  # type: ignore[no-untyped-def]
    before = dump(store)
    report = import_paths(store, [path])
    if report.failed:
        assert report.imported == []
        (where, message), = report.failed
        assert where == str(path) and message.startswith(str(path)), message
        assert dump(store) == before


german_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
labelled = st.lists(st.one_of(german_text, german_text.map(lambda t: "B: " + t),
                              st.sampled_from(["I: Grüß Gott, Frau Groß!", "TN 3:\t🙂 „ja“",
                                               "Interviewer: M. Schulte", "#00:01:02-3# I: ö"])),
                    max_size=20)


@pytest.mark.fuzz
@given(raw=st.binary(max_size=2000), encoding=st.sampled_from(["utf-8", "cp1252", "bytes"]),
       lines=labelled)
def test_fuzz_txt(sqlite_store, tmp_path: Path, raw: bytes, encoding: str,
                  lines: list[str]) -> None:
    path = tmp_path / "zufall.txt"
    data = raw if encoding == "bytes" else "\n".join(lines).encode(encoding, "replace")
    path.write_bytes(data)
    import_or_refuse(sqlite_store, path)


xml_safe = st.characters(codec="utf-8", exclude_categories=["Cs"],
                         exclude_characters="\x00\ufffe\uffff")


@pytest.mark.fuzz
@given(paragraphs=st.lists(st.text(xml_safe, max_size=200), max_size=15), junk=st.binary())
def test_fuzz_docx(sqlite_store, tmp_path: Path, paragraphs: list[str], junk: bytes) -> None:
    from docx import Document

    document = Document()
    for text in paragraphs:
        try:
            document.add_paragraph(text)
        except ValueError:  # python-docx itself cannot write most control characters
            document.add_paragraph("".join(ch for ch in text if ch >= " " or ch in "\t\n"))
    path = tmp_path / "zufall.docx"
    document.save(str(path))
    import_or_refuse(sqlite_store, path)
    path.write_bytes(junk)
    import_or_refuse(sqlite_store, path)
    path.write_bytes(path.read_bytes()[: len(junk) // 2] if junk else b"PK\x03\x04")
    import_or_refuse(sqlite_store, path)


@pytest.mark.fuzz
@given(paragraphs=st.lists(st.text(xml_safe, max_size=200), max_size=15),
       markup=st.text(max_size=300), junk=st.binary())
def test_fuzz_odt(sqlite_store, tmp_path: Path, paragraphs: list[str], markup: str,
                  junk: bytes) -> None:
    from xml.sax.saxutils import escape

    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    path = tmp_path / "zufall.odt"
    for content in (f"<office:document-content {ODT_NAMESPACES}><office:body><office:text>"
                    f"{body}</office:text></office:body></office:document-content>",
                    f"<office:document-content {ODT_NAMESPACES}>{markup}"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("content.xml", content)
        import_or_refuse(sqlite_store, path)
    path.write_bytes(junk)
    import_or_refuse(sqlite_store, path)


@pytest.mark.fuzz
@given(raw=st.binary(max_size=2000), text=st.text(max_size=500), lines=labelled)
def test_fuzz_rtf(sqlite_store, tmp_path: Path, raw: bytes, text: str, lines: list[str]) -> None:
    path = tmp_path / "zufall.rtf"
    body = "\\par ".join(lines).encode("cp1252", "replace")
    for data in (raw, b"{\\rtf1\\ansi " + raw, ("{\\rtf1 " + text).encode("utf-8"),
                 b"{\\rtf1\\ansi\\ansicpg1252 " + body + b"}"):
        path.write_bytes(data)
        import_or_refuse(sqlite_store, path)


manifest_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(["a.txt", "interview", "Landkreis", "14.12.2023", "ja", "(?P<label>x)"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["documents", "file", "name", "kind", "speakers", "variables", "B",
                         "speaker_patterns", "date", "participants", "consent", "role"])
        | st.text(max_size=5),
        inner, max_size=5),
    max_leaves=20)


@pytest.mark.fuzz
@given(data=manifest_values, text=st.text(max_size=300), csv_text=st.text(max_size=300))
def test_fuzz_manifest(sqlite_store, tmp_path: Path, data: object, text: str,
                       csv_text: str) -> None:
    folder = tmp_path / "m"
    write(folder / "a.txt", DIALOGUE)
    for name, content in (("manifest.yaml", yaml.safe_dump(data, allow_unicode=True)),
                          ("manifest.yaml", text), ("manifest.csv", "file;kind\n" + csv_text),
                          ("manifest.csv", csv_text)):
        for old in folder.glob("manifest.*"):
            old.unlink()
        (folder / name).write_text(content, encoding="utf-8")
        before = dump(sqlite_store)
        report = import_paths(sqlite_store, [folder])
        if report.failed:
            assert all(m.startswith(str(folder)) for _, m in report.failed), report.failed
            if not report.imported:
                assert dump(sqlite_store) == before


def test_nul_characters_never_reach_the_store(store, tmp_path: Path) -> None:
    """PostgreSQL cannot store NUL: an RTF \\'00 is dropped, a manifest's \\0 is refused."""
    rtf = tmp_path / "nul.rtf"
    rtf.write_bytes(rb"{\rtf1\ansi\ansicpg1252 I:\tab Gr\'fc\'00\'dfe?\par B:\tab Ja.\par}")
    assert import_paths(store, [rtf]).failed == []
    assert show_document(store, "nul").turns[0].text == "Grüße?"
    folder = tmp_path / "m"
    write(folder / "a.txt", DIALOGUE)
    (folder / "manifest.yaml").write_text(
        'documents:\n  - file: a.txt\n    municipality: "Bären\\0tal"\n', encoding="utf-8")
    before = dump(store)
    (_, message), = import_paths(store, [folder]).failed
    assert message.startswith(f"{folder / 'manifest.yaml'}: contains an escaped NUL")
    assert dump(store) == before


@pytest.mark.parametrize("damage", ["encrypted", "bad checksum"])
@pytest.mark.parametrize("suffix", [".odt", ".docx"])
def test_a_damaged_archive_member_is_one_clear_error(sqlite_store, tmp_path: Path, damage: str,
                                                    suffix: str) -> None:
    path = tmp_path / f"kaputt{suffix}"
    member = "content.xml" if suffix == ".odt" else "word/document.xml"
    with zipfile.ZipFile(path, "w") as archive:  # stored, so the bytes can be changed
        archive.writestr(member, f"<d {ODT_NAMESPACES}>B: Grüße</d>")
    raw = bytearray(path.read_bytes())
    if damage == "encrypted":
        raw[raw.find(b"PK\x03\x04") + 6] |= 1
        raw[raw.find(b"PK\x01\x02") + 8] |= 1
    else:
        raw[raw.find("Grüße".encode())] ^= 0x20
    path.write_bytes(bytes(raw))
    before = dump(sqlite_store)
    (_, message), = import_paths(sqlite_store, [path]).failed
    assert message.startswith(f"{path}: is ") and suffix in message, message
    assert dump(sqlite_store) == before
