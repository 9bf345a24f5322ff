"""Privacy figures: ``privacy check --all`` over the synthetic study, the gate on 10,000 quotes.

Targets (issue 16): the check of the whole synthetic study corpus under 10 s; the gate adds at
most 20 % to a quote table export of 10,000 quotes (XLSX, the demo profile: gate "warn", so
that the export is written and timed whole).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.common import CODEBOOK, REPO
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.exports.quote_files import export_quote_table
from qualcode.exports.quotes import QuoteFilter
from qualcode.models import Code, DocumentVersion
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.services.importing import import_paths
from qualcode.services.privacy import check_documents, export_quotes
from qualcode.services.profile import load_profile_file
from qualcode.store import Store, open_store
from qualcode.store.lookup import find_coder
from qualcode.synthetic.corpus import generate_corpus

QUOTES = 10_000
DEMO_PROFILE = REPO / "codebooks" / "demo.profile.yaml"


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        return {"check_all": _check_all(tmp), "gate_quotes_10000": _gate(tmp)}


def _check_all(tmp: Path) -> dict[str, object]:
    corpus = tmp / "corpus"
    generate_corpus(corpus)
    db = tmp / "study.db"
    store = open_store(str(db))
    load_codebook(store, read_codebook(CODEBOOK))
    import_paths(store, [corpus])
    started = time.perf_counter()
    findings = check_documents(store)
    in_process = time.perf_counter() - started
    with store.read() as session:
        documents = len(list(session.scalars(select(DocumentVersion.id))))
    store.close()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "qualcode", "--db", str(db), "privacy",
                           "check", "--all", "--json"], capture_output=True, check=True)
    command = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for finding in findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    return {"documents": documents, "findings": len(findings), "kinds": kinds,
            "service_seconds": round(in_process, 2), "command_seconds": round(command, 2),
            "output_bytes": len(done.stdout), "target_seconds": 10}


def _gate(tmp: Path) -> dict[str, object]:
    store = _quote_store(tmp / "quotes.db")
    wanted = QuoteFilter(context=60)
    plain, gated = [], []
    for n in range(3):
        started = time.perf_counter()
        export_quote_table(store, wanted, tmp / f"plain-{n}.xlsx", "xlsx")
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = export_quotes(store, wanted, tmp / f"gated-{n}.xlsx", "xlsx")
        gated.append(time.perf_counter() - started)
    store.close()
    best_plain, best_gated = min(plain), min(gated)
    return {"quotes": len(result.table.quotes), "findings": len(result.gate.findings),
            "export_seconds": round(best_plain, 2), "gated_seconds": round(best_gated, 2),
            "added_percent": round(100 * (best_gated - best_plain) / best_plain, 1),
            "target_added_percent": 20}


def _quote_store(path: Path) -> Store:
    """The demo transcripts with 10,000 random codings (as bench/exports.py)."""
    store = open_store(str(path))
    load_codebook(store, read_codebook(CODEBOOK))
    load_profile_file(store, DEMO_PROFILE)
    import_paths(store, [REPO / "transcripts" / "demo" / "docx"])
    with store.write() as session:
        coder = find_coder(session, "anna", create=True).id
        versions = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)).all())
        codes = list(session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
    rng = random.Random(3)
    rows = []
    for _ in range(QUOTES):
        version = rng.choice(list(versions))
        start = rng.randrange(0, len(versions[version]) - 300)
        end = start + rng.randint(60, 300)
        rows.append(NewCoding(version, rng.choice(codes), coder, start, end,
                              versions[version][start:end]))
    bulk_insert(store, rows)
    return store
