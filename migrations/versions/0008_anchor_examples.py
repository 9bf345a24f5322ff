"""anchor examples: a coder marks a coding as an anchor example of its code

Revision ID: 0008_anchor_examples
Revises: 0007_team
Create Date: 2026-12-01

Existing codings are not anchor examples (false); the Kodierleitfaden shows marked ones.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_anchor_examples"
down_revision: str | None = "0007_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_anchor", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_column("is_anchor")
