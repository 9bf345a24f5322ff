"""``qualcode codebook``: load, show, export and edit the code system."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, store_from
from qualcode.cli.options import ExportLanguageOption, ForceOption, output_option
from qualcode.store import Store

CodebookOutput = output_option("File to write; default: stdout for yaml/md, exports/ for "
                               "docx and qdc.")

app = typer.Typer(help="Load, show, export and edit the codebook.", no_args_is_help=True)


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
    prefix = "Would load" if dry_run else "Loaded"
    echo(f"{prefix} {path}: {report.summary()}.")
    for old, new in report.moved:
        echo(f"  renamed/moved: {old} -> {new}")
    for path_removed in report.removed:
        echo(f"  removed: {path_removed}")
    for kept, n in report.kept:
        note(f"  kept: {kept} is no longer in the codebook file but has {n} codings; "
             "merge or delete it with 'qualcode codebook merge|delete'.")


@app.command()
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The codebook file (YAML).")],
    dry_run: Annotated[bool, typer.Option(help="Check and report, change nothing.")] = False,
) -> None:
    """Validate a codebook file and bring the store's codes in line with it."""
    load_file(store_from(ctx), file, dry_run=dry_run)


@app.command()
def check(file: Annotated[Path, typer.Argument(help="The codebook file (YAML).")]) -> None:
    """Validate a codebook file without opening a store."""
    from qualcode.codebook.parse import read_codebook

    spec = read_codebook(file)
    echo(f"{file} is a valid codebook with {len(spec.walk())} codes.")


@app.command()
def show(
    ctx: typer.Context,
    coder: Annotated[str | None, typer.Option(help="Count only this coder's codings.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the code tree with hotkeys and coding counts."""
    from qualcode.services.codes import code_tree

    codes = code_tree(store_from(ctx), coder=coder)
    if json_output:
        print_json(codes)
        return
    if not codes:
        echo("The codebook is empty; load one with 'qualcode codebook load FILE'.")
    for code in codes:
        key = f"[{code.hotkey}] " if code.hotkey else ""
        echo(f"{'  ' * code.depth}{key}{code.name}  ({code.codings})")


@app.command("export")
def export_command(
    ctx: typer.Context,
    output: CodebookOutput = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", help="Output format.")] = ExportFormat.yaml,
    title: Annotated[str | None, typer.Option(help="Title of the codebook.")] = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
) -> None:
    """Write the codebook as YAML (loadable again), Markdown, Word or REFI-QDA (.qdc)."""
    from qualcode.exports.codebook_files import codebook_text, write_codebook
    from qualcode.exports.language import export_language
    from qualcode.services.codes import code_tree

    store = store_from(ctx)
    lang = export_language(store, lang)
    codes = code_tree(store)
    if fmt in (ExportFormat.docx, ExportFormat.qdc) and output is None:
        output = Path("exports") / f"codebook.{fmt.value}"
    if output is None:
        typer.echo(codebook_text(codes, fmt.value, title, lang), nl=False)
        return
    write_codebook(store, codes, fmt.value, output, title=title, lang=lang, force=force)
    echo(f"Wrote {output}.")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A REFI-QDA codebook (.qdc).")],
) -> None:
    """Import a REFI-QDA codebook (.qdc) from MAXQDA, ATLAS.ti, NVivo or Taguette."""
    from qualcode.exchange.refi_import import import_codebook

    report = import_codebook(store_from(ctx), file)
    echo(f"Imported {file}: {report.codes} new codes, {report.codes_merged} already there.")
    for warning in report.warnings:
        note(f"warning: {warning}")


ByOption = Annotated[str, typer.Option(
    "--by", help="Who makes the change; 'qualcode undo --coder NAME' takes it back.")]


def _undo_hint(by: str) -> str:
    return f" (qualcode undo --coder {by} takes it back)"


@app.command()
def rename(ctx: typer.Context, code: str, new_name: str, by: ByOption = "system") -> None:
    """Rename a code; its codings stay."""
    from qualcode.services.codes import rename_code

    echo(f"Renamed to {rename_code(store_from(ctx), code, new_name, actor=by)}"
         f"{_undo_hint(by)}.")


@app.command()
def move(
    ctx: typer.Context,
    code: str,
    parent: Annotated[str | None, typer.Argument(
        help="New parent; omit for the top level.")] = None,
    by: ByOption = "system",
) -> None:
    """Move a code (and its sub-codes) under another parent; its codings stay."""
    from qualcode.services.codes import move_code

    echo(f"Moved to {move_code(store_from(ctx), code, parent, actor=by)}{_undo_hint(by)}.")


@app.command()
def merge(ctx: typer.Context, source: str, target: str, by: ByOption = "system") -> None:
    """Merge SOURCE into TARGET: codings and sub-codes move, SOURCE is deleted."""
    from qualcode.services.codes import merge_codes

    moved = merge_codes(store_from(ctx), source, target, actor=by)
    echo(f"Merged {source} into {target}; {moved} codings moved{_undo_hint(by)}.")


@app.command()
def delete(
    ctx: typer.Context,
    code: str,
    force: Annotated[bool, typer.Option(help="Delete even if codings use it.")] = False,
    by: ByOption = "system",
) -> None:
    """Delete a code without sub-codes (one with codings only with --force)."""
    from qualcode.services.codes import delete_code

    removed = delete_code(store_from(ctx), code, force=force, actor=by)
    echo(f"Deleted {code}" + (f" and its {removed} codings" if removed else "")
         + f"{_undo_hint(by)}.")
