"""What every command shares: the store option, output helpers, error reporting."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

import typer

from qualcode.store import Store, open_store


def store_from(ctx: typer.Context) -> Store:
    """Open the store chosen with --db / QUALCODE_DB; it is closed when the command ends."""
    root = ctx.find_root()
    store = open_store(root.obj.get("db") if root.obj else None)
    root.call_on_close(store.close)
    return store


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def echo(message: str = "") -> None:
    typer.echo(message)


def note(message: str) -> None:
    """Progress or side information: to stderr, so stdout stays clean for data."""
    typer.echo(message, err=True)
