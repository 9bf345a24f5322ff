"""Agreement figures: two coders over the synthetic study corpus with about 100,000 codings.

Targets (issue 6): all coefficients for unit ``turn`` and unit ``character`` in under 3 s
each; the alpha computation at least as fast as the ``krippendorff`` package on the same
matrices, measured in the same run.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from bench.common import CODEBOOK, timed
from qualcode.agreement import coefficients as co
from qualcode.agreement.compute import Selection, _load, agreement
from qualcode.agreement.units import UnitRows, unit_rows
from qualcode.codebook.parse import read_codebook
from qualcode.codebook.sync import load_codebook
from qualcode.models import DocumentVersion, Segment
from qualcode.services.codes import code_tree
from qualcode.services.codings import NewCoding, bulk_insert
from qualcode.services.importing import import_paths
from qualcode.store import Store, open_store
from qualcode.store.lookup import find_coder
from qualcode.synthetic.corpus import generate_corpus

PER_CODER = 50_000


def coded_store(tmp: Path) -> Store:
    """The study corpus; coder A codes sentences, coder B repeats most of it with shifts."""
    generate_corpus(tmp / "corpus")
    store = open_store(str(tmp / "agreement.db"))
    load_codebook(store, read_codebook(CODEBOOK))
    import_paths(store, [tmp / "corpus"])
    rng = random.Random(5)
    codes = [c.id for c in code_tree(store) if c.depth > 0]
    with store.write() as session:
        a, b = (find_coder(session, n, create=True).id for n in ("anna", "björn"))
        sentences = session.execute(select(Segment.version_id, Segment.start, Segment.end)
                                    .where(Segment.kind == "sentence")).all()
        texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)).all())
    rows = []
    for version, start, end in rng.choices(sentences, k=PER_CODER):
        code = rng.choice(codes)
        rows.append(NewCoding(version, code, a, start, end, texts[version][start:end]))
        if rng.random() < 0.7:
            shift = rng.randint(0, 5)
            other = code if rng.random() < 0.85 else rng.choice(codes)
            s2, e2 = start + shift, max(start + shift + 1, end - rng.randint(0, 5))
            rows.append(NewCoding(version, other, b, s2, e2, texts[version][s2:e2]))
    while sum(r.coder_id == b for r in rows) < PER_CODER:
        version, start, end = rng.choice(sentences)
        rows.append(NewCoding(version, rng.choice(codes), b, start, end,
                              texts[version][start:end]))
    bulk_insert(store, rows)
    return store


def alpha_speed(store: Store) -> dict[str, float]:
    """Nominal alpha over the same full turn matrices (coders x units), per code."""
    import krippendorff

    selection = Selection(["anna", "björn"], "turn")
    with store.read() as session:
        docs, codes, _ = _load(session, selection)
    matrices = [unit_rows(docs, code, 2, "turn").rows for code in codes]
    floats = [np.where(m == co.MISSING, np.nan, m).T.astype(float) for m in matrices]
    package = timed(lambda: [krippendorff.alpha(reliability_data=f,
                                                level_of_measurement="nominal",
                                                value_domain=[0.0, 1.0]) for f in floats])
    ours_full = timed(lambda: [co.krippendorff_alpha(m, np.ones(len(m)), values=np.array([0, 1]))
                               for m in matrices])
    start = time.perf_counter()
    for m in matrices:
        patterns, weights = UnitRows(m, np.ones(len(m)), []).compressed()
        co.krippendorff_alpha(patterns, weights, values=np.array([0, 1]))
    ours_compressed = time.perf_counter() - start
    ours_alphas = [co.krippendorff_alpha(m, np.ones(len(m)), values=np.array([0, 1]))
                   for m in matrices]
    theirs = [krippendorff.alpha(reliability_data=f, level_of_measurement="nominal",
                                 value_domain=[0.0, 1.0]) for f in floats]
    differences = [abs(x - y) for x, y in zip(ours_alphas, theirs, strict=True)
                   if x is not None and not np.isnan(y)]
    return {"codes": len(matrices), "units_per_code": int(matrices[0].shape[0]),
            "krippendorff_package_s": round(package, 4),
            "qualcode_same_matrices_s": round(ours_full, 4),
            "qualcode_compressed_patterns_s": round(ours_compressed, 4),
            "max_abs_difference": float(max(differences) if differences else 0.0)}


def run() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp_name:
        store = coded_store(Path(tmp_name))
        figures: dict[str, object] = {}
        for unit in ("turn", "character", "sentence", "paragraph", "segment"):
            selection = Selection(["anna", "björn"], unit)
            result = None

            def compute(s: Selection = selection) -> None:
                nonlocal result
                result = agreement(store, s)

            seconds = timed(compute)
            assert result is not None
            figures[f"unit_{unit}"] = {
                "seconds": round(seconds, 3), "codes": len(result.codes),
                "codes_used": result.overall.codes_used,
                "pooled_alpha": result.overall.used_codes.pooled_krippendorff_alpha,
                "mean_kappa": result.overall.used_codes.mean_cohen_kappa,
                **({"target_seconds": 3} if unit in ("turn", "character") else {})}
        figures["alpha_speed_turn_matrices"] = alpha_speed(store)
        from qualcode.services.status import status

        figures["codings"] = status(store).codings
        store.close()
    return figures
