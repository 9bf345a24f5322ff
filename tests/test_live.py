"""Live collaboration: another coder's commit shows in an open TUI within 2 s, in place.

Two stores (two connection pools) on one database: "bert" writes through his, "anna" has the
TUI open on hers. PostgreSQL delivers NOTIFY, SQLite is watched through PRAGMA data_version.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import DataTable

from qualcode.services.codes import rename_code
from qualcode.services.codings import add_coding
from qualcode.store import open_store
from qualcode.tui.app import make_app
from qualcode.tui.screens.documents import DocumentsScreen
from qualcode.tui.widgets.transcript import Transcript
from tests.test_tui import open_first_document

LIVE_SECONDS = 2.0


async def _within(pilot, seconds: float, seen) -> float:  # type: ignore[no-untyped-def]
    """Seconds until ``seen()`` holds; fails after ``seconds``."""
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        if seen():
            return time.perf_counter() - began
        await pilot.pause(0.02)
    raise AssertionError(f"not on screen within {seconds} s")


async def test_a_coding_committed_by_another_coder_appears_without_moving_the_cursor(
        demo_url: str, tmp_path: Path) -> None:
    app = make_app(demo_url, coder="anna", config_file=tmp_path / "config.toml")
    other = open_store(demo_url)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_first_document(pilot)
            await pilot.press("down", "down", "shift+down")
            view = screen.query_one(Transcript)
            cursor, selection = view.cursor, view.selection
            assert screen.data is not None
            name = screen.data.name
            screen.action_toggle_all()  # "all coders": bert's codings are shown too
            added = add_coding(other, document=name, code="Wohnen und Unterbringung",
                               coder="bert", start=3, end=20)
            delay = await _within(pilot, LIVE_SECONDS,
                                  lambda: added.id in {c.id for c in view.codings})
            assert delay < LIVE_SECONDS
            assert (view.cursor, view.selection) == (cursor, selection)
            assert any(c.id == added.id and c.coder == "bert" for c in screen.all_codings)

            rename_code(other, "Wohnen und Unterbringung", "Wohnraum für Geflüchtete „neu“",
                        actor="lena")
            await _within(pilot, LIVE_SECONDS, lambda: any(
                c.code_path.endswith("Wohnraum für Geflüchtete „neu“") for c in view.codings))
            assert any(c.name == "Wohnraum für Geflüchtete „neu“" for c in screen.codes)
            assert (view.cursor, view.selection) == (cursor, selection)
    finally:
        other.close()


async def test_the_document_list_counts_refresh_in_place(demo_url: str, tmp_path: Path) -> None:
    app = make_app(demo_url, coder="anna", config_file=tmp_path / "config.toml")
    other = open_store(demo_url)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            screen = app.screen
            assert isinstance(screen, DocumentsScreen)
            table = screen.query_one(DataTable)
            await pilot.press("down")
            row = table.cursor_row
            document = screen.documents[0].name
            target_key = next(k for k in table.rows if k.value == str(screen.documents[0].id))
            before = table.get_row(target_key)[-1]
            add_coding(other, document=document, code="Wohnen und Unterbringung",
                       coder="anna", start=0, end=5)  # anna in another window
            await _within(pilot, LIVE_SECONDS,
                          lambda: table.get_row(target_key)[-1] == str(int(before) + 1))
            assert table.cursor_row == row
    finally:
        other.close()
