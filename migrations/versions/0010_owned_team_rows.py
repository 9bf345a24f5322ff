"""owned team rows: suggestion models, stop-list names and "not identifying" marks per coder

Revision ID: 0010_owned_team_rows
Revises: 0009_suggestions
Create Date: 2026-12-01

- ``suggestion_models.coder_id``: the coder who trained the model. Existing models become the
  project's model (null): trained before models had owners, usable by everyone as before.
- ``privacy_stop_names`` and ``privacy_quiet_passages`` take the stop list and the passages
  marked "not identifying" out of ``project_settings`` (key "privacy"), which only leads may
  write on a team store; moved rows have no owner (null), only a lead removes them.
- A store that has had ``team init`` (PostgreSQL) gets the rules for the new rows at once:
  ``team init`` runs again (it is idempotent).
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_owned_team_rows"
down_revision: str | None = "0009_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETTINGS_KEY = "privacy"
MOVED = ("stop_list", "not_identifying")


def upgrade() -> None:
    with op.batch_alter_table("suggestion_models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coder_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_suggestion_models_coder_id"), ["coder_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_suggestion_models_coder_id_coders"),
                                    "coders", ["coder_id"], ["id"], ondelete="CASCADE")
    stop_names = op.create_table(
        "privacy_stop_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], ondelete="SET NULL",
                                name=op.f("fk_privacy_stop_names_coder_id_coders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_stop_names")),
        sa.UniqueConstraint("name", name=op.f("uq_privacy_stop_names_name")),
    )
    op.create_index(op.f("ix_privacy_stop_names_coder_id"), "privacy_stop_names",
                    ["coder_id"], unique=False)
    quiet = op.create_table(
        "privacy_quiet_passages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("passage", sa.String(length=64), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name=op.f("fk_privacy_quiet_passages_document_id_documents")),
        sa.ForeignKeyConstraint(["coder_id"], ["coders.id"], ondelete="SET NULL",
                                name=op.f("fk_privacy_quiet_passages_coder_id_coders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_quiet_passages")),
        sa.UniqueConstraint("document_id", "passage",
                            name=op.f("uq_privacy_quiet_passages_document_id_passage")),
    )
    op.create_index(op.f("ix_privacy_quiet_passages_coder_id"), "privacy_quiet_passages",
                    ["coder_id"], unique=False)
    _move_settings(stop_names, quiet)
    _renew_team_rules()


def _move_settings(stop_names: sa.Table, quiet: sa.Table) -> None:
    conn = op.get_bind()
    row = conn.execute(sa.text("SELECT value, updated_at FROM project_settings WHERE key = :k"),
                       {"k": SETTINGS_KEY}).first()
    if row is None:
        return
    data = json.loads(row.value)
    when = _moment(row.updated_at)
    names: dict[str, str] = {}
    for name in data.get("stop_list", []):
        names.setdefault(name.casefold(), name)  # the table holds each name once
    if names:
        op.bulk_insert(stop_names, [{"name": n, "coder_id": None, "created_at": when}
                                    for n in names.values()])
    documents = dict(conn.execute(sa.text("SELECT name, id FROM documents")).all())
    marks = {(documents[m["document"]], m["passage"]) for m in data.get("not_identifying", [])
             if m.get("document") in documents}  # marks of erased documents are gone
    if marks:
        op.bulk_insert(quiet, [{"document_id": d, "passage": p, "coder_id": None,
                                "created_at": when} for d, p in sorted(marks)])
    _write_settings(conn, {k: v for k, v in data.items() if k not in MOVED})


def _moment(value: object) -> datetime:
    """The settings' time as a datetime (SQLite hands back text)."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)


def _write_settings(conn: sa.Connection, data: dict) -> None:
    if data:
        conn.execute(sa.text("UPDATE project_settings SET value = :v WHERE key = :k"),
                     {"v": json.dumps(data, ensure_ascii=False, sort_keys=True),
                      "k": SETTINGS_KEY})
    else:
        conn.execute(sa.text("DELETE FROM project_settings WHERE key = :k"), {"k": SETTINGS_KEY})


def _renew_team_rules() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    team = conn.execute(sa.text("SELECT coalesce((SELECT relrowsecurity FROM pg_class "
                                "WHERE oid = to_regclass('codings')), false)")).scalar()
    if not team:
        return
    from qualcode.store.team import init_team

    with conn.connection.driver_connection.cursor() as cursor:
        init_team(cursor)


def downgrade() -> None:
    conn = op.get_bind()
    names = [n for (n,) in conn.execute(sa.text(
        "SELECT name FROM privacy_stop_names ORDER BY id"))]
    marks = [{"document": d, "passage": p} for d, p in conn.execute(sa.text(
        "SELECT d.name, q.passage FROM privacy_quiet_passages q "
        "JOIN documents d ON d.id = q.document_id ORDER BY q.id"))]
    row = conn.execute(sa.text("SELECT value FROM project_settings WHERE key = :k"),
                       {"k": SETTINGS_KEY}).first()
    data = {**(json.loads(row.value) if row else {}), "stop_list": names,
            "not_identifying": marks}
    if row is None:
        conn.execute(sa.text("INSERT INTO project_settings (key, value, updated_at) "
                             "VALUES (:k, '{}', :t)"), {"k": SETTINGS_KEY,
                                                       "t": datetime.now(UTC)})
    _write_settings(conn, data)
    if conn.dialect.name == "postgresql":  # a team store's policies name the column
        for policy in ("qualcode_read", "qualcode_own", "qualcode_review", "qualcode_lead"):
            conn.execute(sa.text(f"DROP POLICY IF EXISTS {policy} ON suggestion_models"))
        conn.execute(sa.text("ALTER TABLE suggestion_models DISABLE ROW LEVEL SECURITY"))
    op.drop_index(op.f("ix_privacy_quiet_passages_coder_id"), table_name="privacy_quiet_passages")
    op.drop_table("privacy_quiet_passages")
    op.drop_index(op.f("ix_privacy_stop_names_coder_id"), table_name="privacy_stop_names")
    op.drop_table("privacy_stop_names")
    with op.batch_alter_table("suggestion_models", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_suggestion_models_coder_id_coders"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_suggestion_models_coder_id"))
        batch_op.drop_column("coder_id")
