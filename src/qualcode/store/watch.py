"""Noticing that someone else committed to the store, for screens that show it live.

PostgreSQL: a connection of its own LISTENs on the channel every write NOTIFYs (see
``Store.write``). SQLite: ``PRAGMA data_version`` of a connection of its own changes whenever
another connection commits. Either way ``changed`` is called from the watcher's thread, at
most once per ``interval``, however many commits came meanwhile. On PostgreSQL the store's own
commits are skipped (their NOTIFY carries its token); SQLite cannot tell, so a screen also
reads again once after its own commits (off the UI loop).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

from qualcode.store.store import CHANGES_CHANNEL, Store

INTERVAL_SECONDS = 0.2


class StoreWatcher:
    def __init__(self, store: Store, changed: Callable[[], None], *,
                 interval: float = INTERVAL_SECONDS) -> None:
        self.store, self.changed, self.interval = store, changed, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        try:
            if self.store.is_sqlite:
                self._poll_sqlite()
            else:
                self._listen_postgres()
        except Exception:  # live updates are a convenience: F5 still reloads by hand
            return

    def _poll_sqlite(self) -> None:
        path = make_url(self.store.url).database or ""
        with sqlite3.connect(path, timeout=1) as conn:
            seen = conn.execute("PRAGMA data_version").fetchone()[0]
            while not self._stop.wait(self.interval):
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != seen:
                    seen = now
                    self.changed()

    def _listen_postgres(self) -> None:
        import psycopg

        url = make_url(self.store.url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False),
                             autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANGES_CHANNEL}")
            while not self._stop.is_set():
                heard = list(conn.notifies(timeout=self.interval, stop_after=1))
                if heard:
                    heard += conn.notifies(timeout=0.01)  # what came meanwhile: one refresh
                    if any(n.payload != self.store.token for n in heard):  # not only our own
                        self.changed()
