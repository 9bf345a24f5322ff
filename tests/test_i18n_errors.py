"""Errors of the domain and services reach a person in their interface language.

Real failures through the real CLI in a subprocess, once with ``QUALCODE_LANG=de`` and once
with ``QUALCODE_LANG=en``: exit 2, no traceback, the sentence in the chosen language, the
store exactly as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.i18n import _, ngettext, set_interface_language
from qualcode.store.store import open_store
from tests.cli import Result, assert_user_error, qualcode
from tests.helpers import dump

TRANSCRIPT = "I: Wie war der Sprachkurs?\nB: „Anstrengend“, aber schön – ich heiße Jörg 🙂\n"


def rows(db: Path) -> dict[str, list[tuple]]:
    store = open_store(str(db))
    try:
        return dump(store)
    finally:
        store.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Built in-process (three CLI runs cost 3 s a test); the tests run the CLI on it."""
    from qualcode.codebook.parse import parse_codebook
    from qualcode.codebook.sync import load_codebook
    from qualcode.services.importing import import_paths
    from qualcode.store import open_store

    db = tmp_path / "Projekt Übergänge.db"
    (tmp_path / "Gespräch_Jörg.txt").write_text(TRANSCRIPT, encoding="utf-8")
    project = open_store(str(db))
    assert import_paths(project, [tmp_path / "Gespräch_Jörg.txt"]).failed == []
    load_codebook(project, parse_codebook("codes:\n  - name: Sprachförderung\n"))
    project.close()
    return db


def failing(db: Path, lang: str, *args: str) -> Result:
    """Run a command that must fail, and check that it changed nothing in the store."""
    before = rows(db)
    result = qualcode(*args, db=str(db), env={"QUALCODE_LANG": lang})
    assert rows(db) == before
    return result


BAD_CODEBOOK = ("codes:\n"
                "  - name: Überforderung\n"
                "    colour: grün\n"
                "  - name: Überforderung\n")
ONE_PROBLEM = "codes:\n  - name: Straße/Weg\n"

PHRASES = {
    "de": {
        "two problems": "Die Codebook-Datei hat 2 Probleme:",
        "one problem": "Die Codebook-Datei hat 1 Problem:",
        "colour": "ungültige Farbe 'grün': verwenden Sie #RRGGBB",
        "duplicate": "doppelter Codename 'Überforderung' unter demselben Obercode",
        "slash": "der Codename 'Straße/Weg' enthält '/'",
        "missing": "Diese Datei oder diesen Ordner gibt es nicht.",
        "unknown code": "Es gibt keinen Code 'Übergänge' im Codesystem",
        "manifest": "Ein Manifest braucht eine Liste 'documents'.",
    },
    "en": {
        "two problems": "the codebook has 2 problems:",
        "one problem": "the codebook has 1 problem:",
        "colour": "bad colour 'grün': use #RRGGBB",
        "duplicate": "duplicate code name 'Überforderung' under one parent",
        "slash": "the code name 'Straße/Weg' contains '/'",
        "missing": "no such file or folder.",
        "unknown code": "There is no code 'Übergänge' in the codebook",
        "manifest": "a manifest needs a 'documents' list.",
    },
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_bad_codebook_counts_its_problems_in_the_interface_language(
        store: Path, tmp_path: Path, lang: str) -> None:
    words = PHRASES[lang]
    two = tmp_path / "Codesystem „Übergänge“.yaml"
    two.write_text(BAD_CODEBOOK, encoding="utf-8")
    result = failing(store, lang, "codebook", "load", str(two))
    assert_user_error(result, str(two), words["two problems"], words["colour"],
                      words["duplicate"])
    one = tmp_path / "ein_Problem.yaml"
    one.write_text(ONE_PROBLEM, encoding="utf-8")
    result = failing(store, lang, "codebook", "load", str(one))
    assert_user_error(result, words["one problem"], words["slash"])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_missing_transcript_file_is_named_in_the_interface_language(
        store: Path, tmp_path: Path, lang: str) -> None:
    missing = tmp_path / "Interview_Müller_ß.docx"
    result = failing(store, lang, "import", "transcripts", str(missing))
    assert_user_error(result, str(missing), PHRASES[lang]["missing"])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_unknown_code_is_refused_in_the_interface_language(store: Path, lang: str) -> None:
    result = failing(store, lang, "autocode", "Sprachkurs", "--code", "Übergänge",
                     "--coder", "Jörg")
    assert_user_error(result, PHRASES[lang]["unknown code"])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_broken_manifest_is_named_in_the_interface_language(
        store: Path, tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "Welle 2"
    folder.mkdir()
    (folder / "manifest.yaml").write_text("documents: „keine Liste“\n", encoding="utf-8")
    (folder / "Gespräch_Ayşe.txt").write_text(TRANSCRIPT, encoding="utf-8")
    result = failing(store, lang, "import", "transcripts", str(folder))
    assert_user_error(result, str(folder / "manifest.yaml"), PHRASES[lang]["manifest"])
    assert "Anstrengend" not in result.err + result.out  # transcript text is never shown


def test_the_german_messages_are_the_catalogs_not_the_english_ids() -> None:
    """In-process: the same ids give German after switching, English after switching back."""
    try:
        set_interface_language("de")
        assert _("{path}: is empty.").format(path="a.txt") == "a.txt: ist leer."
        assert ngettext("{path}: the codebook has {n} problem:",
                        "{path}: the codebook has {n} problems:", 3).format(
            path="c.yaml", n=3) == "c.yaml: Die Codebook-Datei hat 3 Probleme:"
        set_interface_language("en")
        assert _("{path}: is empty.").format(path="a.txt") == "a.txt: is empty."
    finally:
        set_interface_language(None)


@pytest.mark.parametrize(("lang", "sentence"), [
    ("de", "ist keine qualcode-Projektdatenbank"),
    ("en", "is not a qualcode store"),
])
def test_a_file_that_is_no_store_is_refused_in_the_interface_language(
        tmp_path: Path, lang: str, sentence: str) -> None:
    notes = tmp_path / "Notizen Jörg.db"
    notes.write_text("Kein „SQLite“ – nur Text über Straßen 🙂\n" * 200, encoding="utf-8")
    before = notes.read_bytes()
    result = qualcode("status", db=str(notes), env={"QUALCODE_LANG": lang})
    assert_user_error(result, str(notes), sentence)
    assert "Straßen" not in result.err  # the file's contents are never quoted
    assert notes.read_bytes() == before


@pytest.mark.parametrize(("locale", "sentence"), [
    ("de_DE.UTF-8", "Diese Datei oder diesen Ordner gibt es nicht."),
    ("C", "no such file or folder."),
])
def test_without_qualcode_lang_the_locale_chooses_the_language(
        store: Path, tmp_path: Path, locale: str, sentence: str) -> None:
    missing = tmp_path / "Gruppendiskussion_Straßenbahn.txt"
    env = {"QUALCODE_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": locale,
           "QUALCODE_CONFIG": str(tmp_path / "keine-Einstellungen.toml")}
    result = qualcode("import", "transcripts", str(missing), db=str(store), env=env)
    assert_user_error(result, str(missing), sentence)
