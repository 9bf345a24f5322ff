"""lexicon of corpus words and their lemmas

Revision ID: 0003_lexicon
Revises: 0002_search_anchoring
Create Date: 2026-11-24

Stores upgraded from 0002 start with an empty lexicon; search then falls back to
the lemmatizer for every word (same results, more memory) until documents are
imported again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_lexicon"
down_revision: str | None = "0002_search_anchoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lexicon",
        sa.Column("word", sa.String(length=200), nullable=False),
        sa.Column("lemma", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_lexicon")),
    )
    with op.batch_alter_table("lexicon", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lexicon_lemma"), ["lemma"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lexicon", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lexicon_lemma"))
    op.drop_table("lexicon")
