"""The plain-text codebook: validation with file and line, loading, editing, exporting."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as DocxDocument

from qualcode.codebook.parse import parse_codebook, read_codebook
from qualcode.codebook.render import to_markdown, to_yaml
from qualcode.codebook.sync import load_codebook
from qualcode.errors import CodebookError, InvalidInput
from qualcode.services.codes import code_tree, delete_code, merge_codes, move_code, rename_code
from qualcode.services.codings import add_coding
from tests.cli import assert_user_error, qualcode
from tests.conftest import CODEBOOK
from tests.helpers import add_interview, dump

SMALL = """\
title: Testbuch
codes:
  - name: Verwaltung
    colour: "#1F77B4"
    definition: Struktur und Kultur der Verwaltung.
    anchor: „Das läuft quer durchs Haus.“
    codes:
      - name: Ämterübergreifende Zusammenarbeit
        key: z
      - name: Wissensmanagement
        key: w
  - name: Vernetzung
    codes:
      - name: Runde Tische
        key: r
"""


def tree(store) -> dict[str, tuple]:
    return {c.path: (c.hotkey, c.colour, c.codings) for c in code_tree(store)}


def test_study_codebook_is_valid_and_complete() -> None:
    spec = read_codebook(CODEBOOK)
    themes = [c.name for c in spec.codes]
    assert themes[:4] == ["Verwaltung", "Vernetzung", "Engagement", "Governance"]
    assert {"Herausforderungen", "Phasen"} <= set(themes)
    challenges = next(c for c in spec.codes if c.name == "Herausforderungen").children
    assert len(challenges) == 10
    for path, code in spec.walk():
        assert code.definition, f"{path} has no definition"
        assert code.anchor, f"{path} has no anchor example"


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("codes:\n  - name: A\n  - name: A\n", 3, "duplicate code name 'A'"),
    ("codes:\n  - name: A\n    key: a\n  - name: B\n    key: a\n", 5, "key 'a' is used twice"),
    ("codes:\n  - name: A\n    farbe: rot\n", 3, "unknown field 'farbe'"),
    ("codes:\n  - name: A\n    colour: rötlich\n", 3, "bad colour 'rötlich'"),
    ("codes:\n  - name: A\n  - name: '  '\n", 3, "empty or missing name"),
    ("codes:\n  - definition: ohne Namen\n", 2, "empty or missing name"),
    ("codes:\n  - name: A\n    key: ab\n", 3, "bad key 'ab'"),
    ("codes:\n  - name: 'A/B'\n", 2, "contains '/'"),
    ("codes:\n  - name: A\n   - name: B\n", 3, "not valid YAML"),
    ("titel: X\ncodes: []\n", 1, "unknown field 'titel'"),
])
def test_each_bad_codebook_names_file_line_and_problem(text: str, line: int,
                                                       fragment: str) -> None:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "buch.yaml")
    assert any(p.startswith(f"buch.yaml:{line}:") and fragment in p
               for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    text = "codes:\n  - name: A\n    colour: blau\n  - name: A\n    unbekannt: 1\n"
    with pytest.raises(CodebookError) as caught:
        parse_codebook(text, "buch.yaml")
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize("bad", [
    "codes:\n  - name: A\n  - name: A\n",
    "codes:\n  - name: A\n    key: a\n  - name: B\n    key: a\n",
    "codes:\n  - name: A\n    farbe: rot\n",
    "codes:\n  - name: A\n    colour: '#12345G'\n",
    "codes:\n  - name: ''\n",
])
def test_cli_load_of_bad_codebook_exits_2_and_changes_nothing(tmp_path: Path, bad: str) -> None:
    db = str(tmp_path / "q.db")
    good = tmp_path / "gut.yaml"
    good.write_text(SMALL, encoding="utf-8")
    assert qualcode("codebook", "load", str(good), db=db).code == 0
    from qualcode.store import open_store

    store = open_store(db)
    before = dump(store)
    store.close()
    broken = tmp_path / "kaputt.yaml"
    broken.write_text(bad, encoding="utf-8")
    result = qualcode("codebook", "load", str(broken), db=db)
    assert_user_error(result, "kaputt.yaml:")
    store = open_store(db)
    assert dump(store) == before
    store.close()


def test_reload_updates_in_place_and_keeps_codings(store) -> None:
    load_codebook(store, parse_codebook(SMALL))
    add_interview(store)
    add_coding(store, document="Interview Neuweiler", code="Wissensmanagement", coder="anna",
               start=0, end=10)
    edited = SMALL.replace("key: z", "key: q").replace(
        "      - name: Wissensmanagement\n        key: w\n",
        "      - name: Verwaltungskultur und Wissensmanagement\n        key: w\n"
        "        formerly: Wissensmanagement\n")
    report = load_codebook(store, parse_codebook(edited))
    assert report.moved == [("Verwaltung/Wissensmanagement",
                             "Verwaltung/Verwaltungskultur und Wissensmanagement")]
    assert report.updated == ["Verwaltung/Ämterübergreifende Zusammenarbeit"]
    after = tree(store)
    assert after["Verwaltung/Verwaltungskultur und Wissensmanagement"] == ("w", None, 1)
    assert after["Verwaltung/Ämterübergreifende Zusammenarbeit"][0] == "q"


def test_moving_a_code_in_the_file_keeps_its_codings(store) -> None:
    load_codebook(store, parse_codebook(SMALL))
    add_interview(store)
    add_coding(store, document="Interview Neuweiler", code="Runde Tische", coder="anna",
               start=0, end=5)
    moved = SMALL.replace("        key: w\n", "        key: w\n      - name: Runde Tische\n"
                                               "        key: r\n")
    moved = moved.split("  - name: Vernetzung")[0] + "  - name: Vernetzung\n"
    report = load_codebook(store, parse_codebook(moved))
    assert report.moved == [("Vernetzung/Runde Tische", "Verwaltung/Runde Tische")]
    assert tree(store)["Verwaltung/Runde Tische"][2] == 1


def test_code_with_codings_is_never_deleted_silently(store) -> None:
    load_codebook(store, parse_codebook(SMALL))
    add_interview(store)
    add_coding(store, document="Interview Neuweiler", code="Runde Tische", coder="anna",
               start=0, end=5)
    without = SMALL.split("  - name: Vernetzung")[0]
    report = load_codebook(store, parse_codebook(without))
    assert ("Vernetzung/Runde Tische", 1) in report.kept
    assert ("Vernetzung", 1) in report.kept
    assert tree(store)["Vernetzung/Runde Tische"] == ("r", None, 1)
    # An unused code that leaves the file does go.
    fewer = without.replace("      - name: Wissensmanagement\n        key: w\n", "")
    report = load_codebook(store, parse_codebook(fewer))
    assert report.removed == ["Verwaltung/Wissensmanagement"]


def test_rename_move_merge_keep_codings(store) -> None:
    load_codebook(store, parse_codebook(SMALL))
    add_interview(store)
    for code, start in (("Runde Tische", 0), ("Wissensmanagement", 5),
                        ("Wissensmanagement", 0)):
        add_coding(store, document="Interview Neuweiler", code=code, coder="anna",
                   start=start, end=start + 4)
    assert rename_code(store, "Runde Tische", "Runde Tische vor Ort") == \
        "Vernetzung/Runde Tische vor Ort"
    assert move_code(store, "Runde Tische vor Ort", "Verwaltung") == \
        "Verwaltung/Runde Tische vor Ort"
    moved = merge_codes(store, "Verwaltung/Runde Tische vor Ort", "Wissensmanagement")
    # The coding at [0, 4) duplicates one the target already has, so it is dropped.
    assert moved == 0
    assert tree(store)["Verwaltung/Wissensmanagement"][2] == 2
    with pytest.raises(InvalidInput, match="has 2 codings"):
        delete_code(store, "Wissensmanagement")
    assert delete_code(store, "Wissensmanagement", force=True) == 2


def test_move_below_itself_is_refused(store) -> None:
    load_codebook(store, parse_codebook(SMALL))
    with pytest.raises(InvalidInput, match="below itself"):
        move_code(store, "Verwaltung", "Verwaltung/Wissensmanagement")


def test_yaml_export_loads_back_unchanged(store, tmp_path: Path) -> None:
    load_codebook(store, read_codebook(CODEBOOK))
    exported = to_yaml(code_tree(store))
    report = load_codebook(store, parse_codebook(exported))
    assert report.added == report.updated == report.removed == []
    assert len(report.unchanged) == len(read_codebook(CODEBOOK).walk())


def test_markdown_and_word_exports_carry_definitions_and_anchors(sqlite_store,
                                                                 tmp_path: Path) -> None:
    load_codebook(sqlite_store, read_codebook(CODEBOOK))
    markdown = to_markdown(code_tree(sqlite_store), "Kommunale Resilienz")
    assert "## Verwaltung" in markdown
    assert "**Ankerbeispiel:** „Wir haben innerhalb einer Woche" in markdown
    out = tmp_path / "codebuch.docx"
    db = sqlite_store.url.removeprefix("sqlite:///")
    result = qualcode("codebook", "export", "--format", "docx", "-o", str(out), db=db)
    assert result.code == 0, result.err
    text = "\n".join(p.text for p in DocxDocument(str(out)).paragraphs)
    assert "Ämterübergreifende Zusammenarbeit" in text
    assert "Ankerbeispiel: „Ausländerbehörde und Sozialamt" in text
    assert_user_error(qualcode("codebook", "export", "--format", "docx", "-o", str(out), db=db),
                      "exists already")
