"""The project profile: the study's default, another study without code changes, bad files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qualcode.errors import InvalidInput
from qualcode.exports.quote_files import export_quote_table
from qualcode.exports.quotes import QuoteFilter, quote_table
from qualcode.profile.parse import profile_from_json, profile_to_json, read_profile
from qualcode.profile.spec import STUDY
from qualcode.services.codings import add_coding
from qualcode.services.documents import NewDocument, VariableValue, add_document
from qualcode.services.profile import load_profile_file, project_profile
from qualcode.store import Store, open_store
from tests.cli import assert_user_error, qualcode
from tests.conftest import REPO
from tests.helpers import dump, load_study_codebook

STUDY_FILE = REPO / "codebooks" / "kommunale-resilienz.profile.yaml"
SCHOOLS = """\
study: Schulsozialarbeit nach 2015
export_language: de
variables:
  - {name: schulform, label: Schulform, values: [Grundschule, Gesamtschule, Gymnasium]}
  - {name: land, label: Bundesland}
  - {name: ort, label: Ort}
document_list: [schulform, land]
quote_columns: [schulform]
attribution:
  place: ort
  anonymous: [schulform, land]
  fallback_role: Lehrkraft
privacy: {gate: warn, k: 5}
"""
LESSON = ("I: Wie kamen die Kinder aus der Ukraine an?\n"
          "B: Die Willkommensklasse war nach zwei Wochen voll – „wir haben improvisiert“.\n")


def test_the_shipped_study_profile_is_the_default() -> None:
    assert read_profile(STUDY_FILE) == STUDY
    assert profile_from_json(profile_to_json(STUDY)) == STUDY


def test_a_store_without_a_profile_has_the_studys(store: Store) -> None:
    assert project_profile(store) == STUDY


def _schools(store: Store, tmp_path: Path) -> Path:
    path = tmp_path / "schulen.profile.yaml"
    path.write_text(SCHOOLS, encoding="utf-8")
    load_profile_file(store, path, actor="lea")
    load_study_codebook(store)
    add_document(store, NewDocument(name="Interview Schule Nord", text=LESSON, variables=[
        VariableValue("schulform", "Gymnasium"), VariableValue("land", "Bayern"),
        VariableValue("ort", "Talbrück")]))
    add_coding(store, document="Interview Schule Nord", code="Soziale Integration",
               coder="anna", start=LESSON.index("Die"), end=LESSON.index(" –"))
    return path


def test_another_study_works_without_code_changes(store: Store, store_url: str,
                                                  tmp_path: Path) -> None:
    _schools(store, tmp_path)
    profile = project_profile(store)
    assert profile.study == "Schulsozialarbeit nach 2015" and profile.privacy.k == 5
    (quote,) = quote_table(store, QuoteFilter()).quotes
    assert quote.variables == (("Schulform", "Gymnasium"),)
    assert quote.attribution == "Lehrkraft, Gymnasium, Bayern"
    target = tmp_path / "zitate.xlsx"
    export_quote_table(store, QuoteFilter(), target, "xlsx")
    header = [c.value for c in next(load_workbook(target).active.iter_rows(max_row=1))]
    assert header[:3] == ["Dokument", "Schulform", "Sprecher:in"]
    listed = qualcode("documents", db=store_url)
    assert "Interview Schule Nord  [Gymnasium, Bayern]" in listed.out
    shown = json.loads(qualcode("profile", "show", "--json", db=store_url).out)
    assert shown["document_list"] == ["schulform", "land"]


async def test_the_document_list_shows_the_profiles_columns(sqlite_store: Store,
                                                            sqlite_url: str,
                                                            tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from qualcode.tui.app import make_app
    from tests.test_tui_keys import wait_until

    _schools(sqlite_store, tmp_path)
    app = make_app(sqlite_url, coder="anna", config_file=tmp_path / "c.toml")
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Document", "Schulform", "Bundesland", "Words", "My codings"]
        assert list(map(str, table.get_row_at(0)))[:3] == ["Interview Schule Nord",
                                                           "Gymnasium", "Bayern"]


def test_init_loads_the_profile_beside_the_codebook(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    result = qualcode("init", "--codebook", str(REPO / "codebooks" /
                                                 "kommunale-resilienz.yaml"), db=db)
    assert result.code == 0, result.err
    assert "Profile: the study 'Kommunale Resilienz'" in result.out
    store = open_store(db)
    assert project_profile(store) == STUDY
    store.close()


@pytest.mark.parametrize(("text", "problem"), [
    ("study: X\nprivacy: {gate: maybe}\n", "privacy.gate must be 'stop' or 'warn'"),
    ("study: X\nprivacy: {k: 0}\n", "privacy.k must be a whole number"),
    ("study: X\nattribution: {anonymous: [schulform]}\n", "attribution names 'schulform'"),
    ("study: X\ndocument_list: [kommune]\n", "document_list names 'kommune'"),
    ("variables: []\n", "the profile needs the study's name"),
    ("study: X\nexport_language: fr\n", "export_language must be one of de, en"),
    ("study: X\nvariables:\n  - {name: a, values: [x], aliases: {y: z}}\n",
     "an alias names a value that is not among its values"),
    ("study: &s X\nother: *s\n", "line 1: YAML anchors and aliases are not allowed"),
    ("study: [unclosed\n", "not valid YAML"),
    ("- a list\n", "the file must be a mapping"),
])
def test_a_bad_profile_is_one_sentence_and_changes_nothing(sqlite_store: Store,
                                                          sqlite_url: str, tmp_path: Path,
                                                          text: str, problem: str) -> None:
    path = tmp_path / "kaputt.profile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"kaputt\.profile\.yaml"):
        read_profile(path)
    before = dump(sqlite_store)
    assert_user_error(qualcode("profile", "load", str(path), db=sqlite_url),
                      "kaputt.profile.yaml", problem)
    assert dump(sqlite_store) == before


def test_profile_check_and_load_by_cli(tmp_path: Path) -> None:
    path = tmp_path / "schulen.profile.yaml"
    path.write_text(SCHOOLS, encoding="utf-8")
    checked = qualcode("profile", "check", str(path))
    assert checked.code == 0 and "3 document variables" in checked.out
    db = str(tmp_path / "s.db")
    assert "Loaded the profile" in qualcode("profile", "load", str(path), "--by", "lea",
                                            db=db).out
    assert "already has this profile" in qualcode("profile", "load", str(path), db=db).out
    shown = qualcode("profile", "show", db=db).out
    assert "Study: Schulsozialarbeit nach 2015" in shown and "k = 5" in shown


def test_a_store_with_data_at_0005_upgrades_to_project_settings(tmp_path: Path) -> None:
    from tests.test_migrations import _fill_first_revision, _rows, _store_at

    path = tmp_path / "0005.db"
    _store_at(path, "0005_version_words")
    _fill_first_revision(path)
    before = _rows(path)
    store = open_store(str(path))
    assert project_profile(store) == STUDY
    store.close()
    after = _rows(path)
    assert [row[-1] for row in after["codings"]] == [0]  # 0008 adds is_anchor, false
    after["codings"] = [row[:-1] for row in after["codings"]]
    assert [row[-1] for row in after["coders"]] == [None]  # 0007 adds login, empty
    after["coders"] = [row[:-1] for row in after["coders"]]
    assert after == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM project_settings").fetchone() == (0,)


def test_a_manifest_sets_the_profiles_variables(sqlite_store: Store, tmp_path: Path) -> None:
    from qualcode.services.documents import list_documents
    from qualcode.services.importing import import_paths

    profile = tmp_path / "schulen.profile.yaml"
    profile.write_text(SCHOOLS, encoding="utf-8")
    load_profile_file(sqlite_store, profile)
    folder = tmp_path / "Schulen"
    folder.mkdir()
    (folder / "nord.txt").write_text(LESSON, encoding="utf-8")
    manifest = folder / "manifest.yaml"
    manifest.write_text("documents:\n"
                        "  - {file: nord.txt, name: Schule Nord, schulform: gymnasium, "
                        "land: Bayern}\n", encoding="utf-8")
    report = import_paths(sqlite_store, [folder])
    assert [f.document for f in report.imported] == ["Schule Nord"]
    (nord,) = list_documents(sqlite_store)
    assert nord.variables == {"schulform": "Gymnasium", "land": "Bayern"}  # the profile's case
    before = dump(sqlite_store)
    for text, problem in [
        ("schulform: Förderschule", "the value of schulform is not one of Grundschule, "
                                    "Gesamtschule, Gymnasium."),
        ("municipality: Kesselbrunn", "unknown field 'municipality'"),
    ]:
        manifest.write_text(f"documents:\n  - {{file: nord.txt, {text}}}\n", encoding="utf-8")
        ((_, message),) = import_paths(sqlite_store, [folder]).failed
        assert "manifest.yaml" in message and problem in message
        assert "Förderschule" not in message  # no row data in an error
        assert dump(sqlite_store) == before


@pytest.mark.fuzz
def test_any_profile_text_is_read_or_refused_in_one_sentence(tmp_path: Path) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    values = st.recursive(
        st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
            st.sampled_from(["study", "variables", "name", "values", "aliases", "kind",
                             "attribution", "anonymous", "place", "privacy", "gate", "k",
                             "document_list", "quote_columns", "cases", "export_language"]),
            inner, max_size=5), max_leaves=12)
    path = tmp_path / "zufall.profile.yaml"

    @given(st.one_of(st.text(max_size=300), values.map(lambda v: __import__("yaml").safe_dump(
        v, allow_unicode=True))))
    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            profile = read_profile(path)
        except InvalidInput as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        else:
            assert profile_from_json(profile_to_json(profile)) == profile

    check()
