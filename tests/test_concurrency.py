"""Eight processes code one store at once: nothing lost, no "database is locked", no deadlock.

One round each in the suite; ``QUALCODE_STRESS_ROUNDS`` rounds on demand (``make stress``: 10).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from qualcode.services.status import status
from qualcode.store import Store
from tests.helpers import add_interview, load_study_codebook

PROCESSES = 8
PER_PROCESS = 500
ROUNDS = range(int(os.environ.get("QUALCODE_STRESS_ROUNDS", "1")))
CODES = ["Wohnen und Unterbringung", "Ämterübergreifende Zusammenarbeit", "Ukraine seit 2022"]

WORKER = """
import sys
from qualcode.services.codings import add_coding
from qualcode.store import open_store

url, coder = sys.argv[1], sys.argv[2]
store = open_store(url)
codes = {codes!r}
for i in range({per}):
    add_coding(store, document="Interview Neuweiler", code=codes[i % 3], coder=coder,
               start=i % 50, end=i % 50 + 20)
store.close()
"""


def _run_all(commands: list[list[str]]) -> list[str]:
    """Start every command at once; the error output of those that failed."""
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for command in commands]
    failures = []
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        if worker.returncode != 0:
            failures.append(err)
    return failures


def _audit_count(store: Store, action: str) -> int:
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM audit_log WHERE action = :a "
                                    "AND entity = 'codings'"),
                               {"a": action}).scalar_one()


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("round_", ROUNDS)
def test_eight_processes_add_codings_at_once(store: Store, store_url: str, round_: int) -> None:
    load_study_codebook(store)
    add_interview(store)
    script = WORKER.format(per=PER_PROCESS, codes=CODES)
    assert _run_all([[sys.executable, "-c", script, store_url, f"coder{n}"]
                     for n in range(PROCESSES)]) == []
    info = status(store)
    assert info.codings == PROCESSES * PER_PROCESS
    assert set(info.codings_per_coder.values()) == {PER_PROCESS}
    assert _audit_count(store, "add") == PROCESSES * PER_PROCESS


@pytest.mark.slow
@pytest.mark.stress
@pytest.mark.parametrize("round_", ROUNDS)
def test_eight_imports_of_codings_at_once(store: Store, store_url: str, tmp_path: Path,
                                          round_: int) -> None:
    """Each process imports its own file; all share one new coder, created by whoever is
    first, so the imports also race to create it."""
    load_study_codebook(store)
    add_interview(store)
    files = []
    for n in range(PROCESSES):
        path = tmp_path / f"codings-{n}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["document", "coder", "code", "start", "end", "memo"])
            writer.writerows(["Interview Neuweiler", "gemeinsam" if i % 2 else f"coder{n}",
                              CODES[i % 3], i % 50, i % 50 + 20, f"Prozess {n}, Zeile {i} ß"]
                             for i in range(PER_PROCESS))
        files.append(path)
    command = [sys.executable, "-m", "qualcode", "--db", store_url, "import", "codings"]
    assert _run_all([[*command, str(path)] for path in files]) == []
    info = status(store)
    assert info.codings == PROCESSES * PER_PROCESS
    assert info.codings_per_coder["gemeinsam"] == PROCESSES * PER_PROCESS // 2
    assert _audit_count(store, "import codings") == PROCESSES
