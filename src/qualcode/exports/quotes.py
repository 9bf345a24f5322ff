"""Quote tables for reports: filtered codings with speaker, place, attribution and context.

A quote names a person only when that speaker agreed to be named; otherwise it names the role
and the document variables the project profile lists for anonymous attribution (for this
study: the kind of municipality and the Bundesland). Names of people who did not agree are
replaced in every text the table shows (quote, context, memo, document, speaker, code,
variables, attribution), in the forms ``exports.pseudonyms`` describes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import InvalidInput, NotFound
from qualcode.exports.pseudonyms import Pseudonyms, shared_pseudonyms
from qualcode.i18n import _
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
    """One name replaced: in the row of the quote at ``start`` of ``document`` (as shown).

    Cells that repeat from row to row (document, speaker, code, variables) are listed once, at
    the first row that shows them; the title of a file has document "" and start 0.
    """

    document: str
    start: int
    found: str
    replaced_by: str
    column: str = "quote"


@dataclass
class QuoteTable:
    quotes: list[Quote]
    replacements: list[Replacement]
    names: Pseudonyms = field(default_factory=lambda: Pseudonyms([], []))

    def pseudonymise_title(self, title: str) -> str:
        shown, found = self.names.apply(title)
        self.replacements += [Replacement("", 0, f, r, "title") for f, r in found]
        return shown or ""


def quote_table(store: Store, wanted: QuoteFilter, progress: Progress | None = None
                ) -> QuoteTable:
    with store.read() as session:
        profile = profile_in(session)
        paths = code_paths(session)
        code_ids = _code_ids(session, wanted, paths)
        variables = _variables(session)
        for name in wanted.variables:
            if not any(name in v for v in variables.values()):
                raise NotFound(_("No document has a variable {name!r}.").format(name=name))
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
                raise NotFound(_("There is no coder {name!r}.").format(name=missing[0]))
            query = query.where(Coder.name.in_(wanted.coders))
        if wanted.voices_only:
            query = query.where(Coding.is_voice.is_(True))
        rows = session.execute(query).all()
        texts, turns, speakers = _versions(session, {c.version_id for c, *_ in rows})
        names = speaker_pseudonyms(session)
    quotes: list[Quote] = []
    shown = _Shown(names)
    for coding, coder, doc_id, doc_name in counted(rows, len(rows), _("reading quotes"),
                                                   progress):
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
        full = texts[coding.version_id]
        document = shown.once(doc_name, doc_name, coding.start, "document")
        row = shown.row(document, coding.start)
        path = shown.once(paths[coding.code_id], doc_name, coding.start, "code")
        quotes.append(Quote(
            document, tuple((profile.label(n), shown.once(doc_vars.get(n), doc_name,
                                                          coding.start, f"variable {n}"))
                            for n in profile.quote_columns),
            shown.once(speaker.label, doc_name, coding.start, "speaker") if speaker else None,
            shown.once(role, doc_name, coding.start, "role"), turn[3] if turn else None,
            path.split("/", 1)[0], path, coder,
            row(text, "quote", _cut_words(full, coding.start, coding.end)),
            shown.once(attribution(speaker, doc_vars, profile.attribution), doc_name,
                       coding.start, "attribution"),
            row(_context(_words_before(full, coding.start, wanted.context)), "before",
                ("", _cut_words(full, coding.start, coding.start)[1])),
            row(_context(_words_after(full, coding.end, wanted.context)), "after",
                (_cut_words(full, coding.end, coding.end)[0], "")),
            row(coding.memo, "memo"), coding.start, coding.end))
    if not quotes:
        raise InvalidInput(_("No coding matches these filters; there is nothing to export."))
    return QuoteTable(quotes, shown.replacements, names)


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
    if name.split(maxsplit=1)[0] in prefixes | {"Kreis"}:  # not translated: place names are data
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


def consent_lists(session: Session) -> tuple[list[tuple[str, str]], list[str]]:
    """Who did not agree to be named, with what replaces them; and who agreed."""
    refusing, agreeing = [], []
    for speaker in session.scalars(select(Speaker).where(Speaker.name.is_not(None))
                                   .order_by(Speaker.id)):
        if speaker.consent_named:
            agreeing.append(speaker.name or "")
        else:
            stand_in = speaker.pseudonym or speaker.role or "Person"  # not translated: de = en
            refusing.append((speaker.name or "", f"[{stand_in}]"))
    return refusing, agreeing


def speaker_pseudonyms(session: Session) -> Pseudonyms:
    """Who did not agree to be named is replaced; who agreed stays named."""
    refusing, agreeing = consent_lists(session)
    return shared_pseudonyms(tuple(refusing), tuple(agreeing))


class _Shown:
    """Pseudonymised cells of one table and the list of what was replaced where."""

    def __init__(self, names: Pseudonyms) -> None:
        self.names = names
        self.replacements: list[Replacement] = []
        self._cells: dict[tuple[str, str | None], str | None] = {}

    def once(self, value: str | None, document: str, start: int, column: str) -> str | None:
        """A cell that repeats from row to row: pseudonymised and listed the first time."""
        key = (column.partition(" ")[0], value)
        if key not in self._cells:
            shown, found = self.names.apply(value)
            self._cells[key] = shown
            shown_document = self._cells.get(("document", document)) or document
            self.replacements += [Replacement(shown_document, start, f, r, column)
                                  for f, r in found]
        return self._cells[key]

    def row(self, document: str | None, start: int):  # type: ignore[no-untyped-def]
        def cell(value: str | None, column: str, cut: tuple[str, str] = ("", "")) -> str | None:
            """``cut``: the rest of words the cell cuts, so that whole words are judged."""
            left, right = cut
            shown, found = self.names.apply(left + value + right if value else value)
            if shown and left and shown.startswith(left):
                shown = shown[len(left):]
            if shown and right and shown.endswith(right):
                shown = shown[:-len(right)]
            self.replacements += [Replacement(document or "", start, f, r, column)
                                  for f, r in found]
            return shown
        return cell


def _words_before(text: str, end: int, count: int) -> str:
    """Up to ``count`` characters before ``end``, without a word cut at the far edge."""
    start = max(0, end - count)
    if 0 < start < end and _in_word(text[start - 1]):
        while start < end and _in_word(text[start]):
            start += 1
    start = min(max(start, _mark_around(text, start)[1]), end)
    return text[start:end]


def _words_after(text: str, start: int, count: int) -> str:
    """Up to ``count`` characters from ``start``, without a word cut at the far edge."""
    end = min(len(text), start + count)
    if start < end < len(text) and _in_word(text[end]):
        while end > start and _in_word(text[end - 1]):
            end -= 1
    end = max(min(end, _mark_around(text, end)[0]), start)
    return text[start:end]


def _mark_around(text: str, offset: int) -> tuple[int, int]:
    """The time mark that ``offset`` cuts, as [start, end); else (offset, offset).

    A context cut inside a mark would show a piece of it that ``_context`` cannot recognise.
    """
    window = text[max(0, offset - MARK_LENGTH):offset + MARK_LENGTH]
    shift = max(0, offset - MARK_LENGTH)
    for mark in TIME_MARK.finditer(window):
        if shift + mark.start() < offset < shift + mark.end():
            return shift + mark.start(), shift + mark.end()
    return offset, offset


MARK_LENGTH = 20  # longer than any time mark ("#00:00:00-000#")


def _cut_words(text: str, start: int, end: int) -> tuple[str, str]:
    """What lies outside [start, end) of the words its edges cut: "D" of "D|anke"."""
    left, right = start, end
    if start < len(text) and _in_word(text[start]):
        while left > 0 and _in_word(text[left - 1]):
            left -= 1
    if end > 0 and _in_word(text[end - 1]):
        while right < len(text) and _in_word(text[right]):
            right += 1
    return text[left:start], text[end:right]


def _in_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _context(text: str) -> str:
    return " ".join(TIME_MARK.sub(" ", text).split())
