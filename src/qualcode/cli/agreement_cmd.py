"""``qualcode agreement`` and ``qualcode disagreements``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli.context import (
    echo,
    note,
    print_json,
    store_from,
    to_jsonable,
)
from qualcode.cli.options import (
    BootstrapOption,
    CodersOption,
    DocumentsOption,
    ExportLanguageOption,
    JsonOption,
    UnitOption,
    comma_list,
)
from qualcode.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from qualcode.store import Store

CodesOption = Annotated[str | None, typer.Option(
    help=N_("Comma-separated codes (name or path)."))]
ForceOption = Annotated[bool, typer.Option(help=N_("Overwrite existing table files."))]
OverlapOption = Annotated[float, typer.Option(
    help=N_("Unit 'segment': share of both codings that must overlap."))]
XlsxOption = Annotated[Path | None, typer.Option("--xlsx", help=N_("Write an XLSX table."))]
IntoOption = Annotated[str, typer.Option(help=N_("The consensus coder."))]


consensus_app = typer.Typer(help=N_("Settle disagreements into a consensus coder."),
                            no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("agreement", help=N_(
        "Inter-coder agreement per code and overall (percent, Cohen, Brennan-Prediger, "
        "alpha)."))(agreement_command)
    app.command("disagreements", help=N_(
        "Every unit on which the coders disagree: document, unit, code, who coded it, "
        "text."))(disagreements_command)
    app.add_typer(consensus_app, name="consensus")


@consensus_app.command("seed", help=N_("Copy every coding the coders agree on (segment rule) "
                                       "into the consensus coder."))
def consensus_seed(
    ctx: typer.Context,
    coders: CodersOption,
    into: IntoOption = "consensus",
    overlap: OverlapOption = 0.9,
) -> None:
    from qualcode.agreement.consensus import seed
    from qualcode.services.team import acting_actor, acting_coder

    store = store_from(ctx)
    into = acting_coder(store, into) or into
    names = comma_list(coders)
    done = seed(store, names, into=into, overlap=overlap,
                actor=acting_actor(store, "reviewer"))
    echo(ngettext("Copied {n} agreed coding into {coder} ({skipped} were there).",
                  "Copied {n} agreed codings into {coder} ({skipped} were there).",
                  done.copied).format(n=done.copied, coder=done.coder, skipped=done.skipped))


@consensus_app.command("resolve", help=N_("Settle one disagreement: copy the chosen coders' "
                                          "codings there into the consensus."))
def consensus_resolve(
    ctx: typer.Context,
    document: Annotated[str, typer.Option(help=N_("The document."))],
    code: Annotated[str, typer.Option(help=N_("The code (name or path)."))],
    start: Annotated[int, typer.Option(help=N_("Start of the disagreement (code points)."))],
    end: Annotated[int, typer.Option(help=N_("End of the disagreement, exclusive."))],
    take: Annotated[str, typer.Option(help=N_("Comma-separated coders whose codings to keep; "
                                              "empty: none."))] = "",
    into: IntoOption = "consensus",
) -> None:
    from qualcode.agreement.consensus import resolve
    from qualcode.services.team import acting_actor, acting_coder

    store = store_from(ctx)
    into = acting_coder(store, into) or into
    names = comma_list(take)
    done = resolve(store, document=document, code=code, start=start, end=end,
                   take=names, into=into, actor=acting_actor(store, "reviewer"))
    echo(ngettext("Copied {n} coding into {coder}.", "Copied {n} codings into {coder}.",
                  done.copied).format(n=done.copied, coder=done.coder))


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
    json_output: JsonOption = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help=N_("Write a CSV table."))] = None,
    xlsx_file: XlsxOption = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
) -> None:
    from qualcode.agreement.compute import CodeAgreement, agreement
    from qualcode.exports.language import export_language

    store = store_from(ctx)
    language = export_language(store, lang)
    result = agreement(store, _selection(coders, unit, documents, codes, overlap, bootstrap))
    rows = [to_jsonable(code) for code in result.codes]
    if csv_file or xlsx_file:
        _write_table(store, rows, csv_file, xlsx_file, force=force, kind="agreement", lang=language,
                     columns=[f.name for f in dataclasses.fields(CodeAgreement)])
    if json_output:
        print_json(result)
        return
    _print_agreement(result)


def _print_agreement(result) -> None:  # type: ignore[no-untyped-def]
    documents = ngettext("{n} document", "{n} documents", result.documents).format(
        n=result.documents)
    echo(_("{coders} · unit: {unit} · {documents}").format(
        coders=", ".join(result.coders), unit=result.unit, documents=documents))
    columns = [(_("agree"), "percent_agreement"), ("kappa", "cohen_kappa"),
               ("BP", "brennan_prediger"), ("alpha", "krippendorff_alpha")]
    if len(result.coders) > 2:
        columns[1] = ("Fleiss", "fleiss_kappa")  # not translated: a coefficient's name
    echo(f"{_('code'):<60} {_('units'):>8} "
         + " ".join(f"{name:>6}" for name, _field in columns))
    for code in result.codes:
        remark = (_("(not used)") if not code.used else _("(degenerate)") if code.degenerate
                  else "")
        echo(f"{code.code[:60]:<60} {code.n_units:>8.0f} "
             + " ".join(_f(getattr(code, field)) for _name, field in columns)
             + (f"  {remark}" if remark else ""))
    o = result.overall
    scopes = ((ngettext("overall, the {n} code in scope:", "overall, all {n} codes in scope:",
                        o.codes_in_scope).format(n=o.codes_in_scope), o.all_codes),
              (ngettext("overall, the {n} code used:", "overall, the {n} codes used:",
                        o.codes_used).format(n=o.codes_used), o.used_codes))
    for label, summary in scopes:
        echo(label)
        for kind, shown in (("mean", _("mean")), ("pooled", _("pooled"))):
            figures = "  ".join(f"{name} {_f(getattr(summary, f'{kind}_{field}'))}"
                                for name, field in columns)
            echo(f"  {shown:<7} {figures}")


def disagreements_command(
    ctx: typer.Context,
    coders: CodersOption,
    unit: UnitOption = "turn",
    documents: DocumentsOption = None,
    codes: CodesOption = None,
    overlap: OverlapOption = 0.9,
    json_output: JsonOption = False,
    xlsx_file: XlsxOption = None,
    lang: ExportLanguageOption = None,
    force: ForceOption = False,
) -> None:
    from qualcode.agreement.compute import disagreements
    from qualcode.exports.language import export_language

    store = store_from(ctx)
    language = export_language(store, lang)
    found = disagreements(store, _selection(coders, unit, documents, codes, overlap))
    if xlsx_file:
        names = comma_list(coders)
        _write_table(store, [_flat(d) for d in found], None, xlsx_file, force=force,
                     kind="disagreements", lang=language,
                     columns=["document", "unit", "start", "end", "code",
                              *(_coded_by(n) for n in names), "text"])
    if json_output:
        print_json(found)
        return
    for d in found:
        who = ", ".join(f"{name}: {_('yes') if v else _('no') if v is not None else '–'}"
                        for name, v in d.coded_by.items())
        echo(f"{d.document} [{d.start}, {d.end}) {d.code} — {who}: {d.text[:80]!r}")
    echo(ngettext("{n} disagreement.", "{n} disagreements.", len(found)).format(n=len(found)))


def _coded_by(coder: str) -> str:
    return f"coded by {coder}"  # not translated: a column key, as the field names beside it


def _flat(d) -> dict[str, object]:  # type: ignore[no-untyped-def]
    row = {"document": d.document, "unit": d.unit, "start": d.start, "end": d.end,
           "code": d.code}
    row.update({_coded_by(k): v for k, v in d.coded_by.items()})
    row["text"] = d.text
    return row


def _write_table(store: Store, rows: list[dict[str, object]], csv_file: Path | None,
                 xlsx_file: Path | None, *, force: bool, kind: str, lang: str,
                 columns: list[str]) -> None:
    from qualcode.cli.export_cmd import raw_export_note
    from qualcode.exports.files import check_target, write_with
    from qualcode.exports.records import write_records

    targets = [(t, fmt) for t, fmt in ((csv_file, "csv"), (xlsx_file, "xlsx")) if t is not None]
    for target, _fmt in targets:  # both checked before either is written
        check_target(target, force=force)
    for target, fmt in targets:
        write_with(target, force, lambda p, fmt=fmt: write_records(
            p, rows, fmt, kind=kind, columns=columns, lang=lang))
        note(_("Wrote {path}.").format(path=target))
        raw_export_note(store, target, kind, working=True)  # for the team, not altered


def _f(value: float | None) -> str:
    return f"{value:6.3f}" if value is not None else "     –"
