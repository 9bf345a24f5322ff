"""The TUI's privacy findings (f10): jump, mark "not identifying", add a name to the stop list."""

from __future__ import annotations

from pathlib import Path

from qualcode.services.privacy import check_documents, stop_list
from qualcode.store import open_store
from qualcode.tui.app import make_app
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.privacy import PrivacyScreen
from tests.privacy_study import make_study


async def wait_for(pilot, condition) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the screen did not get there")


def findings_of(db: str) -> list[str]:
    store = open_store(db)
    found = [f.found for f in check_documents(store, ["Interview Nordheim"])
             if f.where == "text"]
    store.close()
    return found


async def test_findings_of_the_document_marks_and_stop_list(tmp_path: Path) -> None:
    db = make_study(tmp_path)
    app = make_app(db, coder="anna", document="Interview Nordheim",
                   config_file=tmp_path / "config.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen)
                       and app.screen.data is not None)
        coding = app.screen
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, PrivacyScreen)
                       and app.screen.findings)
        screen = app.screen
        assert [f.found for f in screen.findings][:2] == ["Herrn Krause", "0228 123456"]
        await pilot.press("n")  # "Herrn Krause" is not identifying, says the coder
        await wait_for(pilot, lambda: screen.findings
                       and screen.findings[0].found != "Herrn Krause")
        assert "Herrn Krause" not in findings_of(db)
        await pilot.press("s")  # a telephone number is no name
        assert stop_list(app.store) == []
        names = [f.found for f in screen.findings]
        await pilot.press(*["down"] * names.index("Olena Kovalenko"), "s")
        await wait_for(pilot, lambda: stop_list(app.store) == ["Olena Kovalenko"])
        await wait_for(pilot, lambda: any(f.kind == "stop_list" for f in screen.findings))
        target = screen.findings[0]
        await pilot.press("up", "up", "up", "up", "enter")
        await wait_for(pilot, lambda: app.screen is coding)
        await pilot.pause(0.2)
        start, end = coding.query_one("#transcript").hit or (None, None)
        assert coding.data.text[start:end] == target.found
