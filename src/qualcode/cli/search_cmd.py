"""``qualcode search``, ``autocode``, ``undo`` and ``redo``."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.context import echo, print_json, store_from
from qualcode.cli.options import (
    DocumentOption,
    JsonOption,
    RoleOption,
    WhereOption,
    filters_from,
)
from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _, ngettext


def register(app: typer.Typer) -> None:
    app.command("search", help=N_("Search all documents; finds inflected forms; prints each "
                                  "hit in its context."))(search_command)
    app.command("autocode", help=N_("Apply a code to every search hit (or its sentence or "
                                    "turn); undo it with 'qualcode undo'."))(autocode_command)
    app.command("undo", help=N_("Undo the coder's newest change (a coding, an autocode run, a "
                                "memo …)."))(undo_command)
    app.command("redo", help=N_("Redo the coder's newest undo."))(redo_command)


def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help=N_('Words (all forms), "exact phrases", prefix*, '
                                                 "AND, OR, NOT, parentheses."))],
    where: WhereOption = None,
    role: RoleOption = None,
    document: DocumentOption = None,
    limit: Annotated[int, typer.Option(
        help=N_("Read hits from at most this many turns."))] = 200,
    json_output: JsonOption = False,
) -> None:
    from qualcode.search.engine import search

    result = search(store_from(ctx), query, filters_from(where, role, document), limit=limit)
    if json_output:
        print_json(result)
        return
    for hit in result.hits:
        who = f"{hit.speaker} ({hit.role})" if hit.role else (hit.speaker or "")
        echo(f"{hit.document} #{hit.turn} {who} [{hit.start}, {hit.end}): "
             f"…{hit.left}[{hit.text}]{hit.right}…")
    hits = ngettext("{n} hit", "{n} hits", len(result.hits)).format(n=len(result.hits))
    # One sentence per plural form: the number of turns decides the case of the noun.
    found = (ngettext("{hits} in {n} turn (hits shown from the first {limit}).",
                      "{hits} in {n} turns (hits shown from the first {limit}).", result.turns)
             if result.truncated else
             ngettext("{hits} in {n} turn.", "{hits} in {n} turns.", result.turns))
    echo(found.format(hits=hits, n=result.turns, limit=limit))


def autocode_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help=N_("The search query (see 'qualcode search')."))],
    code: Annotated[str, typer.Option(help=N_("The code to apply (name or path)."))],
    coder: Annotated[str, typer.Option(help=N_("The coder the codings belong to."))],
    scope: Annotated[str, typer.Option(help=N_("Code the hit, its sentence or its turn."))] =
        "hit",
    where: WhereOption = None,
    role: RoleOption = None,
    document: DocumentOption = None,
    dry_run: Annotated[bool, typer.Option(help=N_("Only count what would be coded."))] = False,
    json_output: JsonOption = False,
) -> None:
    from qualcode.search.autocode import Scope, autocode

    if scope not in Scope.__members__:
        raise InvalidInput(_("--scope must be hit, sentence or turn, not {value!r}.").format(
            value=scope))
    from qualcode.services.team import acting_coder

    coder = acting_coder(store_from(ctx), coder) or coder
    result = autocode(store_from(ctx), query, code=code, coder=coder, scope=Scope(scope),
                      filters=filters_from(where, role, document), dry_run=dry_run)
    if json_output:
        print_json(result)
        return
    done = (ngettext("Would code {n} {scope} range with {code} for {coder} ({hits} hits; "
                     "{already} already coded).",
                     "Would code {n} {scope} ranges with {code} for {coder} ({hits} hits; "
                     "{already} already coded).", result.created) if dry_run else
            ngettext("Coded {n} {scope} range with {code} for {coder} ({hits} hits; {already} "
                     "already coded).",
                     "Coded {n} {scope} ranges with {code} for {coder} ({hits} hits; {already} "
                     "already coded).", result.created))
    echo(done.format(n=result.created, scope=scope, code=result.code, coder=coder,
                     hits=result.hits, already=result.already_coded))
    if result.batch:
        echo(_("Undo with: qualcode undo --coder {coder}").format(coder=coder))


def undo_command(
    ctx: typer.Context,
    coder: Annotated[str, typer.Option(help=N_("Whose newest change to undo."))],
    batch: Annotated[str | None, typer.Option(
        help=N_("Undo this change batch instead."))] = None,
) -> None:
    from qualcode.services.history import undo
    from qualcode.services.team import acting_coder

    result = undo(store_from(ctx), acting_coder(store_from(ctx), coder) or coder, batch)
    echo(_("Undone: {change}.").format(change=result.description))


def redo_command(
    ctx: typer.Context,
    coder: Annotated[str, typer.Option(help=N_("Whose newest undo to redo."))],
) -> None:
    from qualcode.services.history import redo
    from qualcode.services.team import acting_coder

    result = redo(store_from(ctx), acting_coder(store_from(ctx), coder) or coder)
    echo(_("Redone: {change}.").format(change=result.description))
