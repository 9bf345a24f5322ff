"""The ``qualcode`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import codebook_cmd, db_cmd
from qualcode.cli.context import echo, print_json, store_from
from qualcode.errors import QualcodeError, UserError

app = typer.Typer(
    name="qualcode",
    help="Qualitative coding of interview and focus-group transcripts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(codebook_cmd.app, name="codebook")


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="QUALCODE_DB",
        help="The store: an SQLite file path (default ./qualcode.db) or an SQLAlchemy URL "
             "such as postgresql+psycopg://user@host/qualcode.")] = None,
) -> None:
    """Qualitative coding of interview and focus-group transcripts."""
    ctx.obj = {"db": db}


@app.command()
def init(
    ctx: typer.Context,
    codebook: Annotated[Path | None, typer.Option(
        help="Load this codebook into the new store.", exists=False)] = None,
) -> None:
    """Create the store (or bring an existing one up to date)."""
    from qualcode.services.status import status

    store = store_from(ctx)
    if codebook is not None:
        codebook_cmd.load_file(store, codebook, dry_run=False)
    info = status(store)
    echo(f"Store {info.store} is ready at revision {info.revision}.")


@app.command("status")
def status_command(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts of documents, segments, codes and codings per coder; store and schema revision."""
    from qualcode.services.status import status

    info = status(store_from(ctx))
    if json_output:
        print_json(info)
        return
    echo(f"Store:     {info.store} (revision {info.revision})")
    echo(f"Documents: {info.documents}")
    echo(f"Segments:  {info.segments}")
    echo(f"Codes:     {info.codes}")
    echo(f"Codings:   {info.codings}")
    for coder, n in info.codings_per_coder.items():
        echo(f"  {coder}: {n}")


def run() -> None:
    """Entry point: user errors become one plain sentence on stderr and exit status 2."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except QualcodeError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
