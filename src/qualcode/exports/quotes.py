"""Quote tables for reports: filtered codings with speaker, place, attribution and context.

A quote names a person only when that speaker agreed to be named; otherwise it names the role
and the document variables the project profile lists for anonymous attribution (for this
study: the kind of municipality and the Bundesland). Names of people who did not agree are
replaced inside the quote text as well, also in inflected or slightly misspelled forms.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotFound
from qualcode.models import (
    Coder,
    Coding,
    Document,
    DocumentVariable,
    DocumentVersion,
    Segment,
    Speaker,
)
from qualcode.profile.spec import STUDY, Attribution
from qualcode.profile.stored import profile_in
from qualcode.progress import Progress, counted
from qualcode.store import Store
from qualcode.store.lookup import code_paths, find_code
from qualcode.transcripts.turns import TIME_MARK

NAME_SCORE = 85
WORD = re.compile(r"\w+")


@dataclass
class QuoteFilter:
    codes: list[str] = field(default_factory=list)
    subcodes: bool = True
    coders: list[str] = field(default_factory=list)
    variables: dict[str, list[str]] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    voices_only: bool = False
    min_length: int = 0
    max_length: int | None = None
    context: int = 0


@dataclass(frozen=True)
class Quote:
    document: str
    variables: tuple[tuple[str, str | None], ...]  # (label, value): the profile's columns
    speaker: str | None
    role: str | None
    time_mark: str | None
    theme: str
    code: str
    coder: str
    quote: str
    attribution: str
    before: str
    after: str
    memo: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Replacement:
    document: str
    start: int
    found: str
    replaced_by: str


@dataclass
class QuoteTable:
    quotes: list[Quote]
    replacements: list[Replacement]


def quote_table(store: Store, wanted: QuoteFilter, progress: Progress | None = None
                ) -> QuoteTable:
    with store.read() as session:
        profile = profile_in(session)
        paths = code_paths(session)
        code_ids = _code_ids(session, wanted, paths)
        variables = _variables(session)
        for name in wanted.variables:
            if not any(name in v for v in variables.values()):
                raise NotFound(f"No document has a variable {name!r}.")
        query = (select(Coding, Coder.name, Document.id, Document.name)
                 .join(Coder, Coder.id == Coding.coder_id)
                 .join(DocumentVersion, DocumentVersion.id == Coding.version_id)
                 .join(Document, Document.id == DocumentVersion.document_id)
                 .where(Coding.anchor_status != "unplaced")
                 .order_by(Document.name, Coding.start, Coding.id))
        if code_ids is not None:
            query = query.where(Coding.code_id.in_(code_ids))
        if wanted.coders:
            known = set(session.scalars(select(Coder.name).where(Coder.name.in_(wanted.coders))))
            missing = [c for c in wanted.coders if c not in known]
            if missing:
                raise NotFound(f"There is no coder {missing[0]!r}.")
            query = query.where(Coder.name.in_(wanted.coders))
        if wanted.voices_only:
            query = query.where(Coding.is_voice.is_(True))
        rows = session.execute(query).all()
        texts, turns, speakers = _versions(session, {c.version_id for c, *_ in rows})
        protect = _protected_names(session)
    quotes, replacements = [], []
    for coding, coder, doc_id, doc_name in counted(rows, len(rows), "reading quotes", progress):
        doc_vars = variables.get(doc_id, {})
        if any(doc_vars.get(k) not in values for k, values in wanted.variables.items()):
            continue
        turn = _turn_at(turns.get(coding.version_id), coding.start)
        speaker = speakers.get(turn[2]) if turn else None
        role = speaker.role if speaker else None
        if wanted.roles and not any(r.lower() in (role or "").lower() for r in wanted.roles):
            continue
        text = " ".join(TIME_MARK.sub(" ", coding.text).split())
        if len(text) < wanted.min_length or (wanted.max_length and len(text) > wanted.max_length):
            continue
        text, found = _pseudonymise(text, protect)
        replacements += [Replacement(doc_name, coding.start, f, r) for f, r in found]
        full = texts[coding.version_id]
        path = paths[coding.code_id]
        quotes.append(Quote(
            doc_name, tuple((profile.label(n), doc_vars.get(n)) for n in profile.quote_columns),
            speaker.label if speaker else None, role, turn[3] if turn else None,
            path.split("/", 1)[0], path, coder, text,
            attribution(speaker, doc_vars, profile.attribution),
            _context(full[max(0, coding.start - wanted.context):coding.start], protect),
            _context(full[coding.end:coding.end + wanted.context], protect),
            coding.memo, coding.start, coding.end))
    if not quotes:
        raise InvalidInput("No coding matches these filters; there is nothing to export.")
    return QuoteTable(quotes, replacements)


def attribution(speaker, variables: dict[str, str | None],  # type: ignore[no-untyped-def]
                rule: Attribution = STUDY.attribution) -> str:
    """'Name, Stadt Köln' with consent; otherwise 'Role, municipality type, Bundesland'.

    Which variables make up the place and the anonymous attribution is the profile's rule.
    """
    if speaker is not None and speaker.consent_named and speaker.name:
        return ", ".join(p for p in (speaker.name, _place(variables, rule)) if p)
    role = (speaker.pseudonym or speaker.role) if speaker is not None else None
    parts = [role or rule.fallback_role, *(variables.get(n) for n in rule.anonymous)]
    return ", ".join(p for p in parts if p)


def _place(variables: dict[str, str | None], rule: Attribution) -> str | None:
    name = variables.get(rule.place) if rule.place else None
    if not name:
        return None
    prefixes = set(rule.place_prefix.values())
    if name.split(" ", 1)[0] in prefixes | {"Kreis"}:
        return name
    kind = variables.get(rule.place_kind) if rule.place_kind else None
    return f"{rule.place_prefix.get(kind or '', '')} {name}".strip()


def _code_ids(session: Session, wanted: QuoteFilter, paths: dict[int, str]) -> set[int] | None:
    if not wanted.codes:
        return None
    chosen: set[int] = set()
    for ref in wanted.codes:
        root = paths[find_code(session, ref).id]
        chosen |= {cid for cid, p in paths.items()
                   if p == root or (wanted.subcodes and p.startswith(root + "/"))}
    return chosen


def _variables(session: Session) -> dict[int, dict[str, str | None]]:
    found: dict[int, dict[str, str | None]] = {}
    for var in session.scalars(select(DocumentVariable)):
        found.setdefault(var.document_id, {})[var.name] = var.value
    return found


def _versions(session: Session, version_ids: set[int]):  # type: ignore[no-untyped-def]
    texts = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text).where(
        DocumentVersion.id.in_(version_ids))).all()) if version_ids else {}
    turns: dict[int, _Turns] = {}
    for version_id, start, end, speaker_id, mark in session.execute(
            select(Segment.version_id, Segment.start, Segment.end, Segment.speaker_id,
                   Segment.time_mark).where(Segment.kind == "turn",
                                            Segment.version_id.in_(version_ids))
            .order_by(Segment.version_id, Segment.start)):
        held = turns.setdefault(version_id, _Turns([], []))
        held.starts.append(start)
        held.rows.append((start, end, speaker_id, mark))
    speakers = {s.id: _SpeakerRow(s.label, s.name, s.role, s.consent_named, s.pseudonym)
                for s in session.scalars(select(Speaker))}
    return texts, turns, speakers


@dataclass(frozen=True)
class _Turns:
    """A version's turns in text order: (start, end, speaker id, time mark), and the starts."""

    starts: list[int]
    rows: list[tuple[int, int, int | None, str | None]]


@dataclass(frozen=True)
class _SpeakerRow:
    label: str
    name: str | None
    role: str | None
    consent_named: bool
    pseudonym: str | None


def _turn_at(turns: _Turns | None, offset: int):  # type: ignore[no-untyped-def]
    if turns is None:
        return None
    index = bisect.bisect_right(turns.starts, offset) - 1
    if index >= 0:
        turn = turns.rows[index]
        if turn[0] <= offset < max(turn[1], turn[0] + 1):
            return turn
    return None


def _protected_names(session: Session) -> dict[str, str]:
    """Name part (of people who did not agree to be named) -> what replaces it."""
    protect: dict[str, str] = {}
    for speaker in session.scalars(select(Speaker).where(Speaker.name.is_not(None))):
        if speaker.consent_named:
            continue
        stand_in = f"[{speaker.pseudonym or speaker.role or 'Person'}]"
        for part in WORD.findall(speaker.name or ""):
            if len(part) >= 3:
                protect[part] = stand_in
    return protect


def _pseudonymise(text: str, protect: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    if not protect:
        return text, []
    found: list[tuple[str, str]] = []

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 3 or not word[0].isupper():
            return word
        for part, stand_in in protect.items():
            if word == part or (abs(len(word) - len(part)) <= 3
                                and fuzz.ratio(word, part) >= NAME_SCORE):
                found.append((word, stand_in))
                return stand_in
        return word

    return WORD.sub(replace, text), found


def _context(text: str, protect: dict[str, str]) -> str:
    return _pseudonymise(" ".join(TIME_MARK.sub(" ", text).split()), protect)[0]
