"""team: the login that owns each coder's rows, and the team's members

Revision ID: 0007_team
Revises: 0006_project_settings
Create Date: 2026-12-01

Nothing changes for a store without ``qualcode team init``: ``coders.login`` stays null and
``team_members`` empty. Roles, grants and row-level security are made by ``team init``, not
here (they name the database's own roles, which a migration cannot know in advance).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_team"
down_revision: str | None = "0006_project_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=63), nullable=True))
        batch_op.create_index(batch_op.f("ix_coders_login"), ["login"], unique=False)
    op.create_table(
        "team_members",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"],
                                name=op.f("fk_team_members_coder_id_coders"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_team_members")),
    )


def downgrade() -> None:
    op.drop_table("team_members")
    with op.batch_alter_table("coders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coders_login"))
        batch_op.drop_column("login")
