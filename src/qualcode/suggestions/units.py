"""The units a model learns from or codes: sentences, turns or whole documents, from the store.

A unit is positive for a code when one of the chosen coders' codings of it overlaps the unit
(as agreement counts it); a unit of a document those coders worked on (coded or dismissed a
suggestion in) without it is negative. Only current document versions count.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from qualcode.agreement.units import coded_units
from qualcode.errors import InvalidInput, NotFound
from qualcode.i18n import _
from qualcode.models import (
    Coder,
    Coding,
    Document,
    DocumentVariable,
    DocumentVersion,
    LexiconEntry,
    Segment,
    SuggestionDismissal,
)

UNITS = ("sentence", "turn", "document")
WORD = re.compile(r"\w+")


def lemma_text(text: str, lemmas: Mapping[str, str]) -> str:
    """The unit's words as lemmas (from the lexicon; else lower-cased), joined by spaces."""
    return " ".join(lemmas.get(w) or w.lower() for w in WORD.findall(text))


@dataclass(frozen=True)
class Unit:
    version_id: int
    document: str
    start: int
    end: int


@dataclass
class UnitTexts:
    units: list[Unit]
    texts: list[str]
    groups: np.ndarray  # the document (version id) of each unit


@dataclass
class LabelledUnits(UnitTexts):
    labels: np.ndarray  # units x codes, bool
    code_ids: list[int]


def check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise InvalidInput(_("Unknown unit {unit!r}; use sentence, turn or document.").format(
            unit=unit))


def coder_ids(session: Session, names: list[str]) -> list[int]:
    if not names:
        raise InvalidInput(_("Name at least one coder to learn from."))
    found = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    for name in names:
        if name not in found:
            raise NotFound(_("There is no coder {name!r}.").format(name=name))
    return [found[name] for name in names]


def selected_versions(session: Session, variables: dict[str, list[str]],
                      documents: list[str] | None = None) -> dict[int, str]:
    """Current version id -> document name, for the documents the filters select."""
    newest = (select(DocumentVersion.document_id, func.max(DocumentVersion.number).label("n"))
              .group_by(DocumentVersion.document_id).subquery())
    statement = (select(DocumentVersion.id, Document.name)
                 .join(Document, Document.id == DocumentVersion.document_id)
                 .join(newest, (newest.c.document_id == DocumentVersion.document_id)
                       & (newest.c.n == DocumentVersion.number)))
    for name, values in variables.items():
        if session.scalar(select(DocumentVariable.id).where(DocumentVariable.name == name)
                          .limit(1)) is None:
            raise NotFound(_("No document has a variable {name!r}.").format(name=name))
        statement = statement.where(exists().where(
            DocumentVariable.document_id == Document.id, DocumentVariable.name == name,
            DocumentVariable.value.in_(values)))
    if documents:
        known = set(session.scalars(select(Document.name).where(Document.name.in_(documents))))
        for name in documents:
            if name not in known:
                raise NotFound(_("There is no document {name!r}.").format(name=name))
        statement = statement.where(Document.name.in_(documents))
    return dict(session.execute(statement.order_by(Document.name)).all())


def unit_texts(session: Session, versions: dict[int, str], unit: str) -> UnitTexts:
    """Every unit of the versions, in document order, with its text."""
    check_unit(unit)
    texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)
                                 .where(DocumentVersion.id.in_(list(versions)))).all())
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if unit == "document":
        for version_id, text in texts.items():
            spans[version_id].append((0, len(text)))
    else:
        rows = session.execute(select(Segment.version_id, Segment.start, Segment.end)
                               .where(Segment.kind == unit,
                                      Segment.version_id.in_(list(versions)))
                               .order_by(Segment.version_id, Segment.start))
        for version_id, start, end in rows:
            if end > start:
                spans[version_id].append((start, end))
    units, bodies, groups = [], [], []
    for version_id, name in versions.items():
        text = texts[version_id]
        for start, end in spans.get(version_id, ()):
            units.append(Unit(version_id, name, start, end))
            bodies.append(text[start:end])
            groups.append(version_id)
    return UnitTexts(units, bodies, np.asarray(groups, dtype=np.int64))


def labelled_units(session: Session, coders: list[int], versions: dict[int, str], unit: str,
                   code_ids: list[int]) -> LabelledUnits:
    """The units of the documents the coders worked on, labelled with their codings."""
    codings = session.execute(select(Coding.version_id, Coding.code_id, Coding.start, Coding.end)
                              .where(Coding.coder_id.in_(coders),
                                     Coding.version_id.in_(list(versions)))).all()
    dismissed = set(session.scalars(select(SuggestionDismissal.version_id).where(
        SuggestionDismissal.coder_id.in_(coders),
        SuggestionDismissal.version_id.in_(list(versions)))))
    worked = {row.version_id for row in codings} | dismissed
    found = unit_texts(session, {v: n for v, n in versions.items() if v in worked}, unit)
    by_version: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list))
    for row in codings:
        by_version[row.version_id][row.code_id].append((row.start, row.end))
    column = {code_id: n for n, code_id in enumerate(code_ids)}
    labels = np.zeros((len(found.units), len(code_ids)), dtype=bool)
    starts = np.fromiter((u.start for u in found.units), dtype=np.int64, count=len(found.units))
    ends = np.fromiter((u.end for u in found.units), dtype=np.int64, count=len(found.units))
    versions_here, first = np.unique(found.groups, return_index=True)
    bounds = sorted(zip(first.tolist(), versions_here.tolist(), strict=True))
    for n, (begin, version_id) in enumerate(bounds):
        stop = bounds[n + 1][0] if n + 1 < len(bounds) else len(found.units)
        for code_id, intervals in by_version[version_id].items():
            if code_id in column:
                labels[begin:stop, column[code_id]] = coded_units(
                    starts[begin:stop], ends[begin:stop], intervals) > 0
    return LabelledUnits(found.units, found.texts, found.groups, labels, code_ids)


def lexicon(session: Session) -> dict[str, str]:
    """word -> lemma of every corpus word (written at import)."""
    return dict(session.execute(select(LexiconEntry.word, LexiconEntry.lemma)).all())


def codings_version(session: Session, coders: list[int]) -> str:
    """A fingerprint of the coders' codings and dismissals: it changes when they change."""
    figures = session.execute(select(
        func.count(), func.coalesce(func.sum(Coding.id), 0),
        func.coalesce(func.sum(Coding.code_id * 7 + Coding.version_id * 13), 0),
        func.coalesce(func.sum(Coding.start * 3 + Coding.end), 0),
        func.max(Coding.modified_at)).where(Coding.coder_id.in_(coders))).one()
    dismissals = session.execute(select(
        func.count(), func.coalesce(func.sum(SuggestionDismissal.id), 0))
        .where(SuggestionDismissal.coder_id.in_(coders))).one()
    text = repr((tuple(str(f) for f in figures), tuple(dismissals)))
    return hashlib.sha256(text.encode()).hexdigest()
