"""Ten times the study: the same figures at 1x and 10x in one run.

``generate_corpus(scale=S)`` writes 66·S documents (about 0.7·S million words); after the
import, 4 coders get 100,000·S codings on sentence boundaries (1,000,000 at 10x). Each figure
is measured in a fresh process, which also reports its own peak memory (VmHWM).

Targets (issue 13), at 10x: import time growing at most linearly; search median under 50 ms;
the document list under 300 ms; opening the longest transcript under 300 ms; agreement over
all documents for each unit kind under 10 s; co-occurrence and document x code matrix under
2 s; a quote table of 100,000 quotes as XLSX under 30 s; each under 1 GB.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import CODEBOOK, REPO

SCALES = [int(s) for s in os.environ.get("QUALCODE_BENCH_SCALES", "1,10").split(",")]
CODINGS_PER_SCALE = 100_000
CODERS = ("anna", "björn", "cem", "dana")
QUERIES = ["Netzwerk", "Ehrenamt*", '"runden Tisch"', "Wohnung OR Unterkunft",
           "Integrationskurs AND NOT Ukraine", "Kita", "Sprachkurs*", "Ausländerbehörde"]

PROBE = r"""
import json, statistics, sys, time
from pathlib import Path
from qualcode.store import open_store

db, what = sys.argv[1], sys.argv[2]
store = open_store(db)
start = time.perf_counter()
extra = {}
if what == "search":
    from qualcode.search.engine import search
    samples = []
    for query in json.loads(sys.argv[3]):
        search(store, query)  # the first run of a query warms the lexicon
        for _ in range(5):
            t = time.perf_counter()
            search(store, query)
            samples.append(time.perf_counter() - t)
    extra = {"median_ms": round(statistics.median(samples) * 1000, 1),
             "max_ms": round(max(samples) * 1000, 1)}
elif what == "documents":
    from qualcode.services.documents import list_documents
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        found = list_documents(store)
        samples.append(time.perf_counter() - t)
    extra = {"median_ms": round(statistics.median(samples) * 1000, 1), "documents": len(found)}
elif what == "open":
    from qualcode.services.documents import list_documents
    from qualcode.services.workbench import load_transcript
    from qualcode.tui.widgets.layout import layout
    longest = max(list_documents(store), key=lambda d: d.words)
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        data = load_transcript(store, longest.id)
        layout(data, 80)
        samples.append(time.perf_counter() - t)
    extra = {"median_ms": round(statistics.median(samples) * 1000, 1), "words": longest.words,
             "codings": len(data.codings)}
elif what.startswith("agreement:"):
    from qualcode.agreement.compute import Selection, agreement
    unit = what.split(":", 1)[1]
    result = agreement(store, Selection(["anna", "björn"], unit, [], [], 0.9))
    extra = {"codes": len(result.codes)}
elif what == "cooccurrence":
    from qualcode.exports.matrices import MatrixFilter, cooccurrence
    matrix = cooccurrence(store, MatrixFilter())
elif what == "documents_x_codes":
    from qualcode.exports.matrices import MatrixFilter, document_code_matrix
    matrix = document_code_matrix(store, MatrixFilter())
elif what == "quotes_xlsx":
    from qualcode.exports.quote_files import write_xlsx
    from qualcode.exports.quotes import QuoteFilter, quote_table
    table = quote_table(store, QuoteFilter(coders=["anna"]))
    quotes = table.quotes[:100_000]
    built = time.perf_counter() - start
    write_xlsx(Path(sys.argv[3]), quotes, context=False)
    extra = {"quotes": len(quotes), "built_s": round(built, 2)}
seconds = time.perf_counter() - start
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": round(seconds, 3), "peak_mb": round(peak, 1), **extra}))
"""


def probe(db: str, what: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, db, what, *args], capture_output=True,
                          text=True, cwd=REPO, timeout=3600)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(tmp: Path, scale: int) -> tuple[str, dict[str, object]]:
    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook
    from qualcode.services.importing import import_paths
    from qualcode.store import open_store
    from qualcode.synthetic.corpus import generate_corpus

    generate_corpus(tmp / "corpus", scale=scale)
    db = str(tmp / f"scale{scale}.db")
    store = open_store(db)
    load_codebook(store, read_codebook(CODEBOOK))
    start = time.perf_counter()
    report = import_paths(store, [tmp / "corpus"])
    imported = time.perf_counter() - start
    coded = _code(store, CODINGS_PER_SCALE * scale)
    store.close()
    return db, {"documents": len(report.imported), "import_s": round(imported, 1),
                "words": sum(f.words for f in report.imported), "codings": coded}


def _code(store, count: int) -> int:  # type: ignore[no-untyped-def]
    """``count`` codings of whole sentences, spread over 4 coders and the sub-codes."""
    from sqlalchemy import select

    from qualcode.models import DocumentVersion, Segment
    from qualcode.services.codes import code_tree
    from qualcode.services.codings import NewCoding, bulk_insert
    from qualcode.store.lookup import find_coder

    rng = random.Random(10)
    codes = [c.id for c in code_tree(store) if c.depth > 0]
    with store.write() as session:
        coders = [find_coder(session, name, create=True).id for name in CODERS]
    with store.read() as session:
        sentences = session.execute(select(Segment.version_id, Segment.start, Segment.end)
                                    .where(Segment.kind == "sentence")).all()
        texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)).all())
    rows = (NewCoding(v, rng.choice(codes), coders[n % len(coders)], s, e, texts[v][s:e])
            for n, (v, s, e) in enumerate(rng.choices(sentences, k=count)))
    return bulk_insert(store, rows)


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    for scale in SCALES:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            db, built = build(tmp, scale)
            at: dict[str, object] = {**built}
            at["search"] = probe(db, "search", json.dumps(QUERIES))
            at["document_list"] = probe(db, "documents")
            at["open_longest"] = probe(db, "open")
            for unit in ("paragraph", "turn", "sentence", "character", "segment"):
                at[f"agreement_{unit}"] = probe(db, f"agreement:{unit}")
            at["cooccurrence"] = probe(db, "cooccurrence")
            at["documents_x_codes"] = probe(db, "documents_x_codes")
            at["quotes_xlsx"] = probe(db, "quotes_xlsx", str(tmp / "zitate.xlsx"))
            figures[f"scale_{scale}"] = at
            print(json.dumps({f"scale_{scale}": at}, ensure_ascii=False), file=sys.stderr,
                  flush=True)
    return figures
