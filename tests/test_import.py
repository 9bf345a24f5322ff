"""Importing transcripts: turns, speakers, variables, encodings, and bad input."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.models import DocumentVariable, Segment, Speaker
from qualcode.services.documents import list_documents, show_document
from qualcode.services.importing import import_paths
from qualcode.synthetic.docx_writer import write_transcript_docx
from qualcode.transcripts import readers
from tests.cli import assert_user_error, qualcode
from tests.conftest import REPO
from tests.helpers import dump, import_demo

DEMO = REPO / "transcripts" / "demo"
TRANSCRIPT = [
    "Interview Talbrück (fiktiv)",
    "Datum: 14.12.2023",
    "Ort: Rathaus",
    "",
    "I: Wie haben Sie das Frühjahr 2022 erlebt? #00:00:12-3#",
    "B: Das war (unv.) und dann kamen die Busse. Die Helferkreise waren sofort da.",
    "Das hat uns gerettet – „wirklich“. 🙂 #00:01:02-0#",
    "TN 3:\tIch sehe das anders (lacht).",
]


def write_txt(folder: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_demo_corpus_imports_with_turns_speakers_and_variables(store) -> None:
    import_demo(store, "docx")
    docs = {d.name: d for d in list_documents(store)}
    assert len(docs) == 6
    assert sum(d.variables["kind"] == "interview" for d in docs.values()) == 4
    assert sum(d.variables["kind"] == "focus group" for d in docs.values()) == 2
    assert all(d.words >= 1500 for d in docs.values())
    kessel = docs["Interview Kesselbrunn"]
    assert kessel.variables == {"bundesland": "Nordrhein-Westfalen", "date": "2023-12-14",
                                "kind": "interview", "municipality": "Kesselbrunn",
                                "municipality_type": "kreisfreie Stadt", "participants": "2"}
    view = show_document(store, "Interview Kesselbrunn")
    assert view.turns[0].label == "I" and view.turns[0].role == "Interviewerin"
    assert view.turns[0].text.startswith("Vielen Dank, dass Sie sich die Zeit nehmen.")
    assert view.turns[0].time_mark == "00:00:14-2"
    assert {t.label for t in view.turns} == {"I", "B"}
    for excluded in ("VERTRAULICH", "f4, vereinfacht", "Bitte Zeitmarke prüfen"):
        assert excluded not in view.text
    with store.read() as session:
        speakers = {s.label: (s.consent_named, s.name) for s in session.scalars(
            select(Speaker).where(Speaker.document_id == view.id))}
        typed = dict(session.execute(select(DocumentVariable.name, DocumentVariable.value_type)
                                     .where(DocumentVariable.document_id == view.id)).all())
    assert speakers["B"] == (True, "Miriam Sondermann")
    assert typed["date"] == "date" and typed["participants"] == "integer"
    focus = show_document(store, "Fokusgruppe Landkreis Moorwald")
    assert {t.label for t in focus.turns} == {"Moderation", "TN1", "TN2", "TN3", "TN4", "TN5",
                                              "TN6"}


def test_docx_and_txt_of_the_demo_give_the_same_turns(tmp_path: Path) -> None:
    from qualcode.store import open_store

    turns = {}
    for kind in ("txt", "docx"):
        store = open_store(str(tmp_path / f"{kind}.db"))
        import_demo(store, kind)
        turns[kind] = [(t.label, t.time_mark, t.text)
                       for t in show_document(store, "Fokusgruppe Kesselbrunn").turns]
        store.close()
    assert turns["txt"] == turns["docx"]


def test_turns_preamble_time_marks_and_offsets(sqlite_store, tmp_path: Path) -> None:
    write_txt(tmp_path, "talbrueck.txt", TRANSCRIPT)
    report = import_paths(sqlite_store, [tmp_path / "talbrueck.txt"])
    assert report.imported[0].encoding == "UTF-8"
    view = show_document(sqlite_store, "talbrueck")
    assert "\r" not in view.text
    assert [t.label for t in view.turns] == ["I", "B", "TN3"]
    b = view.turns[1]
    assert b.text == ("Das war (unv.) und dann kamen die Busse. Die Helferkreise waren sofort da."
                      "\nDas hat uns gerettet – „wirklich“. 🙂 #00:01:02-0#")
    assert view.text[b.start:b.end] == b.text
    assert b.time_mark == "00:01:02-0"
    assert view.turns[2].text == "Ich sehe das anders (lacht)."
    with sqlite_store.read() as session:
        sentences = session.execute(select(Segment.start, Segment.end).where(
            Segment.kind == "sentence").order_by(Segment.start)).all()
    texts = [view.text[s:e] for s, e in sentences]
    assert "Das war (unv.) und dann kamen die Busse." in texts
    assert "Das hat uns gerettet – „wirklich“. 🙂" in texts
    assert not any("#00:" in t for t in texts)


def test_text_is_nfc_and_offsets_are_code_points(sqlite_store, tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "B: Übergänge für Geflüchtete 👩‍👩‍👧 🇩🇪 äußerst gut.")
    write_txt(tmp_path, "nfc.txt", ["I: Frage?", decomposed])
    import_paths(sqlite_store, [tmp_path / "nfc.txt"])
    view = show_document(sqlite_store, "nfc")
    assert unicodedata.is_normalized("NFC", view.text)
    turn = view.turns[1]
    assert view.text[turn.start:turn.end] == unicodedata.normalize("NFC", decomposed)[3:]


@pytest.mark.parametrize(("encoding", "raw_prefix", "reported"), [
    ("cp1252", b"", "Windows-1252"),
    ("utf-8", b"\xef\xbb\xbf", "UTF-8 (with BOM)"),
    ("utf-16", b"", "UTF-16"),
])
def test_text_encodings_are_detected_and_reported(sqlite_store, tmp_path: Path, encoding: str,
                                                  raw_prefix: bytes, reported: str) -> None:
    lines = ["I: Wie läuft die Zusammenarbeit mit der Ausländerbehörde?",
             "B: Größtenteils gut – aber „schwierig“ bei Übergängen."]
    path = tmp_path / "kodierung.txt"
    path.write_bytes(raw_prefix + "\n".join(lines).encode(encoding))
    report = import_paths(sqlite_store, [path])
    assert report.imported[0].encoding == reported
    assert show_document(sqlite_store, "kodierung").turns[1].text == lines[1][3:]


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    empty = folder / "leer.txt"
    empty.write_bytes(b"")
    corrupt = folder / "kaputt.docx"
    corrupt.write_bytes(b"PK\x03\x04 das ist kein vollstaendiges Archiv")
    protected = folder / "geschuetzt.docx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    binary = folder / "bild.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    unknown = folder / "kyrillisch.txt"
    unknown.write_bytes("B: Привет".encode("koi8-r") + b"\x81\x8d")
    docx_without_body = folder / "ohne-inhalt.docx"
    with zipfile.ZipFile(docx_without_body, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return {
        "empty": (empty, "is empty"),
        "corrupt": (corrupt, "not a valid .docx"),
        "protected": (protected, "password-protected"),
        "binary": (binary, "binary file"),
        "encoding": (unknown, "neither UTF-8 nor Windows-1252"),
        "no document part": (docx_without_body, "damaged .docx"),
    }


def test_each_bad_file_gives_one_clear_error_and_changes_nothing(sqlite_store,
                                                                 tmp_path: Path) -> None:
    import_paths(sqlite_store, [write_txt(tmp_path, "gut.txt", TRANSCRIPT)])
    before = dump(sqlite_store)
    for _kind, (path, fragment) in _bad_files(tmp_path).items():
        report = import_paths(sqlite_store, [path])
        assert report.imported == []
        (_, message), = report.failed
        assert str(path) in message and fragment in message, message
    assert dump(sqlite_store) == before


def test_batch_imports_good_files_and_lists_bad_ones(tmp_path: Path) -> None:
    folder = tmp_path / "stapel"
    folder.mkdir()
    write_txt(folder, "a.txt", TRANSCRIPT)
    write_txt(folder, "b.txt", TRANSCRIPT[4:])
    (folder / "c.txt").write_bytes(b"")
    db = str(tmp_path / "q.db")
    result = qualcode("import", str(folder), db=db)
    assert_user_error(result, "c.txt: is empty", "1 of 3 files failed")
    assert "new          a" in result.out and "new          b" in result.out
    strict_db = str(tmp_path / "strict.db")
    assert_user_error(qualcode("import", "--strict", str(folder), db=strict_db),
                      "Nothing was imported")
    assert "Documents: 0" in qualcode("status", db=strict_db).out


def test_manifest_problems_are_named(tmp_path: Path, sqlite_store) -> None:
    folder = tmp_path / "mit-manifest"
    folder.mkdir()
    write_txt(folder, "a.txt", TRANSCRIPT)
    (folder / "manifest.csv").write_text("file;kind;gemeinde\na.txt;interview;X\n",
                                         encoding="utf-8")
    (_, message), = import_paths(sqlite_store, [folder]).failed
    assert "manifest.csv: unknown column 'gemeinde'" in message
    (folder / "manifest.csv").write_text(
        "file;kind;municipality_type\na.txt;interview;Landkreis\nfehlt.txt;interview;Gemeinde\n",
        encoding="utf-8")
    report = import_paths(sqlite_store, [folder])
    assert [d.document for d in report.imported] == ["a"]
    assert report.failed == [(str(folder / "manifest.csv"),
                              f"{folder / 'manifest.csv'}: lists the file 'fehlt.txt', "
                              "which does not exist.")]


def test_csv_manifest_with_speakers(tmp_path: Path, sqlite_store) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    write_txt(folder, "a.txt", TRANSCRIPT)
    (folder / "manifest.csv").write_text(
        "file,name,kind,municipality,municipality_type,bundesland,date,participants,var_Welle\n"
        "a.txt,Interview Talbrück,Interview,Talbrück,Gemeinde,Hessen,14.12.2023,3,2\n",
        encoding="utf-8-sig")
    (folder / "speakers.csv").write_text(
        "file,label,name,role,organisation,consent\n"
        "a.txt,B,Erika Muster,Bürgermeisterin,Gemeinde Talbrück,ja\n"
        "a.txt,TN 3,,Ehrenamtlicher,,nein\n", encoding="utf-8")
    import_paths(sqlite_store, [folder])
    view = show_document(sqlite_store, "Interview Talbrück")
    assert view.variables["Welle"] == "2" and view.variables["date"] == "2023-12-14"
    assert [t.role for t in view.turns] == [None, "Bürgermeisterin", "Ehrenamtlicher"]


def test_reimport_of_the_same_file_changes_nothing(store, tmp_path: Path) -> None:
    path = write_txt(tmp_path, "a.txt", TRANSCRIPT)
    import_paths(store, [path])
    before = dump(store)
    report = import_paths(store, [path])
    assert report.imported[0].status == "unchanged"
    assert dump(store) == before


def test_docx_labels_in_bold_with_tab(sqlite_store, tmp_path: Path) -> None:
    path = tmp_path / "fett.docx"
    write_transcript_docx(path, TRANSCRIPT, comment="Kommentar, kein Transkript")
    document = DocxDocument(str(path))
    assert document.paragraphs[-1].runs[0].bold
    import_paths(sqlite_store, [path])
    view = show_document(sqlite_store, "fett")
    assert [t.label for t in view.turns] == ["I", "B", "TN3"]
    assert "Kommentar" not in view.text and "Transkriptionsregeln" not in view.text


def test_odt_is_read(sqlite_store, tmp_path: Path) -> None:
    path = tmp_path / "bericht.odt"
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in TRANSCRIPT[4:6])
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>'
        f"<office:text>{paragraphs}<table:table><table:table-row><table:table-cell>"
        "<text:p>B: Tabelle ist kein Redebeitrag</text:p></table:table-cell></table:table-row>"
        "</table:table></office:text></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", content)
    import_paths(sqlite_store, [path])
    view = show_document(sqlite_store, "bericht")
    assert [t.label for t in view.turns] == ["I", "B"]
    assert "Tabelle" not in view.text


def test_rtf_from_a_word_processor_reads_like_its_docx(tmp_path: Path) -> None:
    """tests/fixtures/interview-kesselbrunn.rtf is the demo .docx saved as RTF by LibreOffice."""
    rtf = readers.read_transcript(REPO / "tests" / "fixtures" / "interview-kesselbrunn.rtf")
    docx = readers.read_transcript(REPO / "transcripts" / "demo" / "docx" /
                                   "interview-kesselbrunn.docx")
    assert rtf.encoding == "RTF (cp1252)"
    # the .docx reader leaves out the preamble's table; so does the RTF reader
    assert [p for p in rtf.paragraphs if p] == [p for p in docx.paragraphs if p]


def test_rtf_escapes_umlauts_quotes_and_emoji(sqlite_store, tmp_path: Path) -> None:
    path = tmp_path / "gespraech.rtf"
    path.write_bytes(
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}"
        rb"\pard I:\tab Wie war das f\'fcr Sie? \u8222?Gut\u8220? \u-10179?\u-8694?\par"
        rb"\pard B:\tab Die Stra\'dfe der Begegnung \endash  mit Ehrenamtlichen.\par}")
    import_paths(sqlite_store, [path])
    view = show_document(sqlite_store, "gespraech")
    assert [t.label for t in view.turns] == ["I", "B"]
    assert view.turns[0].text.endswith("„Gut“ 😊")
    assert "Straße der Begegnung – mit" in view.turns[1].text
    start = view.text.index("😊")
    assert view.text[start:start + 1] == "😊"  # one code point, not two surrogates


def test_broken_rtf_is_refused_and_nothing_is_stored(sqlite_store, tmp_path: Path) -> None:
    before = dump(sqlite_store)
    fake = tmp_path / "kein.rtf"
    fake.write_text("Das ist einfach Text, kein RTF.", encoding="utf-8")
    report = import_paths(sqlite_store, [fake])
    assert report.failed == [(str(fake), f"{fake}: is not an RTF file (it does not begin "
                                         "with {\\rtf).")]
    assert dump(sqlite_store) == before


def test_unsupported_type_and_missing_path(sqlite_store, tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    report = import_paths(sqlite_store, [pdf, tmp_path / "fehlt.txt"])
    assert sorted(m for _, m in report.failed) == sorted([
        f"{pdf}: unsupported file type .pdf; qualcode reads .docx, .md, .odt, .rtf, .txt.",
        f"{tmp_path / 'fehlt.txt'}: no such file or folder."])


def test_strict_raises_for_service_callers(sqlite_store, tmp_path: Path) -> None:
    (tmp_path / "leer.txt").write_bytes(b"")
    with pytest.raises(InvalidInput, match="Nothing was imported"):
        import_paths(sqlite_store, [write_txt(tmp_path, "a.txt", TRANSCRIPT),
                                    tmp_path / "leer.txt"], strict=True)


def test_a_broken_manifest_fails_every_file_of_its_folder(sqlite_store, tmp_path: Path) -> None:
    folder = tmp_path / "kaputt"
    folder.mkdir()
    write_txt(folder, "a.txt", TRANSCRIPT)
    write_txt(folder, "b.txt", TRANSCRIPT[4:])
    (folder / "manifest.csv").write_text("file;gemeinde\na.txt;X\n", encoding="utf-8")
    report = import_paths(sqlite_store, [folder])
    assert report.imported == []
    assert sorted(Path(p).name for p, _ in report.failed) == ["a.txt", "b.txt"]
