"""Every key of docs/tui.md, pressed in the real workbench, does what the docs say.

Each test checks what the user would see or what the store holds afterwards: the code chosen
in the picker is the one stored, each compare-view key writes the consensus it names.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from qualcode.models import Code, Coder, Coding, Memo
from qualcode.services.codings import add_coding
from qualcode.store import open_store
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.documents import DocumentsScreen
from tests.test_tui import app_for, open_first_document

SOZIALE = "Soziale Integration"


def stored(db: str, coder: str = "anna") -> list[tuple[int, int, str]]:
    store = open_store(db)
    with store.read() as session:
        rows = session.execute(select(Coding.start, Coding.end, Code.name).join(Code)
                               .join(Coder).where(Coder.name == coder)
                               .order_by(Coding.start, Code.name)).all()
    store.close()
    return [tuple(r) for r in rows]


async def wait_until(pilot, condition, tries: int = 100) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the screen did not get there")


async def test_selection_and_turn_keys(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        sentences = view.sentences
        await pilot.press("down")
        one = view.selection
        assert one == (sentences[1].start, sentences[1].end)
        await pilot.press("shift+down")
        assert view.selection == (sentences[1].start, sentences[2].end)
        await pilot.press("shift+up")
        assert view.selection == one
        await pilot.press("shift+right")
        grown = view.selection
        assert grown[0] == one[0] and grown[1] > one[1]
        assert " " not in screen.data.text[one[1]:grown[1]].strip()  # one word more
        await pilot.press("shift+left")
        assert view.selection[0] == one[0] and one[1] - 2 <= view.selection[1] < grown[1]
        turn = view.current.turn
        await pilot.press("pagedown")
        assert view.current.turn == turn + 1
        assert view.selection[0] == next(s.start for s in sentences if s.turn == turn + 1)
        await pilot.press("ctrl+down")
        assert view.current.turn == turn + 2
        await pilot.press("ctrl+up")
        assert view.current.turn == turn + 1
        await pilot.press("pageup")
        assert view.current.turn == turn
        await pilot.press("shift+down", "escape")
        assert view.selection == (view.current.start, view.current.end)  # collapsed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)


async def test_the_picker_stores_the_code_chosen_and_enter_changes_it(
        demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        await pilot.press("down", "down", "space", *"Wohnen und Unter", "enter")
        await wait_until(pilot, lambda: stored(demo_url))
        start, end = view.selection
        assert stored(demo_url) == [(start, end, "Wohnen und Unterbringung")]
        await pilot.press("enter", *"Soziale Integ", "enter")
        await wait_until(pilot, lambda: stored(demo_url)[0][2] != "Wohnen und Unterbringung")
        assert stored(demo_url) == [(start, end, SOZIALE)]
        await pilot.press("f5", *"Soziale Integ", "enter")
        await pilot.pause()
        await pilot.press(*"Abgrenzung zu Ehrenamt klären", "ctrl+s")
        await pilot.pause()
    store = open_store(demo_url)
    with store.read() as session:
        memos = session.execute(select(Memo.target, Memo.text, Code.name)
                                .join(Code, Code.id == Memo.target_id)).all()
    store.close()
    assert [tuple(m) for m in memos] == [("code", "Abgrenzung zu Ehrenamt klären", SOZIALE)]


async def test_the_picker_stores_the_match_moved_to_not_the_first(demo_url: str,
                                                                    tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        await pilot.press("down", "down", "space", *"Integration")
        await pilot.pause()
        picker = app.screen
        matches = picker.matches("Integration")[:3]
        first, second, third = (c.path.rsplit("/", 1)[-1] for c in matches)
        await pilot.press("down", "down", "up", "enter")  # the second match, by the arrows
        await wait_until(pilot, lambda: stored(demo_url))
        start, end = view.selection
        assert second not in (first, third)
        assert stored(demo_url) == [(start, end, second)]


async def test_search_scope_hits_and_autocode_keys(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        here = screen.data.document_id
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("ctrl+d", *"Ehrenamt", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "hits", None))
        hits = app.screen.hits
        assert {h.document_id for h in hits} == {here}
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CodingScreen))
        view = screen.query_one("#transcript")
        first = screen.hit_index
        await pilot.press("f3")
        await pilot.pause()
        assert screen.hit_index == (first + 1) % len(hits)
        assert view.selection == (hits[screen.hit_index].start, hits[screen.hit_index].end)
        await pilot.press("shift+f3")
        await pilot.pause()
        assert screen.hit_index == first
        await pilot.press("slash")  # the last query is there; ctrl+d: only this document
        await pilot.pause()
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: getattr(app.screen, "hits", None))
        assert app.screen.hits == hits
        await pilot.press("ctrl+k")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PickerScreen")
        await pilot.press(*"Soziale Integ", "enter")
        await wait_until(pilot, lambda: stored(demo_url))
    assert stored(demo_url) == sorted((h.start, h.end, SOZIALE) for h in hits)


async def test_all_coders_switch_coder_and_retrieval_of_everyone(
        demo_url: str, tmp_path: Path) -> None:
    store = open_store(demo_url)
    add_coding(store, document="Fokusgruppe Kesselbrunn", code=SOZIALE, coder="björn",
               start=0, end=30)
    store.close()
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        assert all(c.coder == "anna" for c in view.codings)
        await pilot.press("f7")
        await pilot.pause()
        assert [c.coder for c in view.codings] == ["björn"]
        await pilot.press("f7")
        await pilot.pause()
        assert view.codings == []
        await pilot.press("f6", *"Soziale Integ", "enter")
        await wait_until(pilot, lambda: hasattr(app.screen, "found"))
        await pilot.pause(0.3)
        assert app.screen.found == []  # anna's codings only
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: getattr(app.screen, "found", None))
        assert [f.coder for f in app.screen.found] == ["björn"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press(*"björn", "enter")
        await wait_until(pilot, lambda: app.coder == "björn")
        assert app.coder == "björn"


async def test_help_lists_the_keys_and_ctrl_q_quits(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        shown = " ".join(str(row) for row in app.screen.rows)
        assert "undo" in shown and "picker" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_documents_filter_sort_and_reload(demo_url: str, tmp_path: Path) -> None:
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one("DataTable")
        await wait_until(pilot, lambda: table.row_count == 6)
        first_column = [table.get_row_at(i)[0] for i in range(6)]
        await pilot.press("ctrl+s", "ctrl+s")  # by kind, then by municipality
        await pilot.pause()
        assert [table.get_row_at(i)[0] for i in range(6)] != first_column
        assert table.get_row_at(0)[0] == "Interview Haselbach-Ost"
        await pilot.press("ctrl+f", *"Moorwald")
        await wait_until(pilot, lambda: table.row_count == 2)
        store = open_store(demo_url)
        add_coding(store, document="Interview Landkreis Moorwald", code=SOZIALE, coder="anna",
                   start=0, end=30)
        store.close()
        await pilot.press("f5")
        await wait_until(pilot, lambda: "1" in [str(v) for v in table.get_row_at(
            [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(
                "Interview Landkreis Moorwald"))])


async def test_each_compare_key_writes_the_consensus_it_names(
        demo_url: str, tmp_path: Path) -> None:
    store = open_store(demo_url)
    from qualcode.services.workbench import load_transcript

    text = load_transcript(store, 1).text
    spans = [(i * 400 + 10, i * 400 + 60) for i in range(8)]
    owners = ["anna", "björn", "anna", "björn", "anna", "björn", "anna", "björn"]
    for (start, end), coder in zip(spans, owners, strict=True):
        add_coding(store, document="Fokusgruppe Kesselbrunn", code=SOZIALE, coder=coder,
                   start=start, end=end)
    store.close()
    assert len(text) > spans[-1][1]
    app = app_for(demo_url, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_document(pilot)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"björn", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "items", None))
        compare = app.screen
        expected: list[tuple[int, int, str]] = []

        async def settle(wanted: str, press, copies: bool) -> None:  # type: ignore[no-untyped-def]
            while not compare.items[compare.index].coded_by.get(wanted):
                await pilot.press("down")
            item = compare.items[compare.index]
            await press()
            await pilot.pause()
            if copies:
                coding = next(s for s, o in zip(spans, owners, strict=True)
                              if o == wanted and s[0] < item.end and item.start < s[1])
                expected.append((*coding, SOZIALE))
            assert stored(demo_url, "consensus") == sorted(expected)

        await settle("anna", lambda: pilot.press("a"), copies=True)
        await settle("björn", lambda: pilot.press("b"), copies=True)
        await settle("anna", lambda: pilot.press("2"), copies=True)
        await settle("björn", lambda: pilot.press("2"), copies=True)
        await settle("anna", lambda: pilot.press("n"), copies=False)
        await settle("björn", lambda: pilot.press("n"), copies=False)
        # The wrong coder's key copies nothing: `b` on a unit only anna coded.
        await settle("anna", lambda: pilot.press("b"), copies=False)
