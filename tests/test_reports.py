"""Reports people read: the agreement report and the Kodierleitfaden, as HTML and Word.

Real stores (the demo project), the real CLI, the written files opened with python-docx and
an HTML parser; figures rendered and their edges looked at.
"""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from qualcode.reports.blocks import Heading, Paragraph, Report, Table
from qualcode.reports.figures import heatmap
from qualcode.reports.html import render_html
from qualcode.services.coding_import import import_codings
from qualcode.services.documents import show_document
from qualcode.store import open_store
from qualcode.store.lookup import code_paths
from tests.cli import assert_user_error, qualcode

WOHNEN = "Herausforderungen/Wohnen und Unterbringung"
INTEGRATION = "Herausforderungen/Soziale Integration"
ENGAGEMENT = "Engagement/Anerkennung und Wertschätzung"
CODERS = "anna,björn"


@pytest.fixture
def coded_demo(demo_db: str, tmp_path: Path) -> str:
    """The demo project, two coders on two documents: agreeing, missing, and confusing
    "Wohnen" with "Soziale Integration" on some turns."""
    store = open_store(demo_db)
    rows = []
    for document in ("Interview Wendelsau", "Fokusgruppe Kesselbrunn"):
        turns = show_document(store, document).turns[:24]
        for n, turn in enumerate(turns):
            span = f"{turn.start},{turn.end}"
            if n % 3 == 0:
                rows += [f"{document},anna,{WOHNEN},{span}", f"{document},björn,{WOHNEN},{span}"]
            elif n % 4 == 1:
                rows += [f"{document},anna,{WOHNEN},{span}",
                         f"{document},björn,{INTEGRATION},{span}"]
            elif n % 5 == 2:
                rows += [f"{document},anna,{ENGAGEMENT},{span}",
                         f"{document},björn,{ENGAGEMENT},{span}"]
            elif n % 7 == 4:
                rows.append(f"{document},anna,{INTEGRATION},{span}")
    source = tmp_path / "codings.csv"
    source.write_text("document,coder,code,start,end\n" + "\n".join(rows) + "\n",
                      encoding="utf-8")
    import_codings(store, source)
    store.close()
    return demo_db


def headings(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_the_agreement_report_in_word_has_the_figures_of_agreement_json(
        coded_demo: str, tmp_path: Path) -> None:
    target = tmp_path / "übereinstimmung.docx"
    done = qualcode("report", "agreement", "--coders", CODERS, "--lang", "en",
                    "-o", str(target), db=coded_demo)
    assert done.code == 0, done.err
    expected = json.loads(qualcode("agreement", "--coders", CODERS, "--json",
                                   db=coded_demo).out)
    document = Document(str(target))
    assert headings(document, "Title") == ["Inter-coder agreement"]
    assert headings(document, "Heading 1") == ["Agreement per code", "Codes confused",
                                               "Example disagreements", "Methods paragraph"]
    per_code = document.tables[0]
    assert [c.text for c in per_code.rows[0].cells][:6] == [
        "Code", "Units", "Agreement", "Cohen's κ", "Brennan–Prediger", "Krippendorff's α"]
    shown = {row.cells[0].text: [c.text for c in row.cells] for row in per_code.rows[1:]}
    assert list(shown) == [code["code"] for code in expected["codes"]]
    for code in expected["codes"]:
        cells = shown[code["code"]]
        assert cells[1] == f"{code['n_units']:.0f}"
        for cell, name in zip(cells[2:6], ("percent_agreement", "cohen_kappa",
                                           "brennan_prediger", "krippendorff_alpha"),
                              strict=True):
            assert cell == ("–" if code[name] is None else f"{code[name]:.3f}"), name
    for code in expected["codes"]:
        alpha = code["krippendorff_alpha"]
        reading = ("not used" if not code["used"] else "undefined" if alpha is None else
                   "good (α ≥ 0.800)" if alpha >= 0.8 else "tentative (α ≥ 0.667)"
                   if alpha >= 0.667 else "not acceptable (α < 0.667)")
        assert shown[code["code"]][-1] == reading, code["code"]
    assert {shown[c][-1] for c in (WOHNEN, INTEGRATION, ENGAGEMENT)} == {
        "good (α ≥ 0.800)", "tentative (α ≥ 0.667)", "not acceptable (α < 0.667)"}
    assert len(document.inline_shapes) == 1  # the confusion heatmap, as PNG
    confused = {(r.cells[0].text, r.cells[1].text): r.cells[2].text
                for r in document.tables[1].rows[1:]}
    assert confused == {(INTEGRATION, WOHNEN): "8"}  # turns 1, 5, 13, 17 of both documents
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Inter-coder agreement was assessed on 6 documents coded independently by 2" in text
    assert "Die Intercoder-Übereinstimmung wurde an 6 Dokumenten geprüft" in text


def test_three_coders_get_fleiss_kappa(coded_demo: str, tmp_path: Path) -> None:
    store = open_store(coded_demo)
    turns = show_document(store, "Interview Wendelsau").turns
    source = tmp_path / "cem.csv"
    source.write_text("document,coder,code,start,end\n" + "".join(
        f"Interview Wendelsau,cem,{WOHNEN},{t.start},{t.end}\n" for t in turns[:12:2]),
        encoding="utf-8")
    import_codings(store, source)
    store.close()
    target = tmp_path / "drei.docx"
    assert qualcode("report", "agreement", "--coders", "anna,björn,cem", "--lang", "en",
                    "-o", str(target), db=coded_demo).code == 0
    expected = json.loads(qualcode("agreement", "--coders", "anna,björn,cem", "--json",
                                   db=coded_demo).out)
    table = Document(str(target)).tables[0]
    assert table.rows[0].cells[3].text == "Fleiss' κ"
    fleiss = {r.cells[0].text: r.cells[3].text for r in table.rows[1:]}
    wohnen = next(c for c in expected["codes"] if c["code"] == WOHNEN)["fleiss_kappa"]
    assert fleiss[WOHNEN] == f"{wohnen:.3f}"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.text: list[str] = []
        self.stack: list[str] = []
        self.svg_in_figure = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "svg" and "figure" in self.stack:
            self.svg_in_figure += 1
        self.stack.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value:
                self.links.append(value)
        values = dict(attrs)
        if tag == "meta" and values.get("name"):
            self.meta[values["name"] or ""] = values.get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(path: Path) -> tuple[Page, str]:
    source = path.read_text(encoding="utf-8")
    page = Page()
    page.feed(source)
    return page, source


def test_the_agreement_report_in_html_is_self_contained_and_german(
        coded_demo: str, tmp_path: Path) -> None:
    target = tmp_path / "bericht.html"
    done = qualcode("report", "agreement", "--coders", CODERS, "--bootstrap", "200",
                    "-o", str(target), db=coded_demo)
    assert done.code == 0, done.err
    page, source = parsed(target)
    assert "script" not in page.tags
    assert not [link for link in page.links if link.startswith(("http:", "https:", "//"))]
    namespaces = ('xmlns="http://www.w3.org/2000/svg"',
                  'xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert "http" not in source.replace(namespaces[0], "").replace(namespaces[1], "")
    assert page.svg_in_figure == 1
    assert "width=device-width" in page.meta["viewport"]
    assert "@media print" in source and "<link" not in source and "@import" not in source
    text = "".join(page.text)
    assert "Intercoder-Übereinstimmung" in text and "Methodenabschnitt" in text
    expected = json.loads(qualcode("agreement", "--coders", CODERS, "--json",
                                   db=coded_demo).out)
    wohnen = next(c for c in expected["codes"] if c["code"] == WOHNEN)
    assert f"{wohnen['krippendorff_alpha']:.3f}".replace(".", ",") in text  # German numbers
    assert "nicht akzeptabel (α < 0,667)" in text and "Bootstrap-Stichproben" in text


def test_a_report_is_not_overwritten_unasked(coded_demo: str, tmp_path: Path) -> None:
    target = tmp_path / "leitfaden.docx"
    target.write_bytes(b"alt")
    assert_user_error(qualcode("report", "codebook", "-o", str(target), db=coded_demo),
                      "exists already")
    assert target.read_bytes() == b"alt"
    assert qualcode("report", "codebook", "-o", str(target), "--force",
                    db=coded_demo).code == 0
    assert headings(Document(str(target)), "Title") == ["Kodierleitfaden"]
    assert_user_error(qualcode("report", "codebook", "-o", str(tmp_path / "x.pdf"),
                               db=coded_demo), "x.pdf", "html")
    assert_user_error(qualcode("report", "agreement", "--coders", CODERS, "--lang", "fr",
                               db=coded_demo), "--lang")
    assert_user_error(qualcode("report", "agreement", "--coders", "anna", db=coded_demo),
                      "at least two coders")


def test_reports_go_under_exports_by_default(coded_demo: str, tmp_path: Path) -> None:
    # run elsewhere, with this checkout's code (not the installed one) first on the path
    src = str(Path(__file__).resolve().parents[1] / "src")
    done = qualcode("report", "agreement", "--coders", CODERS, db=coded_demo,
                    cwd=str(tmp_path), env={"PYTHONPATH": src})
    assert done.code == 0, done.err
    assert [p.name.startswith("uebereinstimmung-") and p.suffix == ".html"
            for p in (tmp_path / "exports").iterdir()] == [True]


def test_the_kodierleitfaden_lists_every_code_with_definition_and_anchor(
        coded_demo: str, tmp_path: Path) -> None:
    target = tmp_path / "leitfaden.html"
    done = qualcode("report", "codebook", "--coders", CODERS, "-o", str(target),
                    db=coded_demo)
    assert done.code == 0, done.err
    page, _ = parsed(target)
    assert "script" not in page.tags
    text = "".join(page.text)
    store = open_store(coded_demo)
    from sqlalchemy import select

    from qualcode.models import Code

    with store.read() as session:
        paths = code_paths(session)
        codes = [(paths[c.id], c.definition, c.anchor_example)
                 for c in session.scalars(select(Code))]
    store.close()
    assert len(codes) == 46
    for path, definition, anchor in codes:
        assert path in text
        assert definition and definition in text, path
        if anchor:
            assert anchor in text, path
    assert sum(1 for _, _, anchor in codes if anchor) >= 40
    assert f"auf 8 Einheiten mit „{INTEGRATION}“ verwechselt" in text
    assert f"auf 8 Einheiten mit „{WOHNEN}“ verwechselt" in text


def test_the_kodierleitfaden_in_word_has_a_heading_per_code(coded_demo: str,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "leitfaden.docx"
    assert qualcode("report", "codebook", "--lang", "en", "-o", str(target),
                    db=coded_demo).code == 0
    document = Document(str(target))
    themes, codes = headings(document, "Heading 1"), headings(document, "Heading 2")
    assert themes[0] == "Overview" and "Herausforderungen" in themes
    assert WOHNEN in codes and len(themes) - 1 + len(codes) == 46
    assert "Give --coders to draw delimitations" in "\n".join(p.text for p in document.paragraphs)


def test_html_text_is_escaped() -> None:
    report = Report("Bericht <b>", "de")
    report.add(Paragraph("<script>alert('ß')</script> „Zitat“ & 🙂", label="<i>"))
    page = Page()
    page.feed(render_html(report))
    assert page.tags.count("script") == 0 and "b" not in page.tags and "i" not in page.tags
    assert "<script>alert('ß')</script> „Zitat“ & 🙂" in "".join(page.text)


@pytest.mark.fuzz
@given(st.text(), st.lists(st.text(), min_size=1, max_size=4))
def test_any_text_comes_out_of_html_as_text(text: str, cells: list[str]) -> None:
    report = Report(text, "de")
    report.add(Heading(text), Paragraph(text, label=text),
               Table(cells, [cells, cells], ["poor", "good"], caption=text))
    page = Page()
    page.feed(render_html(report))
    tags = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "div",
            "table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert set(page.tags) <= tags
    assert page.tags.count("p") == 1 and page.tags.count("td") == 2 * len(cells)
    assert f"{text} {text}" in "".join(page.text)  # the paragraph's label and text


LONG = "Finanzierung und Entlastung durch Bund und Länder – Förderprogramme, Pauschalen 🙂"


@pytest.mark.parametrize("count", [3, 20, 200])
def test_the_confusion_heatmap_fits_its_canvas(count: int) -> None:
    labels = [f"Thema/{LONG} {n}" if n % 2 else f"Straße {n}" for n in range(count)]
    rng = np.random.default_rng(count)
    values = rng.integers(0, 40, size=(count, count))
    values = values + values.T
    drawing = heatmap(labels, values, "Verwechslungen zwischen Codes (Anzahl Einheiten) "
                                       "– ein langer Titel, der umbrochen werden muss", "Einheiten")
    svg = drawing.svg
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    picture = np.asarray(Image.open(io.BytesIO(drawing.png)).convert("L"))
    edges = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]])
    assert edges.min() == 255, "something touches the canvas edge"
    assert picture.min() < 100  # and something was drawn


GESPRAECH = ("I: Wie war die Unterbringung?\n"
             "B: Die Turnhalle 🏫 war voll, „wir hatten keine Wahl“.\n"
             "I: Und die Nachbarschaft?\n"
             "B: Große Hilfsbereitschaft – Straßenfest mit Geflüchteten.\n")


def test_the_service_takes_the_profiles_language_on_either_store(  # type: ignore[no-untyped-def]
        store, tmp_path: Path) -> None:
    from qualcode.agreement.compute import Selection, agreement
    from qualcode.services.importing import import_paths
    from qualcode.services.profile import load_profile_file
    from qualcode.services.reports import write_agreement_report
    from tests.conftest import CODEBOOK
    from tests.helpers import load_study_codebook

    load_study_codebook(store)
    transcript = tmp_path / "gespräch.txt"
    transcript.write_text(GESPRAECH, encoding="utf-8")
    import_paths(store, [transcript])
    turns = show_document(store, "gespräch").turns
    rows = [f"gespräch,{coder},{code},{turns[n].start},{turns[n].end}"
            for coder, code, n in (("anna", WOHNEN, 1), ("björn", INTEGRATION, 1),
                                   ("anna", INTEGRATION, 3), ("björn", INTEGRATION, 3))]
    source = tmp_path / "codings.csv"
    source.write_text("document,coder,code,start,end\n" + "\n".join(rows) + "\n",
                      encoding="utf-8")
    import_codings(store, source)
    german = write_agreement_report(store, Selection(["anna", "björn"]),
                                    tmp_path / "de.docx").path
    assert headings(Document(str(german)), "Title") == ["Intercoder-Übereinstimmung"]
    profile = tmp_path / "englisch.profile.yaml"
    profile.write_text(CODEBOOK.with_name("kommunale-resilienz.profile.yaml")
                       .read_text(encoding="utf-8")
                       .replace("export_language: de", "export_language: en"),
                       encoding="utf-8")
    load_profile_file(store, profile)
    english = Document(str(write_agreement_report(store, Selection(["anna", "björn"]),
                                                  tmp_path / "en.docx").path))
    assert headings(english, "Title") == ["Inter-coder agreement"]
    result = {c.code: c for c in agreement(store, Selection(["anna", "björn"])).codes}
    row = next(r for r in english.tables[0].rows if r.cells[0].text == INTEGRATION)
    # four turns: neither, only björn, neither, both
    assert row.cells[2].text == f"{result[INTEGRATION].percent_agreement:.3f}" == "0.750"
    confused = [[c.text for c in r.cells] for r in english.tables[1].rows[1:]]
    assert confused == [[INTEGRATION, WOHNEN, "1"]]


@pytest.mark.parametrize(("forbidden", "contract"), [
    ("import qualcode.services.reports", "imports run one way"),
    ("import typer", "no textual, typer or click"),
])
def test_the_reports_package_is_under_the_import_contracts(tmp_path: Path, forbidden: str,
                                                            contract: str) -> None:
    import shutil

    from tests.test_architecture import REPO, lint_imports

    copy = tmp_path / "qualcode"
    shutil.copytree(REPO / "src" / "qualcode", copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "reports" / "html.py"
    target.write_text(target.read_text(encoding="utf-8") + f"\n{forbidden}  # noqa\n",
                      encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert contract in done.stdout.split("Broken contracts", 1)[1], done.stdout[-2000:]
