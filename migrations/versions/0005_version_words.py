"""word count of each document version, counted at import

Revision ID: 0005_version_words
Revises: 0004_checks_without_in_lists
Create Date: 2026-11-24

Listing documents used to read every version's text to count its words. Existing versions
are counted here as qualcode counted them: words inside speaker turns, or in the whole text
when it has no turns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_version_words"
down_revision: str | None = "0004_checks_without_in_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("words", sa.Integer(), nullable=True))
    bind = op.get_bind()
    versions = sa.table("document_versions", sa.column("id"), sa.column("text"),
                        sa.column("words"))
    segments = sa.table("segments", sa.column("version_id"), sa.column("kind"),
                        sa.column("start"), sa.column("end"))
    turns: dict[int, list[tuple[int, int]]] = {}
    for version_id, start, end in bind.execute(
            sa.select(segments.c.version_id, segments.c.start, segments.c.end)
            .where(segments.c.kind == "turn")):
        turns.setdefault(version_id, []).append((start, end))
    for version_id, text in bind.execute(sa.select(versions.c.id, versions.c.text)).all():
        spans = turns.get(version_id)
        words = (sum(len(text[s:e].split()) for s, e in spans) if spans
                 else len(text.split()))
        bind.execute(versions.update().where(versions.c.id == version_id)
                     .values(words=words))


def downgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_column("words")
