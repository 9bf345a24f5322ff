"""Code co-occurrence (code x code) and document x code matrices.

Co-occurrence counts pairs of codings by the same coder in the same document that meet:
``overlap`` (their ranges share a code point), ``turn`` (they start in the same speaker turn)
or ``sentences`` (they start at most N sentences apart). The diagonal holds each code's
number of codings. Every coding becomes an interval in a unit space (code points, turn index,
sentence index) and its partners are found with one sorted search, so a million codings need
no pairwise join.

Jaccard is taken on the coded text: the code points coded with both codes over those coded with
either (overlap semantics; on units for the others). The c-coefficient is n12 / (n1 + n2 - n12)
on the counts, as ATLAS.ti reports it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from qualcode.errors import InvalidInput, NotFound
from qualcode.models import Coder, Coding, Document, DocumentVariable, DocumentVersion, Segment
from qualcode.services.lookup import code_paths
from qualcode.store import Store

SEMANTICS = ("overlap", "turn", "sentences")
PAIRS_PER_CHUNK = 20_000_000


@dataclass
class MatrixFilter:
    coders: list[str] = field(default_factory=list)
    variables: dict[str, list[str]] = field(default_factory=dict)
    semantics: str = "overlap"
    window: int = 1  # for "sentences"


@dataclass(frozen=True)
class CooccurrenceMatrix:
    codes: list[str]
    counts: np.ndarray  # co-occurring pairs; diagonal: codings per code
    jaccard: np.ndarray  # NaN unless asked for
    c_coefficient: np.ndarray


@dataclass(frozen=True)
class CodingArrays:
    """Codings as parallel arrays, already filtered."""

    version: np.ndarray
    coder: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray


def load_codings(store: Store, wanted: MatrixFilter
                 ) -> tuple[CodingArrays, dict[int, str], dict[int, list[int]]]:
    """The filtered codings, every code's path, and unit starts for the semantics."""
    with store.read() as session:
        paths = code_paths(session)
        query = select(Coding.version_id, Coding.coder_id, Coding.code_id, Coding.start,
                       Coding.end).where(Coding.anchor_status != "unplaced")
        if wanted.coders:
            ids = dict(session.execute(select(Coder.name, Coder.id).where(
                Coder.name.in_(wanted.coders))).tuples().all())
            missing = [c for c in wanted.coders if c not in ids]
            if missing:
                raise NotFound(f"There is no coder {missing[0]!r}.")
            query = query.where(Coding.coder_id.in_(ids.values()))
        if wanted.variables:
            allowed = _documents_with(session, wanted.variables)
            query = query.join(DocumentVersion, DocumentVersion.id == Coding.version_id).where(
                DocumentVersion.document_id.in_(allowed))
        rows = np.array(session.execute(query).all(), dtype=np.int64).reshape(-1, 5)
        units = _unit_starts(session, wanted.semantics) if wanted.semantics != "overlap" else {}
    if not len(rows):
        raise InvalidInput("No coding matches these filters; there is nothing to export.")
    return CodingArrays(*(rows[:, i] for i in range(5))), paths, units


def _documents_with(session, variables: dict[str, list[str]]) -> set[int]:  # type: ignore[no-untyped-def]
    allowed: set[int] | None = None
    for name, values in variables.items():
        found = set(session.scalars(select(DocumentVariable.document_id).where(
            DocumentVariable.name == name, DocumentVariable.value.in_(values))))
        if not found and session.scalar(select(DocumentVariable.id).where(
                DocumentVariable.name == name)) is None:
            raise NotFound(f"No document has a variable {name!r}.")
        allowed = found if allowed is None else allowed & found
    return allowed or set()


def _unit_starts(session, semantics: str) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    kind = "turn" if semantics == "turn" else "sentence"
    starts: dict[int, list[int]] = {}
    for version, start in session.execute(select(Segment.version_id, Segment.start).where(
            Segment.kind == kind).order_by(Segment.version_id, Segment.start)):
        starts.setdefault(version, []).append(start)
    return starts


def _intervals(arrays: CodingArrays, semantics: str, window: int,
               units: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each coding's interval in the unit space of the semantics."""
    if semantics == "overlap":
        return arrays.start, arrays.end
    index = np.array([max(bisect.bisect_right(units.get(int(v), []), int(s)) - 1, 0)
                      for v, s in zip(arrays.version, arrays.start, strict=True)],
                     dtype=np.int64)
    reach = 1 if semantics == "turn" else window + 1
    return index, index + reach


def cooccurrence(store: Store, wanted: MatrixFilter, *,
                 jaccard: bool = False) -> CooccurrenceMatrix:
    """Counts and c-coefficients; Jaccard (on coded code points, costly) only when asked."""
    if wanted.semantics not in SEMANTICS:
        raise InvalidInput(f"--semantics must be one of {', '.join(SEMANTICS)}.")
    arrays, paths, units = load_codings(store, wanted)
    used = sorted(set(arrays.code.tolist()), key=lambda cid: paths[cid])
    position = {cid: n for n, cid in enumerate(used)}
    code_index = np.array([position[c] for c in arrays.code.tolist()], dtype=np.int64)
    starts, ends = _intervals(arrays, wanted.semantics, wanted.window, units)
    counts = pair_counts(arrays.version, arrays.coder, code_index, starts, ends, len(used))
    frequency = np.bincount(code_index, minlength=len(used))
    np.fill_diagonal(counts, frequency)
    c = np.zeros_like(counts, dtype=float)
    n1, n2 = np.meshgrid(frequency, frequency, indexing="ij")
    denominator = n1 + n2 - counts
    np.divide(counts, denominator, out=c, where=denominator > 0)
    np.fill_diagonal(c, 1.0)
    if not jaccard:
        shares = np.full_like(c, np.nan)
    elif wanted.semantics == "overlap":
        shares = coverage_jaccard(arrays, code_index, len(used))
    else:
        shares = c.copy()
    return CooccurrenceMatrix([paths[cid] for cid in used], counts, shares, c)


def pair_counts(version: np.ndarray, coder: np.ndarray, code: np.ndarray, starts: np.ndarray,
                ends: np.ndarray, size: int) -> np.ndarray:
    """Pairs of codings of one group (document version and coder) whose intervals meet."""
    group = version * (int(coder.max()) + 1) + coder
    span = int(max(ends.max(), starts.max())) + 2
    keys = group * span + starts
    order = np.argsort(keys, kind="stable")
    keys, code_sorted = keys[order], code[order]
    limits = group[order] * span + ends[order]
    stop = np.searchsorted(keys, limits, side="left")
    first = np.arange(len(keys)) + 1
    partners = np.maximum(stop - first, 0)
    counts = np.zeros(size * size, dtype=np.int64)
    # Pairs are made chunk by chunk: dense codings can have hundreds of partners each.
    ends_of_chunks = np.searchsorted(np.cumsum(partners), np.arange(
        PAIRS_PER_CHUNK, int(partners.sum()) + PAIRS_PER_CHUNK, PAIRS_PER_CHUNK), side="right")
    begin = 0
    for end in [*ends_of_chunks.tolist(), len(keys)]:
        end = max(end, begin + 1)
        chunk = partners[begin:end]
        left = np.repeat(np.arange(begin, end), chunk)
        offsets = np.arange(chunk.sum()) - np.repeat(np.cumsum(chunk) - chunk, chunk)
        right = left + 1 + offsets
        a, b = code_sorted[left], code_sorted[right]
        different = a != b
        counts += np.bincount(a[different] * size + b[different], minlength=size * size)
        begin = end
        if begin >= len(keys):
            break
    matrix = counts.reshape(size, size)
    return matrix + matrix.T


def coverage_jaccard(arrays: CodingArrays, code: np.ndarray, size: int) -> np.ndarray:
    """|code points coded with both| / |coded with either|, per coder and document, summed."""
    both = np.zeros((size, size))
    covered = np.zeros(size)
    keys = np.stack([arrays.version, arrays.coder], axis=1)
    groups: dict[tuple[int, int], list[int]] = {}
    for index, key in enumerate(map(tuple, keys.tolist())):
        groups.setdefault(key, []).append(index)
    for members in groups.values():
        idx = np.array(members)
        bounds = np.unique(np.concatenate([arrays.start[idx], arrays.end[idx]]))
        if len(bounds) < 2:
            continue
        lengths = np.diff(bounds).astype(float)
        present = np.zeros((size, len(bounds) - 1), dtype=bool)
        first = np.searchsorted(bounds, arrays.start[idx])
        last = np.searchsorted(bounds, arrays.end[idx])
        for c, f, stop in zip(code[idx], first, last, strict=True):
            present[c, f:stop] = True
        weighted = present * lengths
        covered += weighted.sum(axis=1)
        both += weighted @ present.T.astype(float)
    union = covered[:, None] + covered[None, :] - both
    result = np.zeros_like(both)
    np.divide(both, union, out=result, where=union > 0)
    return result


@dataclass(frozen=True)
class DocumentCodeMatrix:
    rows: list[str]
    codes: list[str]
    counts: np.ndarray


def document_code_matrix(store: Store, wanted: MatrixFilter,
                         group_by: str | None = None) -> DocumentCodeMatrix:
    """Codings per document (or per value of a document variable) and code."""
    arrays, paths, _ = load_codings(store, wanted)
    with store.read() as session:
        names = {vid: doc for vid, doc in session.execute(
            select(DocumentVersion.id, DocumentVersion.document_id))}
        doc_names = dict(session.execute(select(Document.id, Document.name)).tuples().all())
        if group_by:
            values = dict(session.execute(select(DocumentVariable.document_id,
                                                 DocumentVariable.value).where(
                DocumentVariable.name == group_by)).tuples().all())
            if not values:
                raise NotFound(f"No document has a variable {group_by!r}.")
    labels = [values.get(names[v], "–") if group_by else doc_names[names[v]]
              for v in arrays.version.tolist()]
    rows = sorted(set(labels))
    used = sorted(set(arrays.code.tolist()), key=lambda cid: paths[cid])
    row_index = {r: n for n, r in enumerate(rows)}
    col_index = {c: n for n, c in enumerate(used)}
    counts = np.zeros((len(rows), len(used)), dtype=np.int64)
    np.add.at(counts, ([row_index[label] for label in labels],
                       [col_index[c] for c in arrays.code.tolist()]), 1)
    return DocumentCodeMatrix(rows, [paths[c] for c in used], counts)
