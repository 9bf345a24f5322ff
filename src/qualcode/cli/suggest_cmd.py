"""``qualcode suggest train|apply|evaluate|next``: code suggestions learnt from codings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.cli.context import echo, note, print_json, store_from
from qualcode.cli.options import DocumentOption, WhereOption, comma_list, where_pairs
from qualcode.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from qualcode.services.suggestions import Learnt

app = typer.Typer(help=N_("Code suggestions learnt offline from the team's own codings."),
                  no_args_is_help=True)

FromOption = Annotated[str, typer.Option(
    "--from", help=N_("Comma-separated coders whose codings the models learn from."))]
UnitOption = Annotated[str, typer.Option(help=N_("sentence, turn or document."))]
FoldsOption = Annotated[int, typer.Option(
    help=N_("Cross-validation folds (grouped by document)."))]
SeedOption = Annotated[int, typer.Option(
    help=N_("The same seed gives the same model and figures."))]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]


@app.command("train", help=N_(
    "Learn one model per code and store it; print the cross-validated figures per code."))
def train_command(
    ctx: typer.Context,
    coders: FromOption,
    where: WhereOption = None,
    unit: UnitOption = "turn",  # not translated: a unit name
    folds: FoldsOption = 5,
    seed: SeedOption = 1,
    owner: Annotated[str | None, typer.Option(
        "--coder", help=N_("The coder the model belongs to (default: the project; on a team "
                           "store always yourself)."))] = None,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.suggestions import machine_coder, train

    store = store_from(ctx)
    learnt = train(store, comma_list(coders), variables=where_pairs(where), unit=unit,
                   folds=folds, seed=seed, owner=owner)
    _report(learnt, json_output)
    if not json_output:
        echo(_("Stored the model ({seconds:.1f} s); 'qualcode suggest apply --into {coder}' "
               "codes with it.").format(seconds=learnt.seconds, coder=machine_coder(store)))


@app.command("evaluate", help=N_(
    "The cross-validated precision, recall, F1 and kappa per code, without storing a model."))
def evaluate_command(
    ctx: typer.Context,
    coders: FromOption,
    where: WhereOption = None,
    unit: UnitOption = "turn",  # not translated: a unit name
    folds: FoldsOption = 5,
    seed: SeedOption = 1,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.suggestions import evaluate

    _report(evaluate(store_from(ctx), comma_list(coders), variables=where_pairs(where),
                     unit=unit, folds=folds, seed=seed), json_output)


def _report(learnt: Learnt, json_output: bool) -> None:
    if json_output:
        print_json(learnt)
        return
    echo(_("Learnt from {coders} · unit: {unit} · {units} units in {documents} documents · "
           "{folds} folds by document, seed {seed}").format(
               coders=", ".join(learnt.coders), unit=learnt.unit, units=learnt.units,
               documents=learnt.documents, folds=learnt.folds, seed=learnt.seed))
    header = _("code")
    echo(f"{header:<60} {_('coded'):>6} {'P':>6} {'R':>6} {'F1':>6} {'kappa':>6}")
    for code in learnt.codes:
        if code.suggestible:
            echo(f"{code.code[:60]:<60} {code.positives:>6} {_f(code.precision)} "
                 f"{_f(code.recall)} {_f(code.f1)} {_f(code.kappa)}")
        else:
            echo(f"{code.code[:60]:<60} {code.positives:>6}  "
                 + _("not suggestible: {reason}").format(reason=code.reason))
    total = learnt.summary
    echo(ngettext("{n} suggestible code: micro-F1 {f1}, mean kappa {kappa}",
                  "{n} suggestible codes: micro-F1 {f1}, mean kappa {kappa}", total.codes)
         .format(n=total.codes, f1=_f(total.micro_f1).strip(),
                 kappa=_f(total.mean_kappa).strip()))


def _f(value: float | None) -> str:
    return f"{value:>6.2f}" if value is not None else f"{'–':>6}"


@app.command("apply", help=N_(
    "Code the selected units as a separate coder (one undoable batch, confidence per coding)."))
def apply_command(
    ctx: typer.Context,
    into: Annotated[str | None, typer.Option(help=N_(
        "The coder the suggestions are coded as (default: machine; on a team store "
        "LOGIN:machine, a machine coder of your own)."))] = None,
    where: WhereOption = None,
    document: DocumentOption = None,
    unit: Annotated[str | None, typer.Option(
        help=N_("sentence, turn or document (default: the unit the model learnt on)."))] = None,
    min_kappa: Annotated[float, typer.Option(
        help=N_("Suggest only codes whose cross-validated kappa reaches this."))] = 0.6,
    owner: Annotated[str | None, typer.Option(
        "--coder", help=N_("Use this coder's model (default: the project's; on a team store "
                           "always your own)."))] = None,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.suggestions import apply

    applied = apply(store_from(ctx), into, variables=where_pairs(where), documents=document,
                    unit=unit, min_kappa=min_kappa, coder=owner)
    if json_output:
        print_json(applied)
        return
    if applied.stale:
        note(_("Note: the codings changed since the model was trained; it is stale "
               "('qualcode suggest train' again)."))
    for code, count in applied.per_code.items():
        echo(f"{code[:60]:<60} {count:>6}")
    for skipped in applied.skipped:
        echo(_("{code}: not suggested, {reason}").format(code=skipped.code,
                                                        reason=skipped.reason))
    echo(ngettext("{n} coding added as {coder} over {units} {unit} units",
                  "{n} codings added as {coder} over {units} {unit} units", applied.codings)
         .format(n=applied.codings, coder=applied.coder, units=applied.units, unit=applied.unit)
         + (_(" ('qualcode undo --coder {coder}' takes them back).").format(coder=applied.coder)
            if applied.codings else "."))


@app.command("next", help=N_(
    "The uncoded unit where the models are least certain: coding it teaches them most."))
def next_command(
    ctx: typer.Context,
    coder: Annotated[str, typer.Option(help=N_("The coder who codes next."))],
    where: WhereOption = None,
    document: DocumentOption = None,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.suggestions import model_info, next_unit
    from qualcode.services.team import acting_coder

    store = store_from(ctx)
    coder = acting_coder(store, coder) or coder
    found = next_unit(store, coder, variables=where_pairs(where), documents=document)
    if json_output:
        print_json(found)
        return
    info = model_info(store, coder)
    if info is not None and info.stale:
        note(_("Note: the codings changed since the model was trained; it is stale "
               "('qualcode suggest train' again)."))
    if found is None:
        echo(_("Every unit is coded by {coder}.").format(coder=coder))
        return
    echo(_("{document} [{start}, {end}): the model is least sure about {code} "
           "({confidence:.2f})").format(document=found.document, start=found.start,
                                        end=found.end, code=found.code,
                                        confidence=found.confidence))
