"""``qualcode report agreement|codebook|project`` and ``qualcode anchor``: finished documents
(HTML or Word) to hand on, and the anchor-example mark the Kodierleitfaden shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli.context import note, store_from
from qualcode.cli.options import (
    AcceptOption,
    BootstrapOption,
    CodersOption,
    DocumentsOption,
    ForceOption,
    UnitOption,
    comma_list,
    output_option,
)
from qualcode.i18n import N_, _

if TYPE_CHECKING:
    from qualcode.services.reports import WrittenReport

report_app = typer.Typer(help=N_("Reports people read: agreement report, coding guide, project "
                                 "overview."),
                         no_args_is_help=True)

LangOption = Annotated[str | None, typer.Option(
    "--lang", help=N_("de or en (default: the project's export language)."))]
AgreementOutput = output_option(N_("File to write: .html or .docx (default: exports/…html)."))
CodebookOutput = output_option(N_("File to write: .docx or .html (default: exports/…docx)."))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
    app.command("anchor", help=N_(
        "Mark a coding as an anchor example of its code, for the coding guide."))(anchor_command)


@report_app.command("agreement", help=N_("The agreement report: per-code table, codes confused "
                                         "(heatmap), methods paragraph."))
def report_agreement(
    ctx: typer.Context,
    coders: CodersOption,
    unit: UnitOption = "turn",
    documents: DocumentsOption = None,
    bootstrap: BootstrapOption = 0,
    output: AgreementOutput = None,
    lang: LangOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_agreement_report

    selection = Selection(comma_list(coders), unit, comma_list(documents),
                          bootstrap=bootstrap)
    said(write_agreement_report(store_from(ctx), selection, output, language=lang,
                                force=force, accept=accept))


@report_app.command("codebook", help=N_("The coding guide (Mayring): definition, anchor example, "
                                        "rules, delimitation per code."))
def report_codebook(
    ctx: typer.Context,
    coders: Annotated[str | None, typer.Option(
        help=N_("Coders A,B[,…] whose confusions give the delimitation notes."))] = None,
    unit: UnitOption = "turn",
    output: CodebookOutput = None,
    lang: LangOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_codebook_report

    selection = Selection(comma_list(coders), unit) if coders else None
    said(write_codebook_report(store_from(ctx), output, selection=selection,
                               language=lang, force=force, accept=accept))


ProjectOutput = output_option(N_("File to write: .html or .docx (default: exports/…html)."))


@report_app.command("project", help=N_(
    "The project overview: documents, codings per theme, co-occurrence, saturation, changes."))
def report_project(
    ctx: typer.Context,
    output: ProjectOutput = None,
    lang: LangOption = None,
    force: ForceOption = False,
    accept: AcceptOption = None,
) -> None:
    from qualcode.services.reports import write_project_report

    said(write_project_report(store_from(ctx), output, language=lang, force=force,
                              accept=accept))


def said(written: WrittenReport) -> None:
    """The file written, and the privacy gate's counts (never what it found)."""
    from qualcode.cli.export_cmd import gate_notes

    note(_("Wrote {path}.").format(path=written.path))
    gate_notes(written.gate)


def anchor_command(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help=N_("The document's name."))],
    code: Annotated[str, typer.Argument(help=N_("The code (path, name or unique prefix)."))],
    coder: Annotated[str, typer.Option(help=N_("Whose coding: each coder marks their own."))],
    start: Annotated[int | None, typer.Option(
        help=N_("The coding's start offset, where the coder coded the code more than once."))
    ] = None,
    remove: Annotated[bool, typer.Option(help=N_("Take the mark away."))] = False,
) -> None:
    from qualcode.services.anchors import mark_anchor

    coding_id = mark_anchor(store_from(ctx), document, code, coder, start=start,
                            marked=not remove)
    said = (_("Coding {id} is no longer an anchor example.") if remove
            else _("Coding {id} is now an anchor example of {code}."))
    note(said.format(id=coding_id, code=code))
