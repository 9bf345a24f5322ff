"""Helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "codebooks" / "kommunale-resilienz.yaml"


def qualcode_executable() -> str:
    return str(Path(sys.executable).parent / "qualcode")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def summary_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "min_ms": round(ordered[0] * 1000, 3),
        "runs": len(ordered),
    }


@contextmanager
def postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL database URL, or None when no server binaries are installed."""
    sys.path.insert(0, str(REPO))
    from tests.pgserver import PostgresServer, find_pg_bin

    bindir = find_pg_bin()
    if bindir is None:
        yield None
        return
    server = PostgresServer(bindir)
    server.start()
    try:
        server.admin("CREATE DATABASE bench")
        yield server.url("bench")
    finally:
        server.stop()
