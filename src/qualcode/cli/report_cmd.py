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

report_app = typer.Typer(help="Reports people read: agreement report, Kodierleitfaden.",
                         no_args_is_help=True)

LangOption = Annotated[str | None, typer.Option(
    "--lang", help="de or en (default: the project's export language).")]
AgreementOutput = output_option("File to write: .html or .docx (default: exports/…html).")
CodebookOutput = output_option("File to write: .docx or .html (default: exports/…docx).")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


@report_app.command("agreement")
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
    """The agreement report: per-code table, codes confused (heatmap), methods paragraph."""
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_agreement_report

    selection = Selection(comma_list(coders), unit, comma_list(documents),
                          bootstrap=bootstrap)
    written = write_agreement_report(store_from(ctx), selection, output, language=lang,
                                     force=force)
    note(f"Wrote {written}.")


@report_app.command("codebook")
def report_codebook(
    ctx: typer.Context,
    coders: Annotated[str | None, typer.Option(
        help="Coders A,B[,…] whose confusions give the 'Abgrenzung' notes.")] = None,
    unit: UnitOption = "turn",
    output: CodebookOutput = None,
    lang: LangOption = None,
    force: ForceOption = False,
) -> None:
    """The Kodierleitfaden (Mayring): definition, anchor example, rules, Abgrenzung per code."""
    from qualcode.agreement.results import Selection
    from qualcode.services.reports import write_codebook_report

    selection = Selection(comma_list(coders), unit) if coders else None
    written = write_codebook_report(store_from(ctx), output, selection=selection,
                                    language=lang, force=force)
    note(f"Wrote {written}.")
