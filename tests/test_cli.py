"""CLI conventions: help everywhere, JSON output, user errors as one sentence with exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import typer.main

from qualcode.cli.main import app
from tests.cli import assert_user_error, qualcode
from tests.conftest import CODEBOOK


def all_commands() -> dict[str, click.Command]:
    root = typer.main.get_command(app)
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, prefix: str) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            found[prefix] = command

    walk(root, "")
    return found


def test_every_command_has_help_text() -> None:
    for name, command in all_commands().items():
        assert (command.help or "").strip(), f"'qualcode {name}' has no help text"


def test_init_status_json(new_db: Callable[[str], str]) -> None:
    db = new_db("projekt.db")
    assert qualcode("init", "--codebook", str(CODEBOOK), db=db).code == 0
    result = qualcode("status", "--json", db=db)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["codes"] == 46
    assert data["documents"] == 0
    assert data["revision"]
    assert data["store"].endswith("projekt.db") if "://" not in db else data["store"] == db


def test_qualcode_db_env_selects_store(new_db: Callable[[str], str]) -> None:
    db = new_db("umgebung.db")
    result = qualcode("status", "--json", env={"QUALCODE_DB": db})
    assert result.code == 0, result.err
    assert Path(db).exists() if "://" not in db else json.loads(result.out)["store"] == db


def test_db_commands(new_db: Callable[[str], str]) -> None:
    db = new_db("q.db")
    upgraded = qualcode("db", "upgrade", db=db)
    assert upgraded.code == 0 and "Upgraded the store from empty" in upgraded.out
    assert "already at the newest revision" in qualcode("db", "upgrade", db=db).out
    from qualcode.store.migrate import known_revisions
    from qualcode.store.schema import HEAD

    assert qualcode("db", "current", db=db).out.strip() == HEAD
    lines = qualcode("db", "history", db=db).out.splitlines()
    assert len(lines) == len(known_revisions())
    assert lines[0].startswith("<base> -> 0001_initial")
    assert lines[-1].split(" -> ")[1].split()[0] == HEAD  # oldest first, the head last


def test_user_errors_are_one_sentence_exit_2(new_db: Callable[[str], str],
                                            tmp_path: Path) -> None:
    db = new_db("q.db")
    assert_user_error(qualcode("codebook", "load", str(tmp_path / "fehlt.yaml"), db=db),
                      "fehlt.yaml")
    assert_user_error(qualcode("codebook", "rename", "Gibt es nicht", "Neu", db=db),
                      "There is no code 'Gibt es nicht'")
    not_a_store = tmp_path / "bild.db"
    not_a_store.write_bytes(b"\x89PNG\r\n" + bytes(range(256)) * 20)
    assert_user_error(qualcode("status", db=str(not_a_store)), "bild.db")
    assert_user_error(qualcode("status", "--gibtsnicht", db=db), "--gibtsnicht")
