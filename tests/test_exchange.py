"""REFI-QDA: schema-valid exports, round trips, the real programs' files, bad archives."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from qualcode.errors import InvalidInput
from qualcode.exchange.refi import export_codebook, export_project
from qualcode.exchange.refi_import import import_codebook, import_project
from qualcode.models import Code, Coder, Coding, Document, DocumentVariable, DocumentVersion, Memo
from qualcode.services.codings import add_coding
from qualcode.services.documents import NewDocument, add_document
from qualcode.services.memos import set_memo
from qualcode.store import open_store
from tests.conftest import REPO
from tests.helpers import dump, import_demo, load_study_codebook

FIXTURES = REPO.parent / "shared" / "fixtures" / "refi-qda"
NS = "{urn:QDA-XML:project:1.0}"


def fixtures() -> Path:
    if not FIXTURES.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{FIXTURES} is missing (shared fixtures beside the repository)")
        pytest.skip(f"{FIXTURES} is missing")
    return FIXTURES


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(fixtures() / "schema" / name)))


def content(store) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What a round trip must keep, independent of ids."""
    from qualcode.store.lookup import code_paths

    with store.read() as session:
        paths = code_paths(session)
        texts = {name: text for name, text in session.execute(
            select(Document.name, DocumentVersion.text).join(DocumentVersion))}
        codes = sorted((paths[c.id], c.colour, c.definition, c.anchor_example)
                       for c in session.scalars(select(Code)))
        codings = sorted(session.execute(
            select(Document.name, Coder.name, Coding.code_id, Coding.start, Coding.end,
                   Coding.text, Coding.memo)
            .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
            .join(Document).join(Coder, Coder.id == Coding.coder_id)).all())
        codings = [(d, who, paths[cid], s, e, t, m) for d, who, cid, s, e, t, m in codings]
        variables = sorted(session.execute(select(Document.name, DocumentVariable.name,
                                                  DocumentVariable.value)
                                           .join(Document)).all())
        memos = sorted(m.text for m in session.scalars(select(Memo)))
    return {"texts": texts, "codes": codes, "codings": codings, "variables": variables,
            "memos": memos}


@pytest.fixture
def project(store):  # type: ignore[no-untyped-def]
    load_study_codebook(store)
    import_demo(store)
    add_document(store, NewDocument(
        "Sonderzeichen", "B: Übergänge 👩‍👩‍👧 und 🇩🇪 – „gut“ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\nI: Danke."))
    text = "B: Übergänge 👩‍👩‍👧 und 🇩🇪 – „gut“ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\nI: Danke."
    for coder, code, phrase, memo in [("anna", "Soziale Integration", "👩‍👩‍👧 und 🇩🇪", "Emoji"),
                                      ("björn", "Soziale Integration", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", None),
                                      ("anna", "Wohnen und Unterbringung", "Übergänge", None)]:
        start = text.index(phrase)
        add_coding(store, document="Sonderzeichen", code=code, coder=coder, start=start,
                   end=start + len(phrase), memo=memo)
    add_coding(store, document="Interview Kesselbrunn", code="Vernetzung",
               coder="björn", start=400, end=480)
    set_memo(store, "document", 1, "Gesprächsnotiz", coder="anna")
    set_memo(store, "code", 1, "Zum Code", coder="anna")
    return store


def test_exports_validate_against_the_official_schemas(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export_project(project, tmp_path / "p.qdpx")
    export_codebook(project, tmp_path / "c.qdc")
    qde = etree.fromstring(zipfile.ZipFile(tmp_path / "p.qdpx").read("project.qde"))
    project_schema = schema("Project-mrt2019.xsd")
    assert project_schema.validate(qde), project_schema.error_log
    codebook_schema = schema("Codebook-mrt2019.xsd")
    assert codebook_schema.validate(etree.parse(str(tmp_path / "c.qdc"))), codebook_schema.error_log


def test_round_trip_keeps_everything(project, tmp_path: Path,  # type: ignore[no-untyped-def]
                                     new_db: Callable[[str], str]) -> None:
    export_project(project, tmp_path / "first.qdpx")
    copy = open_store(new_db("copy.db"))
    report = import_project(copy, tmp_path / "first.qdpx")
    assert report.sources == 7 and report.codes == 46
    assert content(copy) == content(project)
    export_project(copy, tmp_path / "second.qdpx")
    again = open_store(new_db("again.db"))
    import_project(again, tmp_path / "second.qdpx")
    assert content(again) == content(project)
    # Into the store it came from: everything matches, nothing is doubled.
    before = content(project)
    merged = import_project(project, tmp_path / "first.qdpx")
    assert (merged.sources, merged.sources_merged, merged.codes, merged.codings) == (0, 7, 0, 0)
    assert content(project)["codings"] == before["codings"]
    copy.close()
    again.close()


def test_crlf_text_keeps_codings_on_the_same_characters(store, tmp_path: Path) -> None:
    text = "I: Wie läuft’s?\r\nB: Gut 🙂 – die Ämter 🇩🇪 arbeiten zusammen.\r\nI: Danke."
    phrase = "die Ämter 🇩🇪 arbeiten"
    start = text.index(phrase)
    write_qdpx(tmp_path / "crlf.qdpx", text, start, start + len(phrase))
    import_project(store, tmp_path / "crlf.qdpx")
    with store.read() as session:
        coded = session.scalar(select(Coding.text))
        stored = session.scalar(select(DocumentVersion.text))
    assert coded == phrase
    assert stored == text.replace("\r\n", "\n")


def write_qdpx(path: Path, text: str, start: int, end: int, *, code_ref: str = "C",
               source_path: str = "internal://S.txt", qde_name: str = "project.qde",
               xml: str | None = None) -> None:
    ids = {"U": "11111111-1111-1111-1111-111111111111", "C": "22222222-2222-2222-2222-222222222222",
           "S": "33333333-3333-3333-3333-333333333333", "P": "44444444-4444-4444-4444-444444444444",
           "K": "55555555-5555-5555-5555-555555555555",
           "X": "99999999-9999-9999-9999-999999999999"}
    document = xml or f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="handmade">
 <Users><User guid="{{{ids['U']}}}" name="Ayşe"/></Users>
 <CodeBook><Codes><Code guid="{ids['C'].lower()}" name="Zusammenarbeit" isCodable="true"
   color="#abc"/></Codes></CodeBook>
 <Sources><TextSource guid="{ids['S']}" name="Gespräch" plainTextPath="{source_path}"
   richTextPath="internal://S.docx">
  <PlainTextSelection guid="{ids['P']}" startPosition="{start}" endPosition="{end}"
    creatingUser="{ids['U']}"><Coding guid="{ids['K']}" creatingUser="{ids['U']}">
    <CodeRef targetGUID="{ids[code_ref]}"/></Coding></PlainTextSelection>
 </TextSource></Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(qde_name, document)
        archive.writestr("Sources/S.txt", text.encode("utf-8"))
        archive.writestr("Sources/S.docx", b"")


def test_quirks_of_real_programs_are_accepted(store, tmp_path: Path) -> None:
    text = "B: Das läuft gut."
    write_qdpx(tmp_path / "q.qdpx", text, 3, 16, qde_name="Mein Projekt.qde")
    report = import_project(store, tmp_path / "q.qdpx")
    assert (report.sources, report.codes, report.codings) == (1, 1, 1)
    assert report.coders == ["Ayşe"]
    with store.read() as session:
        assert session.scalar(select(Code.colour)) == "#AABBCC"


@pytest.mark.parametrize(("case", "fragment", "store_kind"), [
    ("not a zip", "not a zip archive", "sqlite"),
    ("no qde", r"no project file \(\.qde\)", "sqlite"),
    ("malformed", "not well-formed XML", "sqlite"),
    # refused while writing: the rollback is what is tested, on both stores
    ("outside", "lies outside the text", "sqlite"),
    pytest.param("outside", "lies outside the text", "postgres", marks=pytest.mark.postgres),
    ("missing code", "which the codebook does not have", "sqlite"),
    ("escape", "leaves the archive", "sqlite"),
], indirect=["store_kind"])
def test_bad_archives_give_one_sentence_and_import_nothing(store, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           case: str, fragment: str) -> None:
    path = tmp_path / "schlecht.qdpx"
    text = "B: Kurzer Text."
    if case == "not a zip":
        path.write_text("kein Archiv", encoding="utf-8")
    elif case == "no qde":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("sources/S.txt", text)
    elif case == "malformed":
        write_qdpx(path, text, 0, 5, xml="<Project><Users></Project>")
    elif case == "outside":
        write_qdpx(path, text, 3, 999)
    elif case == "missing code":
        write_qdpx(path, text, 3, 8, code_ref="X")
    else:
        write_qdpx(path, text, 3, 8, source_path="internal://../../etc/passwd")
    before = dump(store)
    with pytest.raises(InvalidInput, match=fragment):
        import_project(store, path)
    assert dump(store) == before


def _xml_counts(path: Path) -> tuple[int, int, int]:
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        name = next(n for n in archive.namelist() if n.endswith(".qde"))
        root = etree.fromstring(archive.read(name))
    else:
        root = etree.parse(str(path)).getroot()
    sources = len(root.findall(f".//{NS}TextSource"))
    codes = len(root.findall(f".//{NS}Code")) + len(
        root.findall(".//{urn:QDA-XML:codebook:1.0}Code"))
    codings = len(root.findall(f".//{NS}PlainTextSelection/{NS}Coding"))
    return sources, codes, codings


@pytest.mark.parametrize("sample", [
    "paper_themes-maxqda__2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx",
    "ponte-atlasti__blank-atlas-project.qdpx",
    "ponte-atlasti__target-atlas-project.qdpx",
    "qualitative-coding-nvivo__nvivo_project.qdpx",
    "uto_tag-taguette__codebook.qdc",
])
def test_every_sample_imports_with_the_xml_counts(store, sample: str) -> None:
    path = fixtures() / "samples" / sample
    sources, codes, codings = _xml_counts(path)
    if path.suffix == ".qdc":
        report = import_codebook(store, path)
        assert report.codes == codes
        assert "empty <Sets/>" in report.warnings[0]
        return
    report = import_project(store, path)
    assert (report.sources, report.codes, report.codings) == (sources, codes, codings)


def test_bare_hand_authored_qde_imports_what_it_carries(store) -> None:
    path = fixtures() / "samples" / "qdpx-toolkit-handauthored__project.qde"
    _, codes, _ = _xml_counts(path)
    report = import_project(store, path)
    assert report.codes == codes
    assert report.sources == 0  # its text file is referenced, not included
    assert any("Interview 1.txt" in w and "skipped" in w for w in report.warnings)
    assert sum("skipped: qualcode codes text only" in w for w in report.warnings) == 4


def test_identical_codings_in_an_archive_are_kept_once(store, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      new_db: Callable[[str], str]) -> None:
    load_study_codebook(store)
    add_document(store, NewDocument("Doppelt", "B: Zweimal dasselbe codiert."))
    for _ in range(2):
        add_coding(store, document="Doppelt", code="Soziale Integration", coder="anna",
                   start=3, end=10)
    export_project(store, tmp_path / "d.qdpx")
    copy = open_store(new_db("copy.db"))
    report = import_project(copy, tmp_path / "d.qdpx")
    assert (report.codings, report.duplicates) == (1, 1)
    copy.close()


def test_cli_export_is_whole_or_nothing(tmp_path: Path, new_db: Callable[[str], str]) -> None:
    from tests.cli import assert_user_error, qualcode

    db = new_db("q.db")
    store = open_store(db)
    load_study_codebook(store)
    import_demo(store)
    store.close()
    target = tmp_path / "Kommunale Resilienz.qdpx"
    target.write_bytes(b"alt")
    assert_user_error(qualcode("export", "qdpx", str(target), db=db), "exists already")
    assert target.read_bytes() == b"alt"
    assert_user_error(qualcode("export", "qdpx", str(tmp_path / "projekt.zip"), db=db),
                      "must end in .qdpx")
    done = qualcode("export", "qdpx", str(target), "--force", db=db)
    assert done.code == 0, done.err
    with zipfile.ZipFile(target) as archive:
        project = etree.fromstring(archive.read("project.qde"))
    assert project.get("name") == "Kommunale Resilienz"
    store_file = ["q.db"] if "://" not in db else []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Kommunale Resilienz.qdpx", *store_file]
