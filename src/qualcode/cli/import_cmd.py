"""``qualcode import``: transcripts (the default), and later other kinds of material."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from qualcode.cli.context import echo, note, print_json, progress_line, store_from
from qualcode.cli.options import JsonOption
from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _, ngettext

INDENT = " " * 13
# The import status of a file, as the import report names it -> the words a person reads.
STATUS_WORDS = {
    "new": N_("new"),
    "unchanged": N_("unchanged"),
    "new version": N_("new version"),  # not translated: the key; the value is marked
}


class DefaultToTranscripts(TyperGroup):
    """``qualcode import FILE...`` means ``qualcode import transcripts FILE...``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["transcripts", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DefaultToTranscripts, no_args_is_help=True,
                  help=N_("Import transcripts (.docx, .txt, .md, .odt, .rtf) and other "
                          "material."))


@app.command(help=N_("Import transcript files; a changed file becomes a new version and keeps "
                     "its codings."))
def transcripts(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help=N_("Files or folders (with a manifest)."))],
    strict: Annotated[bool, typer.Option(
        help=N_("All or nothing: import no file if any file fails."))] = False,
    json_output: JsonOption = False,
) -> None:
    import os

    from qualcode.services.importing import ImportInterrupted, import_paths

    store = store_from(ctx)
    try:
        with progress_line() as progress:
            report = import_paths(store, paths, strict=strict, progress=progress)
    except ImportInterrupted as exc:
        _print_report(exc.report)  # what was stored before the error stays stored
        if os.environ.get("QUALCODE_DEBUG") and exc.__cause__ is not None:
            raise exc.__cause__ from None
        raise
    if json_output:
        print_json(report)
    else:
        _print_report(report)
    if report.failed:
        total = len(report.failed) + len(report.imported)
        raise InvalidInput(ngettext("{n} of {total} file failed; see the list above.",
                                    "{n} of {total} files failed; see the list above.",
                                    total).format(n=len(report.failed), total=total))


@app.command(help=N_(
    "Import codings (code-point offsets, end exclusive) in one transaction: all rows or none.\n"
    "\n"
    "Reads what 'export codings' writes (CSV or JSONL) and hand-made CSV (comma, semicolon or "
    "tab); one leading apostrophe is removed from text cells, undoing the export's escaping."))
def codings(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help=N_("CSV (or .jsonl): document, coder, code, start, end[, memo, stimme]."))],
) -> None:
    from qualcode.services.coding_import import import_codings

    done = import_codings(store_from(ctx), file)
    echo(ngettext("Imported {n} coding for {coders}.", "Imported {n} codings for {coders}.",
                  done.rows).format(n=done.rows, coders=", ".join(done.coders)))


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    for item in report.imported:
        counts = _("{turns} turns, {sentences} sentences, {words} words").format(
            turns=item.turns, sentences=item.sentences, words=item.words)
        status = _(STATUS_WORDS.get(item.status, item.status))
        echo(f"{status:<12} {item.document}  (v{item.version}, {counts}, "
             f"{item.encoding})")
        if item.reanchored is not None:
            r = item.reanchored
            echo(INDENT + _("codings: {kept} kept in place, {moved} moved, {fuzzy} placed "
                            "fuzzily, {unplaced} unplaced").format(
                kept=r.kept, moved=r.moved, fuzzy=r.fuzzy, unplaced=r.unplaced))
            if r.unplaced:
                echo(INDENT + _("unplaced codings (still on the old version): {ids}").format(
                    ids=", ".join(map(str, r.unplaced_codings))))
        for warning in item.warnings:
            note(_("warning: {message}").format(message=warning))
    for path, message in report.failed:
        where = message if path in message else f"{path}: {message}"
        note(_("failed: {message}").format(message=where))
