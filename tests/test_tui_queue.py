"""Keys pressed while a long undo runs are kept and applied in the order they were pressed.

The undo is made long for real: another connection holds SQLite's write lock (on PostgreSQL:
a lock on the codings table that lets readers in), so the undo's worker waits on the store as
it would behind a colleague's big import. Meanwhile the coder
codes two sentences; when the lock goes, the undo must take back the batch (not the newer
codings) and the two codings must follow it, in order.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from qualcode.models import Code, Coder, Coding
from qualcode.search.autocode import autocode
from qualcode.store import open_store
from qualcode.tui.app import make_app
from tests.test_tui import open_first_document

BATCH_CODE = "Soziale Integration"


def codings_of(db: str, coder: str) -> list[tuple[str, int, int]]:
    store = open_store(db)
    with store.read() as session:
        rows = session.execute(
            select(Code.name, Coding.start, Coding.end).join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .where(Coder.name == coder).order_by(Coding.id)).all()
    store.close()
    return [tuple(row) for row in rows]


async def test_keys_during_a_long_undo_wait_their_turn(demo_url: str, tmp_path: Path) -> None:
    store = open_store(demo_url)
    batch = autocode(store, '"die"', code=BATCH_CODE, coder="anna")
    store.close()
    assert batch.created >= 10
    app = make_app(demo_url, coder="anna", config_file=tmp_path / "config.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first_document(pilot)
        view = screen.query_one("#transcript")
        with write_lock_held(demo_url) as codings_of_unlocked:
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert screen.jobs.busy, "the undo should be waiting for the store"
            await pilot.press("down", "w", "down", "e")  # two codings while it waits
            await pilot.pause()
            assert len(codings_of_unlocked("anna")) == batch.created
            first, second = view.sentences[1], view.sentences[2]
        for _ in range(200):
            await asyncio.sleep(0.02)
            if not screen.jobs.busy:
                break
        await pilot.pause()
        assert not screen.jobs.busy
    assert codings_of(demo_url, "anna") == [
        ("Verwaltungskultur und Wissensmanagement", first.start, first.end),
        ("Klare Entscheidungs- und Kommunikationsstrukturen", second.start, second.end),
    ]


CODINGS_OF = ("SELECT codings.id FROM codings JOIN coders ON coders.id = codings.coder_id "
              "WHERE coders.name = {}")


@contextmanager
def write_lock_held(db: str) -> Iterator[Callable[[str], list[tuple[int]]]]:
    """A colleague's long write holds the lock; yields a read of a coder's codings through the
    lock holder itself (nothing has been written while it holds the lock)."""
    if "://" not in db:
        blocker = sqlite3.connect(db, isolation_level=None, timeout=5)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield lambda coder: blocker.execute(CODINGS_OF.format("?"), (coder,)).fetchall()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        return
    url = make_url(db).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as blocker:
        # EXCLUSIVE lets plain reads through (as SQLite's WAL does) and holds every write back.
        blocker.execute("LOCK TABLE codings IN EXCLUSIVE MODE")
        try:
            yield lambda coder: blocker.execute(CODINGS_OF.format("%s"), (coder,)).fetchall()
        finally:
            blocker.rollback()
