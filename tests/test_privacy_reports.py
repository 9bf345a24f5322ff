"""Every report, and every other export meant for publication, passes through the privacy
gate: it stops on findings (exit 2, review file beside the target, nothing written, no name
on the terminal), passes with --accept (export log), and a report written with the gate in
"warn" says how many findings it carries. Raw and working files only warn, and are logged.

A fictional study: Thomas Huber (Kämmerer in Lindau-Nord) did not agree to be named, yet his
name is in a document's name, in the codebook's anchor example of a code, and another
person's name and telephone number are in a unit the coders disagree on.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.services.anchors import mark_anchor
from qualcode.services.codings import add_coding
from qualcode.services.importing import import_paths
from qualcode.services.profile import load_profile_file
from qualcode.store import open_store
from tests.cli import Result, assert_user_error, qualcode
from tests.conftest import CODEBOOK, REPO
from tests.helpers import dump
from tests.privacy_study import CODE, MANIFEST, TEXTS

LINDAU = "Fokusgruppe mit Thomas Huber"  # a document named after a refusing speaker
DOCUMENTS = {"lindau.txt": LINDAU, "seedorf.txt": "Interview Seedorf",
             "altmark.txt": "Interview Altmark", "nordheim.txt": "Interview Nordheim"}
OTHER = "Wohnen und Unterbringung"
ANCHOR = "„Der runde Tisch trifft sich jeden ersten Dienstag“, sagt Herr Huber 🙂."
PERSONAL = ("Huber", "Thomas", "Krause", "0228", "Kovalenko", "Strauß", "Strauss", "Aydın")
REPORTS = {
    "agreement": ("report", "agreement", "--coders", "anna,björn"),
    "codebook": ("report", "codebook", "--coders", "anna,björn"),
    "project": ("report", "project"),
}


def make_study(folder: Path, *, gate: str = "stop") -> str:
    """The fictional study (tests/privacy_study.py) with the names above; two coders who
    disagree (björn codes another code) on the lines of Thomas Huber, Altmark and Nordheim;
    björn's coding of the Lindau moderator marked as an anchor."""
    sources = folder / "studie"
    sources.mkdir()
    (sources / "manifest.yaml").write_text(
        MANIFEST.replace("name: Fokusgruppe Lindau", f"name: {LINDAU}"), encoding="utf-8")
    for name, text in TEXTS.items():
        (sources / name).write_text(text, encoding="utf-8")
    codebook = folder / "codebook.yaml"
    codebook.write_text(CODEBOOK.read_text("utf-8").replace(
        "'„Der runde Tisch trifft sich jeden ersten Dienstag, da kommen inzwischen über "
        "dreißig Leute.“'", f"'{ANCHOR}'"), encoding="utf-8")
    profile = (REPO / "codebooks" / "kommunale-resilienz.profile.yaml").read_text("utf-8")
    (folder / "studie.profile.yaml").write_text(profile.replace("gate: stop", f"gate: {gate}"),
                                                encoding="utf-8")
    db = str(folder / "studie.db")
    store = open_store(db)
    load_codebook(store, read_codebook(codebook))
    load_profile_file(store, folder / "studie.profile.yaml")
    assert import_paths(store, [sources]).failed == []
    line_number = 0
    for file, text in TEXTS.items():
        offset = 0
        for line in text.split("\n")[:-1]:
            start, end = offset + line.index(":") + 2, offset + len(line)
            björn = CODE if line_number in (0, 2) else OTHER
            for coder, code in (("anna", CODE), ("björn", björn)):
                add_coding(store, document=DOCUMENTS[file], code=code, coder=coder,
                           start=start, end=end)
            offset, line_number = end + 1, line_number + 1
    mark_anchor(store, LINDAU, CODE, "björn", start=TEXTS["lindau.txt"].index("Willkommen"),
                marked=True)
    store.close()
    return db


@pytest.fixture(scope="module")
def study_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("studie")
    return Path(make_study(folder))


@pytest.fixture
def study(study_template: Path, tmp_path: Path) -> str:
    db = tmp_path / "studie.db"
    db.write_bytes(study_template.read_bytes())
    return str(db)


def review_of(target: Path) -> Path:
    return target.with_name(target.name + ".privacy-review.json")


def found_in(review: Path) -> list[dict]:
    return json.loads(review.read_text(encoding="utf-8"))["findings"]


def log_of(db: str) -> list[dict]:
    done = qualcode("exports", "log", "--json", db=db)
    assert done.code == 0, done.err
    return json.loads(done.out)


def no_name_shown(result: Result) -> None:
    assert not any(word in result.out + result.err for word in PERSONAL), result.err


def assert_stopped(result: Result, db: str, target: Path, before: dict) -> list[dict]:
    """Exit 2, one sentence with the count and the review file; nothing written or logged."""
    review = review_of(target)
    assert_user_error(result, "may identify a person", str(review), "--accept")
    assert len(result.err.strip().splitlines()) == 1
    no_name_shown(result)
    assert not target.exists()
    assert dump(open_store(db)) == before
    findings = found_in(review)
    assert f"Error: {len(findings)} passage" in result.err
    assert review.stat().st_mode & 0o077 == 0
    return findings


def assert_accepted(db: str, target: Path, what: str, *args: str) -> dict:
    """Exported again with --accept: written, logged with SHA-256 and the accepted keys."""
    review = review_of(target)
    keys = {f["key"] for f in found_in(review)}
    result = qualcode(*args, "--accept", str(review), db=db)
    assert result.code == 0, result.err
    no_name_shown(result)
    assert target.exists()
    assert "accepted" in result.err
    entry = log_of(db)[-1]
    assert entry["what"] == what and entry["file"] == str(target)
    assert entry["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert set(entry["accepted"]) == keys and entry["accept_file"] == str(review)
    assert entry["gate"] == "stop" and entry["findings"] == len(keys)
    assert not any(word in json.dumps(entry) for word in PERSONAL)
    return entry


@pytest.mark.parametrize("suffix", ["html", "docx"])
@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_each_report_stops_on_a_name_and_passes_when_accepted(study: str, tmp_path: Path,
                                                               kind: str, suffix: str) -> None:
    target = tmp_path / "bericht" / f"{kind}.{suffix}"
    before = dump(open_store(study))
    args = (*REPORTS[kind], "-o", str(target))
    findings = assert_stopped(qualcode(*args, db=study), study, target, before)
    found = {(f["document"], f["found"]) for f in findings}
    assert any("Thomas Huber" in text for _document, text in found)  # the document's name
    if kind == "agreement":  # the disagreement examples, by the document they quote
        assert {("Interview Nordheim", "Herrn Krause"),
                ("Interview Nordheim", "0228 123456")} <= found
    if kind == "codebook":  # the codebook's anchor example, and the marked one's document
        assert ("", "Herr Huber") in found
        assert any(document == LINDAU and "Thomas Huber" in text for document, text in found)
    assert_accepted(study, target, f"report {kind}", *args)


def test_a_report_names_no_refusing_speaker_in_its_examples(study: str, tmp_path: Path) -> None:
    """The gate comes after pseudonymisation: Thomas Huber's turn is quoted as [Herr T.]."""
    target = tmp_path / "agreement.docx"
    args = (*REPORTS["agreement"], "-o", str(target))
    qualcode(*args, db=study)
    assert qualcode(*args, "--accept", str(review_of(target)), db=study).code == 0
    cells = [c.text for t in DocxDocument(str(target)).tables for r in t.rows for c in r.cells]
    assert any("[Herr T.], Kämmerei" in cell for cell in cells)


def test_every_text_part_of_the_word_report_was_checked(study: str, tmp_path: Path) -> None:
    """What `privacy check --export` finds in the written file, anywhere in it (properties,
    headers, footers, cells), the gate found before writing."""
    for kind, args in REPORTS.items():
        target = tmp_path / f"{kind}.docx"
        qualcode(*args, "-o", str(target), db=study)
        gated = {f["found"] for f in found_in(review_of(target))}
        assert qualcode(*args, "-o", str(target), "--accept", str(review_of(target)),
                        db=study).code == 0
        checked = qualcode("privacy", "check", "--export", str(target), "--json", db=study)
        in_file = {f["found"] for f in json.loads(checked.out)}
        assert in_file and in_file <= gated, (kind, in_file - gated)


def test_a_new_finding_stops_a_report_again(study: str, tmp_path: Path) -> None:
    from qualcode.services.privacy import add_to_stop_list

    target = tmp_path / "projekt.html"
    args = (*REPORTS["project"], "-o", str(target))
    qualcode(*args, db=study)
    store = open_store(study)
    add_to_stop_list(store, "Seedorf", actor="anna")
    store.close()
    result = qualcode(*args, "--accept", str(review_of(target)), db=study)
    assert_user_error(result, "may identify a person")
    assert not target.exists() and log_of(study) == []


@pytest.mark.parametrize("suffix", ["html", "docx"])
@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_warn_writes_the_report_with_the_count_of_findings(tmp_path: Path, kind: str,
                                                           suffix: str) -> None:
    db = make_study(tmp_path, gate="warn")
    target = tmp_path / f"{kind}.{suffix}"
    result = qualcode(*REPORTS[kind], "-o", str(target), "--lang", "en", db=db)
    assert result.code == 0, result.err
    no_name_shown(result)
    count = len(found_in(review_of(target)))
    assert f"Warning: {count} passage" in result.err and "(privacy.gate: warn)" in result.err
    if suffix == "html":
        text = re.sub(r"<[^>]+>", "", target.read_text(encoding="utf-8"))
    else:
        text = "\n".join(p.text for p in DocxDocument(str(target)).paragraphs)
    said = next(line for line in text.splitlines() if "of this report may identify" in line)
    assert f"Privacy check: {count} passage" in said
    assert "(privacy.gate: warn)" in said and review_of(target).name in said
    [entry] = log_of(db)
    assert entry["gate"] == "warn" and entry["findings"] == count and entry["accepted"] == []
    assert entry["what"] == f"report {kind}"


def test_the_warning_in_a_german_report_is_german(tmp_path: Path) -> None:
    db = make_study(tmp_path, gate="warn")
    target = tmp_path / "leitfaden.docx"
    assert qualcode(*REPORTS["codebook"], "-o", str(target), "--lang", "de", db=db).code == 0
    text = "\n".join(p.text for p in DocxDocument(str(target)).paragraphs)
    assert "Datenschutzprüfung:" in text and "Prüfdatei" in text


def test_the_stop_message_is_german_in_a_german_interface(study: str, tmp_path: Path) -> None:
    result = qualcode(*REPORTS["project"], "-o", str(tmp_path / "p.html"), db=study,
                      env={"QUALCODE_LANG": "de"})
    assert_user_error(result, "Fund", "--accept")
    no_name_shown(result)


# --- other exports --------------------------------------------------------------------------

def test_a_document_matrix_names_documents_and_passes_the_gate(study: str,
                                                               tmp_path: Path) -> None:
    for suffix in ("csv", "xlsx", "svg"):
        target = tmp_path / f"matrix.{suffix}"
        args = ("export", "matrix", "--kind", "documents", "-o", str(target))
        before = dump(open_store(study))
        findings = assert_stopped(qualcode(*args, db=study), study, target, before)
        assert any("Thomas Huber" in f["found"] for f in findings)
        assert_accepted(study, target, "matrix", *args)
    assert [e["what"] for e in log_of(study)] == ["matrix"] * 3


def test_a_code_matrix_without_names_is_written_and_logged(study: str, tmp_path: Path) -> None:
    target = tmp_path / "kookkurrenz.csv"
    result = qualcode("export", "matrix", "-o", str(target), db=study)
    assert result.code == 0, result.err
    assert "may identify" not in result.err
    [entry] = log_of(study)
    assert entry["what"] == "matrix" and entry["findings"] == 0
    assert entry["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_codebook_file_with_a_name_in_an_anchor_example_stops(study: str, tmp_path: Path,
                                                                fmt: str) -> None:
    target = tmp_path / f"codesystem.{fmt}"
    args = ("codebook", "export", "--format", fmt, "-o", str(target))
    findings = assert_stopped(qualcode(*args, db=study), study, target,
                              dump(open_store(study)))
    assert "Herr Huber" in {f["found"] for f in findings}
    assert_accepted(study, target, "codebook", *args)


@pytest.mark.parametrize("fmt", ["yaml", "qdc"])
def test_a_codebook_for_loading_again_only_warns_and_is_logged(study: str, tmp_path: Path,
                                                              fmt: str) -> None:
    target = tmp_path / f"codesystem.{fmt}"
    result = qualcode("codebook", "export", "--format", fmt, "-o", str(target), db=study)
    assert result.code == 0, result.err
    no_name_shown(result)
    assert "that may identify a person; raw exchange files are not altered" in result.err
    assert "sagt Herr Huber" in target.read_text(encoding="utf-8")  # unaltered
    [entry] = log_of(study)
    assert entry["what"] == "codebook" and entry["findings"] >= 1 and entry["gate"] is None


def test_agreement_and_disagreement_tables_warn_and_are_logged(study: str,
                                                               tmp_path: Path) -> None:
    table = tmp_path / "uneinig.xlsx"
    result = qualcode("disagreements", "--coders", "anna,björn", "--xlsx", str(table), db=study)
    assert result.code == 0, result.err
    assert not any(word in result.err for word in PERSONAL)  # (stdout lists the units)
    assert "passages that may identify a person; working tables" in result.err
    figures = tmp_path / "alpha.csv"
    assert qualcode("agreement", "--coders", "anna,björn", "--csv", str(figures),
                    db=study).code == 0
    log = log_of(study)
    assert [(e["what"], e["file"]) for e in log] == [("disagreements", str(table)),
                                                     ("agreement", str(figures))]
    assert log[0]["findings"] > 0
