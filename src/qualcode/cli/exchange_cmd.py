"""``qualcode export qdpx`` and ``qualcode import qdpx``: REFI-QDA exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, progress_line, store_from
from qualcode.cli.export_cmd import export_app, raw_export_note
from qualcode.cli.options import ForceOption
from qualcode.errors import InvalidInput

POSITIONS = {"code-points": "code points", "utf16": "UTF-16 code units"}


@export_app.command("qdpx")
def export_qdpx(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The .qdpx file to write.")],
    name: Annotated[str | None, typer.Option(help="Project name (default: file name).")] = None,
    force: ForceOption = False,
    positions: Annotated[str, typer.Option(
        help="How positions are counted: code-points (the standard; MAXQDA, ATLAS.ti, "
             "QualCoder) or utf16 (NVivo).")] = "code-points",
) -> None:
    """Write a REFI-QDA project for MAXQDA, ATLAS.ti, NVivo and QualCoder."""
    from qualcode.exchange.refi import export_project
    from qualcode.exports.files import write_with

    if file.suffix.lower() != ".qdpx":
        raise InvalidInput(f"{file}: a REFI-QDA project file must end in .qdpx.")
    if positions not in POSITIONS:
        raise InvalidInput(f"--positions must be code-points or utf16, not {positions!r}.")
    counts: dict[str, int] = {}
    store = store_from(ctx)
    with progress_line() as progress:
        write_with(file, force, lambda p: counts.update(
            export_project(store, p, name or file.stem, progress, POSITIONS[positions])))
    echo(f"Wrote {file}: {counts['sources']} sources, {counts['codes']} codes, "
         f"{counts['codings']} codings, {counts['users']} coders, {counts['notes']} memos.")
    raw_export_note(store, file, "qdpx")


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
         f"{report.codes} new codes ({report.codes_merged} matched, {report.codes_same_name} "
         f"merged by name), {report.codings} codings ({report.duplicates} exact duplicates "
         f"skipped, {report.codings_known} already there), {report.memos} memos; "
         f"coders: {', '.join(report.coders) or 'none'}.")
    echo(f"Positions read as {report.positions}: {report.positions_reason}.")
    for notice in report.notices:
        note(f"note: {notice}")
    for warning in report.warnings:
        note(f"warning: {warning}")
