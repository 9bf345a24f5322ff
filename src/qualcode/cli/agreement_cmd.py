"""``qualcode agreement`` and ``qualcode disagreements``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, store_from, to_jsonable
from qualcode.cli.options import (
    BootstrapOption,
    CodersOption,
    DocumentsOption,
    ExportLanguageOption,
    UnitOption,
    comma_list,
)

CodesOption = Annotated[str | None, typer.Option(help="Comma-separated codes (name or path).")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite existing table files.")]
OverlapOption = Annotated[float, typer.Option(
    help="Unit 'segment': share of both codings that must overlap.")]


consensus_app = typer.Typer(help="Settle disagreements into a consensus coder.",
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement_command)
    app.command("disagreements")(disagreements_command)
    app.add_typer(consensus_app, name="consensus")


@consensus_app.command("seed")
def consensus_seed(
    ctx: typer.Context,
    coders: CodersOption,
    into: Annotated[str, typer.Option(help="The consensus coder.")] = "consensus",
    overlap: OverlapOption = 0.9,
) -> None:
    """Copy every coding the coders agree on (segment rule) into the consensus coder."""
    from qualcode.agreement.consensus import seed

    names = comma_list(coders)
    done = seed(store_from(ctx), names, into=into, overlap=overlap)
    echo(f"Copied {done.copied} agreed codings into {done.coder} ({done.skipped} were there).")


@consensus_app.command("resolve")
def consensus_resolve(
    ctx: typer.Context,
    document: Annotated[str, typer.Option(help="The document.")],
    code: Annotated[str, typer.Option(help="The code (name or path).")],
    start: Annotated[int, typer.Option(help="Start of the disagreement (code points).")],
    end: Annotated[int, typer.Option(help="End of the disagreement, exclusive.")],
    take: Annotated[str, typer.Option(help="Comma-separated coders whose codings to keep; "
                                           "empty: none.")] = "",
    into: Annotated[str, typer.Option(help="The consensus coder.")] = "consensus",
) -> None:
    """Settle one disagreement: copy the chosen coders' codings there into the consensus."""
    from qualcode.agreement.consensus import resolve

    names = comma_list(take)
    done = resolve(store_from(ctx), document=document, code=code, start=start, end=end,
                   take=names, into=into)
    echo(f"Copied {done.copied} codings into {done.coder}.")


def _selection(coders: str, unit: str, documents: str | None, codes: str | None,
               overlap: float, bootstrap: int = 0):  # type: ignore[no-untyped-def]
    from qualcode.agreement.compute import Selection

    return Selection(comma_list(coders), unit, comma_list(documents), comma_list(codes), overlap,
                     bootstrap)


def agreement_command(
    ctx: typer.Context,
    coders: CodersOption,
    unit: UnitOption = "turn",
    documents: DocumentsOption = None,
    codes: CodesOption = None,
    overlap: OverlapOption = 0.9,
    bootstrap: BootstrapOption = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write a CSV table.")] = None,
    xlsx_file: Annotated[Path | None, typer.Option("--xlsx", help="Write an XLSX table.")] = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
) -> None:
    """Inter-coder agreement per code and overall (percent, Cohen, Brennan-Prediger, alpha)."""
    from qualcode.agreement.compute import CodeAgreement, agreement
    from qualcode.exports.language import export_language

    store = store_from(ctx)
    language = export_language(store, lang)
    result = agreement(store, _selection(coders, unit, documents, codes, overlap, bootstrap))
    rows = [to_jsonable(code) for code in result.codes]
    if csv_file or xlsx_file:
        _write_table(rows, csv_file, xlsx_file, force=force, kind="agreement", lang=language,
                     columns=[f.name for f in dataclasses.fields(CodeAgreement)])
    if json_output:
        print_json(result)
        return
    echo(f"{', '.join(result.coders)} · unit: {result.unit} · {result.documents} documents")
    columns = [("agree", "percent_agreement"), ("kappa", "cohen_kappa"),
               ("BP", "brennan_prediger"), ("alpha", "krippendorff_alpha")]
    if len(result.coders) > 2:
        columns[1] = ("Fleiss", "fleiss_kappa")
    echo(f"{'code':<60} {'units':>8} " + " ".join(f"{name:>6}" for name, _ in columns))
    for code in result.codes:
        echo(f"{code.code[:60]:<60} {code.n_units:>8.0f} "
             + " ".join(_f(getattr(code, field)) for _, field in columns)
             + ("  (not used)" if not code.used else "  (degenerate)" if code.degenerate
                else ""))
    o = result.overall
    for label, summary in ((f"all {o.codes_in_scope} codes in scope", o.all_codes),
                           (f"the {o.codes_used} codes used", o.used_codes)):
        echo(f"overall, {label}:")
        for kind in ("mean", "pooled"):
            figures = "  ".join(f"{name} {_f(getattr(summary, f'{kind}_{field}'))}"
                                for name, field in columns)
            echo(f"  {kind:<7} {figures}")


def disagreements_command(
    ctx: typer.Context,
    coders: CodersOption,
    unit: UnitOption = "turn",
    documents: DocumentsOption = None,
    codes: CodesOption = None,
    overlap: OverlapOption = 0.9,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    xlsx_file: Annotated[Path | None, typer.Option("--xlsx", help="Write an XLSX table.")] = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
) -> None:
    """Every unit on which the coders disagree: document, unit, code, who coded it, text."""
    from qualcode.agreement.compute import disagreements
    from qualcode.exports.language import export_language

    store = store_from(ctx)
    language = export_language(store, lang)
    found = disagreements(store, _selection(coders, unit, documents, codes, overlap))
    if xlsx_file:
        names = comma_list(coders)
        _write_table([_flat(d) for d in found], None, xlsx_file, force=force,
                     kind="disagreements", lang=language,
                     columns=["document", "unit", "start", "end", "code",
                              *(f"coded by {n}" for n in names), "text"])
    if json_output:
        print_json(found)
        return
    for d in found:
        who = ", ".join(f"{name}: {'yes' if v else 'no' if v is not None else '–'}"
                        for name, v in d.coded_by.items())
        echo(f"{d.document} [{d.start}, {d.end}) {d.code} — {who}: {d.text[:80]!r}")
    echo(f"{len(found)} disagreements.")


def _flat(d) -> dict[str, object]:  # type: ignore[no-untyped-def]
    row = {"document": d.document, "unit": d.unit, "start": d.start, "end": d.end,
           "code": d.code}
    row.update({f"coded by {k}": v for k, v in d.coded_by.items()})
    row["text"] = d.text
    return row


def _write_table(rows: list[dict[str, object]], csv_file: Path | None,
                 xlsx_file: Path | None, *, force: bool, kind: str, lang: str,
                 columns: list[str]) -> None:
    from qualcode.exports.files import check_target, write_with
    from qualcode.exports.records import write_records

    targets = [(t, fmt) for t, fmt in ((csv_file, "csv"), (xlsx_file, "xlsx")) if t is not None]
    for target, _ in targets:  # both checked before either is written
        check_target(target, force=force)
    for target, fmt in targets:
        write_with(target, force, lambda p, fmt=fmt: write_records(
            p, rows, fmt, kind=kind, columns=columns, lang=lang))
        note(f"Wrote {target}.")


def _f(value: float | None) -> str:
    return f"{value:6.3f}" if value is not None else "     –"
