"""What every command shares: the store option, output helpers, error reporting."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import typer

from qualcode.progress import Progress
from qualcode.store import Store, open_store
from qualcode.store.mounts import network_warning


def store_from(ctx: typer.Context) -> Store:
    """The store chosen with --db / QUALCODE_DB: opened once per command, closed at its end."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    if "store" not in root.obj:
        store = open_store(root.obj.get("db"))
        root.call_on_close(store.close)
        root.obj["store"] = store
        if warning := network_warning(store.url):
            note(warning)
    return root.obj["store"]


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def echo(message: str = "") -> None:
    typer.echo(message)


def note(message: str) -> None:
    """Progress or side information: to stderr, so stdout stays clean for data."""
    typer.echo(message, err=True)


class ProgressLine:
    """Progress drawn on one line of a terminal: what is being done, a bar, done/total.

    Nothing is drawn for work that ends within ``delay`` seconds, and the line is redrawn at
    most every ``interval`` seconds, so quick commands print exactly what they did before.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO, *, delay: float = 0.5, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.delay, self.interval, self.clock = stream, delay, interval, clock
        self.started = clock()
        self.drawn_at: float | None = None

    def __call__(self, done: int, total: int, what: str) -> None:
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn_at is not None and now - self.drawn_at < self.interval and done < total:
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r\x1b[2K{what[:40]:<40} [{bar}] {done}/{total}")
        self.stream.flush()
        self.drawn_at = now

    def clear(self) -> None:
        if self.drawn_at is not None:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


@contextmanager
def progress_line() -> Iterator[Progress | None]:
    """A progress line on stderr while the block runs; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    line = ProgressLine(sys.stderr)
    try:
        yield line
    finally:
        line.clear()
