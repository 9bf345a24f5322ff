"""``qualcode profile``: the project profile (variables, attribution, export language, privacy)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, print_json, store_from
from qualcode.cli.options import JsonOption
from qualcode.i18n import N_, _, ngettext

app = typer.Typer(help=N_("The project profile: document variables, attribution, export "
                          "language and privacy settings."), no_args_is_help=True)
ProfileFile = Annotated[Path, typer.Argument(help=N_("A profile file (YAML)."), exists=True,
                                             dir_okay=False)]


@app.command(help=N_("Validate a profile file without a store."))
def check(file: ProfileFile) -> None:
    from qualcode.profile.parse import read_profile

    profile = read_profile(file)
    n = len(profile.variables)
    echo(ngettext("{path}: a valid profile of the study {study!r} with {n} document variable.",
                  "{path}: a valid profile of the study {study!r} with {n} document variables.",
                  n).format(path=file, study=profile.study, n=n))


@app.command(help=N_("Keep a profile file as the project's profile."))
def load(
    ctx: typer.Context,
    file: ProfileFile,
    by: Annotated[str, typer.Option(help=N_("Who loads it (for the audit log)."))] = "system",
) -> None:
    from qualcode.services.profile import load_profile_file

    done = load_profile_file(store_from(ctx), file, actor=by)
    if done.changed:
        echo(_("Loaded the profile of the study {study!r} from {path}.").format(
            study=done.study, path=file))
    else:
        echo(_("The project already has this profile ({study!r}).").format(study=done.study))


@app.command(help=N_("Print the project's profile (the study's default when none was "
                     "loaded)."))
def show(ctx: typer.Context, json_output: JsonOption = False) -> None:
    import json

    from qualcode.profile.parse import profile_to_json
    from qualcode.services.profile import project_profile

    profile = project_profile(store_from(ctx))
    if json_output:
        print_json(json.loads(profile_to_json(profile)))
        return
    echo(_("Study: {study}").format(study=profile.study))
    echo(_("Export language: {language}").format(language=profile.export_language))
    echo(_("Privacy gate: {gate} (k = {k})").format(gate=profile.privacy.gate,
                                                    k=profile.privacy.k))
    echo(_("Document variables:"))
    for variable in profile.variables:
        values = f": {', '.join(variable.values)}" if variable.values else ""
        echo(f"  {variable.name} ({variable.label}){values}")
    echo(_("Document list: {names}").format(names=", ".join(profile.document_list)))
    echo(_("Quote columns: {names}").format(names=", ".join(profile.quote_columns)))
    anonymous = ", ".join(["role", *profile.attribution.anonymous])
    echo(_("Anonymous attribution: {names}").format(names=anonymous))
