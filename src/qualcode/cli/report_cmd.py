"""``qualcode report agreement|codebook``: finished documents (HTML or Word) to hand on."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.context import note, store_from
from qualcode.cli.options import (
    BootstrapOption,
    CodersOption,
    DocumentsOption,
    ForceOption,
    UnitOption,
    comma_list,
    output_option,
)
from qualcode.i18n import N_, _

report_app = typer.Typer(help=N_("Reports people read: agreement report, coding guide."),
                         no_args_is_help=True)

LangOption = Annotated[str | None, typer.Option(
    "--lang", help=N_("de or en (default: the project's export language)."))]
AgreementOutput = output_option(N_("File to write: .html or .docx (default: exports/…html)."))
CodebookOutput = output_option(N_("File to write: .docx or .html (default: exports/…docx)."))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


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
) -> None:
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_agreement_report

    selection = Selection(comma_list(coders), unit, comma_list(documents),
                          bootstrap=bootstrap)
    written = write_agreement_report(store_from(ctx), selection, output, language=lang,
                                     force=force)
    note(_("Wrote {path}.").format(path=written))


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
) -> None:
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_codebook_report

    selection = Selection(comma_list(coders), unit) if coders else None
    written = write_codebook_report(store_from(ctx), output, selection=selection,
                                    language=lang, force=force)
    note(_("Wrote {path}.").format(path=written))
