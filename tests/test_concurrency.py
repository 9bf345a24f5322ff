"""Eight processes code one store at once: nothing lost, no "database is locked"."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qualcode.services.status import status
from tests.helpers import add_interview, load_study_codebook

PROCESSES = 8
PER_PROCESS = 500

WORKER = """
import sys
from qualcode.services.codings import add_coding
from qualcode.store import open_store

url, coder = sys.argv[1], sys.argv[2]
store = open_store(url)
codes = ["Wohnen und Unterbringung", "Ämterübergreifende Zusammenarbeit", "Ukraine seit 2022"]
for i in range({per}):
    add_coding(store, document="Interview Neuweiler", code=codes[i % 3], coder=coder,
               start=i % 50, end=i % 50 + 20)
store.close()
"""


@pytest.mark.slow
def test_eight_processes_add_codings_at_once(store, store_url: str) -> None:
    load_study_codebook(store)
    add_interview(store)
    script = WORKER.format(per=PER_PROCESS)
    workers = [
        subprocess.Popen([sys.executable, "-c", script, store_url, f"coder{n}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(PROCESSES)
    ]
    failures = []
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        if worker.returncode != 0:
            failures.append(err)
    assert failures == []
    info = status(store)
    assert info.codings == PROCESSES * PER_PROCESS
    assert set(info.codings_per_coder.values()) == {PER_PROCESS}
