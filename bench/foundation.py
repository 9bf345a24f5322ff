"""Foundation figures: CLI start-up, one coding committed as the TUI does it, bulk insert,
undo and redo of a big batch.

Targets (issue 2): ``qualcode status`` under 0.5 s on a store with the demo corpus; one coding
written and committed with a median under 5 ms on SQLite; 1,000,000 codings bulk-inserted in
under 10 s on SQLite (staged COPY on PostgreSQL; see bench/codings.py).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.common import CODEBOOK, REPO, postgres, qualcode_executable, summary_ms, timed
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.services.codes import code_tree
from qualcode.services.codings import NewCoding, add_coding, bulk_insert
from qualcode.services.documents import NewDocument, add_document
from qualcode.services.importing import import_paths
from qualcode.store import Store, open_store
from qualcode.store.lookup import find_coder

SENTENCE = ("B: Die Zusammenarbeit mit den Ehrenamtlichen im Helferkreis hat sich seit 2015 "
            "deutlich verändert, vor allem bei der Wohnungssuche. ")
BULK = 1_000_000


def demo_store(path: Path) -> Store:
    """The demo project: the study codebook and the demo corpus."""
    store = open_store(str(path))
    load_codebook(store, read_codebook(CODEBOOK))
    import_paths(store, [REPO / "transcripts" / "demo" / "docx"])
    return store


def status_startup(db: Path) -> dict[str, float]:
    command = [qualcode_executable(), "--db", str(db), "status"]
    subprocess.run(command, check=True, capture_output=True)
    samples = [timed(lambda: subprocess.run(command, check=True, capture_output=True))
               for _ in range(15)]
    return summary_ms(samples)


def coding_commit(store: Store) -> dict[str, float]:
    """Each call is one unit of work: insert, audit entry, commit, as the TUI's hotkey does."""
    codes = [c.id for c in code_tree(store) if c.hotkey]
    with store.write() as session:
        find_coder(session, "bench", create=True)
    samples = []
    for i in range(500):
        start, code = (i * 37) % 8_000, codes[i % len(codes)]
        samples.append(timed(lambda s=start, c=code: add_coding(
            store, document=1, code=c, coder="bench", start=s, end=s + 60)))
    return summary_ms(samples)


def bulk(store: Store) -> dict[str, float]:
    codes = [c.id for c in code_tree(store)]
    with store.write() as session:
        coder_id = find_coder(session, "bulk", create=True).id
    rows = (NewCoding(version_id=1 + i % 6, code_id=codes[i % len(codes)], coder_id=coder_id,
                      start=(i * 13) % 8_000, end=(i * 13) % 8_000 + 80,
                      text="Die Zusammenarbeit mit den Ehrenamtlichen")
            for i in range(BULK))
    seconds = timed(lambda: bulk_insert(store, rows))
    return {"codings": BULK, "seconds": round(seconds, 3)}


def undo_big_batch(store: Store) -> dict[str, object]:
    """Undo and redo one autocode batch of a couple of thousand codings."""
    from qualcode.search.autocode import autocode
    from qualcode.services.history import redo, undo

    done = autocode(store, "und OR die OR der OR wir OR ist", code="Wohnen und Unterbringung",
                    coder="bench-undo")
    return {"codings": done.created,
            "undo_seconds": round(timed(lambda: undo(store, "bench-undo")), 3),
            "redo_seconds": round(timed(lambda: redo(store, "bench-undo")), 3)}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = demo_store(db)
        figures: dict[str, object] = {
            "status_startup": {**status_startup(db), "target_ms": 500},
            "coding_commit_sqlite": {**coding_commit(store), "target_median_ms": 5},
            "undo_autocode_batch_sqlite": undo_big_batch(store),
            "bulk_insert_sqlite": {**bulk(store), "target_seconds": 10},
        }
        store.close()
    with postgres() as url:
        if url is None:
            figures["postgres"] = "skipped: no PostgreSQL server binaries installed"
        else:
            pg = open_store(url)
            load_codebook(pg, read_codebook(CODEBOOK))
            for n in range(6):
                add_document(pg, NewDocument(name=f"Transkript {n}", text=SENTENCE * 120))
            figures["coding_commit_postgres"] = coding_commit(pg)
            figures["bulk_insert_postgres_staged"] = bulk(pg)
            pg.close()
    return figures
