"""Exports speak the project's export language (or --lang), never the interface's; heatmaps fit.

Quote tables are read back with csv, openpyxl, python-docx and as plain text; heatmaps are
read back as PNG pixels (nothing may touch the canvas edge) and as SVG text (the title whole).
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from qualcode.exports.matrix_files import COLOURS, write_heatmap
from qualcode.services.codings import add_coding
from qualcode.services.documents import show_document
from qualcode.store import open_store
from tests.cli import assert_user_error, qualcode
from tests.conftest import REPO
from tests.helpers import import_demo, load_study_codebook

HEADERS = {
    "de": ["Dokument", "Kommune", "Art", "Sprecher:in", "Rolle", "Zeitmarke", "Code",
           "Codierer:in", "Zitat", "Zuschreibung", "Kontext davor", "Kontext danach", "Memo"],
    "en": ["Document", "Kommune", "Art", "Speaker", "Role", "Time mark", "Code", "Coder",
           "Quote", "Attribution", "Context before", "Context after", "Memo"],
}
SHEETS = {"de": "Zitate", "en": "Quotes"}
TITLES = {"de": "Stimmen aus der Praxis", "en": "Voices from practice"}
OPENING = {"de": "„", "en": "“"}
MATRIX_TITLES = {"de": "Gemeinsames Auftreten von Codes (Anzahl)",
                 "en": "Co-occurrence of codes (counts)"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("i18n-exports") / "demo.db"
    store = open_store(str(db))
    load_study_codebook(store)
    import_demo(store)
    for document, code, coder, turn in [
        ("Interview Kesselbrunn", "Vernetzung und Kooperation in der Kommune", "anna", 17),
        ("Interview Landkreis Moorwald", "Wohnen und Unterbringung", "björn", 13),
        ("Fokusgruppe Kesselbrunn", "Einbindung migrantischer Communitys", "anna", 14),
    ]:
        turn_view = show_document(store, document).turns[turn]
        add_coding(store, document=document, code=code, coder=coder, start=turn_view.start,
                   end=turn_view.end)
    store.close()
    return str(db)


@pytest.fixture(scope="module")
def english_project(demo: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo project with a profile whose export language is English."""
    folder = tmp_path_factory.mktemp("english")
    db = folder / "english.db"
    db.write_bytes(Path(demo).read_bytes())
    profile = (REPO / "codebooks" / "demo.profile.yaml").read_text(  # gate: warn
        encoding="utf-8").replace("export_language: de", "export_language: en")
    assert "export_language: en" in profile
    (folder / "english.profile.yaml").write_text(profile, encoding="utf-8")
    loaded = qualcode("profile", "load", str(folder / "english.profile.yaml"), db=str(db))
    assert loaded.code == 0, loaded.err
    return str(db)


def read_back(path: Path, fmt: str) -> dict[str, object]:
    """What each format says in its own words: header row, sheet name, title, quote marks."""
    if fmt == "csv":
        with path.open(encoding="utf-8-sig") as handle:
            return {"header": next(csv.reader(handle, delimiter=";"))}
    if fmt == "xlsx":
        sheet = load_workbook(path).active
        return {"header": [c.value for c in sheet[1]], "sheet": sheet.title}
    if fmt == "docx":
        document = DocxDocument(str(path))
        quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
        return {"title": document.paragraphs[0].text, "core": document.core_properties.title,
                "opening": {q[0] for q in quotes}}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {"title": lines[0], "opening": {line[2] for line in lines if line.startswith("> ")
                                            and line[2:3] in "„“\""}}


def expected(fmt: str, lang: str, *, context: bool = True) -> dict[str, object]:
    if fmt in ("csv", "xlsx"):
        header = [h for h in HEADERS[lang] if context or not h.startswith(("Kontext", "Context"))]
        found: dict[str, object] = {"header": header}
        if fmt == "xlsx":
            found["sheet"] = SHEETS[lang]
        return found
    if fmt == "docx":
        return {"title": TITLES[lang], "core": TITLES[lang], "opening": {OPENING[lang]}}
    return {"title": f"# {TITLES[lang]}", "opening": {OPENING[lang]}}


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "docx", "md"])
def test_quote_tables_speak_the_language_asked_for(demo: str, tmp_path: Path, fmt: str,
                                                   lang: str) -> None:
    out = tmp_path / f"zitate.{fmt}"
    result = qualcode("export", "quotes", "-o", str(out), "--context", "30", "--lang", lang,
                      db=demo, env={"QUALCODE_LANG": "en" if lang == "de" else "de"})
    assert result.code == 0, result.err
    assert read_back(out, fmt) == expected(fmt, lang)


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_without_lang_the_project_decides_not_the_locale(demo: str, english_project: str,
                                                        tmp_path: Path, fmt: str) -> None:
    for db, lang in ((demo, "de"), (english_project, "en")):
        written = []
        for name, env in (("c", {"LANG": "C", "LC_ALL": "C", "QUALCODE_LANG": ""}),
                          ("de", {"LANG": "de_DE.UTF-8", "QUALCODE_LANG": "de"}),
                          ("en", {"QUALCODE_LANG": "en"})):
            out = tmp_path / f"{lang}-{name}.{fmt}"
            result = qualcode("export", "quotes", "-o", str(out), db=db, env=env)
            assert result.code == 0, result.err
            written.append(out.read_bytes())
        assert read_back(out, fmt) == expected(fmt, lang, context=False)
        assert written[0] == written[1] == written[2]


def test_an_unknown_export_language_is_refused(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "zitate.csv"
    assert_user_error(qualcode("export", "quotes", "-o", str(out), "--lang", "fr", db=demo),
                      "--lang")
    assert_user_error(qualcode("export", "matrix", "-o", str(tmp_path / "m.svg"), "--lang",
                               "fr", db=demo), "--lang")
    assert not out.exists() and not (tmp_path / "m.svg").exists()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_matrix_words_follow_the_export_language(demo: str, english_project: str,
                                                 tmp_path: Path, lang: str) -> None:
    picture, table = tmp_path / f"m-{lang}.svg", tmp_path / f"m-{lang}.xlsx"
    for out in (picture, table):
        result = qualcode("export", "matrix", "-o", str(out), "--lang", lang, db=demo,
                          env={"QUALCODE_LANG": "de" if lang == "en" else "en"})
        assert result.code == 0, result.err
    assert title_of(picture) == MATRIX_TITLES[lang]
    assert load_workbook(table).active.title == "Matrix"
    project = english_project if lang == "en" else demo
    default = tmp_path / f"default-{lang}.svg"
    assert qualcode("export", "matrix", "-o", str(default), db=project,
                    env={"LANG": "C", "QUALCODE_LANG": ""}).code == 0
    assert title_of(default) == MATRIX_TITLES[lang]


def title_of(svg: Path) -> str:
    """The text of the figure's title group, its lines joined by spaces."""
    root = ET.parse(svg).getroot()
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "title")
    lines = ["".join(t.itertext()).strip() for t in group.iter(f"{SVG}text")]
    return " ".join(line for line in lines if line)


def svg_words(svg: Path) -> str:
    root = ET.parse(svg).getroot()
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def untouched_edges(png: Path) -> dict[str, int]:
    """Pixels on each edge of the canvas that differ from the background (the corner)."""
    import matplotlib.image

    pixels = matplotlib.image.imread(str(png))[..., :3]
    background = pixels[0, 0]
    edges = {"top": pixels[0], "bottom": pixels[-1], "left": pixels[:, 0],
             "right": pixels[:, -1]}
    return {side: int((np.abs(edge - background).sum(axis=-1) > 0.02).sum())
            for side, edge in edges.items()}


def code_paths(count: int) -> list[str]:
    """Long German names that agree in their first 60 characters, as real code systems do."""
    return [f"Thema {n % 7}: Zusammenarbeit/Ämterübergreifende Zusammenarbeit der Behörden "
            f"und Träger im Landkreis – Fall „{n}“ 🙂" for n in range(count)]


LONG_TITLE = ("Gemeinsames Auftreten von Codes (Anzahl) in allen Interviews und Fokusgruppen "
              "der Kommunen, kreisfreien Städte und Landkreise – Stand Dezember")


@pytest.mark.parametrize("count", [3, 20, 200])
def test_heatmaps_fit_their_canvas(tmp_path: Path, count: int) -> None:
    codes = code_paths(count)
    values = np.arange(count * count).reshape(count, count) * 37
    for suffix in ("png", "svg"):
        write_heatmap(tmp_path / f"h.{suffix}", codes, codes, values, LONG_TITLE,
                      diagonal_apart=True, lang="de", scale="Anzahl")
    assert untouched_edges(tmp_path / "h.png") == {"top": 0, "bottom": 0, "left": 0,
                                                   "right": 0}
    svg = tmp_path / "h.svg"
    assert title_of(svg) == LONG_TITLE
    text = svg_words(svg)
    # Names cut short on the axes are given in full in the legend.
    for name in (c.rsplit("/", 1)[1] for c in codes):
        assert name in text or re.sub(r"\s+", " ", name) in re.sub(r"\s+", " ", text)
    assert "Anzahl" in text


def test_a_short_heatmap_shows_names_and_values_without_legend(tmp_path: Path) -> None:
    codes = ["Vernetzung/Kooperation", "Vernetzung/Ehrenamt", "Wohnen"]
    values = np.array([[5, 2, 0], [2, 7, 1], [0, 1, 4]])
    svg = tmp_path / "klein.svg"
    write_heatmap(svg, codes, codes, values, "Co-occurrence of codes (counts)",
                  diagonal_apart=True, lang="en", scale="Counts")
    assert {"Kooperation", "Ehrenamt", "Wohnen", "Counts", "7"} <= set(svg_words(svg).split())
    assert title_of(svg) == "Co-occurrence of codes (counts)"
    assert not [g for g in ET.parse(svg).getroot().iter(f"{SVG}g") if g.get("id") == "legend"]


def test_the_colour_scale_reads_in_greyscale() -> None:
    """Lightness rises with the value, so a greyscale print keeps the order."""
    samples = COLOURS(np.linspace(0, 1, 64))[:, :3]
    lightness = samples @ np.array([0.299, 0.587, 0.114])
    assert (np.diff(lightness) > 0).all()
    assert lightness[-1] - lightness[0] > 0.6


@pytest.mark.parametrize(("lang", "anchor"), [("de", "**Ankerbeispiel:**"),
                                              ("en", "**Anchor example:**")])
def test_codebook_files_speak_the_export_language(demo: str, english_project: str,
                                                  tmp_path: Path, lang: str, anchor: str) -> None:
    asked = qualcode("codebook", "export", "--format", "md", "--lang", lang, db=demo,
                     env={"QUALCODE_LANG": "en" if lang == "de" else "de"})
    assert asked.code == 0, asked.err
    assert asked.out.startswith("# Codebook\n") and anchor in asked.out
    project = english_project if lang == "en" else demo
    word = tmp_path / f"codebook-{lang}.docx"
    assert qualcode("codebook", "export", "--format", "docx", "-o", str(word), db=project,
                    env={"LANG": "C", "QUALCODE_LANG": ""}).code == 0
    text = "\n".join(p.text for p in DocxDocument(str(word)).paragraphs)
    assert f"{anchor.strip('*')} „" in text
    assert ("Pfad: " in text) == (lang == "de") and ("Path: " in text) == (lang == "en")


AGREEMENT_HEADERS = {
    "de": ["Code", "Einheiten", "Prozentuale Übereinstimmung", "Cohens Kappa"],
    "en": ["Code", "Units", "Percent agreement", "Cohen's kappa"],
}
DISAGREEMENT_HEADERS = {
    "de": ["Dokument", "Einheit", "Beginn", "Ende", "Code", "Codiert von anna",
           "Codiert von björn", "Text"],
    "en": ["Document", "Unit", "Start", "End", "Code", "Coded by anna", "Coded by björn",
           "Text"],
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_agreement_tables_name_their_columns_in_the_export_language(tmp_path: Path,
                                                                    lang: str) -> None:
    from tests.conftest import CODEBOOK

    db = str(tmp_path / "q.db")
    source = tmp_path / "gespräch.txt"
    source.write_text("B: Über die Straße hinweg – „gemeinsam“ geht’s besser. 🙂\n",
                      encoding="utf-8")
    assert qualcode("init", "--codebook", str(CODEBOOK), db=db).code == 0
    assert qualcode("import", str(source), db=db).code == 0
    rows = tmp_path / "c.csv"
    rows.write_text("document,coder,code,start,end\ngespräch,anna,Soziale Integration,3,10\n"
                    "gespräch,björn,Soziale Integration,5,30\n", encoding="utf-8")
    assert qualcode("import", "codings", str(rows), db=db).code == 0
    interface = {"QUALCODE_LANG": "de" if lang == "en" else "en"}
    table, sheet_file, listing = (tmp_path / f"{n}.{x}" for n, x in (
        ("kappa", "csv"), ("kappa", "xlsx"), ("streit", "xlsx")))
    assert qualcode("agreement", "--coders", "anna,björn", "--csv", str(table), "--xlsx",
                    str(sheet_file), "--lang", lang, db=db, env=interface).code == 0
    assert qualcode("disagreements", "--coders", "anna,björn", "--unit", "character",
                    "--xlsx", str(listing), "--lang", lang, db=db, env=interface).code == 0
    agreement_sheet = load_workbook(sheet_file).active
    assert [c.value for c in agreement_sheet[1]][:4] == AGREEMENT_HEADERS[lang]
    assert agreement_sheet.title == {"de": "Übereinstimmung", "en": "Agreement"}[lang]
    disagreement_sheet = load_workbook(listing).active
    assert [c.value for c in disagreement_sheet[1]] == DISAGREEMENT_HEADERS[lang]
    assert disagreement_sheet.title == {"de": "Abweichungen", "en": "Disagreements"}[lang]
    # The CSV is for scripts: its header is the keys of --json in either language.
    with table.open(encoding="utf-8-sig") as handle:
        assert next(csv.reader(handle))[:3] == ["code", "n_units", "percent_agreement"]


@pytest.mark.parametrize(("lang", "title"), [("de", "Codierungen je Kommune"),
                                             ("en", "Codings per Kommune")])
def test_a_document_matrix_is_titled_with_the_variable_label(demo: str, tmp_path: Path,
                                                            lang: str, title: str) -> None:
    picture = tmp_path / "dokumente.svg"
    result = qualcode("export", "matrix", "--kind", "documents", "--group-by", "municipality",
                      "-o", str(picture), "--lang", lang, db=demo)
    assert result.code == 0, result.err
    assert title_of(picture) == title
    assert "Kesselbrunn" in svg_words(picture)  # the values of the variable are data


@pytest.mark.parametrize(("lang", "written"), [("de", "0,25"), ("en", "0.25")])
def test_alike_names_are_numbered_and_numbers_written_as_the_language_does(
        tmp_path: Path, lang: str, written: str) -> None:
    codes = ["Ressourcen/Finanzen", "Belastung/Finanzen", "Wohnen"]
    values = np.array([[1.0, 0.25, 0.0], [0.25, 1.0, 0.5], [0.0, 0.5, 1.0]])
    svg = tmp_path / "gleich.svg"
    write_heatmap(svg, codes, codes, values, "Jaccard", diagonal_apart=True, lang=lang,
                  scale="Jaccard")
    text = svg_words(svg)
    # two codes named "Finanzen" are told apart by number, the legend gives their paths
    assert "1 Finanzen" in text and "2 Finanzen" in text
    assert "1  Ressourcen/Finanzen" in text and "2  Belastung/Finanzen" in text
    assert written in text.split()
