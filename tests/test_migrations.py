"""Migrations: the code's head constant, schema equals models, upgrades keep data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from qualcode.models import Base
from qualcode.store import Store, open_store
from qualcode.store.engine import make_engine
from qualcode.store.migrate import alembic_config, upgrade_to_head
from qualcode.store.schema import HEAD


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_head_constant_matches_alembic_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD]


def test_migrated_schema_equals_models(store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _models_only})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def _models_only(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name.startswith("search_"))


def _fill_first_revision(path: Path) -> None:
    """Data written in the shape of the first revision, with raw SQL."""
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            INSERT INTO documents (id, name, created_at)
                VALUES (1, 'Fokusgruppe Talbrück', '2024-03-01');
            INSERT INTO document_versions (id, document_id, number, text, sha256, imported_at)
                VALUES (1, 1, 1, 'Moderation: Wie läuft die Vernetzung? 🙂', 'x', '2024-03-01');
            INSERT INTO coders (id, name, created_at) VALUES (1, 'jördis', '2024-03-01');
            INSERT INTO codes (id, name, position, created_at)
                VALUES (1, 'Vernetzung', 0, '2024-03-01');
            INSERT INTO codings (id, version_id, code_id, coder_id, start, "end", text, is_voice,
                                 created_at, modified_at)
                VALUES (1, 1, 1, 1, 12, 37, 'Wie läuft die Vernetzung?', 0,
                        '2024-03-01', '2024-03-01');
        """)


def test_store_with_data_at_first_revision_upgrades_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "alt.db"
    first = _revisions()[0]
    _store_at(path, first)
    _fill_first_revision(path)

    store = open_store(str(path))
    try:
        assert store.revision() == HEAD
        with store.read() as session:
            from sqlalchemy import text

            row = session.execute(text('SELECT start, "end", text FROM codings')).one()
        assert tuple(row) == (12, 37, "Wie läuft die Vernetzung?")
    finally:
        store.close()
    backups = list(tmp_path.glob("alt.db.bak-*"))
    if first != HEAD:
        assert len(backups) == 1
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (first,)


def _store_at(path: Path, revision: str) -> None:
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


TABLES = ("documents", "document_versions", "document_variables", "segments", "codes",
          "coders", "codings", "memos")


def _rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}


def test_checks_without_in_lists_keep_data_indexes_and_rules(tmp_path: Path) -> None:
    path = tmp_path / "0003.db"
    _store_at(path, "0003_lexicon")
    _fill_first_revision(path)
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            INSERT INTO document_variables (id, document_id, name, value, value_type)
                VALUES (1, 1, 'Bundesland', 'Sachsen', 'text');
            INSERT INTO segments (id, version_id, kind, position, start, "end", parent_id)
                VALUES (1, 1, 'turn', 0, 0, 41, NULL), (2, 1, 'sentence', 0, 12, 37, 1);
            UPDATE codings SET anchor_status = 'fuzzy';
            INSERT INTO memos (id, target, target_id, coder_id, text, created_at, modified_at)
                VALUES (1, 'coding', 1, 1, 'Übergang „Vernetzung“', '2024-03-01',
                        '2024-03-01');
        """)
    before = _rows(path)
    url = f"sqlite:///{path}"
    store = Store(url=url, engine=make_engine(url))
    upgrade_to_head(store, "0004_checks_without_in_lists")
    store.close()
    assert _rows(path) == before
    fresh = tmp_path / "neu.db"
    open_store(str(fresh)).close()
    with sqlite3.connect(path) as old, sqlite3.connect(fresh) as new:
        def schema(conn: sqlite3.Connection) -> set[tuple]:
            return set(conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE "
                                    "'sqlite_%' AND name NOT LIKE 'search_fts%'"))

        later = {("table", "project_settings"),  # added by 0006, 0007, 0009: after the
                 ("table", "team_members"), ("index", "ix_coders_login"),  # revision tested
                 ("table", "suggestion_models"), ("table", "suggestion_dismissals"),
                 ("table", "privacy_stop_names"), ("table", "privacy_quiet_passages"),
                 ("index", "ix_suggestion_models_coder_id"),  # and 0010
                 ("index", "ix_privacy_stop_names_coder_id"),
                 ("index", "ix_privacy_quiet_passages_coder_id")}
        assert schema(old) == schema(new) - later
        tables = " ".join(sql for (sql,) in old.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table'") if sql)
        assert " IN (" not in tables and "anchor_status = 'unplaced'" in tables
        old.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            old.execute("UPDATE codings SET anchor_status = 'verloren'")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            old.execute("UPDATE segments SET kind = 'absatz'")


def test_word_counts_are_filled_for_existing_versions(tmp_path: Path) -> None:
    from qualcode.services.documents import list_documents

    path = tmp_path / "0004.db"
    _store_at(path, "0004_checks_without_in_lists")
    _fill_first_revision(path)  # 'Moderation: Wie läuft die Vernetzung? 🙂'
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            INSERT INTO segments (id, version_id, kind, position, start, "end")
                VALUES (1, 1, 'turn', 0, 12, 41);
            INSERT INTO documents (id, name, created_at) VALUES (2, 'Notiz', '2024-03-02');
            INSERT INTO document_versions (id, document_id, number, text, sha256, imported_at)
                VALUES (2, 2, 1, 'Ohne Sprecher: vier Wörter hier', 'y', '2024-03-02');
        """)
    store = open_store(str(path))
    try:
        words = {d.name: d.words for d in list_documents(store)}
    finally:
        store.close()
    # the turn holds "Wie läuft die Vernetzung? 🙂": five words; the note has no turns
    assert words == {"Fokusgruppe Talbrück": 5, "Notiz": 5}
