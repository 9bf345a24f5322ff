"""Suggestions in the workbench: the side panel, accept (ctrl+t), dismiss (ctrl+x), training
in a worker (f11) and the jump to the least certain unit (ctrl+n), with Pilot."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from qualcode.models import AuditEntry, Code, Coder, Coding, SuggestionDismissal
from qualcode.services.suggestions import model_info, next_unit, train
from qualcode.store import open_store
from tests.test_suggestions import _small_project
from tests.test_tui import app_for, open_first_document
from tests.test_tui_keys import wait_until


def _project(tmp_path: Path, *, trained: bool = True) -> str:
    store = _small_project(tmp_path)
    if trained:
        train(store, ["anna"], unit="turn", folds=3)
    store.close()
    return str(tmp_path / "klein.db")


def _rows(db: str, statement):  # type: ignore[no-untyped-def]
    store = open_store(db)
    try:
        with store.read() as session:
            return [tuple(r) for r in session.execute(statement).all()]
    finally:
        store.close()


def _codings_of(db: str, coder: str) -> list[tuple]:
    return _rows(db, select(Coding.start, Coding.end, Code.name).join(Code).join(Coder)
                 .where(Coder.name == coder).order_by(Coding.start))


async def _on_first_answer(pilot, screen) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("pagedown")  # the first answer, about a cycle path
    await wait_until(pilot, lambda: screen.shown_suggestions
                     and screen.suggestion_unit[1:] == _turn(screen))


def _turn(screen) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    view = screen.query_one("#transcript")
    turn = screen.data.turns[view.current.turn]
    return turn.start, turn.end


async def test_accept_makes_an_ordinary_undoable_coding_of_the_coder(tmp_path: Path) -> None:
    db = _project(tmp_path)
    app = app_for(db, tmp_path, coder="björn")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_first_document(pilot)
        await _on_first_answer(pilot, screen)
        first = screen.shown_suggestions[0]
        assert first.code == "Radverkehr" and first.confidence >= 0.5 and first.words
        panel = "\n".join(line.plain for line in screen.suggestions_panel()._lines)
        assert "Radverkehr" in panel and "because of:" in panel
        assert _codings_of(db, "björn") == []  # a suggestion is no coding
        await pilot.press("ctrl+t")
        start, end = _turn(screen)
        await wait_until(pilot, lambda: _codings_of(db, "björn") == [(start, end, "Radverkehr")])
        actions = _rows(db, select(AuditEntry.action).where(AuditEntry.actor == "björn"))
        assert actions == [("accept-suggestion",)]
        await wait_until(pilot, lambda: all(s.code != "Radverkehr"
                                            for s in screen.shown_suggestions))
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: _codings_of(db, "björn") == [])
        await wait_until(pilot, lambda: any(s.code == "Radverkehr"
                                            for s in screen.shown_suggestions))


async def test_a_dismissed_suggestion_never_comes_back_for_that_unit(tmp_path: Path) -> None:
    db = _project(tmp_path)
    app = app_for(db, tmp_path, coder="björn")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_first_document(pilot)
        await _on_first_answer(pilot, screen)
        unit = screen.suggestion_unit
        await pilot.press("ctrl+x")
        await wait_until(pilot, lambda: _rows(db, select(SuggestionDismissal.start,
                                                         SuggestionDismissal.end)) == [unit[1:]])
        await wait_until(pilot, lambda: all(s.code != "Radverkehr"
                                            for s in screen.shown_suggestions))
        await pilot.press("pagedown", "pageup")  # away and back
        await wait_until(pilot, lambda: screen.suggestion_unit == unit)
        await pilot.pause(0.3)
        assert all(s.code != "Radverkehr" for s in screen.shown_suggestions)
    assert _codings_of(db, "björn") == []
    app = app_for(db, tmp_path, coder="björn")  # a new session remembers it
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_first_document(pilot)
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: screen.suggestion_unit == unit)
        await pilot.pause(0.3)
        assert all(s.code != "Radverkehr" for s in screen.shown_suggestions)


async def test_f11_trains_in_a_worker_and_ctrl_n_jumps_to_the_least_certain_unit(
        tmp_path: Path) -> None:
    db = _project(tmp_path, trained=False)
    app = app_for(db, tmp_path, coder="anna")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_first_document(pilot)
        await wait_until(pilot, lambda: "No model yet" in "\n".join(
            line.plain for line in screen.suggestions_panel()._lines))
        await pilot.press("f11")
        await wait_until(pilot, lambda: screen.suggestion_model is not None, tries=600)
        assert screen.suggestion_model.coders == ["anna"]
        store = open_store(db)
        try:
            assert model_info(store) is not None
            expected = next_unit(store, "anna")
        finally:
            store.close()
        assert expected is not None
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.data is not None
                         and screen.data.document_id == expected.document_id
                         and _turn(screen) == (expected.start, expected.end))
        assert all(not (c.start < expected.end and expected.start < c.end)
                   for c in screen.all_codings if c.coder == "anna")  # an uncoded unit
