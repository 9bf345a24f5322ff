"""Code co-occurrence (code x code) and document x code matrices.

Co-occurrence counts pairs of codings by the same coder in the same document that meet:
``overlap`` (their ranges share a code point), ``turn`` (they start in the same speaker turn)
or ``sentences`` (they start at most N sentences apart). The diagonal holds each code's
number of codings. Every coding becomes an interval in a unit space (code points, turn index,
sentence index) and its partners are found with one sorted search, so a million codings need
no pairwise join.

Jaccard is taken on what was coded: with overlap semantics the code points coded with both
codes over those coded with either; with turn or sentence semantics the units (the turn or
sentence a coding starts in) coded with both over those coded with either.

The c-coefficient is ATLAS.ti's n12 / (n1 + n2 - n12), with n1, n2 the codings of each code
and n12 counted per coding, not per pair: n12 = (a + b) / 2, where a is the number of codings
of code 1 that meet at least one coding of code 2 and b the reverse. One coding that meets
three codings of the other code counts once on its side, so n12 <= (n1 + n2) / 2 and c lies
in [0, 1]; where codings meet one to one, n12 is the number of pairs, as in ATLAS.ti.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select

from qualcode.errors import InvalidInput, NotFound
from qualcode.i18n import _
from qualcode.models import Coder, Coding, Document, DocumentVariable, DocumentVersion, Segment
from qualcode.progress import Progress, counted
from qualcode.store import Store
from qualcode.store.columns import read_int_columns
from qualcode.store.lookup import code_paths

SEMANTICS = ("overlap", "turn", "sentences")
PAIRS_PER_CHUNK = 1_000_000


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
                 ) -> tuple[CodingArrays, dict[int, str], tuple[np.ndarray, np.ndarray]]:
    """The filtered codings, every code's path, and unit starts for the semantics."""
    with store.read() as session:
        paths = code_paths(session)
        query = select(Coding.version_id, Coding.coder_id, Coding.code_id, Coding.start,
                       Coding.end).where(Coding.anchor_status != "unplaced")
        if wanted.coders:
            ids = dict(session.execute(select(Coder.name, Coder.id).where(
                Coder.name.in_(wanted.coders))).all())
            missing = [c for c in wanted.coders if c not in ids]
            if missing:
                raise NotFound(_("There is no coder {name!r}.").format(name=missing[0]))
            query = query.where(Coding.coder_id.in_(ids.values()))
        if wanted.variables:
            allowed = _documents_with(session, wanted.variables)
            query = query.join(DocumentVersion, DocumentVersion.id == Coding.version_id).where(
                DocumentVersion.document_id.in_(allowed))
        columns = read_int_columns(session, query, _bounds(session))
        units = (_unit_starts(session, wanted.semantics) if wanted.semantics != "overlap"
                 else (np.empty(0, np.int64), np.empty(0, np.int64)))
    if not len(columns[0]):
        raise InvalidInput(_("No coding matches these filters; there is nothing to export."))
    return CodingArrays(*columns), paths, units


def _bounds(session) -> list[int]:  # type: ignore[no-untyped-def]
    """Upper bounds of version, coder, code, start and end (ids by index; ranges lie in texts)."""
    ids = [session.scalar(select(func.max(column))) or 0
           for column in (Coding.version_id, Coding.coder_id, Coding.code_id)]
    longest = session.scalar(select(func.max(func.length(DocumentVersion.text)))) or 0
    return [*ids, longest, longest]


def _documents_with(session, variables: dict[str, list[str]]) -> set[int]:  # type: ignore[no-untyped-def]
    allowed: set[int] | None = None
    for name, values in variables.items():
        found = set(session.scalars(select(DocumentVariable.document_id).where(
            DocumentVariable.name == name, DocumentVariable.value.in_(values))))
        if not found and session.scalar(select(DocumentVariable.id).where(
                DocumentVariable.name == name)) is None:
            raise NotFound(_("No document has a variable {name!r}.").format(name=name))
        allowed = found if allowed is None else allowed & found
    return allowed or set()


def _unit_starts(session, semantics: str) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Versions and starts of the semantics' units (turns or sentences), in text order."""
    kind = "turn" if semantics == "turn" else "sentence"
    rows = np.array(session.execute(select(Segment.version_id, Segment.start).where(
        Segment.kind == kind).order_by(Segment.version_id, Segment.start)).all(),
        dtype=np.int64).reshape(-1, 2)
    return rows[:, 0], rows[:, 1]


def _intervals(arrays: CodingArrays, semantics: str, window: int,
               units: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each coding's interval in the unit space of the semantics.

    Units are numbered across all versions; codings are only ever compared within one
    version, where consecutive units differ by one. Text before a version's first unit
    belongs to that unit.
    """
    if semantics == "overlap":
        return arrays.start, arrays.end
    unit_version, unit_start = units
    span = int(max(arrays.end.max(), unit_start.max(initial=0))) + 1
    unit_keys = unit_version * span + unit_start
    index = np.searchsorted(unit_keys, arrays.version * span + arrays.start, side="right") - 1
    first = np.searchsorted(unit_keys, arrays.version * span, side="left")
    index = np.maximum(index, first)
    reach = 1 if semantics == "turn" else window + 1
    return index, index + reach


def cooccurrence(store: Store, wanted: MatrixFilter, *, jaccard: bool = False,
                 progress: Progress | None = None) -> CooccurrenceMatrix:
    """Counts and c-coefficients; Jaccard (on coded code points, costly) only when asked."""
    if wanted.semantics not in SEMANTICS:
        raise InvalidInput(_("--semantics must be one of {names}.").format(
            names=", ".join(SEMANTICS)))
    if wanted.window < 0:
        raise InvalidInput(_("--window must be 0 or more, not {window}.").format(
            window=wanted.window))
    if progress:
        progress(0, 1, _("reading codings"))
    arrays, paths, units = load_codings(store, wanted)
    if progress:
        progress(1, 1, _("reading codings"))
    used, code_index = _codes_by_path(arrays.code, paths)
    starts, ends = _intervals(arrays, wanted.semantics, wanted.window, units)
    found = meetings(arrays.version, arrays.coder, code_index, starts, ends, len(used),
                     progress)
    counts = found.pairs
    frequency = np.bincount(code_index, minlength=len(used))
    np.fill_diagonal(counts, frequency)
    c = c_coefficient(found.met, frequency)
    if not jaccard:
        shares = np.full_like(c, np.nan)
    elif wanted.semantics == "overlap":
        shares = coverage_jaccard(arrays, code_index, len(used), progress)
    else:
        shares = unit_jaccard(arrays, code_index, starts, len(used))
    return CooccurrenceMatrix([paths[cid] for cid in used], counts, shares, c)


def _codes_by_path(code: np.ndarray, paths: dict[int, str]) -> tuple[list[int], np.ndarray]:
    """The code ids in use, ordered by path, and each coding's position in that order."""
    ids, inverse = np.unique(code, return_inverse=True)
    order = sorted(range(len(ids)), key=lambda n: paths[int(ids[n])])
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return [int(ids[n]) for n in order], rank[inverse.reshape(-1)]


def c_coefficient(met: np.ndarray, frequency: np.ndarray) -> np.ndarray:
    """n12 / (n1 + n2 - n12) with n12 the mean of the codings of either code that meet the
    other code (see the module's docstring); 1 on the diagonal."""
    n12 = (met + met.T) / 2
    n1, n2 = np.meshgrid(frequency, frequency, indexing="ij")
    denominator = n1 + n2 - n12
    c = np.zeros_like(n12, dtype=float)
    np.divide(n12, denominator, out=c, where=denominator > 0)
    np.fill_diagonal(c, 1.0)
    return c


@dataclass(frozen=True)
class Meetings:
    pairs: np.ndarray  # [i, j]: pairs of codings of i and j that meet; diagonal zero
    met: np.ndarray  # [i, j]: codings of i that meet at least one coding of j; diagonal zero


def pair_counts(version: np.ndarray, coder: np.ndarray, code: np.ndarray, starts: np.ndarray,
                ends: np.ndarray, size: int, progress: Progress | None = None) -> np.ndarray:
    """Pairs of codings of one group (document version and coder) whose intervals meet."""
    return meetings(version, coder, code, starts, ends, size, progress, distinct=False).pairs


def meetings(version: np.ndarray, coder: np.ndarray, code: np.ndarray, starts: np.ndarray,
             ends: np.ndarray, size: int, progress: Progress | None = None, *,
             distinct: bool = True) -> Meetings:
    """Pairs of codings of one group (document version and coder) whose intervals meet, and
    (if ``distinct``) how many codings of each code meet some coding of each other code.

    Sorted by group and start, the partners of a coding are the run of codings after it that
    start before it ends. Those runs are unrolled into pairs a slice at a time, so that dense
    coding (hundreds of partners each) never needs all pairs in memory at once. Each coding's
    partner codes are counted once without a set per coding: see ``_SameCode``.
    """
    group = version * (int(coder.max()) + 1) + coder
    span = int(max(ends.max(), starts.max())) + 2
    keys = group * span + starts
    order = np.argsort(keys)
    keys, code_sorted = keys[order], code[order]
    if size * size < 2**31:  # cells fit in int32 too
        code_sorted = _narrow(code_sorted)
    stop = np.searchsorted(keys, (group * span + ends)[order], side="left")
    partners = stop - np.arange(1, len(keys) + 1)
    same = _SameCode.of(group[order], code_sorted, starts[order], ends[order], size) \
        if distinct else None
    total = np.cumsum(partners)
    cuts = np.searchsorted(total, np.arange(PAIRS_PER_CHUNK, int(total[-1]), PAIRS_PER_CHUNK),
                           side="right")
    pairs = np.zeros(size * size, dtype=np.int64)
    met = np.zeros(size * size, dtype=np.int64)
    slices = list(itertools.pairwise([0, *np.unique(cuts).tolist(), len(keys)]))
    for begin, end in counted(slices, len(slices), _("counting pairs"), progress, every=1):
        runs, partner = partners[begin:end], _partners_of(partners, begin, end)
        owner_code, partner_code = np.repeat(code_sorted[begin:end], runs), code_sorted[partner]
        cell = owner_code * size + partner_code
        found = np.bincount(cell, minlength=size * size)
        pairs += found
        if same is not None:  # most pairs count; subtracting the few that don't is cheaper
            met += found + found.reshape(size, size).T.ravel()
            repeated = same.reach_before[partner] > np.repeat(same.starts[begin:end], runs)
            met -= np.bincount(cell[repeated], minlength=size * size)
            repeated = np.repeat(same.holder_until[begin:end], runs) < partner
            met -= np.bincount(partner_code[repeated] * size + owner_code[repeated],
                               minlength=size * size)
    pairs_matrix = pairs.reshape(size, size)
    pairs_matrix = pairs_matrix + pairs_matrix.T
    np.fill_diagonal(pairs_matrix, 0)
    met_matrix = met.reshape(size, size)
    np.fill_diagonal(met_matrix, 0)
    return Meetings(pairs_matrix, met_matrix)


def _partners_of(partners: np.ndarray, begin: int, end: int) -> np.ndarray:
    """The later partners of the codings [begin, end), run after run, in sorted positions."""
    runs = partners[begin:end]
    index = np.int32 if len(partners) < 2**31 - 1 else np.int64  # half the memory traffic
    first_partner = (np.arange(begin + 1, end + 1) - (np.cumsum(runs) - runs)).astype(index)
    partner = np.repeat(first_partner, runs)
    partner += np.arange(int(runs.sum()), dtype=index)
    return partner


@dataclass(frozen=True)
class _SameCode:
    """Per coding (in sorted position), facts about the codings of its own code in its group,
    so that each (coding x, other code j) is counted from exactly one pair.

    If an earlier j-coding still runs at x's start, x meets j *before* itself; then the
    earlier j-coding with the greatest end (the last running record of j before x) meets x,
    and that pair counts. Otherwise the first j-coding after x counts, if it starts before x
    ends: then no j-coding lies between them (it would reach past x's start) and no earlier
    one reaches x's start.
    """

    starts: np.ndarray
    reach_before: np.ndarray  # greatest end of the earlier codings of the same code, or -1
    holder_until: np.ndarray  # a record (ends no earlier than all earlier codings of its code):
    #                           the position of the next record; otherwise -1

    @classmethod
    def of(cls, group: np.ndarray, code: np.ndarray, starts: np.ndarray, ends: np.ndarray,
           size: int) -> _SameCode:
        count = len(code)
        by_code = _stable_order(group, code)
        key = (group * size + code)[by_code]
        first = np.r_[True, key[1:] != key[:-1]]
        run = np.cumsum(first) - 1
        end = ends[by_code]
        lift = run * (int(end.max()) + 1)  # keeps the running maximum inside each run
        before = np.r_[-1, (np.maximum.accumulate(lift + end) - lift)[:-1]]
        before[first] = -1
        records = np.flatnonzero(end >= before)
        until = np.full(count, -1, dtype=np.int64)
        same_run = run[records[1:]] == run[records[:-1]]
        until[records] = np.r_[np.where(same_run, by_code[records[1:]], count), count]
        reach_before = np.empty_like(before)
        reach_before[by_code] = before
        holder_until = np.empty_like(until)
        holder_until[by_code] = until
        return cls(*(_narrow(values) for values in (starts, reach_before, holder_until)))


def _narrow(values: np.ndarray) -> np.ndarray:
    """int32 where the values fit: the pair loops are bound by memory traffic."""
    bounds = np.iinfo(np.int32)
    fits = not len(values) or (bounds.min <= int(values.min()) and int(values.max()) <= bounds.max)
    return values.astype(np.int32) if fits else values


def _stable_order(group: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Positions ordered by group, then code, then position: two stable passes, which NumPy
    does as radix sorts when the values fit in 16 bits (the usual case)."""
    def small(values: np.ndarray) -> np.ndarray:
        return values.astype(np.uint16) if int(values.max()) < 2**16 else values

    by_code = np.argsort(small(code), kind="stable")
    return by_code[np.argsort(small(group)[by_code], kind="stable")]


def coverage_jaccard(arrays: CodingArrays, code: np.ndarray, size: int,
                     progress: Progress | None = None) -> np.ndarray:
    """|code points coded with both| / |coded with either|, per coder and document, summed."""
    both = np.zeros((size, size))
    covered = np.zeros(size)
    keys = np.stack([arrays.version, arrays.coder], axis=1)
    groups: dict[tuple[int, int], list[int]] = {}
    for index, key in enumerate(map(tuple, keys.tolist())):
        groups.setdefault(key, []).append(index)
    for members in counted(groups.values(), len(groups), _("measuring coded text"), progress,
                           every=1):
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


def unit_jaccard(arrays: CodingArrays, code: np.ndarray, unit: np.ndarray,
                 size: int) -> np.ndarray:
    """|units coded with both| / |units coded with either|, per coder and document, summed."""
    triples = np.unique(np.stack([arrays.version, arrays.coder, unit, code], axis=1), axis=0)
    version, coder, where, which = triples.T
    # each (unit, code) once: two codes share a unit exactly when their unit intervals meet
    both = pair_counts(version, coder, which, where, where + 1, size).astype(float)
    covered = np.bincount(which, minlength=size).astype(float)
    union = covered[:, None] + covered[None, :] - both
    result = np.zeros_like(both)
    np.divide(both, union, out=result, where=union > 0)
    np.fill_diagonal(result, 1.0)
    return result


@dataclass(frozen=True)
class DocumentCodeMatrix:
    rows: list[str]
    codes: list[str]
    counts: np.ndarray


def document_code_matrix(store: Store, wanted: MatrixFilter,
                         group_by: str | None = None) -> DocumentCodeMatrix:
    """Codings per document (or per value of a document variable) and code."""
    arrays, paths, _units = load_codings(store, wanted)
    with store.read() as session:
        names = {vid: doc for vid, doc in session.execute(
            select(DocumentVersion.id, DocumentVersion.document_id))}
        doc_names = dict(session.execute(select(Document.id, Document.name)).all())
        if group_by:
            values = dict(session.execute(select(DocumentVariable.document_id,
                                                 DocumentVariable.value).where(
                DocumentVariable.name == group_by)).all())
            if not values:
                raise NotFound(_("No document has a variable {name!r}.").format(name=group_by))
    versions, version_index = np.unique(arrays.version, return_inverse=True)
    labels = [values.get(names[v], "–") if group_by else doc_names[names[v]]
              for v in versions.tolist()]
    rows = sorted(set(labels))
    row_of_version = np.array([rows.index(label) for label in labels], dtype=np.int64)
    used, code_index = _codes_by_path(arrays.code, paths)
    cells = row_of_version[version_index.reshape(-1)] * len(used) + code_index
    counts = np.bincount(cells, minlength=len(rows) * len(used)).reshape(len(rows), len(used))
    return DocumentCodeMatrix(rows, [paths[c] for c in used], counts)
