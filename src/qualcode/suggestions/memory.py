"""Keeping training's resident memory near what it holds (glibc's allocator; elsewhere
these do nothing)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

MMAP_THRESHOLD = 256 * 1024  # blocks from this size on are returned when freed
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")  # not translated: library name
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    return library if hasattr(library, "mallopt") and hasattr(library, "malloc_trim") else None


@cache
def return_freed_blocks() -> None:
    """Have glibc give large freed blocks back to the system at once.

    By default glibc raises its threshold for that to the size of the largest block freed
    (up to 32 MB), so the row copies of one code after another pile up in the heap: 40 MB
    resident for nothing on a study-size corpus. Elsewhere (no glibc) this does nothing.
    """
    library = _glibc()
    if library is not None:
        library.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def release_freed_memory() -> None:
    """Give the heap's free pages back to the system (glibc; elsewhere nothing): after the
    corpus text is dropped, before fitting."""
    gc.collect()
    library = _glibc()
    if library is not None:
        library.malloc_trim(0)
