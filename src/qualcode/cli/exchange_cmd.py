"""``qualcode export qdpx`` and ``qualcode import qdpx``: REFI-QDA exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, progress_line, store_from
from qualcode.cli.export_cmd import export_app
from qualcode.errors import InvalidInput


@export_app.command("qdpx")
def export_qdpx(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The .qdpx file to write.")],
    name: Annotated[str | None, typer.Option(help="Project name (default: file name).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a REFI-QDA project for MAXQDA, ATLAS.ti, NVivo and QualCoder."""
    from qualcode.exchange.refi import export_project
    from qualcode.exports.files import write_with

    if file.suffix.lower() != ".qdpx":
        raise InvalidInput(f"{file}: a REFI-QDA project file must end in .qdpx.")
    counts: dict[str, int] = {}
    with progress_line() as progress:
        write_with(file, force, lambda p: counts.update(
            export_project(store_from(ctx), p, name or file.stem, progress)))
    echo(f"Wrote {file}: {counts['sources']} sources, {counts['codes']} codes, "
         f"{counts['codings']} codings, {counts['users']} coders, {counts['notes']} memos.")


def import_qdpx(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .qdpx archive (or a bare .qde).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import a REFI-QDA project; coders, codes and documents are matched, not doubled."""
    from qualcode.exchange.refi_import import import_project

    with progress_line() as progress:
        report = import_project(store_from(ctx), file, progress)
    if json_output:
        print_json(report)
        return
    echo(f"Imported {file}: {report.sources} new sources ({report.sources_merged} merged), "
         f"{report.codes} new codes ({report.codes_merged} merged), {report.codings} codings, "
         f"{report.memos} memos; coders: {', '.join(report.coders) or 'none'}.")
    for warning in report.warnings:
        note(f"warning: {warning}")
