"""Store work of the coding screen, in the order the keys were pressed, off the UI loop.

A quick write (one coding) runs at once when nothing else is running, so that it is on disk
before the screen shows it. Work that may take long (undo of a big batch, autocode) runs in a
worker thread; while any job runs, every further write waits in the queue behind it instead
of blocking the screen on the store's lock, and runs on the store as the job left it: a key
pressed meanwhile is neither lost nor applied to stale state.
"""

from __future__ import annotations

import gc
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from qualcode.errors import QualcodeError


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a long job makes its many objects.

    A full collection walks every object and holds the interpreter lock while it does: with
    the ORM objects of a big undo that is over 100 ms during which the screen cannot draw. The
    job's garbage is freed when it ends, by reference counting and the collector's next runs.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Job:
    what: str  # shown while it runs, e.g. "Undoing"
    work: Callable[[], Any]  # the store call; runs in a thread unless quick
    done: Callable[[Any], None]  # on the UI loop, with the work's result
    quick: bool = False


class StoreJobs:
    def __init__(self, screen: Screen[Any], *, on_error: Callable[[str], None],
                 on_busy: Callable[[str | None], None]) -> None:
        self.screen = screen
        self.on_error, self.on_busy = on_error, on_busy
        self._queue: deque[Job] = deque()
        self._lock = threading.Lock()
        self.busy = False

    def run(self, job: Job) -> None:
        with self._lock:
            inline = job.quick and not self.busy
            if not inline:
                self._queue.append(job)
                start, self.busy = not self.busy, True
        if inline:
            self._finish(job, *self._call(job))
        elif start:
            self.on_busy(job.what)
            self.screen.run_worker(self._drain, thread=True,
                                   group="store-jobs",  # not translated: a worker group
                                   exit_on_error=False)

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self.busy = False
                    break
                job = self._queue.popleft()
            self.screen.app.call_from_thread(self.on_busy, job.what)
            with collector_paused():
                outcome = self._call(job)
            self.screen.app.call_from_thread(self._finish, job, *outcome)
        self.screen.app.call_from_thread(self.on_busy, None)

    def _call(self, job: Job) -> tuple[Any, str | None]:
        try:
            return job.work(), None
        except QualcodeError as exc:
            return None, str(exc)

    def _finish(self, job: Job, result: Any, error: str | None) -> None:
        if error is not None:
            self.on_error(error)
        else:
            job.done(result)
