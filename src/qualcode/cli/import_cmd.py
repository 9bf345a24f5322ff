"""``qualcode import``: transcripts (the default), and later other kinds of material."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from qualcode.cli.context import echo, note, print_json, progress_line, store_from
from qualcode.errors import InvalidInput


class DefaultToTranscripts(TyperGroup):
    """``qualcode import FILE...`` means ``qualcode import transcripts FILE...``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["transcripts", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=DefaultToTranscripts, no_args_is_help=True,
                  help="Import transcripts (.docx, .txt, .md, .odt, .rtf) and other material.")


@app.command()
def transcripts(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (with a manifest).")],
    strict: Annotated[bool, typer.Option(
        help="All or nothing: import no file if any file fails.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import transcript files; a changed file becomes a new version and keeps its codings."""
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
        raise InvalidInput(f"{len(report.failed)} of "
                           f"{len(report.failed) + len(report.imported)} files failed; "
                           "see the list above.")


@app.command()
def codings(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help="CSV (or .jsonl): document, coder, code, start, end[, memo, stimme].")],
) -> None:
    """Import codings (code-point offsets, end exclusive) in one transaction: all rows or none.

    Reads what 'export codings' writes (CSV or JSONL) and hand-made CSV (comma, semicolon or
    tab); one leading apostrophe is removed from text cells, undoing the export's escaping.
    """
    from qualcode.services.coding_import import import_codings

    done = import_codings(store_from(ctx), file)
    echo(f"Imported {done.rows} codings for {', '.join(done.coders)}.")


def _print_report(report) -> None:  # type: ignore[no-untyped-def]
    for item in report.imported:
        line = (f"{item.status:<12} {item.document}  (v{item.version}, {item.turns} turns, "
                f"{item.sentences} sentences, {item.words} words, {item.encoding})")
        echo(line)
        if item.reanchored is not None:
            r = item.reanchored
            echo(f"             codings: {r.kept} kept in place, {r.moved} moved, "
                 f"{r.fuzzy} placed fuzzily, {r.unplaced} unplaced")
            if r.unplaced:
                echo(f"             unplaced codings (still on the old version): "
                     f"{', '.join(map(str, r.unplaced_codings))}")
        for warning in item.warnings:
            note(f"warning: {warning}")
    for path, message in report.failed:
        note(f"failed: {message}" if path in message else f"failed: {path}: {message}")
