"""privacy check, the gate around quote exports (stop, accept, warn), raw exports, export log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from openpyxl import Workbook

from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump
from tests.privacy_study import TEXTS, make_study

PERSONAL = ("Krause", "0228", "Kovalenko", "Huber", "Strauß", "Strauss", "Aydın")


@pytest.fixture
def study(tmp_path: Path) -> str:
    return make_study(tmp_path)


def check_json(db: str, *args: str) -> list[dict]:
    result = qualcode("privacy", "check", *args, "--json", db=db)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_check_all_lists_every_kind_with_offsets_into_the_text(study: str) -> None:
    findings = check_json(study, "--all")
    by_kind = {(f["kind"], f["found"]) for f in findings}
    assert {("person_name", "Herrn Krause"), ("phone", "0228 123456"),
            ("email", "krause@nordheim.de"), ("person_name", "Olena Kovalenko"),
            ("speaker_name", "Thomas Huber"), ("speaker_name", "Herr Strauss")} <= by_kind
    assert not [f for f in findings if f["found"] == "Karin Vogt"]  # she agreed
    assert not [f for f in findings if f["found"] in ("53111 Euro", "2015")]
    texts = {"Interview Nordheim": TEXTS["nordheim.txt"], "Fokusgruppe Lindau":
             TEXTS["lindau.txt"], "Interview Seedorf": TEXTS["seedorf.txt"]}
    for finding in findings:
        if finding["where"] == "text":
            text = texts[finding["document"]]
            assert text[finding["start"]:finding["end"]] == finding["found"]
            assert finding["suggestion"] and finding["context"]


def test_linkage_within_a_focus_group_offers_the_name_without_the_place(study: str) -> None:
    linked = [f for f in check_json(study, "--all") if f["kind"] == "linkage"]
    assert [(f["document"], f["found"], f["suggestion"]) for f in linked] == [
        ("Fokusgruppe Lindau", "Karin Vogt, Gemeinde Lindau-Nord", "Karin Vogt")]


def test_rare_combinations_below_k_with_the_coarsening_that_reaches_k(study: str) -> None:
    rare = [f for f in check_json(study, "--all") if f["kind"] == "rare_combination"]
    shown = {f["found"]: f["suggestion"] for f in rare}
    # Three Kämmerer in Bavarian Gemeinden: k = 3 is reached; the one Integrationsbeauftragte
    # of a kreisfreie Stadt in Hessen is not, and only the fallback role reaches it.
    assert "Herr T., Gemeinde, Bayern" not in shown and "Kämmerer, Gemeinde, Bayern" not in shown
    assert shown == {"Integrationsbeauftragte, kreisfreie Stadt, Hessen": "Gesprächspartner:in"}


def test_k_comes_from_the_profile(tmp_path: Path) -> None:
    db = make_study(tmp_path, k=4)
    rare = {f["found"]: f["suggestion"] for f in check_json(db, "--all")
            if f["kind"] == "rare_combination"}
    assert rare["Kämmerer, Gemeinde, Bayern"] == "Gesprächspartner:in, Gemeinde, Bayern"


def test_check_one_document_and_a_bad_choice(study: str) -> None:
    findings = check_json(study, "--document", "Interview Nordheim")
    assert {f["document"] for f in findings} == {"Interview Nordheim"}
    assert_user_error(qualcode("privacy", "check", db=study), "--all")
    assert_user_error(qualcode("privacy", "check", "--document", "Gibt es nicht", db=study))
    plain = qualcode("privacy", "check", "--document", "Interview Nordheim", db=study)
    assert "telephone number" in plain.out and "[Telefonnummer]" in plain.out


def test_the_gate_stops_with_one_sentence_and_a_review_file(study: str, tmp_path: Path) -> None:
    out = tmp_path / "zitate.xlsx"
    before = dump(open_store(study))
    result = qualcode("export", "quotes", "-o", str(out), db=study)
    review = tmp_path / "zitate.xlsx.privacy-review.json"
    assert_user_error(result, "passages may identify a person", str(review), "--accept")
    assert len(result.err.strip().splitlines()) == 1
    assert not any(word in result.err for word in PERSONAL)
    assert not out.exists()
    assert dump(open_store(study)) == before  # nothing logged: nothing left
    listed = json.loads(review.read_text(encoding="utf-8"))
    found = {f["found"] for f in listed["findings"]}
    assert {"Herrn Krause", "0228 123456", "krause@nordheim.de", "Olena Kovalenko",
            "Karin Vogt, Gemeinde Lindau-Nord"} <= found
    assert str(len(listed["findings"])) in result.err
    assert {p["found"] for p in listed["pseudonymised"]} >= {"Thomas Huber", "Herr Strauss"}
    assert review.stat().st_mode & 0o077 == 0  # the review file holds personal data


def test_accepting_the_reviewed_file_lets_it_through_and_logs_it(study: str,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "zitate.docx"
    qualcode("export", "quotes", "-o", str(out), db=study)
    review = tmp_path / "zitate.docx.privacy-review.json"
    keys = {f["key"] for f in json.loads(review.read_text("utf-8"))["findings"]}
    result = qualcode("export", "quotes", "-o", str(out), "--accept", str(review), db=study)
    assert result.code == 0, result.err
    assert out.exists() and not any(word in result.err for word in PERSONAL)
    written = DocxDocument(str(out))
    text = "\n".join([written.core_properties.title or "",
                      *(p.text for p in written.paragraphs)])
    assert "Karin Vogt" in text and "[Herr T.]" in text  # she agreed; he did not
    assert not any(name in text for name in ("Huber", "Thomas", "Strauß", "Strauss", "Aydın"))
    log = json.loads(qualcode("exports", "log", "--json", db=study).out)
    assert len(log) == 1
    entry = log[0]
    assert entry["what"] == "quotes" and entry["file"] == str(out)
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert set(entry["accepted"]) == keys and entry["accept_file"] == str(review)
    assert entry["by"] and entry["at"]
    assert not any(word in json.dumps(log) for word in PERSONAL)
    text = qualcode("exports", "log", db=study)
    assert "quotes" in text.out and entry["sha256"][:16] in text.out


def test_a_new_finding_stops_again_after_acceptance(study: str, tmp_path: Path) -> None:
    from qualcode.services.privacy import add_to_stop_list

    out = tmp_path / "zitate.csv"
    qualcode("export", "quotes", "-o", str(out), db=study)
    accepted = tmp_path / "geprueft.json"
    (tmp_path / "zitate.csv.privacy-review.json").rename(accepted)
    store = open_store(study)
    add_to_stop_list(store, "Geld", actor="anna")  # any word the project adds
    store.close()
    result = qualcode("export", "quotes", "-o", str(out), "--accept", str(accepted), db=study)
    assert_user_error(result, "1 passage may identify a person")
    assert not out.exists()


@pytest.mark.parametrize("content", ["kein json", '{"format": "anders"}', "[1, 2]",
                                     '{"format": "qualcode privacy review", "findings": [{}]}'])
def test_a_bad_accept_file_is_a_user_error(study: str, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "review.json"
    bad.write_text(content, encoding="utf-8")
    result = qualcode("export", "quotes", "-o", str(tmp_path / "z.csv"), "--accept", str(bad),
                      db=study)
    assert_user_error(result, str(bad))
    assert not (tmp_path / "z.csv").exists()


def test_warn_writes_the_file_and_gives_counts_only(tmp_path: Path) -> None:
    db = make_study(tmp_path, gate="warn")
    out = tmp_path / "zitate.md"
    result = qualcode("export", "quotes", "-o", str(out), db=db)
    assert result.code == 0, result.err
    assert "passages may identify a person (privacy.gate: warn)" in result.err
    assert "names pseudonymised" in result.err
    assert not any(word in result.err + result.out for word in PERSONAL)
    assert "[Herr T.]" in out.read_text(encoding="utf-8")
    log = json.loads(qualcode("exports", "log", "--json", db=db).out)
    assert log[0]["gate"] == "warn" and log[0]["findings"] > 0 and log[0]["accepted"] == []


@pytest.mark.parametrize("what", ["codings", "qdpx"])
def test_raw_exchange_is_never_altered_but_warned_and_logged(study: str, tmp_path: Path,
                                                            what: str) -> None:
    out = tmp_path / f"roh.{'csv' if what == 'codings' else 'qdpx'}"
    args = ("-o", str(out)) if what == "codings" else (str(out),)
    result = qualcode("export", what, *args, db=study)
    assert result.code == 0, result.err
    assert "passages that may identify a person" in result.err
    assert not any(word in result.err for word in PERSONAL)
    findings = check_json(study, "--export", str(out))
    assert {"Thomas Huber", "Herrn Krause"} <= {f["found"] for f in findings}
    log = json.loads(qualcode("exports", "log", "--json", db=study).out)
    assert [e["what"] for e in log] == [what]
    assert log[0]["findings"] == len(findings)


def test_check_an_export_file_in_every_part(study: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Thomas Huber"
    sheet["A1"] = "Zitat"
    sheet["A2"] = "Rufen Sie 0228 123456 an"
    sheet.oddFooter.center.text = "Herr Krause"
    book.properties.creator = "Olena Kovalenko"
    path = tmp_path / "fremd.xlsx"
    book.save(path)
    findings = check_json(study, "--export", str(path))
    where = {f["found"]: f["where"] for f in findings}
    assert where["Thomas Huber"].startswith("xl/workbook.xml")
    assert where["0228 123456"].startswith("xl/")
    assert "Herr Krause" in where and "Olena Kovalenko" in where
    assert where["Olena Kovalenko"].startswith("docProps/core.xml")


def test_check_export_refuses_what_it_cannot_read(study: str, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.docx"
    broken.write_bytes(b"PK\x03\x04 nichts")
    assert_user_error(qualcode("privacy", "check", "--export", str(broken), db=study),
                      "kaputt.docx")
    latin = tmp_path / "alt.csv"
    latin.write_bytes("Müller".encode("latin-1"))
    assert_user_error(qualcode("privacy", "check", "--export", str(latin), db=study),
                      "alt.csv", "UTF-8")
    assert_user_error(qualcode("privacy", "check", "--export", str(tmp_path / "nix.csv"),
                               db=study), "nix.csv")


def test_german_messages(study: str, tmp_path: Path) -> None:
    result = qualcode("export", "quotes", "-o", str(tmp_path / "z.csv"), db=study,
                      env={"QUALCODE_LANG": "de"})
    assert_user_error(result, "Funde")
