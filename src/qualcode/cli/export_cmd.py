"""``qualcode export quotes|codings|matrix``: material for reports and analysis."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli.context import echo, note, progress_line, store_from
from qualcode.cli.options import (
    CoderFilterOption,
    ForceOption,
    OutputOption,
    RoleOption,
    WhereOption,
    output_option,
    where_pairs,
)
from qualcode.errors import InvalidInput
from qualcode.i18n import ngettext
from qualcode.store import Store

if TYPE_CHECKING:
    from qualcode.services.privacy import GateResult

MEASURE_TITLES = {"counts": "Anzahl", "jaccard": "Jaccard", "c": "c-Koeffizient"}

AcceptOption = Annotated[Path | None, typer.Option(
    "--accept", help="The reviewed privacy review file: its findings are accepted and "
                     "recorded in the export log.")]
MatrixOutput = output_option("File to write: .csv, .xlsx, .png or .svg.")

export_app = typer.Typer(help="Export the project for other programs and for analysis.",
                         no_args_is_help=True)


@export_app.command("quotes")
def export_quotes(
    ctx: typer.Context,
    output: OutputOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="xlsx, docx, csv or md (default: the file's ending, else xlsx).")
        ] = None,
    code: Annotated[list[str] | None, typer.Option(
        "--code", help="Only this code (name or path); repeatable. A theme is a code.")] = None,
    no_subcodes: Annotated[bool, typer.Option(help="Leave the sub-codes out.")] = False,
    coder: CoderFilterOption = None,
    where: WhereOption = None,
    role: RoleOption = None,
    voices: Annotated[bool, typer.Option(
        help="Only codings marked 'Stimme aus der Praxis'.")] = False,
    min_length: Annotated[int, typer.Option(help="Shortest quote, in characters.")] = 0,
    max_length: Annotated[int | None, typer.Option(help="Longest quote.")] = None,
    context: Annotated[int, typer.Option(help="Characters of context before and after.")] = 0,
    delimiter: Annotated[str, typer.Option(help="CSV delimiter.")] = ";",
    title: Annotated[str, typer.Option(help="Title of DOCX and Markdown exports.")] =
        "Stimmen aus der Praxis",
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    """Quote table: filtered codings with speaker, place and a consent-aware attribution."""
    from qualcode.exports.files import choose_format, default_path
    from qualcode.exports.quote_files import FORMATS
    from qualcode.exports.quotes import QuoteFilter
    from qualcode.services.privacy import export_quotes

    chosen = choose_format(output, fmt, FORMATS)
    if len(delimiter) != 1:
        raise InvalidInput("--delimiter must be one character.")
    variables = where_pairs(where)
    wanted = QuoteFilter(code or [], not no_subcodes, coder or [], variables, role or [], voices,
                         min_length, max_length, context)
    target = output or default_path("zitate", chosen)
    with progress_line() as progress:
        done = export_quotes(store_from(ctx), wanted, target, chosen, accept=accept,
                             title=title, delimiter=delimiter, force=force, progress=progress)
    echo(f"Wrote {target}: {len(done.table.quotes)} quotes.")
    gate_notes(done.gate, len(done.table.replacements))


def gate_notes(result: GateResult, replaced: int = 0) -> None:
    """Counts only: what was found or replaced is in the review file, never on the terminal."""
    if replaced:
        note(ngettext("{n} name pseudonymised; the review file {review} lists it.",
                      "{n} names pseudonymised; the review file {review} lists them.", replaced)
             .format(n=replaced, review=result.review))
    if result.unresolved:
        note(ngettext("Warning: {n} passage may identify a person (privacy.gate: warn); "
                      "see {review}.",
                      "Warning: {n} passages may identify a person (privacy.gate: warn); "
                      "see {review}.", len(result.unresolved))
             .format(n=len(result.unresolved), review=result.review))
    if result.accepted:
        note(ngettext("{n} accepted finding recorded in the export log.",
                      "{n} accepted findings recorded in the export log.",
                      len(result.accepted)).format(n=len(result.accepted)))


def raw_export_note(store: Store, target: Path, what: str) -> None:
    """Raw exchange is never altered; its findings are counted and the export logged."""
    from qualcode.services.privacy import check_raw_export

    count = check_raw_export(store, target, what)
    if count:
        note(ngettext("Warning: {path} holds {n} passage that may identify a person; raw "
                      "exchange files are not altered (qualcode privacy check --export {path}).",
                      "Warning: {path} holds {n} passages that may identify a person; raw "
                      "exchange files are not altered (qualcode privacy check --export {path}).",
                      count).format(path=target, n=count))


@export_app.command("codings")
def export_codings(
    ctx: typer.Context,
    output: OutputOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="csv or jsonl (default: the file's ending, else csv).")] = None,
    force: ForceOption = False,
) -> None:
    """One row per coding: document, coder, code path, start, end, text."""
    from qualcode.exports.codings_file import coding_rows, count_codings, write_codings
    from qualcode.exports.files import choose_format, default_path, write_with

    chosen = choose_format(output, fmt, ("csv", "jsonl"))
    store = store_from(ctx)
    total = count_codings(store)
    if not total:
        raise InvalidInput("The store has no codings; there is nothing to export.")
    target = output or default_path("codings", chosen)
    with progress_line() as progress:
        write_with(target, force, lambda p: write_codings(p, coding_rows(store), total, chosen,
                                                          progress))
    echo(f"Wrote {target}: {total} codings.")
    raw_export_note(store, target, "codings")


@export_app.command("matrix")
def export_matrix(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option(help="cooccurrence (code x code) or documents "
                                           "(document x code).")] = "cooccurrence",
    output: MatrixOutput = None,
    measure: Annotated[str, typer.Option(help="cooccurrence: counts, jaccard or c.")] =
        "counts",
    semantics: Annotated[str, typer.Option(help="overlap, turn or sentences.")] = "overlap",
    window: Annotated[int, typer.Option(help="semantics 'sentences': at most N apart.")] = 1,
    group_by: Annotated[str | None, typer.Option(
        help="documents: group rows by this document variable (kind, municipality_type …).")]
        = None,
    coder: CoderFilterOption = None,
    where: WhereOption = None,
    force: ForceOption = False,
) -> None:
    """Code co-occurrence or document x code matrix, as a table or a heatmap picture."""
    from qualcode.exports import matrix_files
    from qualcode.exports.files import default_path, write_with
    from qualcode.exports.matrices import MatrixFilter, cooccurrence, document_code_matrix

    wanted = MatrixFilter(coder or [], where_pairs(where), semantics, window)
    store = store_from(ctx)
    target = output or default_path(kind, "xlsx")
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx", "png", "svg"):
        raise InvalidInput(f"{target}: the file must end in .csv, .xlsx, .png or .svg.")
    if kind == "cooccurrence":
        with progress_line() as progress:
            matrix = cooccurrence(store, wanted, jaccard=measure == "jaccard",
                                  progress=progress)
        values = {"counts": matrix.counts, "jaccard": matrix.jaccard,
                  "c": matrix.c_coefficient}.get(measure)
        if values is None:
            raise InvalidInput(f"--measure must be counts, jaccard or c, not {measure!r}.")
        rows, columns = matrix.codes, matrix.codes
        title = f"Gemeinsames Auftreten von Codes ({MEASURE_TITLES[measure]})"
    elif kind == "documents":
        result = document_code_matrix(store, wanted, group_by)
        rows, columns, values = result.rows, result.codes, result.counts
        title = f"Codierungen je {group_by}" if group_by else "Codierungen je Dokument"
    else:
        raise InvalidInput(f"--kind must be cooccurrence or documents, not {kind!r}.")
    if suffix in ("png", "svg"):
        write_with(target, force, lambda p: matrix_files.write_heatmap(
            p, rows, columns, values, title, diagonal_apart=kind == "cooccurrence"))
    else:
        write_with(target, force, lambda p: matrix_files.write_table(p, rows, columns, values,
                                                                       suffix))
    echo(f"Wrote {target}: {len(rows)} x {len(columns)}.")
