"""The coding workbench driven by Textual's Pilot against a real store."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qualcode.models import Coding, Memo
from qualcode.store import open_store
from qualcode.tui.app import QualcodeApp, make_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.documents import DocumentsScreen


def app_for(db: str, tmp_path: Path, coder: str | None = "anna") -> QualcodeApp:
    return make_app(db, coder=coder, config_file=tmp_path / "config.toml")


def codings(db: str) -> list[tuple]:
    store = open_store(db)
    with store.read() as session:
        rows = [tuple(r) for r in session.execute(
            select(Coding.start, Coding.end, Coding.text, Coding.code_id, Coding.memo,
                   Coding.is_voice).order_by(Coding.id))]
    store.close()
    return rows


async def open_first_document(pilot) -> CodingScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert isinstance(pilot.app.screen, DocumentsScreen)
    await pilot.press("enter")
    for _ in range(50):
        await pilot.pause(0.05)
        screen = pilot.app.screen
        if isinstance(screen, CodingScreen) and screen.data is not None:
            return screen
    raise AssertionError("the document did not open")


async def test_code_by_hotkey_and_picker_then_undo_redo(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        assert screen.data.name == "Fokusgruppe Kesselbrunn"
        view = screen.query_one("#transcript")
        await pilot.press("down", "down")
        sentence = view.sentences[2]
        await pilot.press("w")  # Verwaltungskultur und Wissensmanagement
        rows = codings(demo_url)
        assert rows == [(sentence.start, sentence.end, screen.data.text[sentence.start:
                                                                           sentence.end],
                         rows[0][3], None, False)]
        await pilot.press("shift+down", "space", "w", "o", "h", "n", "enter")
        await pilot.pause()
        assert len(codings(demo_url)) == 2
        second = codings(demo_url)[1]
        assert (second[0], second[1]) == (sentence.start, view.sentences[3].end)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(codings(demo_url)) == 1
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert len(codings(demo_url)) == 2


async def test_memo_voice_and_remove(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("down", "1")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pilot.press(*"Gutes Zitat für Abschnitt 3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("asterisk")
        await pilot.pause()
        (row,) = codings(demo_url)
        assert row[4] == "Gutes Zitat für Abschnitt 3" and row[5] is True
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press(*"Dokumentmemo", "ctrl+s")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert codings(demo_url) == []
    store = open_store(demo_url)
    with store.read() as session:
        memos = [(m.target, m.text) for m in session.scalars(select(Memo))]
    store.close()
    assert memos == [("document", "Dokumentmemo")]


async def test_search_jumps_to_the_hit_in_another_document(demo_url: str,
                                                           tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*'"Koordinierungskreis Migration"', "enter")
        for _ in range(60):
            await pilot.pause(0.05)
            if app.screen.hits:  # type: ignore[attr-defined]
                break
        await pilot.press("enter")
        for _ in range(60):
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, CodingScreen) and screen.data and \
                    screen.data.name == "Interview Kesselbrunn":
                break
        view = app.screen.query_one("#transcript")
        start, end = view.selection
        assert app.screen.data.text[start:end] == "Koordinierungskreis Migration"


async def test_retrieval_lists_codings_and_jumps(demo_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # exports/ is made where qualcode runs
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("down", "down", "down", "1")
        coded = screen.query_one("#transcript").selection
        await pilot.press("up", "up", "up")
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press(*"Wohnen und Unter", "enter")
        for _ in range(60):
            await pilot.pause(0.05)
            if getattr(app.screen, "found", None):
                break
        assert [f.text for f in app.screen.found] == [screen.data.text[coded[0]:coded[1]]]
        await pilot.press("ctrl+e")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.screen.exported is not None:
                break
        exported = app.screen.exported
        assert exported.name.startswith("zitate-wohnen-und-unterbringung-")
        sheet = load_workbook(exported).active
        assert sheet.max_row == 2 and sheet.cell(2, 9).value == " ".join(
            screen.data.text[coded[0]:coded[1]].split())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#transcript").selection == coded


async def test_coder_is_chosen_once_and_remembered(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path, coder=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"jördis", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
    assert 'coder = "jördis"' in (tmp_path / "config.toml").read_text(encoding="utf-8")
    again = app_for(demo_url, tmp_path, coder=None)
    assert again.coder == "jördis"


async def test_store_error_is_shown_not_a_crash(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        store = open_store(demo_url)
        with store.write() as session:  # another coder deletes the document meanwhile
            from qualcode.models import Document

            session.delete(session.get(Document, screen.data.document_id))
        store.close()
        await pilot.press("w")
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorScreen"
        assert "no document" in str(app.screen.message).lower()


async def test_keymap_from_the_config_file(demo_url: str, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('coder = "anna"\n\n[keymap]\nundo = "ctrl+u"\n',
                                          encoding="utf-8")
    app = make_app(demo_url, config_file=tmp_path / "config.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("down", "1", "ctrl+u")
        await pilot.pause()
        assert codings(demo_url) == []


def test_killed_tui_loses_nothing(demo_url: str, tmp_path: Path) -> None:
    """The hotkey's coding is committed before the screen changes: SIGKILL right after."""
    script = textwrap.dedent(f"""
        import asyncio, os, signal
        from qualcode.tui.app import make_app

        async def main():
            app = make_app({demo_url!r}, coder="anna", config_file={str(tmp_path / 'c.toml')!r})
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                await pilot.press("enter")
                for _ in range(50):
                    await pilot.pause(0.05)
                    if getattr(app.screen, "data", None) is not None:
                        break
                await pilot.press("down", "w")
                os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr
    assert len(codings(demo_url)) == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_documents(snap_compare, demo_db: str, tmp_path: Path,
                            size: tuple[int, int]) -> None:
    assert snap_compare(app_for(demo_db, tmp_path), terminal_size=size)


async def code_and_select(pilot) -> None:  # type: ignore[no-untyped-def]
    """The coding view of the snapshot: one sentence coded, two selected."""
    await open_first_document(pilot)
    await pilot.press("down", "down", "w", "shift+down")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_coding(snap_compare, demo_db: str, tmp_path: Path,
                         size: tuple[int, int]) -> None:
    assert snap_compare(app_for(demo_db, tmp_path), terminal_size=size,
                        run_before=code_and_select)


async def test_compare_view_settles_into_consensus(demo_url: str, tmp_path: Path) -> None:
    from qualcode.services.codings import add_coding
    from qualcode.services.status import status

    store = open_store(demo_url)
    add_coding(store, document="Fokusgruppe Kesselbrunn", code="Soziale Integration",
               coder="björn", start=400, end=460)
    store.close()
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("down", "9")  # anna codes another sentence with Soziale Integration
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"björn", "enter")
        for _ in range(60):
            await pilot.pause(0.05)
            if getattr(app.screen, "items", None):
                break
        assert type(app.screen).__name__ == "CompareScreen"
        assert len(app.screen.items) == 2
        await pilot.press("a")
        await pilot.pause()
        assert len(app.screen.items) == 1
    store = open_store(demo_url)
    assert status(store).codings_per_coder.get("consensus", 0) >= 1
    store.close()
