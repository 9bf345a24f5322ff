"""The team server: a coding committed through row-level security, and live updates.

- commit of one coding (``add_coding``, one transaction with its audit entry) as a coder login
  under row-level security, against the same as the table owner (who bypasses it), in turns so
  that both see the same load of the machine. Target (issue 15): median under 5 ms.
- live update: another coder commits a coding, one at a time; the delay from the end of the
  commit until the open TUI shows it, median and worst over 100 changes, on PostgreSQL
  (LISTEN/NOTIFY) and SQLite (PRAGMA data_version). Target: within 2 s.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import postgres, summary_ms, timed
from qualcode.services import team
from qualcode.services.codings import add_coding
from qualcode.store import Store, open_store

COMMITS = 200
CHANGES = 100
DOCUMENT = "Interview Neuweiler"
CODE = "Wohnen und Unterbringung"


def _project(url: str) -> Store:
    from tests.helpers import add_interview, load_study_codebook

    store = open_store(url)
    load_study_codebook(store)
    add_interview(store)
    return store


def _commits(stores: dict[str, Store]) -> dict[str, dict[str, float]]:
    """Commits by each coder's store in turn, so that all see the same load of the machine."""
    samples: dict[str, list[float]] = {coder: [] for coder in stores}
    order = list(stores)
    for i in range(COMMITS):
        for coder in order:
            samples[coder].append(timed(lambda c=coder, at=i % 50: add_coding(
                stores[c], document=DOCUMENT, code=CODE, coder=c, start=at, end=at + 20)))
        order.reverse()  # who goes first takes turns too
    # The first ones warm caches and the pool.
    return {coder: summary_ms(taken[10:]) for coder, taken in samples.items()}


async def _live_delays(url: str, viewer: str, writer: Store, writer_coder: str,
                       config: Path) -> dict[str, float]:
    from qualcode.tui.app import make_app
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.widgets.transcript import Transcript

    app = make_app(url, coder=viewer, config_file=config)
    delays = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.02)
            if isinstance(app.screen, CodingScreen) and app.screen.data is not None:
                break
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        screen.action_toggle_all()
        view = screen.query_one(Transcript)
        for i in range(CHANGES):
            added = await asyncio.to_thread(add_coding, writer, document=DOCUMENT, code=CODE,
                                            coder=writer_coder, start=i % 60, end=i % 60 + 9)
            committed = time.perf_counter()
            while added.id not in {c.id for c in view.codings}:
                await asyncio.sleep(0.002)
                if time.perf_counter() - committed > 5:
                    raise RuntimeError("a change did not appear within 5 s")
            delays.append(time.perf_counter() - committed)
    app.store.close()
    return {"median_ms": round(statistics.median(delays) * 1000, 1),
            "worst_ms": round(max(delays) * 1000, 1), "changes": len(delays)}


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        path = str(Path(folder) / "team.db")
        writer = _project(path)
        figures["live_update_sqlite"] = asyncio.run(
            _live_delays(path, "anna", writer, "bert", config))
        writer.close()
        with postgres() as url:
            if url is None:
                figures["postgres"] = "skipped: no PostgreSQL server binaries installed"
                return figures
            admin = _project(url)
            team.init_team(admin)
            for login in ("anna", "bert"):
                team.add_member(admin, login, "coder")
            as_login = {login: url.replace("postgres@", f"{login}@", 1)
                        for login in ("anna", "bert")}
            anna = open_store(as_login["anna"])
            commits = _commits({"admin": admin, "anna": anna})
            figures["commit_one_coding_owner_no_rls"] = commits["admin"]
            figures["commit_one_coding_rls"] = commits["anna"]
            anna.close()
            bert = open_store(as_login["bert"])
            figures["live_update_postgres"] = asyncio.run(
                _live_delays(as_login["anna"], "anna", bert, "bert", config))
            bert.close()
            admin.close()
    return figures
