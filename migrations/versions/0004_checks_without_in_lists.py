"""CHECK constraints written as ORs instead of IN lists

Revision ID: 0004_checks_without_in_lists
Revises: 0003_lexicon
Create Date: 2026-11-24

SQLite builds an ephemeral table for an IN list each time a statement runs, so the IN-list
CHECK on codings.anchor_status cost 3 s per million inserted codings. The four such checks
now say the same with ORs. On SQLite each table is rebuilt (batch mode); rows keep their ids.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_checks_without_in_lists"
down_revision: str | None = "0003_lexicon"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (constraint name without its ck_<table>_ prefix, column, allowed values)
CHECKS = {
    "document_variables": ("type", "value_type", ("text", "integer", "float", "date", "boolean")),
    "segments": ("kind", "kind", ("turn", "sentence")),
    "codings": ("anchor_status", "anchor_status", ("ok", "fuzzy", "unplaced")),
    "memos": ("target", "target", ("project", "document", "code", "coding")),
}


def _ors(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace(writer) -> None:  # type: ignore[no-untyped-def]
    for table, (name, column, values) in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint(name, writer(column, values))


def upgrade() -> None:
    _replace(_ors)


def downgrade() -> None:
    _replace(_in_list)
