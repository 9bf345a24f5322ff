"""``qualcode profile``: the project profile (variables, attribution, export language, privacy)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, print_json, store_from

app = typer.Typer(help="The project profile: document variables, attribution, export "
                       "language and privacy settings.", no_args_is_help=True)


@app.command()
def check(file: Annotated[Path, typer.Argument(help="A profile file (YAML).")]) -> None:
    """Validate a profile file without a store."""
    from qualcode.profile.parse import read_profile

    profile = read_profile(file)
    echo(f"{file}: a valid profile of the study {profile.study!r} with "
         f"{len(profile.variables)} document variables.")


@app.command()
def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A profile file (YAML).")],
    by: Annotated[str, typer.Option(help="Who loads it (for the audit log).")] = "system",
) -> None:
    """Keep a profile file as the project's profile."""
    from qualcode.services.profile import load_profile_file

    done = load_profile_file(store_from(ctx), file, actor=by)
    if done.changed:
        echo(f"Loaded the profile of the study {done.study!r} from {file}.")
    else:
        echo(f"The project already has this profile ({done.study!r}).")


@app.command()
def show(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the project's profile (the study's default when none was loaded)."""
    import json

    from qualcode.profile.parse import profile_to_json
    from qualcode.services.profile import project_profile

    profile = project_profile(store_from(ctx))
    if json_output:
        print_json(json.loads(profile_to_json(profile)))
        return
    echo(f"Study: {profile.study}")
    echo(f"Export language: {profile.export_language}")
    echo(f"Privacy gate: {profile.privacy.gate} (k = {profile.privacy.k})")
    echo("Document variables:")
    for variable in profile.variables:
        values = f": {', '.join(variable.values)}" if variable.values else ""
        echo(f"  {variable.name} ({variable.label}){values}")
    echo(f"Document list: {', '.join(profile.document_list)}")
    echo(f"Quote columns: {', '.join(profile.quote_columns)}")
    anonymous = ", ".join(["role", *profile.attribution.anonymous])
    echo(f"Anonymous attribution: {anonymous}")
