"""The ``qualcode`` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from click.core import ParameterSource

from qualcode.cli import (
    agreement_cmd,
    codebook_cmd,
    db_cmd,
    exchange_cmd,
    export_cmd,
    import_cmd,
    privacy_cmd,
    profile_cmd,
    report_cmd,
    search_cmd,
    suggest_cmd,
    team_cmd,
)
from qualcode.cli.context import echo, print_json, progress_line, store_from
from qualcode.cli.language import speak_in_click, translated
from qualcode.cli.options import JsonOption
from qualcode.errors import QualcodeError, UserError
from qualcode.i18n import N_, _, ngettext

app = typer.Typer(
    name="qualcode",
    help=N_("Qualitative coding of interview and focus-group transcripts (without a command: "
            "the coding workbench)."),
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
app.add_typer(team_cmd.app, name="team")
app.add_typer(suggest_cmd.app, name="suggest")
export_cmd.export_app.callback()(team_cmd.leads_only_export)  # on a team store: leads only
import_cmd.app.command("qdpx", help=exchange_cmd.IMPORT_QDPX_HELP)(exchange_cmd.import_qdpx)
search_cmd.register(app)
agreement_cmd.register(app)
report_cmd.register(app)
privacy_cmd.register(app)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="QUALCODE_DB",
        help=N_("The store: an SQLite file path (default ./qualcode.db) or an SQLAlchemy URL "
                "such as postgresql+psycopg://user@host/qualcode."))] = None,
) -> None:
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        tui(ctx)


@app.command(help=N_("Open the coding workbench (the terminal UI) on the store."))
def tui(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(
        help=N_("Code as this coder (remembered)."))] = None,
    document: Annotated[str | None, typer.Option(help=N_("Open this document at once."))] = None,
) -> None:
    from qualcode.tui.app import make_app

    root = ctx.find_root()
    app = make_app(root.obj.get("db") if root.obj else None, coder=coder, document=document)
    try:
        app.run()
    finally:
        app.store.close()
    if app.return_code:
        raise typer.Exit(app.return_code)


@app.command(help=N_("Create the store (or bring an existing one up to date)."))
def init(
    ctx: typer.Context,
    codebook: Annotated[Path | None, typer.Option(
        help=N_("Load this codebook into the new store."), exists=False)] = None,
    profile: Annotated[Path | None, typer.Option(
        help=N_("Load this project profile (default: NAME.profile.yaml beside the codebook)."),
        exists=False)] = None,
) -> None:
    from qualcode.services.profile import load_profile_file, profile_beside
    from qualcode.services.status import status

    store = store_from(ctx)
    if profile is None and codebook is not None:
        profile = profile_beside(codebook)
    if profile is not None:
        loaded = load_profile_file(store, profile)
        echo(_("Profile: the study {study!r} from {path}.").format(study=loaded.study,
                                                                   path=profile))
    if codebook is not None:
        codebook_cmd.load_file(store, codebook, dry_run=False)
    info = status(store)
    echo(_("Store {store} is ready at revision {revision}.").format(store=info.store,
                                                                     revision=info.revision))


@app.command("status", help=N_("Counts of documents, segments, codes and codings per coder; "
                                 "store and schema revision."))
def status_command(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from qualcode.services.status import status

    info = status(store_from(ctx))
    if json_output:
        print_json(info)
        return
    echo(_("Store: {store} (revision {revision})").format(store=info.store,
                                                          revision=info.revision))
    echo(_("Documents: {n}").format(n=info.documents))
    echo(_("Segments: {n}").format(n=info.segments))
    echo(_("Codes: {n}").format(n=info.codes))
    echo(_("Codings: {n}").format(n=info.codings))
    for coder, n in info.codings_per_coder.items():
        echo(f"  {coder}: {n}")


@app.command(help=N_("List documents with their variables, turn, word and coding counts."))
def documents(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(
        help=N_("Count only this coder's codings."))] = None,
    json_output: JsonOption = False,
) -> None:
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
        counts = ", ".join((ngettext("{n} turn", "{n} turns", doc.turns).format(n=doc.turns),
                            ngettext("{n} word", "{n} words", doc.words).format(n=doc.words),
                            ngettext("{n} coding", "{n} codings", doc.codings).format(
                                n=doc.codings)))
        echo(f"{doc.name}  [{where}]  v{doc.version}, {counts}")


@app.command(help=N_("Print a document's speaker turns: speaker, role, time mark, "
                     "[start, end) and text."))
def show(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help=N_("The document's name."))],
    json_output: JsonOption = False,
) -> None:
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


DEMO_STORE = "demo.db"  # not translated: a file name


@app.command(help=N_("Build the demo project (codebook, profile and the fictional demo "
                     "transcripts) in an empty store, then open the coding workbench on it."))
def demo(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", help=N_("The demo store (default: demo.db in the current folder)."))] = None,
    open_workbench: Annotated[bool, typer.Option(
        "--open/--no-open",  # not translated: option names
        help=N_("Open the coding workbench afterwards."))] = True,
) -> None:
    from qualcode.services.demo import build_demo
    from qualcode.services.status import status

    root = ctx.find_root()
    # Only a --db typed for this run, not QUALCODE_DB: the demo stays out of a real project.
    typed = root.get_parameter_source("db") == ParameterSource.COMMANDLINE
    root.obj["db"] = db or (root.obj.get("db") if typed else None) or DEMO_STORE
    store = store_from(ctx)
    with progress_line() as progress:
        built = build_demo(store, progress)
    where = status(store).store
    if built is None:
        echo(_("The store {store} already holds a project; it stays as it is.").format(
            store=where))
    else:
        echo(ngettext("Built the demo project in {store}: {codes} codes, {n} document.",
                      "Built the demo project in {store}: {codes} codes, {n} documents.",
                      built.documents).format(store=where, codes=built.codes,
                                              n=built.documents))
    if open_workbench:
        tui(ctx)


GENERATE_CORPUS = "generate-corpus"  # not translated: a command name


@app.command(GENERATE_CORPUS, help=N_("Write a synthetic, fictional corpus the size of the study "
                                      "(for trials and benchmarks)."))
def generate_corpus_command(
    output: Annotated[Path, typer.Argument(help=N_("Folder for the .docx files and manifest."))],
    scale: Annotated[float, typer.Option(
        help=N_("Multiply the study's numbers of documents."))] = 1.0,
    seed: Annotated[int, typer.Option(help=N_("The same seed gives the same corpus."))] = 1,
) -> None:
    from qualcode.synthetic.corpus import generate_corpus

    files = generate_corpus(output, scale=scale, seed=seed)
    echo(ngettext("Wrote {n} transcript and manifest.yaml to {folder}.",
                  "Wrote {n} transcripts and manifest.yaml to {folder}.", len(files)).format(
        n=len(files), folder=output))


def run() -> None:
    """Entry point: user errors become one plain sentence on stderr and exit status 2."""
    try:
        speak_in_click()
        translated(typer.main.get_command(app))()
    except UserError as exc:
        typer.echo(_("Error: {message}").format(message=exc), err=True)
        sys.exit(2)
    except QualcodeError as exc:
        typer.echo(_("Error: {message}").format(message=exc), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo(_("Interrupted."), err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: one line, details on request
        if os.environ.get("QUALCODE_DEBUG"):
            raise
        # Only the type: the message of a driver error can quote SQL and row data.
        typer.echo(_("Internal error: {kind}. This is a bug in qualcode; run again with "
                     "QUALCODE_DEBUG=1 to see the details.").format(kind=type(exc).__name__),
                   err=True)
        sys.exit(1)
