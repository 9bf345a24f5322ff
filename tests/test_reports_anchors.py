"""Anchor examples: a coder marks their coding (CLI `qualcode anchor`, TUI ctrl+a), the
Kodierleitfaden lists it under its code, pseudonymised; the store migration keeps old data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from qualcode.models import Coding
from qualcode.services.importing import import_paths
from qualcode.store import open_store
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.coding.prompts import coding_prompt
from tests.cli import assert_user_error, qualcode
from tests.helpers import dump, load_study_codebook
from tests.test_migrations import _fill_first_revision, _store_at
from tests.test_reports import WOHNEN, coded_demo  # noqa: F401  (a fixture)
from tests.test_tui import app_for, open_first_document

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WENDELSAU = "Interview Wendelsau"


def anchors(db: str) -> list[tuple[int, int, bool]]:
    store = open_store(db)
    with store.read() as session:
        rows = [tuple(r) for r in session.execute(
            select(Coding.coder_id, Coding.start, Coding.is_anchor).order_by(Coding.id))]
    store.close()
    return rows


def first_start(db: str, coder: str, document: str = WENDELSAU) -> tuple[int, str]:
    """Where ``coder``'s first coding of "Wohnen" in ``document`` starts, and its text."""
    from qualcode.models import Coder
    from qualcode.store.lookup import current_version, find_code, find_document

    store = open_store(db)
    with store.read() as session:
        version = current_version(session, find_document(session, document).id)
        coding = session.scalars(select(Coding).where(
            Coding.code_id == find_code(session, WOHNEN).id, Coding.version_id == version.id,
            Coding.coder_id == select(Coder.id).where(Coder.name == coder).scalar_subquery())
            .order_by(Coding.start)).first()
        assert coding is not None
        found = (coding.start, coding.text)
    store.close()
    return found


def guide_text(db: str, tmp_path: Path, *extra: str) -> str:
    target = tmp_path / "leitfaden.docx"
    done = qualcode("report", "codebook", "--lang", "en", "-o", str(target), "--force", *extra,
                    db=db)
    assert done.code == 0, done.err
    return "\n".join(p.text for p in Document(str(target)).paragraphs)


def test_the_cli_marks_and_unmarks_and_the_guide_shows_it(coded_demo: str,  # noqa: F811
                                                          tmp_path: Path) -> None:
    assert "marked by" not in guide_text(coded_demo, tmp_path)
    before = dump(open_store(coded_demo), "codings")
    assert_user_error(qualcode("anchor", WENDELSAU, WOHNEN, "--coder", "anna", db=coded_demo),
                      "--start")  # anna coded Wohnen on several turns there
    assert_user_error(qualcode("anchor", WENDELSAU, WOHNEN, "--coder", "anna", "--start", "1",
                               db=coded_demo), "anna", "no coding", "offset 1")
    assert_user_error(qualcode("anchor", "Kein Dokument", WOHNEN, "--coder", "anna",
                               db=coded_demo), "Kein Dokument")
    assert dump(open_store(coded_demo), "codings") == before
    start, text = first_start(coded_demo, "björn")
    done = qualcode("anchor", WENDELSAU, WOHNEN, "--coder", "björn", "--start", str(start),
                    db=coded_demo)
    assert done.code == 0, done.err
    assert sum(marked for *_, marked in anchors(coded_demo)) == 1
    shown = guide_text(coded_demo, tmp_path)
    section = shown.split(WOHNEN, 1)[1]  # the code's own section (tables are apart)
    assert "Anchor example marked by björn:" in section.split("Delimitation:")[0]
    assert " ".join(text.split())[:60] in shown
    assert qualcode("anchor", WENDELSAU, WOHNEN, "--coder", "björn", "--start", str(start),
                    "--remove", db=coded_demo).code == 0
    assert "marked by" not in guide_text(coded_demo, tmp_path)


MANIFEST = """\
documents:
  - file: gespraech.txt
    name: Interview Bauhof
    kind: interview
    speakers:
      I: {role: Interviewerin}
      B: {role: Leiter Bauhof, name: Hans Müller, consent: nein, pseudonym: Herr M.}
"""
INTERVIEW = ("I: Wie war das mit der Turnhalle? 🙂\n"
             "B: Herrn Müller habe ich gesagt: „so nicht!“ Die Straße war voll.\n")


def test_an_anchor_example_is_pseudonymised_in_the_guide(tmp_path: Path) -> None:
    folder = tmp_path / "studie"
    folder.mkdir()
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (folder / "gespraech.txt").write_text(INTERVIEW, encoding="utf-8")
    db = str(tmp_path / "studie.db")
    store = open_store(db)
    load_study_codebook(store)
    assert import_paths(store, [folder]).failed == []
    store.close()
    start = INTERVIEW.index("Herrn")
    end = INTERVIEW.index("voll.") + 5
    source = tmp_path / "codings.csv"
    source.write_text(f"document,coder,code,start,end\nInterview Bauhof,cem,{WOHNEN},{start},"
                      f"{end}\n", encoding="utf-8")
    assert qualcode("import", "codings", str(source), db=db).code == 0
    assert qualcode("anchor", "Interview Bauhof", "Wohnen und Unterbringung", "--coder", "cem",
                    db=db).code == 0
    shown = guide_text(db, tmp_path)
    assert "Müller" not in shown and "Mueller" not in shown
    assert "[Herr M.] habe ich gesagt: „so nicht!“ Die Straße war voll." in shown
    assert "Anchor example marked by cem:" in shown


async def test_ctrl_a_marks_my_coding_here_and_again_unmarks(demo_db: str,
                                                             tmp_path: Path) -> None:
    app = app_for(demo_db, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        assert isinstance(screen, CodingScreen)
        await pilot.press("down", "1")
        await pilot.pause()
        await pilot.press("ctrl+a")
        await pilot.pause(0.3)
        assert [marked for *_, marked in anchors(demo_db)] == [True]
        (mine,) = [c for c in screen.all_codings if c.is_anchor]
        assert "⚓" in coding_prompt(mine).plain
        await pilot.press("ctrl+a")
        await pilot.pause(0.3)
        assert [marked for *_, marked in anchors(demo_db)] == [False]
        await pilot.press("ctrl+z")
        await pilot.pause(0.3)
        assert [marked for *_, marked in anchors(demo_db)] == [True]


def test_a_store_before_the_mark_upgrades_with_its_codings(tmp_path: Path) -> None:
    path = tmp_path / "0006.db"
    _store_at(path, "0006_project_settings")
    _fill_first_revision(path)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT * FROM codings").fetchall()
    store = open_store(str(path))
    store.close()
    with sqlite3.connect(path) as conn:
        columns = [c[1] for c in conn.execute("PRAGMA table_info(codings)")]
        after = conn.execute("SELECT * FROM codings").fetchall()
    assert columns[-1] == "is_anchor"
    assert [row[:-1] for row in after] == before and [row[-1] for row in after] == [0]
