"""The TUI never stalls: the longest gap between two ticks of the event loop while it works.

A 10 ms interval timer runs on the app's loop; a gap between two ticks longer than the
interval is time the screen could not react. Measured while undoing a batch of 2,000
codings (ctrl+z), autocoding 5,000 search hits (/ … ctrl+k) and searching the whole
synthetic study corpus. Target (issue 13): under 100 ms each.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.tui import study_store
from qualcode.search.autocode import autocode
from qualcode.search.engine import Filters, search
from qualcode.store import open_store
from qualcode.synthetic.corpus import generate_corpus

TICK = 0.01
CODE = "Soziale Integration"


class Ticks:
    """Records the longest gap between ticks of the app's loop."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last - TICK)
        self.last = now

    def reset(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0


def _query_with(db: str, at_least: int) -> tuple[str, int]:
    """A word of the corpus with at least ``at_least`` hits."""
    store = open_store(db)
    try:
        for word in ("und", "die", "wir", "das", "Menschen"):
            hits = len(search(store, word, Filters(), limit=None).hits)
            if hits >= at_least:
                return word, hits
    finally:
        store.close()
    raise RuntimeError("no word of the corpus has enough hits")


async def _measured(pilot, ticks: Ticks, action: Callable[[], Awaitable[None]],  # type: ignore[no-untyped-def]
                    done: Callable[[], bool]) -> float:
    ticks.reset()
    await action()
    for _ in range(6000):
        await asyncio.sleep(0.01)
        if done():
            break
    await pilot.pause()
    return round(ticks.longest * 1000, 1)


async def _drive(db: str, document_id: int, config: Path, query: str) -> dict[str, object]:
    from qualcode.tui.app import make_app

    app = make_app(db, coder="bench", config_file=config)
    ticks = Ticks()
    async with app.run_test(size=(120, 40)) as pilot:
        app.set_interval(TICK, ticks.tick)
        await pilot.pause()
        app.open_document(document_id)
        for _ in range(500):
            await pilot.pause(0.01)
            if getattr(app.screen, "data", None) is not None:
                break
        screen = app.screen
        undo = await _measured(pilot, ticks, lambda: pilot.press("ctrl+z"),
                               lambda: not screen.jobs.busy and screen.working is None)
        searched = await _measured(
            pilot, ticks, lambda: _search(pilot, query),
            lambda: len(getattr(app.screen, "hits", [])) > 0)
        hits = len(app.screen.hits)
        await pilot.press("ctrl+k")
        for _ in range(200):
            await pilot.pause(0.01)
            if type(app.screen).__name__ == "PickerScreen":
                break
        autocoded = await _measured(
            pilot, ticks, lambda: pilot.press(*"Soziale Integ", "enter"),
            lambda: screen.working is None and not screen.jobs.busy and app.screen is screen)
    return {"undo_ms": undo, "search_ms": searched, "autocode_ms": autocoded,
            "search_hits": hits}


async def _search(pilot, query: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await pilot.pause()
    await pilot.press(*query, "enter")


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        generate_corpus(tmp / "corpus")
        db, longest = study_store(tmp)
        query, hits = _query_with(db, 5000)
        store = open_store(db)
        batch = autocode(store, '"Menschen"', code=CODE, coder="bench")  # the batch to undo
        store.close()
        figures = asyncio.run(_drive(db, longest, tmp / "config.toml", query))
    return {"undone_codings": batch.created, "query": query, "corpus_hits": hits, **figures,
            "target_ms": 100}
