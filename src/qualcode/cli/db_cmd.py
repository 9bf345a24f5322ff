"""``qualcode db``: the store's schema revision, migrations and backups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, progress_line, store_from
from qualcode.i18n import N_, _, ngettext

app = typer.Typer(help=N_("Schema revision, migrations and backups of the store."),
                  no_args_is_help=True)


@app.command(help=N_("Upgrade the store to the newest schema (SQLite stores are backed up "
                     "first)."))
def upgrade(ctx: typer.Context) -> None:
    from qualcode.store.store import upgrade_store

    result = upgrade_store(ctx.find_root().obj.get("db"))
    if result.before == result.after:
        echo(_("The store is already at the newest revision, {revision}.").format(
            revision=result.after))
        return
    echo(_("Upgraded the store from {before} to {after}.").format(
        before=result.before or _("empty"), after=result.after))
    if result.backup:
        echo(_("Backup of the old store: {path}").format(path=result.backup))


@app.command(help=N_("Print the store's schema revision."))
def current(ctx: typer.Context) -> None:
    echo(str(store_from(ctx).revision()))


@app.command(help=N_("List all schema revisions, oldest first."))
def history() -> None:
    from qualcode.store.migrate import history as revisions

    for revision, down, message in revisions():
        echo(f"{down or '<base>'} -> {revision}  {message.strip()}")


@app.command(help=N_("Copy an SQLite store to FILE, consistently even while others code in "
                     "it."))
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("The backup file to write."))],
    force: Annotated[bool, typer.Option("--force", help=N_("Replace an existing file."))] = False,
) -> None:
    from qualcode.store.backup import backup_store

    with progress_line() as progress:
        done = backup_store(ctx.find_root().obj.get("db"), file, force=force, progress=progress)
    echo(ngettext("Backed up the store to {path} ({size} byte).",
                  "Backed up the store to {path} ({size} bytes).", done.size).format(
        path=done.target, size=done.size))
