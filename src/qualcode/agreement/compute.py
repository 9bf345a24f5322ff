"""Agreement between coders over the store: per code, overall, and the disagreements behind it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.agreement import coefficients as co
from qualcode.agreement.results import (
    UNITS,
    Agreement,
    CodeAgreement,
    Disagreement,
    Overall,
    Selection,
    Summary,
)
from qualcode.agreement.segments import check_overlap, segment_agreement, segment_disagreements
from qualcode.agreement.units import DocumentUnits, Span, UnitRows, paragraph_units, unit_rows
from qualcode.errors import InvalidInput
from qualcode.i18n import _
from qualcode.models import Coding, Document, Segment
from qualcode.store import Store
from qualcode.store.lookup import code_paths, current_version, find_code, find_coder


def agreement(store: Store, selection: Selection) -> Agreement:
    """Every code in scope (the whole codebook, or the codes asked for), used or not."""
    with store.read() as session:
        loaded = _load(session, selection)
    return _agreement(*loaded, selection)


def agreement_and_disagreements(store: Store, selection: Selection
                                ) -> tuple[Agreement, list[Disagreement]]:
    """Both from one read of the store (the agreement report shows both)."""
    with store.read() as session:
        loaded = _load(session, selection)
    return _agreement(*loaded, selection), _disagreements(*loaded, selection)


def _agreement(docs: list[DocumentUnits], codes: list[int], paths: dict[int, str],
               selection: Selection) -> Agreement:
    coders = len(selection.coders)
    if selection.unit == "segment":
        return _segment_agreement(docs, codes, paths, selection)
    results, rows = [], []
    for code_id in codes:
        # Only each code's distinct patterns are kept: pooling them again sums the same
        # weights, in a fraction of the memory of every unit's row.
        patterns, weights = unit_rows(docs, code_id, coders, selection.unit).compressed()
        results.append(_code_result(paths[code_id], patterns, weights, coders,
                                    selection.bootstrap))
        rows.append(UnitRows(patterns, weights, []))
    used_rows = [r for r, result in zip(rows, results, strict=True) if result.used]
    overall = Overall(len(results), len(used_rows),
                      _summary(results, _pooled(rows, coders)),
                      _summary([r for r in results if r.used], _pooled(used_rows, coders)))
    return Agreement(selection.unit, selection.coders, len(docs), results, overall)


def _segment_agreement(docs: list[DocumentUnits], codes: list[int], paths: dict[int, str],
                       selection: Selection) -> Agreement:
    """MAXQDA's segment level: Brennan-Prediger's chance is 1 / q, q the number of codes
    used (the rows of MAXQDA's result table); over all codes in scope, q counts them all."""

    results = [segment_agreement(docs, cid, paths[cid], selection) for cid in codes]
    q_used = sum(r.used for r in results)
    results = [replace(r, brennan_prediger=_chance_corrected(r.percent_agreement, q_used))
               for r in results]
    used = [r for r in results if r.used]
    matched = sum(sum(r.matched.values()) for r in used if r.matched)
    total = sum(r.n_units for r in used)
    share = matched / total if total else None

    def pooled(q: int) -> CodeAgreement:
        return CodeAgreement("(all)", total, share, None, _chance_corrected(share, q), None,
                             None, total == 0)

    overall = Overall(len(results), len(used), _summary(results, pooled(len(results))),
                      _summary(used, pooled(len(used))))
    return Agreement("segment", selection.coders, len(docs), results, overall)


def _chance_corrected(share: float | None, categories: int) -> float | None:
    if share is None or categories < 2:
        return None
    return (share - 1 / categories) / (1 - 1 / categories)


def disagreements(store: Store, selection: Selection) -> list[Disagreement]:
    """Every unit on which the coders differ, code by code (for ``segment``: unmatched codings)."""
    with store.read() as session:
        loaded = _load(session, selection)
    return _disagreements(*loaded, selection)


def _disagreements(docs: list[DocumentUnits], codes: list[int], paths: dict[int, str],
                   selection: Selection) -> list[Disagreement]:
    if selection.unit == "segment":

        return [d for cid in codes
                for d in segment_disagreements(docs, cid, paths[cid], selection)]
    found = []
    for code_id in codes:
        rows = unit_rows(docs, code_id, len(selection.coders), selection.unit, places=True)
        for n in _differing(rows.rows):
            d, start, end = rows.places[n]
            found.append(Disagreement(
                docs[d].document, selection.unit, start, end, paths[code_id],
                {name: None if v == co.MISSING else bool(v)
                 for name, v in zip(selection.coders, rows.rows[n], strict=True)},
                docs[d].text[start:end]))
    return found


def _differing(rows: np.ndarray) -> np.ndarray:
    """The rows where one coder gave 1 and another 0 (missing is -1, so two coders gave a
    value); row by row in Python cost 10 s at 100,000 codings."""
    return np.flatnonzero((rows == 1).any(axis=1) & (rows == 0).any(axis=1))


def _code_result(path: str, patterns: np.ndarray, weights: np.ndarray, coders: int,
                 bootstrap: int) -> CodeAgreement:
    pairable = (patterns != co.MISSING).sum(axis=1) >= 2
    patterns, weights = patterns[pairable], weights[pairable]
    values = patterns[patterns != co.MISSING]
    degenerate = bool(values.size == 0 or values.min() == values.max())
    alpha = None if degenerate else co.krippendorff_alpha(patterns, weights)
    interval = co.bootstrap_alpha(patterns, weights, samples=bootstrap) \
        if bootstrap and alpha is not None else None
    return CodeAgreement(
        path, float(weights.sum()), co.percent_agreement(patterns, weights),
        None if degenerate or coders != 2 else co.cohen_kappa(patterns, weights),
        co.brennan_prediger(patterns, weights), alpha,
        None if degenerate or coders < 3 else co.fleiss_kappa(patterns, weights),
        degenerate, bool(values.size and values.max() > 0), interval)


def _pooled(rows: list[UnitRows], coders: int) -> CodeAgreement | None:
    """The coefficients over every (unit, code) pair of the given codes at once."""
    if not rows:
        return None
    whole = UnitRows(np.concatenate([r.rows for r in rows]),
                     np.concatenate([r.weights for r in rows]), [])
    patterns, weights = whole.compressed()
    return _code_result("(all)", patterns, weights, coders, 0)


def _summary(results: list[CodeAgreement], pooled: CodeAgreement | None) -> Summary:
    def mean(name: str) -> float | None:
        present = [v for r in results if (v := getattr(r, name)) is not None]
        return float(np.mean(present)) if present else None

    def whole(name: str) -> float | None:
        return getattr(pooled, name) if pooled else None

    names = ("percent_agreement", "cohen_kappa", "brennan_prediger", "krippendorff_alpha",
             "fleiss_kappa")
    return Summary(len(results), *(mean(n) for n in names), *(whole(n) for n in names))


def _load(session: Session, selection: Selection):  # type: ignore[no-untyped-def]
    if len(selection.coders) < 2:
        raise InvalidInput(_("Agreement needs at least two coders (--coders A,B)."))
    if selection.unit not in UNITS:
        raise InvalidInput(_("--unit must be one of {choices}, not {unit!r}.")
                           .format(choices=", ".join(UNITS), unit=selection.unit))
    check_overlap(selection.overlap)
    coder_ids = [find_coder(session, name).id for name in selection.coders]
    paths = code_paths(session)
    wanted_docs = select(Document).order_by(Document.name)
    if selection.documents:
        wanted_docs = wanted_docs.where(Document.name.in_(selection.documents))
    documents = list(session.scalars(wanted_docs))
    missing = set(selection.documents) - {d.name for d in documents}
    if missing:
        raise InvalidInput(_("There is no document {name!r}.").format(name=sorted(missing)[0]))
    if selection.codes:
        code_ids = sorted({find_code(session, ref).id for ref in selection.codes},
                          key=lambda cid: paths[cid])
    else:
        code_ids = sorted(paths, key=lambda cid: paths[cid])
    docs = [_document_units(session, doc, coder_ids, selection.unit) for doc in documents]
    return docs, code_ids, paths


def _document_units(session: Session, doc: Document, coder_ids: list[int],
                    unit: str) -> DocumentUnits:
    version = current_version(session, doc.id)
    if unit == "paragraph":
        units = paragraph_units(version.text)
    elif unit in ("turn", "sentence"):
        units = [Span(s, e) for s, e in session.execute(
            select(Segment.start, Segment.end).where(Segment.version_id == version.id,
                                                     Segment.kind == unit)
            .order_by(Segment.start))]
    else:
        units = []
    codings: list[dict[int, list[tuple[int, int]]]] = [{} for _ in coder_ids]
    index = {cid: n for n, cid in enumerate(coder_ids)}
    for coder_id, code_id, start, end in session.execute(
            select(Coding.coder_id, Coding.code_id, Coding.start, Coding.end).where(
                Coding.version_id == version.id, Coding.coder_id.in_(coder_ids))):
        codings[index[coder_id]].setdefault(code_id, []).append((start, end))
    for per_code in codings:
        for spans in per_code.values():
            spans.sort()
    return DocumentUnits(doc.name, version.text, units, codings)


