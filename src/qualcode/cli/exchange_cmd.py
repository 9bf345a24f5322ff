"""``qualcode export qdpx`` and ``qualcode import qdpx``: REFI-QDA exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, progress_line, store_from
from qualcode.cli.export_cmd import export_app, raw_export_note
from qualcode.cli.options import ForceOption, JsonOption
from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _

# Option value -> how the exchange layer names the counting (a keyword, not for people).
POSITIONS = {"code-points": "code points", "utf16": "UTF-16 code units"}  # not translated: keys


@export_app.command("qdpx", help=N_("Write a REFI-QDA project for MAXQDA, ATLAS.ti, NVivo and "
                                    "QualCoder."))
def export_qdpx(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("The .qdpx file to write."))],
    name: Annotated[str | None, typer.Option(
        help=N_("Project name (default: file name)."))] = None,
    force: ForceOption = False,
    positions: Annotated[str, typer.Option(
        help=N_("How positions are counted: code-points (the standard; MAXQDA, ATLAS.ti, "
                "QualCoder) or utf16 (NVivo)."))
    ] = "code-points",  # not translated: an option value
) -> None:
    from qualcode.exchange.refi import export_project
    from qualcode.exports.files import write_with

    if file.suffix.lower() != ".qdpx":
        raise InvalidInput(_("{path}: a REFI-QDA project file must end in .qdpx.").format(
            path=file))
    if positions not in POSITIONS:
        raise InvalidInput(_("--positions must be code-points or utf16, not {value!r}.").format(
            value=positions))
    counts: dict[str, int] = {}
    store = store_from(ctx)
    with progress_line() as progress:
        write_with(file, force, lambda p: counts.update(
            export_project(store, p, name or file.stem, progress, POSITIONS[positions])))
    echo(_("Wrote {path}: {sources} sources, {codes} codes, {codings} codings, {coders} "
           "coders, {memos} memos.").format(
        path=file, sources=counts["sources"], codes=counts["codes"],
        codings=counts["codings"], coders=counts["users"], memos=counts["notes"]))
    raw_export_note(store, file, "qdpx")


IMPORT_QDPX_HELP = N_("Import a REFI-QDA project; coders, codes and documents are matched, "
                      "not doubled.")


def import_qdpx(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("A .qdpx archive (or a bare .qde)."),
                                         exists=True, dir_okay=False)],
    json_output: JsonOption = False,
) -> None:
    from qualcode.exchange.refi_import import import_project

    with progress_line() as progress:
        report = import_project(store_from(ctx), file, progress)
    if json_output:
        print_json(report)
        return
    echo(_("Imported {path}: {sources} new sources ({sources_merged} merged), {codes} new codes "
           "({codes_merged} matched, {codes_same_name} merged by name), {codings} codings "
           "({duplicates} exact duplicates skipped, {codings_known} already there), {memos} "
           "memos; coders: {coders}.").format(
        path=file, sources=report.sources, sources_merged=report.sources_merged,
        codes=report.codes, codes_merged=report.codes_merged,
        codes_same_name=report.codes_same_name, codings=report.codings,
        duplicates=report.duplicates, codings_known=report.codings_known, memos=report.memos,
        coders=", ".join(report.coders) or _("none")))
    echo(_("Positions read as {positions}: {reason}.").format(
        positions=report.positions, reason=report.positions_reason))
    for notice in report.notices:
        note(_("note: {message}").format(message=notice))
    for warning in report.warnings:
        note(_("warning: {message}").format(message=warning))
