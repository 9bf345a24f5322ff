"""Autocoding: one code on every search hit, its sentence or its turn, as one undoable batch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, select

from qualcode.models import AuditEntry, Coding, Segment
from qualcode.search.engine import Filters, hits_in_turn, matching_turns, turn_texts
from qualcode.search.lexicon import Lexicon, ensure_lexicon
from qualcode.search.query import parse_query
from qualcode.store import Store, audit
from qualcode.store.lookup import code_path, find_code, find_coder

CHUNK = 5_000


class Scope(StrEnum):
    hit = "hit"
    sentence = "sentence"
    turn = "turn"


@dataclass(frozen=True)
class Autocoded:
    code: str
    coder: str
    scope: str
    hits: int
    ranges: int
    created: int
    already_coded: int
    batch: str | None


def autocode(store: Store, query: str, *, code: str, coder: str, scope: Scope = Scope.hit,
             filters: Filters | None = None, dry_run: bool = False) -> Autocoded:
    """Code every hit (or its sentence or turn); ranges the coder already has are skipped."""
    node = parse_query(query)
    ensure_lexicon(store)
    with store.write() as session:
        code_row = find_code(session, code)
        coder_row = find_coder(session, coder, create=True)
        lexicon = Lexicon(session, store.url)
        rows = matching_turns(session, node, filters or Filters(), lexicon)
        texts = turn_texts(session, rows)
        hits = [hit for row in rows for hit in hits_in_turn(row, texts[row.id], node, lexicon)]
        ranges = _ranges(session, hits, scope)
        existing = set(session.execute(
            select(Coding.version_id, Coding.start, Coding.end).where(
                Coding.code_id == code_row.id, Coding.coder_id == coder_row.id)))
        new = sorted(ranges - existing)
        batch = None
        if not dry_run and new:
            batch = audit.new_batch()
            texts = _version_texts(session, {v for v, _, _ in new})
            _insert_batch(session, [
                {"version_id": version_id, "code_id": code_row.id, "coder_id": coder_row.id,
                 "start": start, "end": end, "text": texts[version_id][start:end],
                 "memo": f"autocode: {query}"} for version_id, start, end in new],
                actor=coder, batch=batch)
        result = Autocoded(code_path(session, code_row), coder, scope.value, len(hits),
                           len(ranges), len(new), len(ranges) - len(new), batch)
        if dry_run:
            session.rollback()
        return result


def _insert_batch(session, values: list[dict], *, actor: str, batch: str) -> None:  # type: ignore[no-untyped-def]
    """Insert the codings set-wise (one statement per chunk, not one flush per row), then log
    each as it was stored, in the same order."""
    for first in range(0, len(values), CHUNK):
        chunk = values[first:first + CHUNK]
        ids = session.scalars(insert(Coding).returning(Coding.id, sort_by_parameter_order=True),
                              chunk).all()
        stored = {c.id: c for c in session.scalars(select(Coding).where(Coding.id.in_(ids)))}
        session.execute(insert(AuditEntry), [
            {"actor": actor, "action": "autocode", "entity": "codings", "entity_id": i,
             "batch": batch, "before": None,
             "after": json.dumps(audit.snapshot(stored[i]), ensure_ascii=False)} for i in ids])


def _ranges(session, hits, scope: Scope) -> set[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    if scope is Scope.hit:
        return {(h.version_id, h.start, h.end) for h in hits}
    if scope is Scope.turn:
        turns = {h.turn_id for h in hits}
        return set(session.execute(select(Segment.version_id, Segment.start, Segment.end)
                                   .where(Segment.id.in_(turns)))) if turns else set()
    found = set()
    by_turn: dict[int, list] = {}
    for hit in hits:
        by_turn.setdefault(hit.turn_id, []).append(hit)
    for turn_id, turn_hits in by_turn.items():
        sentences = session.execute(select(Segment.version_id, Segment.start, Segment.end).where(
            Segment.parent_id == turn_id)).all()
        for hit in turn_hits:
            found |= {s for s in sentences if s[1] < hit.end and hit.start < s[2]}
    return found


def _version_texts(session, version_ids: set[int]) -> dict[int, str]:  # type: ignore[no-untyped-def]
    from qualcode.models import DocumentVersion

    return dict(session.execute(select(DocumentVersion.id, DocumentVersion.text)
                                .where(DocumentVersion.id.in_(version_ids))).all())
