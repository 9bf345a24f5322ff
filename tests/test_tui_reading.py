"""What a coder reads: rows that never wrap, words never cut, context that stays a quote.

Each view is opened at 80×24 and 120×40. A row "wraps" when an option of a list takes more
than one line; a word is "cut" when a token on screen is neither a whole word of the source
nor marked with an ellipsis.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList

from qualcode.services.codings import add_coding
from qualcode.store import open_store
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.lines import LinesPanel
from tests.test_tui import app_for, open_first_document
from tests.test_tui_keys import wait_until

SIZES = [(80, 24), (120, 40)]
WORD = re.compile(r"\S+")


def words_of(*texts: str) -> set[str]:
    return {w for text in texts for w in WORD.findall(text)}


def assert_whole_words(line: str, source: set[str]) -> None:
    """Every token is a word of the source; only a token marked … may be a part of one."""
    for token in WORD.findall(line):
        bare = token.strip("…")
        if not bare:
            continue
        if "…" in token:
            assert any(w.startswith(bare) or w.endswith(bare) for w in source), (token, line)
        else:
            assert bare in source, (bare, line)


def rendered(widget) -> list[str]:  # type: ignore[no-untyped-def]
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


def assert_one_line_per_option(results: OptionList) -> None:
    assert results.option_count > 0
    assert results.virtual_size.height == results.option_count  # nothing wrapped


@pytest.mark.parametrize("size", SIZES)
async def test_search_rows_read_as_quotes(demo_url: str, tmp_path: Path,
                                          size: tuple[int, int]) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_first_document(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Ehrenamt", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "hits", None))
        await pilot.pause()
        results = app.screen.query_one(OptionList)
        assert_one_line_per_option(results)
        hits = app.screen.hits
        source = words_of(*(f"{h.document} {h.speaker} {h.left}{h.text}{h.right}"
                            for h in hits))
        for line in rendered(results):
            assert "#00:" not in line  # time marks stay out of the context
            assert_whole_words(line, source)
        preview = str(app.screen.query_one("#search-preview").render())
        assert hits[0].text in preview and hits[0].document in preview


@pytest.mark.parametrize("size", SIZES)
async def test_retrieval_rows_stay_inside_their_turn(demo_url: str, tmp_path: Path,
                                                     size: tuple[int, int]) -> None:
    store = open_store(demo_url)
    from qualcode.services.workbench import load_transcript

    data = load_transcript(store, 1)
    turn = data.turns[3]
    first_sentence_end = data.text.index(".", turn.start) + 1
    add_coding(store, document=data.name, code="Soziale Integration", coder="anna",
               start=turn.start, end=first_sentence_end)
    store.close()
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_first_document(pilot)
        await pilot.press("f6", *"Soziale Integ", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "found", None))
        await pilot.pause()
        (item,) = app.screen.found
        assert item.speaker == turn.label
        assert item.start - len(item.before) >= turn.start  # the context stays in the turn
        assert item.end + len(item.after) <= turn.end
        assert item.after and data.text[item.end:item.end + len(item.after)] == item.after
        results = app.screen.query_one(OptionList)
        assert_one_line_per_option(results)
        source = words_of(item.document, item.speaker or "",
                          item.before + item.text + item.after)
        for line in rendered(results):
            assert "#00:" not in line
            assert_whole_words(line, source)


@pytest.mark.parametrize("size", SIZES)
async def test_code_names_end_at_a_word_and_show_whole_on_demand(
        demo_url: str, tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_first_document(pilot)
        assert isinstance(screen, CodingScreen)
        panel = screen.query_one("#codes", LinesPanel)
        names = words_of(*(c.name for c in screen.codes)) | {"■"}
        lines = [line for line in rendered(panel) if line.strip()]
        assert lines
        for line in lines:
            assert_whole_words(re.sub(r"\[.\]|\d+$", "", line), names)
        narrow = panel.size.width
        await pilot.press("f2")
        await pilot.pause()
        assert panel.size.width > narrow
        await pilot.hover("#codes", offset=(5, 2))
        await pilot.pause()
        assert panel.border_subtitle in {c.path for c in screen.codes}


async def test_a_turns_time_mark_is_shown_once(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        screen_text = "\n".join(rendered(view))
        marks = re.findall(r"#\d\d:\d\d:\d\d-\d#", screen_text)
        assert marks and len(marks) == len(set(marks))


def assert_table_cells_whole(table) -> None:  # type: ignore[no-untyped-def]
    """Every cell fits its column: a DataTable scrolls sideways rather than cut a value."""
    from rich.cells import cell_len

    assert table.row_count > 0
    for column in table.columns.values():
        values = [str(table.get_cell(row, column.key)) for row in table.rows]
        assert max(cell_len(v) for v in values) <= column.content_width, column.label


@pytest.mark.parametrize("size", SIZES)
async def test_documents_and_help_tables_cut_nothing(demo_url: str, tmp_path: Path,
                                                    size: tuple[int, int]) -> None:
    from textual.widgets import DataTable

    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=size) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 6)
        assert_table_cells_whole(table)
        await open_first_document(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert_table_cells_whole(app.screen.query_one(DataTable))


@pytest.mark.parametrize("size", SIZES)
async def test_compare_view_lines_end_at_words(demo_url: str, tmp_path: Path,
                                               size: tuple[int, int]) -> None:
    store = open_store(demo_url)
    from qualcode.services.workbench import load_transcript

    data = load_transcript(store, 1)
    for coder, turn in (("anna", data.turns[3]), ("björn", data.turns[5])):
        add_coding(store, document=data.name, code="Soziale Integration", coder=coder,
                   start=turn.start, end=turn.end)
    store.close()
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_first_document(pilot)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"björn", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "items", None))
        await pilot.pause()
        source = words_of(data.text, data.name, "Herausforderungen/Soziale Integration "
                          "Soziale Integration coded not here "
                          "disagreement of · a / b / 2 n settles it into 'consensus' [, )",
                          *(f"[{i.start}, {i.end})" for i in app.screen.items),
                          *(f"{i + 1}" for i in range(10)))
        for panel in app.screen.query(LinesPanel):
            for line in rendered(panel):
                assert_whole_words(line, source)
