"""Progress of long work: the core reports it, the CLI draws it, tests record it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[int, int, str], None]
"""Called with (done, total, what is being done); done reaches total at the end of a step."""

Item = TypeVar("Item")
EVERY = 500


def counted(items: Iterable[Item], total: int, what: str, progress: Progress | None, *,
            every: int = EVERY) -> Iterator[Item]:
    """The items, with a report every ``every`` items and one at the end."""
    if progress is None:
        yield from items
        return
    for done, item in enumerate(items, start=1):
        yield item
        if done % every == 0 and done < total:
            progress(done, total, what)
    progress(total, total, what)
