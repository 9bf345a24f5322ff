"""suggestions: trained suggestion models and dismissed suggestions

Revision ID: 0009_suggestions
Revises: 0008_anchor_examples
Create Date: 2026-12-01

A model is versioned by a fingerprint of the codings it was trained on (stale when they
change); a dismissal is remembered per coder, code and unit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_suggestions"
down_revision: str | None = "0008_anchor_examples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("coders", sa.Text(), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("codings_version", sa.String(length=64), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_models")),
    )
    op.create_table(
        "suggestion_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], ondelete="CASCADE",
                                name=op.f("fk_suggestion_dismissals_coder_id_coders")),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], ondelete="CASCADE",
                                name=op.f("fk_suggestion_dismissals_code_id_codes")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["document_versions.id"], ondelete="CASCADE",
            name=op.f("fk_suggestion_dismissals_version_id_document_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissals")),
        sa.UniqueConstraint("coder_id", "code_id", "version_id", "start", "end",
                            name=op.f("uq_suggestion_dismissals_coder_id_code_id_version_id_start_end")),
    )


def downgrade() -> None:
    op.drop_table("suggestion_dismissals")
    op.drop_table("suggestion_models")
