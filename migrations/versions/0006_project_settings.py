"""project settings: the project profile and other per-project values

Revision ID: 0006_project_settings
Revises: 0005_version_words
Create Date: 2026-12-01

A store without a profile behaves as before (the study's default profile); ``qualcode
profile load`` or ``qualcode init --profile`` stores one here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_project_settings"
down_revision: str | None = "0005_version_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_project_settings")),
    )


def downgrade() -> None:
    op.drop_table("project_settings")
