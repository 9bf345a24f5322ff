"""``qualcode db``: the store's schema revision and migrations."""

from __future__ import annotations

import typer

from qualcode.cli.context import echo, store_from

app = typer.Typer(help="Schema revision and migrations of the store.", no_args_is_help=True)


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
