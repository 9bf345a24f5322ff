"""Running a search: matching turns from the full-text index, then hits and context in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, column, exists, func, literal_column, not_, or_, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from qualcode.errors import NotFound
from qualcode.i18n import _
from qualcode.models import Document, DocumentVariable, DocumentVersion, Segment, Speaker
from qualcode.search.lexicon import Lexicon, ensure_lexicon
from qualcode.search.query import And, Node, Not, Or, Phrase, Prefix, Term, parse_query
from qualcode.search.query import positive_leaves as leaves
from qualcode.store import Store

WORD = re.compile(r"\w+")
CONTEXT = 60
DEFAULT_LIMIT = 200
# The dialect-specific index tables live in the migrations, not in the models.
SEARCH_INDEX = table("search_index", column("segment_id"), column("lemmas"), column("surface"))
SEARCH_FTS = table("search_fts", column("rowid"))


@dataclass(frozen=True)
class Filters:
    variables: dict[str, list[str]] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    document: str
    document_id: int
    version_id: int
    turn: int
    turn_id: int
    speaker: str | None
    role: str | None
    time_mark: str | None
    start: int
    end: int
    text: str
    left: str
    right: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    turns: int
    hits: list[Hit]
    truncated: bool


def search(store: Store, query: str, filters: Filters | None = None, *,
           limit: int | None = DEFAULT_LIMIT) -> SearchResult:
    """Hits for ``query``; hits are read from the first ``limit`` matching turns (None: all)."""
    ensure_lexicon(store)
    with store.read() as session:
        lexicon = Lexicon(session, store.url)
        node = parse_query(query)
        statement = turns_statement(session, node, filters or Filters(), lexicon)
        if limit is None:
            shown = list(session.execute(statement))
            total = len(shown)
        else:  # the database counts; only the turns shown travel
            shown = list(session.execute(statement.limit(limit)))
            total = len(shown) if len(shown) < limit else session.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())) or 0
        texts = turn_texts(session, shown)
        hits = [hit for row in shown
                for hit in hits_in_turn(row, texts[row.id], node, lexicon)]
        return SearchResult(query, total, hits, len(shown) < total)


def turn_texts(session: Session, rows: list) -> dict[int, str]:  # type: ignore[type-arg]
    """Each turn's text, sliced from its version's text in Python.

    (SQL substr would walk the UTF-8 text from its start once for every turn.)
    """
    versions = {row.version_id for row in rows}
    if not versions:
        return {}
    full = dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)
                                .where(DocumentVersion.id.in_(versions))).all())
    return {row.id: full[row.version_id][row.start:row.end] for row in rows}


def matching_turns(session: Session, node: Node, filters: Filters,  # type: ignore[type-arg]
                   lexicon: Lexicon) -> list:
    return list(session.execute(turns_statement(session, node, filters, lexicon)))


def turns_statement(session: Session, node: Node, filters: Filters, lexicon: Lexicon):  # type: ignore[no-untyped-def]
    """The turns the query matches, in document and turn order."""
    statement = (
        select(Segment.id, Segment.position, Segment.start, Segment.end, Segment.time_mark,
               Segment.version_id, Document.id.label("document_id"), Document.name,
               Speaker.label, Speaker.role)
        .join(DocumentVersion, DocumentVersion.id == Segment.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .outerjoin(Speaker, Speaker.id == Segment.speaker_id)
        .where(Segment.kind == "turn")
        .order_by(Document.name, Segment.position)
    )
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        statement = statement.join(SEARCH_INDEX, SEARCH_INDEX.c.segment_id == Segment.id)
    statement = statement.where(_compile(node, postgres, lexicon))
    return _apply_filters(session, statement, filters)


def _compile(node: Node, postgres: bool, lexicon: Lexicon) -> ColumnElement[bool]:
    if isinstance(node, And):
        return and_(*(_compile(p, postgres, lexicon) for p in node.parts))
    if isinstance(node, Or):
        return or_(*(_compile(p, postgres, lexicon) for p in node.parts))
    if isinstance(node, Not):
        return not_(_compile(node.part, postgres, lexicon))
    term_lemma = lexicon.of_query_word(node.word) if isinstance(node, Term) else ""
    return _leaf_postgres(node, term_lemma) if postgres else _leaf_sqlite(node, term_lemma)


def _leaf_sqlite(node: Term | Prefix | Phrase, term_lemma: str) -> ColumnElement[bool]:
    if isinstance(node, Term):
        match = f'lemmas : "{_fts_quote(term_lemma)}"'
    elif isinstance(node, Prefix):
        match = f'surface : "{_fts_quote(node.prefix)}" *'
    else:
        match = f'surface : "{_fts_quote(" ".join(node.words))}"'
    matching = select(SEARCH_FTS.c.rowid).where(literal_column("search_fts").op("MATCH")(match))
    return Segment.id.in_(matching)


def _leaf_postgres(node: Term | Prefix | Phrase, term_lemma: str) -> ColumnElement[bool]:
    lemmas, surface = SEARCH_INDEX.c.lemmas, SEARCH_INDEX.c.surface
    if isinstance(node, Term):
        return lemmas.op("@@")(func.plainto_tsquery("simple", term_lemma))
    if isinstance(node, Prefix):
        return surface.op("@@")(func.to_tsquery("simple", "".join(WORD.findall(node.prefix))
                                                + ":*"))
    return surface.op("@@")(func.phraseto_tsquery("simple", " ".join(node.words)))


def _fts_quote(value: str) -> str:
    return value.replace('"', '""')


def _apply_filters(session: Session, statement, filters: Filters):  # type: ignore[no-untyped-def]
    for name, values in filters.variables.items():
        known = session.scalar(select(DocumentVariable.id).where(DocumentVariable.name == name))
        if known is None:
            raise NotFound(_("No document has a variable {name!r}.").format(name=name))
        statement = statement.where(exists().where(
            DocumentVariable.document_id == Document.id, DocumentVariable.name == name,
            DocumentVariable.value.in_(values)))
    if filters.roles:
        statement = statement.where(or_(*(func.lower(Speaker.role).contains(r.lower())
                                          for r in filters.roles)))
    if filters.documents:
        statement = statement.where(Document.name.in_(filters.documents))
    return statement


def hits_in_turn(row, text: str, node: Node,  # type: ignore[no-untyped-def]
                 lexicon: Lexicon) -> list[Hit]:
    spans = sorted(set(hit_spans(text, node, lexicon)))
    return [Hit(row.name, row.document_id, row.version_id, row.position, row.id, row.label,
                row.role, row.time_mark, row.start + s, row.start + e, text[s:e],
                text[max(0, s - CONTEXT):s].replace("\n", " "),
                text[e:e + CONTEXT].replace("\n", " "))
            for s, e in spans]


def hit_spans(turn_text: str, node: Node, lexicon: Lexicon) -> list[tuple[int, int]]:
    """[start, end) of each word or phrase of the query in one turn's text."""
    positive = leaves(node)
    if not positive:  # a query of NOTs only: the whole turn is the hit
        return [(0, len(turn_text))]
    found: list[tuple[int, int]] = []
    terms = {lexicon.of_query_word(leaf.word) for leaf in positive if isinstance(leaf, Term)}
    prefixes = tuple(leaf.prefix for leaf in positive if isinstance(leaf, Prefix))
    phrases = [leaf for leaf in positive if isinstance(leaf, Phrase)]
    if terms or prefixes:
        for m in WORD.finditer(turn_text):
            word = m.group()
            if lexicon.of_text_word(word) in terms or (
                    prefixes and word.lower().startswith(prefixes)):
                found.append(m.span())
    if phrases:
        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(turn_text)]
    for leaf in phrases:
            n = len(leaf.words)
            lowered = [w.lower() for _, _, w in words]
            found += [(words[i][0], words[i + n - 1][1]) for i in range(len(words) - n + 1)
                      if tuple(lowered[i:i + n]) == leaf.words]
    return found
