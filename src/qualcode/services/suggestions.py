"""Code suggestions: train, evaluate, apply as a coder, the next unit to code, and the TUI's
suggestions for one unit (accept, dismiss). See docs/suggestions.md.

A model belongs to the coder who trained it (on a team store the login's own coder), or to
the project (no owner). A coder is served their own newest model, else the project's, else
the newest one they may read (on a team store row-level security hides other coders' models
from coders)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotAllowed, NotFound
from qualcode.i18n import _
from qualcode.models import (
    Code,
    Coder,
    Coding,
    DocumentVersion,
    SuggestionDismissal,
    SuggestionModel,
)
from qualcode.store import Store, audit
from qualcode.store.lookup import code_paths, find_coder
from qualcode.suggestions.figures import CodeFigures, Summary, decide

if TYPE_CHECKING:
    from qualcode.suggestions.features import FeatureRows, Featurizer
    from qualcode.suggestions.model import TrainedModel

from qualcode.suggestions.units import (
    LabelledUnits,
    check_unit,
    coder_ids,
    codings_version,
    labelled_units,
    lemma_text,
    lexicon,
    selected_versions,
    unit_texts,
)

DEFAULT_UNIT = "turn"
DEFAULT_FOLDS = 5
DEFAULT_SEED = 1
DEFAULT_MIN_KAPPA = 0.6
SHOWN_SUGGESTIONS = 5
ACCEPTED = "accept-suggestion"  # the audit action of a coding accepted from a suggestion


@dataclass(frozen=True)
class Learnt:
    coders: list[str]
    unit: str
    units: int
    documents: int
    folds: int
    seed: int
    summary: Summary
    codes: list[CodeFigures]
    seconds: float
    model_id: int | None = None  # None: evaluated, not stored


@dataclass(frozen=True)
class Skipped:
    code: str
    reason: str


@dataclass(frozen=True)
class Applied:
    coder: str
    unit: str
    units: int
    codings: int
    per_code: dict[str, int]
    skipped: list[Skipped]
    stale: bool
    batch: str | None


@dataclass(frozen=True)
class ModelInfo:
    id: int
    unit: str
    coders: list[str]
    stale: bool
    created_at: str
    codes: list[CodeFigures] = field(default_factory=list)
    owner: str | None = None  # the coder who trained it; None: the project's model


@dataclass(frozen=True)
class Suggestion:
    code_id: int
    code: str
    confidence: float
    kappa: float | None
    words: list[str]


@dataclass(frozen=True)
class NextUnit:
    document: str
    document_id: int
    version_id: int
    start: int
    end: int
    code: str
    confidence: float


# -- learning -------------------------------------------------------------------------------

def evaluate(store: Store, coders: list[str], *, variables: dict[str, list[str]] | None = None,
             unit: str = DEFAULT_UNIT, folds: int = DEFAULT_FOLDS,
             seed: int = DEFAULT_SEED) -> Learnt:
    """The cross-validated figures per code, without storing a model."""
    return _learn(store, coders, variables or {}, unit, folds, seed, keep=False)


def train(store: Store, coders: list[str], *, variables: dict[str, list[str]] | None = None,
          unit: str = DEFAULT_UNIT, folds: int = DEFAULT_FOLDS,
          seed: int = DEFAULT_SEED, owner: str | None = None) -> Learnt:
    """Learn one model per code from the coders' codings and store it as ``owner``'s
    (replacing their last; None: the project's). On a team store the owner is always the
    login's own coder."""
    from qualcode.services.team import acting_coder

    owner = acting_coder(store, owner)
    return _learn(store, coders, variables or {}, unit, folds, seed, keep=True, owner=owner)


@dataclass
class _Corpus:
    data: LabelledUnits  # its texts dropped once featurized
    featurizer: Featurizer
    features: FeatureRows
    paths: dict[int, str]
    code_ids: list[int]
    fingerprint: str


def _featurized(store: Store, coders: list[str], variables: dict[str, list[str]],
                unit: str) -> _Corpus:
    """The coders' labelled units, featurized; their texts are dropped and the memory they
    held is given back (scikit-learn, imported after, needs it)."""
    from qualcode.suggestions.features import Featurizer
    from qualcode.suggestions.memory import release_freed_memory, return_freed_blocks

    return_freed_blocks()
    with store.read() as session:
        ids = coder_ids(session, coders)
        versions = selected_versions(session, variables)
        paths = code_paths(session)
        code_ids = sorted(paths)
        data = labelled_units(session, ids, versions, unit, code_ids)
        lemmas = lexicon(session)
        fingerprint = codings_version(session, ids)
    if not data.units:
        raise InvalidInput(_("{coders} coded nothing in the selected documents; there is "
                             "nothing to learn from.").format(coders=", ".join(coders)))
    featurizer, features = Featurizer.fit(data.texts, [lemma_text(t, lemmas)
                                                        for t in data.texts])
    data.texts.clear()
    release_freed_memory()
    return _Corpus(data, featurizer, features, paths, code_ids, fingerprint)


def _learn(store: Store, coders: list[str], variables: dict[str, list[str]], unit: str,
           folds: int, seed: int, *, keep: bool, owner: str | None = None) -> Learnt:
    began = time.perf_counter()
    check_unit(unit)
    if folds < 2:
        raise InvalidInput(_("--folds must be at least 2."))
    corpus = _featurized(store, coders, variables, unit)
    data, features, paths, code_ids = (corpus.data, corpus.features, corpus.paths,
                                       corpus.code_ids)
    from qualcode.suggestions.evaluation import (
        code_figures,
        document_folds,
        out_of_fold,
        summary,
    )
    from qualcode.suggestions.fitting import fit_codes
    from qualcode.suggestions.model import TrainedModel

    figures, columns = _code_reasons(data.labels, data.groups, [paths[c] for c in code_ids])
    folds_of = document_folds(data.groups, folds, seed)
    predicted = decide(out_of_fold(features, data.labels, folds_of, seed, columns))
    truth = data.labels[:, columns]
    for n, column in enumerate(columns):
        figures[column] = code_figures(paths[code_ids[column]], truth[:, n], predicted[:, n],
                                       figures[column].documents)
    result = Learnt(coders, unit, len(data.units), len(np.unique(data.groups)), folds, seed,
                    summary(figures, truth, predicted), figures, 0.0)
    model_id = None
    if keep:
        weights, intercepts = fit_codes(features, data.labels, seed, columns)
        model = TrainedModel(corpus.featurizer, np.asarray([code_ids[c] for c in columns]), weights,
                             intercepts)
        model_id = _store_model(store, result, variables, corpus.fingerprint, model, owner)
    return Learnt(**{**vars(result), "model_id": model_id,
                     "seconds": round(time.perf_counter() - began, 2)})


def _code_reasons(labels: np.ndarray, groups: np.ndarray, paths: list[str]
                  ) -> tuple[list[CodeFigures], list[int]]:
    """Every code's counts, why it is not suggestible, and the columns that are."""
    from qualcode.suggestions.evaluation import not_suggestible_reason

    figures, columns = [], []
    for column, path in enumerate(paths):
        positives = labels[:, column]
        documents = len(np.unique(groups[positives]))
        reason = not_suggestible_reason(int(positives.sum()), documents, len(positives))
        figures.append(CodeFigures(path, int(positives.sum()), documents, reason is None, reason))
        if reason is None:
            columns.append(column)
    return figures, columns


def _store_model(store: Store, result: Learnt, variables: dict[str, list[str]],
                 fingerprint: str, model: TrainedModel, owner: str | None) -> int:
    row = SuggestionModel(unit=result.unit, coders=json.dumps(result.coders, ensure_ascii=False),
                          filters=json.dumps(variables, ensure_ascii=False), seed=result.seed,
                          codings_version=fingerprint, units=result.units,
                          figures=json.dumps([vars(f) for f in result.codes], ensure_ascii=False),
                          weights=model.to_bytes())
    with store.write() as session:
        row.coder_id = find_coder(session, owner, create=True).id if owner else None
        session.execute(delete(SuggestionModel).where(
            SuggestionModel.coder_id == row.coder_id if owner
            else SuggestionModel.coder_id.is_(None)))
        session.add(row)
        session.flush()
        return row.id


# -- the stored model -----------------------------------------------------------------------

@dataclass
class _Loaded:
    model: TrainedModel
    lemmas: dict[str, str]
    paths: dict[int, str]
    figures: dict[str, CodeFigures]


_CACHE: dict[tuple[str, int], _Loaded] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Meta:
    """A stored model's row without its weights (read on every suggestion)."""

    id: int
    unit: str
    coders: list[str]
    codings_version: str
    owner: str | None


def _meta(session: Session, coder: str | None) -> _Meta | None:
    """The model ``coder`` uses: their own newest, else the project's, else the newest one
    this connection may read."""
    # Not created_at: it lies behind the weights in the row, and SQLite would read through
    # their megabytes to reach it on every suggestion.
    preference = case((Coder.name == (coder or ""), 0),
                      (SuggestionModel.coder_id.is_(None), 1), else_=2)
    found = session.execute(
        select(SuggestionModel.id, SuggestionModel.unit, SuggestionModel.coders,
               SuggestionModel.codings_version, Coder.name)
        .outerjoin(Coder, Coder.id == SuggestionModel.coder_id)
        .order_by(preference, SuggestionModel.id.desc()).limit(1)).first()
    if found is None:
        return None
    return _Meta(found.id, found.unit, json.loads(found.coders), found.codings_version,
                 found.name)


def _is_stale(session: Session, meta: _Meta) -> bool:
    ids = list(session.scalars(select(Coder.id).where(Coder.name.in_(meta.coders))))
    return codings_version(session, ids) != meta.codings_version


def _figures(text: str) -> list[CodeFigures]:
    return [CodeFigures(**f) for f in json.loads(text)]


def model_info(store: Store, coder: str | None = None) -> ModelInfo | None:
    """The model ``coder`` uses (see _meta), and whether the codings it learnt from changed
    since (stale)."""
    with store.read() as session:
        meta = _meta(session, coder)
        if meta is None:
            return None
        figures, weights, created_at = session.execute(
            select(SuggestionModel.figures, SuggestionModel.weights, SuggestionModel.created_at)
            .where(SuggestionModel.id == meta.id)).one()
        stale = _is_stale(session, meta) or not _readable(weights)
        return ModelInfo(meta.id, meta.unit, meta.coders, stale, str(created_at)[:19],
                         _figures(figures or "[]"), meta.owner)


def _readable(weights: bytes) -> bool:
    """Whether the stored weights are in the format this qualcode reads (else: train again)."""
    from qualcode.suggestions.model import FORMAT, stored_format

    return stored_format(weights) == FORMAT


def _loaded(store: Store, session: Session, coder: str | None) -> tuple[_Meta, _Loaded]:
    meta = _meta(session, coder)
    if meta is None:
        raise NotFound(_("No suggestion model is trained yet; run 'qualcode suggest train "
                         "--from CODER' first."))
    key = (store.url, meta.id)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is None:
        from qualcode.suggestions.model import TrainedModel

        row = session.get_one(SuggestionModel, meta.id)
        cached = _Loaded(TrainedModel.from_bytes(row.weights), lexicon(session),
                         code_paths(session), {f.code: f for f in _figures(row.figures)})
        with _LOCK:
            _CACHE.clear()  # one model per process is enough; an old one is garbage
            _CACHE[key] = cached
    return meta, cached


def _usable(loaded: _Loaded, min_kappa: float | None) -> tuple[list[int], list[Skipped]]:
    """Rows of the model whose code exists and whose kappa reaches ``min_kappa``."""
    rows, skipped = [], []
    for code_id_row, code_id in enumerate(loaded.model.code_ids):
        path = loaded.paths.get(int(code_id))
        figures = loaded.figures.get(path or "")
        if path is None or figures is None:
            continue  # the code was deleted or renamed since training
        if min_kappa is not None and (figures.kappa is None or figures.kappa < min_kappa):
            skipped.append(Skipped(path, _(
                "its cross-validated kappa {kappa} is below --min-kappa {least:.2f}").format(
                kappa="–" if figures.kappa is None else f"{figures.kappa:.2f}",
                least=min_kappa)))
            continue
        rows.append(code_id_row)
    for path, figures in loaded.figures.items():
        if not figures.suggestible:
            skipped.append(Skipped(path, _("not suggestible: {reason}").format(
                reason=figures.reason)))
    return rows, skipped


# -- applying as a coder ----------------------------------------------------------------------

def machine_coder(store: Store) -> str:
    """The coder suggestions go into by default: ``machine``, on a team store
    ``<login>:machine`` (a machine coder belongs to the login that made it)."""
    who = store.identity()
    return f"{who.login}:machine" if who.member else "machine"  # not translated: a coder name


def _check_into(store: Store, into: str) -> None:
    """On a team store a coder or reviewer applies only into a machine coder of their own."""
    who = store.identity()
    if not who.member or who.role == "lead":
        return
    with store.read() as session:
        owner = session.execute(select(Coder.login).where(Coder.name == into)).first()
    mine = owner[0] == who.login if owner else into.startswith(f"{who.login}:")
    if not mine or into == who.coder:
        raise NotAllowed(_("On this team store suggestions go only into a machine coder of "
                           "your own, such as {coder}.").format(coder=machine_coder(store)))


def apply(store: Store, into: str | None = None, *,
          variables: dict[str, list[str]] | None = None,
          documents: list[str] | None = None, unit: str | None = None,
          min_kappa: float = DEFAULT_MIN_KAPPA, coder: str | None = None) -> Applied:
    """Code the selected units as coder ``into`` (default: machine_coder) with ``coder``'s
    model (on a team store the login's): one undoable batch, confidence in the memo."""
    from qualcode.services.team import acting_coder

    into = (into or "").strip() or machine_coder(store)
    _check_into(store, into)
    coder = acting_coder(store, coder)
    with store.read() as session:
        row, loaded = _loaded(store, session, coder)
        if into in row.coders:
            raise InvalidInput(_("{coder} is a coder the model learnt from; apply the "
                                 "suggestions into another coder, such as 'machine'.").format(
                                     coder=into))
        unit = unit or row.unit
        check_unit(unit)
        stale = _is_stale(session, row)
        found = unit_texts(session, selected_versions(session, variables or {}, documents), unit)
    rows, skipped = _usable(loaded, min_kappa)
    chosen = _predicted(loaded, found.texts, rows)
    batch = audit.new_batch()
    per_code: dict[str, int] = {}
    with store.write() as session:
        coder = find_coder(session, into, create=True)
        taken = _coded_by(session, coder.id, {u.version_id for u in found.units})
        added = []
        for unit_index, code_row, confidence in chosen:
            place = found.units[unit_index]
            code_id = int(loaded.model.code_ids[code_row])
            if (place.version_id, code_id, place.start, place.end) in taken:
                continue
            added.append(Coding(version_id=place.version_id, code_id=code_id, coder_id=coder.id,
                                start=place.start, end=place.end,
                                text=found.texts[unit_index],
                                memo=_("suggested, confidence {value:.2f}").format(
                                    value=confidence)))
            path = loaded.paths[code_id]
            per_code[path] = per_code.get(path, 0) + 1
        session.add_all(added)
        session.flush()
        for coding in added:
            audit.record(session, actor=coder.name, action="add", obj=coding, before=None,
                         after=audit.snapshot(coding), batch=batch)
    return Applied(into, unit, len(found.units), len(added), dict(sorted(per_code.items())),
                   skipped, stale, batch if added else None)


CHUNK = 5000  # units featurized at a time: bounded memory on a big corpus


def _chunks(loaded: _Loaded, texts: list[str], rows: list[int]
            ) -> Iterator[tuple[int, np.ndarray]]:
    """(first unit, units x rows probabilities) for each chunk of the texts."""
    for begin in range(0, len(texts), CHUNK):
        part = texts[begin:begin + CHUNK]
        yield begin, loaded.model.probabilities(
            part, [lemma_text(t, loaded.lemmas) for t in part])[:, rows]


def _predicted(loaded: _Loaded, texts: list[str], rows: list[int]
               ) -> list[tuple[int, int, float]]:
    """(unit, model row, confidence) of every suggestion at or above the threshold."""
    if not rows:
        return []
    chosen = []
    for begin, probability in _chunks(loaded, texts, rows):
        for unit, column in zip(*np.nonzero(decide(probability)), strict=True):
            chosen.append((begin + int(unit), rows[column], float(probability[unit, column])))
    return chosen


def _coded_by(session: Session, coder_id: int, versions: set[int]
              ) -> set[tuple[int, int, int, int]]:
    return set(session.execute(select(Coding.version_id, Coding.code_id, Coding.start,
                                      Coding.end).where(Coding.coder_id == coder_id,
                                                        Coding.version_id.in_(versions))).all())


# -- active learning --------------------------------------------------------------------------

def next_unit(store: Store, coder: str, *, variables: dict[str, list[str]] | None = None,
              documents: list[str] | None = None) -> NextUnit | None:
    """The unit nobody of ``coder`` coded yet where the models are least certain (closest to
    0.5 for some code); None when every unit is coded."""
    with store.read() as session:
        row, loaded = _loaded(store, session, coder)
        found = unit_texts(session, selected_versions(session, variables or {}, documents),
                           row.unit)
        spans = _coder_spans(session, coder, {u.version_id for u in found.units})
    open_units = [n for n, u in enumerate(found.units)
                  if not any(s < u.end and u.start < e for s, e in spans.get(u.version_id, ()))]
    rows, _skipped = _usable(loaded, None)
    if not open_units or not rows:
        return None
    best: tuple[float, int, int, float] | None = None  # (doubt, unit, column, probability)
    for begin, probability in _chunks(loaded, [found.texts[n] for n in open_units], rows):
        doubt = np.abs(probability - 0.5)
        unit, column = np.unravel_index(int(np.argmin(doubt)), doubt.shape)
        if best is None or doubt[unit, column] < best[0]:
            best = (float(doubt[unit, column]), begin + int(unit), int(column),
                    float(probability[unit, column]))
    assert best is not None
    _doubt, unit_index, column, confidence = best
    place = found.units[open_units[unit_index]]
    code_id = int(loaded.model.code_ids[rows[column]])
    return NextUnit(place.document, store_document_id(store, place.version_id),
                    place.version_id, place.start, place.end, loaded.paths[code_id], confidence)


def store_document_id(store: Store, version_id: int) -> int:
    with store.read() as session:
        return session.get_one(DocumentVersion, version_id).document_id


def _coder_spans(session: Session, coder: str, versions: set[int]
                 ) -> dict[int, list[tuple[int, int]]]:
    spans: dict[int, list[tuple[int, int]]] = {}
    for version_id, start, end in session.execute(
            select(Coding.version_id, Coding.start, Coding.end).join(Coder)
            .where(Coder.name == coder, Coding.version_id.in_(versions))):
        spans.setdefault(version_id, []).append((start, end))
    return spans


# -- one unit in the TUI ---------------------------------------------------------------------

def suggestions_for(store: Store, coder: str, version_id: int, start: int, end: int, *,
                    limit: int = SHOWN_SUGGESTIONS) -> list[Suggestion]:
    """The codes suggested for [start, end) of the version, strongest first, with the words
    that weighed most; none the coder dismissed there or already coded there."""
    with store.read() as session:
        _row, loaded = _loaded(store, session, coder)
        unit_text = session.scalar(  # the unit only, not the whole transcript
            select(func.substr(DocumentVersion.text, start + 1, max(end - start, 0)))
            .where(DocumentVersion.id == version_id))
        if unit_text is None:
            raise NotFound(_("That document version no longer exists."))
        hidden = _hidden_codes(session, coder, version_id, start, end)
    rows, _skipped = _usable(loaded, None)
    if not rows or not unit_text.strip():
        return []
    vector = loaded.model.featurizer.transform([unit_text],
                                               [lemma_text(unit_text, loaded.lemmas)])
    probability = loaded.model.probabilities_of(vector)[0]
    ranked = sorted(((float(probability[r]), r) for r in rows
                     if int(loaded.model.code_ids[r]) not in hidden
                     and probability[r] >= 0.5), reverse=True)[:limit]
    words = loaded.model.weighed_most(unit_text, vector, loaded.lemmas,
                                      [row for _confidence, row in ranked])
    result = []
    for confidence, row in ranked:
        code_id = int(loaded.model.code_ids[row])
        path = loaded.paths[code_id]
        result.append(Suggestion(code_id, path, confidence, loaded.figures[path].kappa,
                                 words[row]))
    return result


def _hidden_codes(session: Session, coder: str, version_id: int, start: int, end: int
                  ) -> set[int]:
    dismissed = set(session.scalars(
        select(SuggestionDismissal.code_id).join(Coder)
        .where(Coder.name == coder, SuggestionDismissal.version_id == version_id,
               SuggestionDismissal.start == start, SuggestionDismissal.end == end)))
    coded = set(session.scalars(
        select(Coding.code_id).join(Coder)
        .where(Coder.name == coder, Coding.version_id == version_id, Coding.start < end,
               Coding.end > start)))
    return dismissed | coded


def accept(store: Store, coder: str, document: int, code_id: int, start: int, end: int):  # type: ignore[no-untyped-def]
    """The suggestion becomes the coder's own coding (undoable), marked in the audit log."""
    from qualcode.services.codings import add_coding

    return add_coding(store, document=document, code=code_id, coder=coder, start=start,
                      end=end, action=ACCEPTED)


def dismiss(store: Store, coder: str, code_id: int, version_id: int, start: int,
            end: int) -> None:
    """Never suggest this code for this unit to this coder again (a negative example)."""
    with store.write() as session:
        coder_row = find_coder(session, coder, create=True)
        if session.get(Code, code_id) is None:
            raise NotFound(_("There is no code with id {id}.").format(id=code_id))
        exists = session.scalar(select(SuggestionDismissal.id).where(
            SuggestionDismissal.coder_id == coder_row.id, SuggestionDismissal.code_id == code_id,
            SuggestionDismissal.version_id == version_id, SuggestionDismissal.start == start,
            SuggestionDismissal.end == end))
        if exists is None:
            session.add(SuggestionDismissal(coder_id=coder_row.id, code_id=code_id,
                                            version_id=version_id, start=start, end=end))
