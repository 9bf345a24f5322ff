"""``qualcode db``: the store's schema revision, migrations and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, progress_line, store_from

app = typer.Typer(help="Schema revision, migrations and backups of the store.",
                  no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the store to the newest schema (SQLite stores are backed up first)."""
    from qualcode.store.store import upgrade_store

    result = upgrade_store(ctx.find_root().obj.get("db"))
    if result.before == result.after:
        echo(f"The store is already at the newest revision, {result.after}.")
        return
    echo(f"Upgraded the store from {result.before or 'empty'} to {result.after}.")
    if result.backup:
        echo(f"Backup of the old store: {result.backup}")


@app.command()
def current(ctx: typer.Context) -> None:
    """Print the store's schema revision."""
    echo(str(store_from(ctx).revision()))


@app.command()
def history() -> None:
    """List all schema revisions, oldest first."""
    from qualcode.store.migrate import history as revisions

    for revision, down, message in revisions():
        echo(f"{down or '<base>'} -> {revision}  {message.strip()}")


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Copy an SQLite store to FILE, consistently even while others code in it."""
    from qualcode.store.backup import backup_store

    with progress_line() as progress:
        done = backup_store(ctx.find_root().obj.get("db"), file, force=force, progress=progress)
    echo(f"Backed up the store to {done.target} ({done.size:,} bytes).")
