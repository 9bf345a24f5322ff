"""Writing the full-text index: one row per speaker turn of a current version.

SQLite: the FTS5 table ``search_fts`` (rowid = the turn's segment id).
PostgreSQL: ``search_index`` with tsvectors of the 'simple' configuration, so
that the lemmas we computed are indexed as they are, without a second stemming.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from qualcode.transcripts.turns import TIME_MARK


@dataclass(frozen=True)
class IndexRow:
    segment_id: int
    lemmas: str
    surface: str


def surface_words(turn_text: str) -> str:
    """The turn's words as the index sees them: lower case, time marks removed."""
    return TIME_MARK.sub(" ", turn_text).lower()


def add_rows(session: Session, rows: list[IndexRow]) -> None:
    if not rows:
        return
    params = [{"id": r.segment_id, "lemmas": r.lemmas, "surface": r.surface} for r in rows]
    if _is_postgres(session):
        session.execute(text(
            "INSERT INTO search_index (segment_id, lemmas, surface) VALUES "
            "(:id, to_tsvector('simple', :lemmas), to_tsvector('simple', :surface))"), params)
    else:
        session.execute(text(
            "INSERT INTO search_fts (rowid, lemmas, surface) VALUES (:id, :lemmas, :surface)"),
            params)


def remove_segments(session: Session, segment_ids: list[int]) -> None:
    if not segment_ids:
        return
    if _is_postgres(session):
        statement = text("DELETE FROM search_index WHERE segment_id IN :ids")
    else:
        statement = text("DELETE FROM search_fts WHERE rowid IN :ids")
    session.execute(statement.bindparams(bindparam("ids", expanding=True)), {"ids": segment_ids})


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
