"""``qualcode codebook``: load, show, export and edit the code system."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, store_from
from qualcode.cli.options import (
    AcceptOption,
    ExportLanguageOption,
    ForceOption,
    JsonOption,
    output_option,
)
from qualcode.i18n import N_, _, ngettext
from qualcode.store import Store

CodebookOutput = output_option(N_("File to write; default: stdout for yaml/md, exports/ for "
                                  "docx and qdc."))
CodeArgument = Annotated[str, typer.Argument(help=N_("The code (path, name or unique prefix)."))]
CodebookFile = Annotated[Path, typer.Argument(help=N_("The codebook file (YAML)."), exists=True,
                                              dir_okay=False)]

app = typer.Typer(help=N_("Load, show, export and edit the codebook."), no_args_is_help=True)


class ExportFormat(StrEnum):
    yaml = "yaml"
    md = "md"
    docx = "docx"
    qdc = "qdc"


def load_file(store: Store, path: Path, *, dry_run: bool) -> None:
    from qualcode.codebook.parse import read_codebook
    from qualcode.codebook.sync import load_codebook

    spec = read_codebook(path)
    report = load_codebook(store, spec, dry_run=dry_run)
    done = _("Would load {path}: {summary}.") if dry_run else _("Loaded {path}: {summary}.")
    echo(done.format(path=path, summary=_summary(report)))
    for old, new in report.moved:
        echo("  " + _("renamed/moved: {old} -> {new}").format(old=old, new=new))
    for path_removed in report.removed:
        echo("  " + _("removed: {code}").format(code=path_removed))
    for kept, n in report.kept:
        note("  " + ngettext("kept: {code} is no longer in the codebook file but has {n} coding; "
                             "merge or delete it with 'qualcode codebook merge|delete'.",
                             "kept: {code} is no longer in the codebook file but has {n} codings; "
                             "merge or delete it with 'qualcode codebook merge|delete'.",
                             n).format(code=kept, n=n))


def _summary(report) -> str:  # type: ignore[no-untyped-def]
    summary = _("{added} added, {updated} updated, {moved} renamed or moved, {unchanged} "
                "unchanged, {removed} removed").format(
        added=len(report.added), updated=len(report.updated), moved=len(report.moved),
        unchanged=len(report.unchanged), removed=len(report.removed))
    if report.kept:
        summary += ", " + _("{n} kept because they have codings").format(n=len(report.kept))
    return summary


@app.command(help=N_("Validate a codebook file and bring the store's codes in line with it."))
def load(
    ctx: typer.Context,
    file: CodebookFile,
    dry_run: Annotated[bool, typer.Option(help=N_("Check and report, change nothing."))] = False,
) -> None:
    load_file(store_from(ctx), file, dry_run=dry_run)


@app.command(help=N_("Validate a codebook file without opening a store."))
def check(file: CodebookFile) -> None:
    from qualcode.codebook.parse import read_codebook

    spec = read_codebook(file)
    n = len(spec.walk())
    echo(ngettext("{path} is a valid codebook with {n} code.",
                  "{path} is a valid codebook with {n} codes.", n).format(path=file, n=n))


@app.command(help=N_("Show the code tree with hotkeys and coding counts."))
def show(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(
        help=N_("Count only this coder's codings."))] = None,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.codes import code_tree

    codes = code_tree(store_from(ctx), coder=coder)
    if json_output:
        print_json(codes)
        return
    if not codes:
        echo(_("The codebook is empty; load one with 'qualcode codebook load FILE'."))
    for code in codes:
        key = f"[{code.hotkey}] " if code.hotkey else ""
        echo(f"{'  ' * code.depth}{key}{code.name}  ({code.codings})")


@app.command("export", help=N_("Write the codebook as YAML (loadable again), Markdown, Word or "
                                 "REFI-QDA (.qdc)."))
def export_command(
    ctx: typer.Context,
    output: CodebookOutput = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", help=N_("Output format."))] = ExportFormat.yaml,
    title: Annotated[str | None, typer.Option(help=N_("Title of the codebook."))] = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.cli.export_cmd import gate_notes, raw_export_note
    from qualcode.exports.codebook_files import codebook_text, write_codebook
    from qualcode.exports.language import export_language
    from qualcode.services.codes import code_tree
    from qualcode.services.privacy import codebook_parts, publish, writable_target

    store = store_from(ctx)
    lang = export_language(store, lang)
    codes = code_tree(store)
    if fmt in (ExportFormat.docx, ExportFormat.qdc) and output is None:
        output = Path("exports") / f"codebook.{fmt.value}"
    if output is None:
        typer.echo(codebook_text(codes, fmt.value, title, lang), nl=False)
        return
    what = "codebook"  # not translated: the export log's name for it
    if fmt in (ExportFormat.yaml, ExportFormat.qdc):  # for loading again: never altered
        write_codebook(store, codes, fmt.value, output, title=title, lang=lang, force=force)
        echo(_("Wrote {path}.").format(path=output))
        raw_export_note(store, output, what)
        return
    target = output
    writable_target(target, force=force)  # before a review file is written beside it
    result = publish(store, codebook_parts(codes, title), target, lambda _checked: write_codebook(
        store, codes, fmt.value, target, title=title, lang=lang, force=force), what=what,
        accept=accept)
    echo(_("Wrote {path}.").format(path=target))
    gate_notes(result)


@app.command("import", help=N_("Import a REFI-QDA codebook (.qdc) from MAXQDA, ATLAS.ti, NVivo "
                                 "or Taguette."))
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("A REFI-QDA codebook (.qdc)."), exists=True,
                                         dir_okay=False)],
) -> None:
    from qualcode.exchange.refi_import import import_codebook

    report = import_codebook(store_from(ctx), file)
    echo(ngettext("Imported {path}: {n} new code, {merged} already there.",
                  "Imported {path}: {n} new codes, {merged} already there.",
                  report.codes).format(path=file, n=report.codes, merged=report.codes_merged))
    for warning in report.warnings:
        note(_("warning: {message}").format(message=warning))


ByOption = Annotated[str, typer.Option(
    "--by", help=N_("Who makes the change; 'qualcode undo --coder NAME' takes it back."))]


def _undo_hint(by: str) -> str:
    return _("(qualcode undo --coder {coder} takes it back)").format(coder=by)


@app.command(help=N_("Rename a code; its codings stay."))
def rename(
    ctx: typer.Context,
    code: CodeArgument,
    new_name: Annotated[str, typer.Argument(help=N_("The code's new name."))],
    by: ByOption = "system",
) -> None:
    from qualcode.services.codes import rename_code

    renamed = rename_code(store_from(ctx), code, new_name, actor=by)
    echo(_("Renamed to {code} {undo}.").format(code=renamed, undo=_undo_hint(by)))


@app.command(help=N_("Move a code (and its sub-codes) under another parent; its codings stay."))
def move(
    ctx: typer.Context,
    code: CodeArgument,
    parent: Annotated[str | None, typer.Argument(
        help=N_("New parent; omit for the top level."))] = None,
    by: ByOption = "system",
) -> None:
    from qualcode.services.codes import move_code

    moved = move_code(store_from(ctx), code, parent, actor=by)
    echo(_("Moved to {code} {undo}.").format(code=moved, undo=_undo_hint(by)))


@app.command(help=N_("Merge SOURCE into TARGET: codings and sub-codes move, SOURCE is deleted."))
def merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help=N_("The code that goes away."))],
    target: Annotated[str, typer.Argument(help=N_("The code that takes its codings."))],
    by: ByOption = "system",
) -> None:
    from qualcode.services.codes import merge_codes

    moved = merge_codes(store_from(ctx), source, target, actor=by)
    echo(ngettext("Merged {source} into {target}; {n} coding moved {undo}.",
                  "Merged {source} into {target}; {n} codings moved {undo}.", moved).format(
        source=source, target=target, n=moved, undo=_undo_hint(by)))


@app.command(help=N_("Delete a code without sub-codes (one with codings only with --force)."))
def delete(
    ctx: typer.Context,
    code: CodeArgument,
    force: Annotated[bool, typer.Option(help=N_("Delete even if codings use it."))] = False,
    by: ByOption = "system",
) -> None:
    from qualcode.services.codes import delete_code

    removed = delete_code(store_from(ctx), code, force=force, actor=by)
    done = (ngettext("Deleted {code} and its {n} coding {undo}.",
                     "Deleted {code} and its {n} codings {undo}.", removed) if removed
            else _("Deleted {code} {undo}."))
    echo(done.format(code=code, n=removed, undo=_undo_hint(by)))
