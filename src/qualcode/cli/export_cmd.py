"""``qualcode export quotes|codings|matrix``: material for reports and analysis."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli.context import echo, note, progress_line, store_from
from qualcode.cli.options import (
    AcceptOption,
    CoderFilterOption,
    ExportLanguageOption,
    ForceOption,
    OutputOption,
    RoleOption,
    WhereOption,
    output_option,
    where_pairs,
)
from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _, ngettext
from qualcode.store import Store

if TYPE_CHECKING:
    from qualcode.services.privacy import GateResult

MatrixOutput = output_option(N_("File to write: .csv, .xlsx, .png or .svg."))

export_app = typer.Typer(help=N_("Export the project for other programs and for analysis."),
                         no_args_is_help=True)


@export_app.command("quotes", help=N_("Quote table: filtered codings with speaker, place and a "
                                      "consent-aware attribution."))
def export_quotes(
    ctx: typer.Context,
    output: OutputOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help=N_("xlsx, docx, csv or md (default: the file's ending, else xlsx)."))
        ] = None,
    code: Annotated[list[str] | None, typer.Option(
        "--code", help=N_("Only this code (name or path); repeatable. A theme is a code."))
        ] = None,
    no_subcodes: Annotated[bool, typer.Option(
        "--no-subcodes",  # not translated: the option's name
        help=N_("Leave the sub-codes out."))] = False,
    coder: CoderFilterOption = None,
    where: WhereOption = None,
    role: RoleOption = None,
    voices: Annotated[bool, typer.Option(
        help=N_("Only codings marked 'Stimme aus der Praxis'."))] = False,
    min_length: Annotated[int, typer.Option(help=N_("Shortest quote, in characters."))] = 0,
    max_length: Annotated[int | None, typer.Option(help=N_("Longest quote."))] = None,
    context: Annotated[int, typer.Option(
        help=N_("Characters of context before and after."))] = 0,
    delimiter: Annotated[str, typer.Option(help=N_("CSV delimiter."))] = ";",
    title: Annotated[str | None, typer.Option(
        help=N_("Title of DOCX and Markdown exports (default: the export's own)."))] = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.exports.files import choose_format, default_path
    from qualcode.exports.language import export_language
    from qualcode.exports.quote_files import FORMATS, default_stem
    from qualcode.exports.quotes import QuoteFilter
    from qualcode.services.privacy import export_quotes

    chosen = choose_format(output, fmt, FORMATS)
    if len(delimiter) != 1:
        raise InvalidInput(_("--delimiter must be one character."))
    variables = where_pairs(where)
    wanted = QuoteFilter(code or [], not no_subcodes, coder or [], variables, role or [], voices,
                         min_length, max_length, context)
    store = store_from(ctx)
    lang = export_language(store, lang)
    target = output or default_path(default_stem(lang), chosen)
    with progress_line() as progress:
        done = export_quotes(store, wanted, target, chosen, accept=accept, title=title,
                             lang=lang, delimiter=delimiter, force=force, progress=progress)
    n = len(done.table.quotes)
    echo(ngettext("Wrote {path}: {n} quote.", "Wrote {path}: {n} quotes.", n).format(
        path=target, n=n))
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


def raw_export_note(store: Store, target: Path, what: str, *, working: bool = False) -> None:
    """Raw exchange is never altered; its findings are counted and the export logged.

    ``working``: a table for the team's own work (agreement figures, disagreements), which
    is not meant for publication either.
    """
    from qualcode.services.privacy import check_raw_export

    count = check_raw_export(store, target, what)
    if count and working:
        note(ngettext("Warning: {path} holds {n} passage that may identify a person; working "
                      "tables are not for publication (qualcode privacy check --export {path}).",
                      "Warning: {path} holds {n} passages that may identify a person; working "
                      "tables are not for publication (qualcode privacy check --export {path}).",
                      count).format(path=target, n=count))
    elif count:
        note(ngettext("Warning: {path} holds {n} passage that may identify a person; raw "
                      "exchange files are not altered (qualcode privacy check --export {path}).",
                      "Warning: {path} holds {n} passages that may identify a person; raw "
                      "exchange files are not altered (qualcode privacy check --export {path}).",
                      count).format(path=target, n=count))


@export_app.command("codings", help=N_("One row per coding: document, coder, code path, start, "
                                       "end, text."))
def export_codings(
    ctx: typer.Context,
    output: OutputOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help=N_("csv or jsonl (default: the file's ending, else csv)."))] = None,
    force: ForceOption = False,
) -> None:
    from qualcode.exports.codings_file import coding_rows, count_codings, write_codings
    from qualcode.exports.files import choose_format, default_path, write_with

    chosen = choose_format(output, fmt, ("csv", "jsonl"))
    store = store_from(ctx)
    total = count_codings(store)
    if not total:
        raise InvalidInput(_("The store has no codings; there is nothing to export."))
    target = output or default_path("codings", chosen)
    with progress_line() as progress:
        write_with(target, force, lambda p: write_codings(p, coding_rows(store), total, chosen,
                                                          progress))
    echo(ngettext("Wrote {path}: {n} coding.", "Wrote {path}: {n} codings.", total).format(
        path=target, n=total))
    raw_export_note(store, target, "codings")


@export_app.command("matrix", help=N_("Code co-occurrence or document x code matrix, as a table "
                                      "or a heatmap picture."))
def export_matrix(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option(help=N_("cooccurrence (code x code) or documents "
                                              "(document x code)."))] = "cooccurrence",
    output: MatrixOutput = None,
    measure: Annotated[str, typer.Option(help=N_("cooccurrence: counts, jaccard or c."))] =
        "counts",
    semantics: Annotated[str, typer.Option(help=N_("overlap, turn or sentences."))] = "overlap",
    window: Annotated[int, typer.Option(
        help=N_("semantics 'sentences': at most N apart."))] = 1,
    group_by: Annotated[str | None, typer.Option(
        help=N_("documents: group rows by this document variable (kind, municipality_type …)."))]
        = None,
    coder: CoderFilterOption = None,
    where: WhereOption = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.exports import matrix_files
    from qualcode.exports.files import default_path, write_with
    from qualcode.exports.language import export_language
    from qualcode.exports.matrices import MatrixFilter, cooccurrence, document_code_matrix
    from qualcode.services.privacy import matrix_parts, publish, writable_target

    wanted = MatrixFilter(coder or [], where_pairs(where), semantics, window)
    store = store_from(ctx)
    lang = export_language(store, lang)
    target = output or default_path(kind, "xlsx")
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx", "png", "svg"):
        raise InvalidInput(_("{path}: the file must end in .csv, .xlsx, .png or .svg.").format(
            path=target))
    writable_target(target, force=force)
    if kind == "cooccurrence":
        with progress_line() as progress:
            matrix = cooccurrence(store, wanted, jaccard=measure == "jaccard",
                                  progress=progress)
        values = {"counts": matrix.counts, "jaccard": matrix.jaccard,
                  "c": matrix.c_coefficient}.get(measure)
        if values is None:
            raise InvalidInput(_("--measure must be counts, jaccard or c, not {value!r}.").format(
                value=measure))
        rows, columns = matrix.codes, matrix.codes
    elif kind == "documents":
        result = document_code_matrix(store, wanted, group_by)
        rows, columns, values = result.rows, result.codes, result.counts
    else:
        raise InvalidInput(_("--kind must be cooccurrence or documents, not {value!r}.").format(
            value=kind))
    if suffix in ("png", "svg"):
        title, scale = matrix_files.matrix_words(kind, measure, _label(store, group_by), lang)

        def write(_checked: GateResult) -> None:
            write_with(target, force, lambda p: matrix_files.write_heatmap(
                p, rows, columns, values, title, diagonal_apart=kind == "cooccurrence",
                lang=lang, scale=scale))
    else:
        title = ""

        def write(_checked: GateResult) -> None:
            write_with(target, force, lambda p: matrix_files.write_table(
                p, rows, columns, values, suffix, lang=lang))
    # document names label the rows: the matrix is meant for publication, so it is gated
    what = "matrix"  # not translated: the export log's name for it
    result = publish(store, matrix_parts(rows, columns, title), target, write, what=what,
                     accept=accept)
    echo(_("Wrote {path}: {rows} x {columns}.").format(path=target, rows=len(rows),
                                                       columns=len(columns)))
    gate_notes(result)


def _label(store, variable: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """How people read a document variable's name ("Kommune" for municipality)."""
    from qualcode.services.profile import project_profile

    return project_profile(store).label(variable) if variable else None
