"""Code suggestions (issue 17): training time, time per suggestion, memory, quality.

Wall-clock times depend on what else runs on the two cores; the CPU times (``*_cpu_*``) and
the load average at the start (``load``) say how far.

Targets: training (with its 5-fold cross-validation) on the synthetic study corpus with
20,000 codings under 30 s on the 2-core machine; the suggestions for the unit at the cursor
under 20 ms; the peak memory of a process that trains, and of one that suggests, under 300 MB
(each measured in a subprocess of its own: its VmHWM, which starts afresh at exec; ru_maxrss
would carry over the high-water mark of the parent that forked it, the bench itself).
Quality on the CIMT fixture (../shared/fixtures/coded-german, all 3,139 contributions, unit
document): trained on 70 % of the documents and applied to the rest, against the TF-IDF +
logistic regression reference on the same split, level 1 and level 2.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from sqlalchemy import select

from bench.common import CODEBOOK, REPO
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.models import DocumentVersion, Segment
from qualcode.services.codes import code_tree
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.services.importing import import_paths
from qualcode.store import open_store
from qualcode.store.lookup import find_coder
from qualcode.synthetic.corpus import generate_corpus

CODINGS = 20_000

PEAK = """
import resource
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            line = next(l for l in status if l.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024)
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

TRAIN = PEAK + """
import json, resource, sys, time
from qualcode.services.suggestions import train
from qualcode.store import open_store
store = open_store(sys.argv[1])
began, cpu = time.perf_counter(), time.process_time()
learnt = train(store, ["anna"], unit="turn", folds=5)
print(json.dumps({"train_s": round(time.perf_counter() - began, 2),
                  "train_cpu_s": round(time.process_time() - cpu, 2), "units": learnt.units,
                  "documents": learnt.documents, "suggestible_codes": learnt.summary.codes,
                  "train_peak_mb": peak_mb()}))
"""

SUGGEST = PEAK + """
import json, random, resource, statistics, sys, time
from sqlalchemy import select
from qualcode.models import Segment
from qualcode.services.suggestions import suggestions_for
from qualcode.store import open_store
store = open_store(sys.argv[1])
with store.read() as session:
    turns = session.execute(select(Segment.version_id, Segment.start, Segment.end)
                            .where(Segment.kind == "turn")).all()
rng = random.Random(3)
suggestions_for(store, "björn", *turns[0])  # loads the model once, as the TUI does
samples, cpu = [], []
for version, start, end in rng.sample(turns, 200):
    began, began_cpu = time.perf_counter(), time.process_time()
    suggestions_for(store, "björn", version, start, end)
    samples.append(time.perf_counter() - began)
    cpu.append(time.process_time() - began_cpu)
samples.sort()
cpu.sort()
print(json.dumps({"suggest_median_ms": round(statistics.median(samples) * 1000, 2),
                  "suggest_p95_ms": round(samples[189] * 1000, 2),
                  "suggest_cpu_median_ms": round(statistics.median(cpu) * 1000, 2),
                  "suggest_cpu_p95_ms": round(cpu[189] * 1000, 2),
                  "suggest_peak_mb": peak_mb()}))
"""


def coded_corpus(tmp: Path) -> str:
    """The study corpus with 20,000 codings by anna: each on a turn, its code drawn from the
    codes the turn's first word points to, so that there is something to learn."""
    generate_corpus(tmp / "corpus")
    db = str(tmp / "suggest.db")
    store = open_store(db)
    load_codebook(store, read_codebook(CODEBOOK))
    import_paths(store, [tmp / "corpus"])
    codes = [c.id for c in code_tree(store) if c.depth > 0]
    rng = random.Random(9)
    with store.write() as session:
        anna = find_coder(session, "anna", create=True).id
        turns = session.execute(select(Segment.version_id, Segment.start, Segment.end)
                                .where(Segment.kind == "turn")).all()
        texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)).all())
    rows = []
    while len(rows) < CODINGS:
        version, start, end = rng.choice(turns)
        words = texts[version][start:end].split()
        first = (words[0] if words else "").encode()
        code = codes[zlib.crc32(first) % len(codes)] if rng.random() < 0.7 else rng.choice(codes)
        rows.append(NewCoding(version, code, anna, start, end, texts[version][start:end]))
    bulk_insert(store, rows)
    store.close()
    return db


def child(script: str, db: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, db], check=True, capture_output=True,
                          text=True, cwd=REPO, env=None)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fixture_quality(tmp: Path) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from tests.coded_german import import_fixture, read_fixture
    from tests.test_suggestions import compare_with_reference, split

    contributions = read_fixture()
    test_ids = split(contributions, seed=17)
    store = open_store(str(tmp / "cimt.db"))
    try:
        import_fixture(store, tmp, contributions,
                       fold_of={c.id: "test" if c.id in test_ids else "train"
                                for c in contributions})
        results = compare_with_reference(store, contributions, test_ids)
    finally:
        store.close()
    return {level: {who: {"micro_f1": round(f1, 3), "mean_kappa": round(kappa, 3)}
                    for who, (f1, kappa) in figures.items()}
            for level, figures in results.items()}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db = coded_corpus(tmp)
        figures: dict[str, object] = {"codings": CODINGS, "load": os.getloadavg()[0],
                                      **child(TRAIN, db),
                                      **child(SUGGEST, db)}
        figures["fixture"] = fixture_quality(tmp)
    return figures
