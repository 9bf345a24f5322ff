"""`qualcode report project`: the project overview as Word and as HTML in a real browser.

The demo project with random overlapping codings of two coders; the figures in the report are
compared with what `qualcode documents --json` and `qualcode status --json` say of the same
store. A second study with its own profile (schools, not municipalities) shows that the
breakdowns come from the profile.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from qualcode.models import Coder, Coding
from qualcode.services.documents import NewDocument, VariableValue, add_document
from qualcode.services.profile import load_profile_file
from qualcode.store import open_store
from tests.browser import assert_renders_cleanly, external_addresses
from tests.cli import assert_user_error, qualcode
from tests.helpers import load_study_codebook, random_codings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def busy_demo(demo_db: str) -> str:
    store = open_store(demo_db)
    with store.write() as session:
        coders = [Coder(name="anna"), Coder(name="björn")]
        session.add_all(coders)
        session.flush()
        coder_ids = [c.id for c in coders]
    from qualcode.services.codes import code_tree

    codes = [c.id for c in code_tree(store) if c.depth > 0]
    random_codings(store, 400, seed=18, codes=codes[:30], coders=coder_ids, lengths=(40, 400))
    store.close()
    return demo_db


def cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_project_report_in_word_agrees_with_the_store(busy_demo: str,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "übersicht.docx"
    done = qualcode("report", "project", "--lang", "en", "-o", str(target), db=busy_demo)
    assert done.code == 0, done.err
    documents = json.loads(qualcode("documents", "--json", db=busy_demo).out)
    status = json.loads(qualcode("status", "--json", db=busy_demo).out)
    report = Document(str(target))
    assert [p.text for p in report.paragraphs if p.style.name == "Title"] == ["Project overview"]
    assert [p.text for p in report.paragraphs if p.style.name == "Heading 1"] == [
        "Documents by their variables", "Codings per theme by Art", "Codings per theme by Typ",
        "Co-occurrence of codes", "Saturation", "Codebook changes over time"]
    assert len(report.inline_shapes) == 3  # co-occurrence, saturation, codebook over time
    tables = [cells(t) for t in report.tables]
    kinds = {row[0]: int(row[1]) for row in tables[0][1:]}
    assert kinds == {k: sum(d["variables"]["kind"] == k for d in documents)
                     for k in ("interview", "focus group")}
    listed = tables[2]
    assert listed[0] == ["#", "Document", "Art", "Kommune", "Typ", "Codings"]
    in_order = sorted(documents, key=lambda d: (d["variables"]["date"], d["id"]))
    assert [row[1] for row in listed[1:]] == [d["name"] for d in in_order]
    assert [int(row[5]) for row in listed[1:]] == [d["codings"] for d in in_order]
    assert sum(int(row[5]) for row in listed[1:]) == status["codings"] == 400
    by_kind = tables[3]
    assert by_kind[0][0] == "Theme" and by_kind[0][1].startswith("interview (")
    assert sum(int(cell.split(" ")[0]) for row in by_kind[1:] for cell in row[1:]) == 400
    assert all(cell.endswith("%)") for row in by_kind[1:] for cell in row[1:])
    new_codes = next(t for t in tables if t[0] == ["#", "Document", "New codes"])
    store = open_store(busy_demo)
    with store.read() as session:
        used = session.scalar(select(func.count(func.distinct(Coding.code_id))))
    store.close()
    assert sum(int(row[2]) for row in new_codes[1:]) == used
    assert tables[-1][1:] == [[TODAY, "46", "0", "0", "46"]]  # the codebook loaded today


def test_a_rename_shows_as_a_change_and_the_report_speaks_german(busy_demo: str,
                                                                  tmp_path: Path) -> None:
    assert qualcode("codebook", "rename", "Herausforderungen/Wohnen und Unterbringung",
                    "Wohnen", db=busy_demo).code == 0
    target = tmp_path / "übersicht.docx"
    assert qualcode("report", "project", "-o", str(target), db=busy_demo).code == 0
    report = Document(str(target))
    assert [p.text for p in report.paragraphs if p.style.name == "Heading 1"][-1] == \
        "Änderungen am Codesystem im Zeitverlauf"
    assert cells(report.tables[-1]) == [["Tag", "Hinzugefügt", "Geändert", "Entfernt", "Codes"],
                                        [TODAY, "46", "1", "0", "46"]]
    assert "Gemeinsames Auftreten von Codes" in [p.text for p in report.paragraphs]


def test_the_project_report_in_html_renders_in_a_browser(busy_demo: str,
                                                        tmp_path: Path) -> None:
    target = tmp_path / "übersicht.html"
    done = qualcode("report", "project", "-o", str(target), db=busy_demo)
    assert done.code == 0, done.err
    source = target.read_text(encoding="utf-8")
    assert external_addresses(source) == []
    assert "<script" not in source and source.count("<svg") == 3
    assert "Projektübersicht" in source and "Sättigung" in source
    assert_renders_cleanly(target)
    assert_renders_cleanly(target, width=390)


SCHOOLS = """\
study: Ganztag an Schulen
export_language: en
variables:
  - name: schulform
    label: Schulform
    values: [Gymnasium, Gesamtschule, Förderschule]
  - name: erhoben
    label: Erhoben am
    kind: date
  - name: ort
    label: Ort
document_list: [schulform, ort]
"""


def test_breakdowns_come_from_the_projects_profile(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_study_codebook(store)
    profile = tmp_path / "schulen.profile.yaml"
    profile.write_text(SCHOOLS, encoding="utf-8")
    load_profile_file(store, profile)
    for n, (form, day) in enumerate([("Gesamtschule", "2025-03-02"), ("Gymnasium", "2025-01-10"),
                                     ("Gesamtschule", "2025-02-01")]):
        add_document(store, NewDocument(
            name=f"Interview Schule {n} – Straße", text="I: Wie läuft der Ganztag? 🙂\n"
            "B: Gut, „meistens“ jedenfalls.\n",
            variables=[VariableValue("schulform", form), VariableValue("erhoben", day),
                       VariableValue("ort", "Großstadt")]))
    from qualcode.services.reports import write_project_report

    report = Document(str(write_project_report(store, tmp_path / "schulen.docx").path))
    headings = [p.text for p in report.paragraphs if p.style.name == "Heading 1"]
    assert "Codings per theme by Schulform" in headings
    assert not [h for h in headings if "Art" in h or "Typ" in h]
    tables = [cells(t) for t in report.tables]
    assert tables[0] == [["Schulform", "Documents"], ["Gymnasium", "1"], ["Gesamtschule", "2"]]
    assert [row[1] for row in tables[1][1:]] == [  # in the order of "erhoben"
        "Interview Schule 1 – Straße", "Interview Schule 2 – Straße",
        "Interview Schule 0 – Straße"]
    assert "No codings yet." in [p.text for p in report.paragraphs]


def test_bad_requests_are_refused(busy_demo: str, tmp_path: Path) -> None:
    assert_user_error(qualcode("report", "project", "-o", str(tmp_path / "x.pdf"),
                               db=busy_demo), "x.pdf")
    assert_user_error(qualcode("report", "project", "--lang", "fr", db=busy_demo), "--lang")
    assert [p.name for p in tmp_path.iterdir()] == ["demo.db"]


@pytest.mark.fuzz
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 11), st.integers(1, 50)),
                max_size=60),
       st.lists(st.sampled_from(["interview", "focus group", "Workshop 🙂"]), min_size=8,
                max_size=8))
def test_theme_tables_and_saturation_lose_no_coding(codings: list[tuple[int, int, int]],
                                                    kinds: list[str]) -> None:
    from qualcode.profile.spec import STUDY
    from qualcode.reports.project import ProjectData, new_codes, theme_table

    # codes 0..11; 0, 4 and 8 are themes, each the parent of the three after it
    parents = {c: None if c % 4 == 0 else c - c % 4 for c in range(12)}
    counted: dict[tuple[int, int], int] = {}
    for document, code, n in codings:
        counted[(document, code)] = counted.get((document, code), 0) + n
    data = ProjectData(STUDY, [(d, f"Dokument {d} – Straße") for d in range(8)],
                       {d: {"kind": kinds[d]} for d in range(8)}, counted,
                       {c: f"Thema {c - c % 4}" + (f"/Code {c}" if c % 4 else "")
                        for c in range(12)},
                       {c: c - c % 4 for c in parents}, 2, [])
    table = theme_table(data, STUDY.variables[0], "de")
    assert sum(int(cell.split(" ")[0]) for row in table.rows for cell in row[1:]) == sum(
        counted.values())
    shares = [int(cell.split("(")[1].split(" ")[0]) for row in table.rows for cell in row[1:]]
    assert all(0 <= share <= 100 for share in shares)
    assert sum(new_codes(data)) == len({code for _, code in counted})
