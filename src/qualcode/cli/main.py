"""The ``qualcode`` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli import (
    agreement_cmd,
    codebook_cmd,
    db_cmd,
    exchange_cmd,
    export_cmd,
    import_cmd,
    profile_cmd,
    report_cmd,
    search_cmd,
    suggest_cmd,
)
from qualcode.cli.context import echo, print_json, store_from
from qualcode.errors import QualcodeError, UserError

app = typer.Typer(
    name="qualcode",
    help="Qualitative coding of interview and focus-group transcripts.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(codebook_cmd.app, name="codebook")
app.add_typer(profile_cmd.app, name="profile")
app.add_typer(import_cmd.app, name="import")
app.add_typer(export_cmd.export_app, name="export")
app.add_typer(suggest_cmd.app, name="suggest")
import_cmd.app.command("qdpx")(exchange_cmd.import_qdpx)
search_cmd.register(app)
agreement_cmd.register(app)
report_cmd.register(app)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="QUALCODE_DB",
        help="The store: an SQLite file path (default ./qualcode.db) or an SQLAlchemy URL "
             "such as postgresql+psycopg://user@host/qualcode.")] = None,
) -> None:
    """Qualitative coding of interview and focus-group transcripts (bare: the coding TUI)."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        tui(ctx)


@app.command()
def tui(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(help="Code as this coder (remembered).")] = None,
    document: Annotated[str | None, typer.Option(help="Open this document at once.")] = None,
) -> None:
    """Open the coding workbench (the terminal UI) on the store."""
    from qualcode.tui.app import make_app

    root = ctx.find_root()
    app = make_app(root.obj.get("db") if root.obj else None, coder=coder, document=document)
    try:
        app.run()
    finally:
        app.store.close()
    if app.return_code:
        raise typer.Exit(app.return_code)


@app.command()
def init(
    ctx: typer.Context,
    codebook: Annotated[Path | None, typer.Option(
        help="Load this codebook into the new store.", exists=False)] = None,
    profile: Annotated[Path | None, typer.Option(
        help="Load this project profile (default: NAME.profile.yaml beside the codebook).",
        exists=False)] = None,
) -> None:
    """Create the store (or bring an existing one up to date)."""
    from qualcode.services.profile import load_profile_file, profile_beside
    from qualcode.services.status import status

    store = store_from(ctx)
    if profile is None and codebook is not None:
        profile = profile_beside(codebook)
    if profile is not None:
        loaded = load_profile_file(store, profile)
        echo(f"Profile: the study {loaded.study!r} from {profile}.")
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


@app.command()
def documents(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(help="Count only this coder's codings.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List documents with their variables, turn, word and coding counts."""
    from qualcode.services.documents import list_documents
    from qualcode.services.profile import project_profile

    store = store_from(ctx)
    found = list_documents(store, coder=coder)
    if json_output:
        print_json(found)
        return
    listed = project_profile(store).document_list
    for doc in found:
        where = ", ".join(v for k in listed if (v := doc.variables.get(k)))
        echo(f"{doc.name}  [{where}]  v{doc.version}, {doc.turns} turns, {doc.words} words, "
             f"{doc.codings} codings")


@app.command()
def show(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="The document's name.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print a document's speaker turns: speaker, role, time mark, [start, end) and text."""
    from qualcode.services.documents import show_document

    view = show_document(store_from(ctx), document)
    if json_output:
        print_json({k: v for k, v in vars(view).items() if k != "text"})
        return
    for turn in view.turns:
        role = f" ({turn.role})" if turn.role else ""
        mark = f" #{turn.time_mark}#" if turn.time_mark else ""
        echo(f"{turn.label}{role}{mark} [{turn.start}, {turn.end})")
        echo(f"  {turn.text}")


@app.command("generate-corpus")
def generate_corpus_command(
    output: Annotated[Path, typer.Argument(help="Folder for the .docx files and manifest.")],
    scale: Annotated[float, typer.Option(help="Multiply the study's numbers of documents.")] = 1.0,
    seed: Annotated[int, typer.Option(help="The same seed gives the same corpus.")] = 1,
) -> None:
    """Write a synthetic, fictional corpus the size of the study (for trials and benchmarks)."""
    from qualcode.synthetic.corpus import generate_corpus

    files = generate_corpus(output, scale=scale, seed=seed)
    echo(f"Wrote {len(files)} transcripts and manifest.yaml to {output}.")


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
    except Exception as exc:  # a bug, not a user error: one line, details on request
        if os.environ.get("QUALCODE_DEBUG"):
            raise
        # Only the type: the message of a driver error can quote SQL and row data.
        typer.echo(f"Internal error: {type(exc).__name__}. This is a bug in qualcode; "
                   "run again with QUALCODE_DEBUG=1 to see the details.", err=True)
        sys.exit(1)
