"""``qualcode team``: the coders, reviewers and leads of a PostgreSQL store."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.context import echo, print_json, store_from
from qualcode.i18n import N_, _

ROLE_WORDS = {"coder": N_("coder"), "reviewer": N_("reviewer"), "lead": N_("lead")}

app = typer.Typer(help=N_("The team of a PostgreSQL store: roles, logins and their rights."),
                  no_args_is_help=True)


@app.command(help=N_("Create this project's group roles, grants and row-level security "
                     "(run it again safely)."))
def init(ctx: typer.Context) -> None:
    from qualcode.services.team import init_team

    init_team(store_from(ctx))
    echo(_("The team rules are in place; add members with 'qualcode team add'."))


@app.command(help=N_("Add a login to the team (creating it if needed) with its role."))
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The database login."))],
    role: Annotated[str, typer.Option(help=N_("coder, reviewer or lead."))] = "coder",
    coder: Annotated[str | None, typer.Option(
        help=N_("An existing coder (with codings) this login codes as."))] = None,
    password_prompt: Annotated[bool, typer.Option(
        "--password-prompt",  # not translated: an option name
        help=N_("Ask for the login's password."))] = False,
) -> None:
    from qualcode.services.team import add_member

    password = None
    if password_prompt:
        password = typer.prompt(_("Password for {name}").format(name=name), hide_input=True,
                                confirmation_prompt=True)
    member = add_member(store_from(ctx), name, role, coder=coder, password=password)
    echo(_("{login} is a {role} of the team and codes as {coder}.").format(
        login=member.login, role=_(ROLE_WORDS[member.role or role]), coder=member.coder))


@app.command(help=N_("Take a login's rights in this project away; its codings stay."))
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=N_("The database login."))],
) -> None:
    from qualcode.services.team import remove_member

    remove_member(store_from(ctx), name)
    echo(_("{login} is no longer a member of the team; their codings stay.").format(login=name))


@app.command("list", help=N_("The team's logins, their roles and the coders they code as."))
def list_command(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help=N_("Print JSON."))] = False,
) -> None:
    from qualcode.services.team import list_members

    members = list_members(store_from(ctx))
    if json_output:
        print_json(members)
        return
    for member in members:
        role = _(ROLE_WORDS[member.role]) if member.role else "-"
        echo(f"{member.login:<20} {role:<16} {member.coder}")


def leads_only_export(ctx: typer.Context) -> None:
    from qualcode.services.team import require_lead

    if ctx.resilient_parsing or "--help" in ctx.args:
        return
    require_lead(store_from(ctx), _("export"))
