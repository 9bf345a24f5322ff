"""full-text index, sentence parents, coding anchor status

Revision ID: 0002_search_anchoring
Revises: 0001_initial
Create Date: 2026-11-24

The full-text index is dialect-specific: an FTS5 table on SQLite, a table of
tsvectors with GIN indexes on PostgreSQL. Both hold one row per speaker turn
of a document's current version: its lemmas and its surface words.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_search_anchoring"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anchor_status", sa.String(length=10), server_default="ok", nullable=False)
        )
        batch_op.create_check_constraint(
            "anchor_status", "anchor_status IN ('ok', 'fuzzy', 'unplaced')"
        )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_segments_parent_id_segments"), "segments", ["parent_id"], ["id"],
            ondelete="CASCADE",
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE search_index ("
            " segment_id INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,"
            " lemmas TSVECTOR NOT NULL, surface TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_index_lemmas ON search_index USING GIN (lemmas)")
        op.execute("CREATE INDEX ix_search_index_surface ON search_index USING GIN (surface)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "lemmas, surface, tokenize = 'unicode61 remove_diacritics 0')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE search_index")
    else:
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_segments_parent_id_segments", type_="foreignkey")
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_constraint("anchor_status", type_="check")
        batch_op.drop_column("anchor_status")
