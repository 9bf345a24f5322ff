"""The CLI speaks German and English: help, messages, errors and click's own words.

Every test runs the real ``qualcode`` command in a subprocess. The suite sets
``QUALCODE_LANG=en``; a test about the locale blanks it (an empty variable counts as unset),
and every test names its settings file, so that the machine's own settings play no part.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from qualcode.i18n import detect_language
from tests.cli import assert_user_error, qualcode, qualcode_in_terminal

REPO = Path(__file__).resolve().parents[1]
LOCALE_VARIABLES = ("QUALCODE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
CLICK_WORDS_EN = ("Usage:", "Options:", "Commands:", "Show this message and exit.")
CLICK_WORDS_DE = ("Aufruf:", "Optionen:", "Befehle:", "Diese Hilfe anzeigen und beenden.")


def env(tmp_path: Path, settings: str = "", **variables: str) -> dict[str, str]:
    """A process environment: no language but the one given, the settings file given."""
    config = tmp_path / "einstellungen.toml"
    config.write_text(settings, encoding="utf-8")
    return {**dict.fromkeys(LOCALE_VARIABLES, ""), "QUALCODE_CONFIG": str(config),
            **variables}


def flat(text: str) -> str:
    """Help text without click's line wrapping."""
    return " ".join(text.split())


def assert_german_help(text: str) -> None:
    for word in CLICK_WORDS_DE:
        assert word in text, (word, text)
    for word in CLICK_WORDS_EN:
        assert word not in text, (word, text)


def test_a_german_locale_gives_german_help(tmp_path: Path) -> None:
    done = qualcode("--help", env=env(tmp_path, LANG="de_DE.UTF-8"))
    assert done.code == 0, done.err
    assert_german_help(done.out)
    assert "Qualitatives Codieren von Interview- und Fokusgruppen-Transkripten" in flat(done.out)
    assert "[OPTIONEN]" in done.out and "Umgebungsvariable: QUALCODE_DB" in flat(done.out)


def test_arguments_are_explained_in_the_help(tmp_path: Path) -> None:
    done = qualcode("codebook", "merge", "--help", env=env(tmp_path, QUALCODE_LANG="de"))
    assert done.code == 0, done.err
    assert "SOURCE Der Code, der wegfällt." in flat(done.out)
    assert "TARGET Der Code, der seine Codierungen übernimmt." in flat(done.out)


def test_a_german_locale_gives_german_help_of_a_command(tmp_path: Path) -> None:
    done = qualcode("import", "--help", env=env(tmp_path, LANG="de_DE.UTF-8"))
    assert done.code == 0, done.err
    assert_german_help(done.out)
    assert "Transkripte (.docx, .txt, .md, .odt, .rtf) und anderes Material" in flat(done.out)
    options = flat(qualcode("export", "quotes", "--help",
                            env=env(tmp_path, LANG="de_DE.UTF-8")).out)
    assert "Nur Codierungen, die als „Stimme aus der Praxis“ markiert sind." in options
    assert "CSV-Trennzeichen. [Standard: ;]" in options  # typer's "default: ;"


def test_a_missing_file_is_a_german_error(tmp_path: Path) -> None:
    german = env(tmp_path, LANG="de_DE.UTF-8")
    db = str(tmp_path / "projekt.db")
    missing = tmp_path / "fehlt-Übersicht.yaml"
    done = qualcode("codebook", "load", str(missing), db=db, env=german)
    assert_user_error(done, "Fehler: Ungültiger Wert für 'FILE': Datei", "existiert nicht.",
                      "fehlt-Übersicht.yaml", "Hilfe erhalten Sie mit")
    assert not Path(db).exists()  # refused before the store was opened
    imported = qualcode("import", str(tmp_path / "gibt-es-nicht.docx"), db=db, env=german)
    assert_user_error(imported, "gescheitert: ",
                      "Fehler: 1 von 1 Datei gescheitert; siehe die Liste oben.")


def test_a_qualcode_error_raised_in_the_cli_is_german(tmp_path: Path) -> None:
    done = qualcode("export", "quotes", "--delimiter", ";;", "-o", str(tmp_path / "z.csv"),
                    env=env(tmp_path, LC_ALL="de_AT.UTF-8"))
    assert_user_error(done, "Fehler: --delimiter muss genau ein Zeichen sein.")


def test_the_c_locale_gives_english(tmp_path: Path) -> None:
    done = qualcode("--help", env=env(tmp_path, LANG="C"))
    for word in CLICK_WORDS_EN:
        assert word in done.out
    assert "Qualitative coding of interview and focus-group transcripts" in flat(done.out)
    error = qualcode("codebook", "load", str(tmp_path / "fehlt.yaml"), env=env(tmp_path, LANG="C"))
    assert_user_error(error, "Error: Invalid value for 'FILE': File", "does not exist.")


def test_qualcode_lang_beats_the_locale(tmp_path: Path) -> None:
    german = qualcode("db", "--help", env=env(tmp_path, LANG="C", QUALCODE_LANG="de"))
    assert_german_help(german.out)
    assert "Sicherungen der Projektdatenbank" in flat(german.out)
    english = qualcode("db", "--help",
                       env=env(tmp_path, LC_ALL="de_DE.UTF-8", QUALCODE_LANG="en"))
    assert "Usage:" in english.out and "Aufruf:" not in english.out
    assert "backups of the store" in flat(english.out)


def test_the_settings_file_beats_the_locale(tmp_path: Path) -> None:
    done = qualcode("profile", "--help", env=env(tmp_path, 'language = "de"\n', LANG="C"))
    assert_german_help(done.out)
    assert "Das Projektprofil: Dokumentvariablen" in flat(done.out)
    overridden = qualcode("profile", "--help", env=env(tmp_path, 'language = "de"\n',
                                                       QUALCODE_LANG="en"))
    assert "Usage:" in overridden.out


@pytest.mark.parametrize(("environ", "settings", "expected"), [
    ({}, "", "en"),
    ({"LANG": "de_DE.UTF-8"}, "", "de"),
    ({"LANG": "C"}, "", "en"),
    ({"LANG": "C.UTF-8"}, "", "en"),
    ({"LC_MESSAGES": "de_CH.UTF-8", "LANG": "en_GB.UTF-8"}, "", "de"),
    ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "de_DE", "LANG": "de_DE"}, "", "en"),
    ({"LC_ALL": "", "LANG": "de"}, "", "de"),
    ({"QUALCODE_LANG": "de", "LC_ALL": "C"}, "", "de"),
    ({"QUALCODE_LANG": "en", "LANG": "de_DE.UTF-8"}, 'language = "de"\n', "en"),
    ({"LANG": "C"}, 'language = "de"\n', "de"),
    ({"LANG": "de_DE.UTF-8"}, 'language = "en"\n', "en"),
    ({"LANG": "de_DE.UTF-8"}, "language = [kaputt\n", "de"),  # a broken file says nothing
])
def test_detect_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         environ: dict[str, str], settings: str, expected: str) -> None:
    config = tmp_path / "einstellungen.toml"
    config.write_text(settings, encoding="utf-8")
    monkeypatch.setenv("QUALCODE_CONFIG", str(config))  # the settings file is found by it
    assert detect_language(environ) == expected


def coding_rows(*rows: tuple[str, int, int]) -> str:
    lines = ["document,coder,code,start,end"]
    lines += [f"{document},jörg,Verwaltung,{start},{end}" for document, start, end in rows]
    return "\n".join(lines) + "\n"


def test_demo_builds_the_project_and_plurals_are_german(tmp_path: Path) -> None:
    german = env(tmp_path, LANG="de_DE.UTF-8")
    db = str(tmp_path / "demo.db")
    built = qualcode("demo", "--db", db, "--no-open", env=german)
    assert built.code == 0, built.err
    assert built.out.startswith(f"Demo-Projekt in {db} angelegt: 46 Codes, 6 Dokumente.")
    again = qualcode("demo", "--db", db, "--no-open", env=german)
    assert again.out.strip() == (f"Die Projektdatenbank {db} enthält schon ein Projekt; "
                                 "sie bleibt, wie sie ist.")
    codings = tmp_path / "codierungen.csv"
    codings.write_text(coding_rows(("Interview Kesselbrunn", 0, 12),
                                   ("Interview Kesselbrunn", 20, 40),
                                   ("Interview Kesselbrunn", 50, 60),
                                   ("Interview Wendelsau", 5, 15)), encoding="utf-8")
    imported = qualcode("import", "codings", str(codings), db=db, env=german)
    assert imported.out.strip() == "4 Codierungen für jörg importiert.", imported.err
    listed = {line.split("  ")[0]: line for line in
              qualcode("documents", db=db, env=german).out.splitlines()}
    assert listed["Interview Kesselbrunn"].endswith("Wörter, 3 Codierungen")
    assert listed["Interview Wendelsau"].endswith("Wörter, 1 Codierung")
    assert listed["Interview Haselbach-Ost"].endswith("Wörter, 0 Codierungen")
    assert "Sprecherbeiträge" in listed["Interview Wendelsau"]
    found = qualcode("search", "Netzwerk", db=db, env=german).out.splitlines()[-1]
    assert re.fullmatch(r"\d+ Suchtreffer in \d+ Sprecherbeiträgen\.", found), found


def test_demo_keeps_out_of_the_store_of_qualcode_db(tmp_path: Path) -> None:
    real = tmp_path / "echt.db"
    done = qualcode("demo", "--no-open", cwd=str(tmp_path),
                    env={"QUALCODE_DB": str(real), "QUALCODE_CONFIG": str(tmp_path / "c.toml"),
                         "PYTHONPATH": str(REPO / "src")})  # this checkout, from any folder
    assert done.code == 0, done.err
    assert done.out.startswith("Built the demo project in demo.db: 46 codes, 6 documents.")
    assert (tmp_path / "demo.db").is_file() and not real.exists()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_demo_opens_the_workbench(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('coder = "anna"\n', encoding="utf-8")
    db = str(tmp_path / "demo.db")
    with qualcode_in_terminal("demo", db=db, config=config) as term:
        term.wait_for("Fokusgruppe Kesselbrunn")
        term.keys("C-q")
        term.wait_closed()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from documents").fetchone() == (6,)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """qualcode built as a wheel from this checkout (hatchling, no build isolation)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(REPO)], check=True, capture_output=True,
                   timeout=300)
    return next(out.glob("qualcode-*.whl"))


@pytest.mark.slow
def test_the_wheel_carries_the_catalogs_and_the_demo(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for name in ("qualcode/locale/de/LC_MESSAGES/qualcode.mo",
                 "qualcode/locale/de/LC_MESSAGES/click.mo",
                 "qualcode/_demo/codebooks/kommunale-resilienz.yaml",
                 "qualcode/_demo/codebooks/demo.profile.yaml",
                 "qualcode/_demo/transcripts/demo/docx/manifest.yaml",
                 "qualcode/_demo/transcripts/demo/docx/interview-moorwald.docx"):
        assert name in names
    # Run from the unpacked wheel, away from the checkout: the demo and German come with it.
    installed = {**env(tmp_path, LANG="de_DE.UTF-8"), "PYTHONPATH": str(tmp_path / "site")}
    where = subprocess.run([sys.executable, "-c", "import qualcode; print(qualcode.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, **installed}, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "site")
    done = qualcode("demo", "--no-open", cwd=str(tmp_path), env=installed)
    assert done.out.startswith("Demo-Projekt in demo.db angelegt: 46 Codes, 6 Dokumente."), \
        done.err


def test_a_click_message_missing_from_its_catalog_is_noticed(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(REPO / "src" / "qualcode", copy / "src" / "qualcode",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "scripts", copy / "scripts")
    po = copy / "src" / "qualcode" / "locale" / "de" / "LC_MESSAGES" / "click.po"
    text = po.read_text(encoding="utf-8")
    entry = 'msgid "Show this message and exit."\nmsgstr "Diese Hilfe anzeigen und beenden."\n'
    assert entry in text
    po.write_text(text.replace(entry, ""), encoding="utf-8")
    done = subprocess.run([sys.executable, str(copy / "scripts" / "catalogs.py"), "check"],
                          capture_output=True, text=True, cwd=copy, timeout=300)
    assert done.returncode == 1
    assert "de/click: not in the catalog" in done.stdout
    assert "Show this message and exit." in done.stdout


def test_every_help_text_has_a_german_translation() -> None:
    """Also a help text given as a docstring only (the marking check does not see those)."""
    import typer

    from qualcode.cli.language import translated
    from qualcode.cli.main import app
    from qualcode.i18n import set_interface_language

    def texts(command: click.Command, name: str) -> Iterator[tuple[str, str]]:
        yield name, command.help or ""
        for param in command.params:
            if param.name != "help":
                yield f"{name} {param.name}", param.help or ""
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                yield from texts(sub, f"{name} {sub_name}")

    english = dict(texts(typer.main.get_command(app), "qualcode"))
    set_interface_language("de")
    try:
        german = dict(texts(translated(typer.main.get_command(app)), "qualcode"))
    finally:
        set_interface_language(None)
    untranslated = [where for where, text in english.items()
                    if not text or german[where] == text]
    assert not untranslated, untranslated
