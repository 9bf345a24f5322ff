"""``qualcode search``, ``autocode``, ``undo`` and ``redo``."""

from __future__ import annotations

from typing import Annotated

import typer

from qualcode.cli.context import echo, print_json, store_from
from qualcode.cli.options import DocumentOption, RoleOption, WhereOption, filters_from
from qualcode.errors import InvalidInput


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)
    app.command("autocode")(autocode_command)
    app.command("undo")(undo_command)
    app.command("redo")(redo_command)


def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words (all forms), "exact phrases", prefix*, '
                                              "AND, OR, NOT, parentheses.")],
    where: WhereOption = None,
    role: RoleOption = None,
    document: DocumentOption = None,
    limit: Annotated[int, typer.Option(help="Read hits from at most this many turns.")] = 200,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search all documents; finds inflected forms; prints each hit in its context."""
    from qualcode.search.engine import search

    result = search(store_from(ctx), query, filters_from(where, role, document), limit=limit)
    if json_output:
        print_json(result)
        return
    for hit in result.hits:
        who = f"{hit.speaker} ({hit.role})" if hit.role else (hit.speaker or "")
        echo(f"{hit.document} #{hit.turn} {who} [{hit.start}, {hit.end}): "
             f"…{hit.left}[{hit.text}]{hit.right}…")
    more = f" (hits shown from the first {limit})" if result.truncated else ""
    echo(f"{len(result.hits)} hits in {result.turns} turns{more}.")


def autocode_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The search query (see 'qualcode search').")],
    code: Annotated[str, typer.Option(help="The code to apply (name or path).")],
    coder: Annotated[str, typer.Option(help="The coder the codings belong to.")],
    scope: Annotated[str, typer.Option(help="Code the hit, its sentence or its turn.")] = "hit",
    where: WhereOption = None,
    role: RoleOption = None,
    document: DocumentOption = None,
    dry_run: Annotated[bool, typer.Option(help="Only count what would be coded.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Apply a code to every search hit (or its sentence or turn); undo it with 'qualcode undo'."""
    from qualcode.search.autocode import Scope, autocode

    if scope not in Scope.__members__:
        raise InvalidInput(f"--scope must be hit, sentence or turn, not {scope!r}.")
    from qualcode.services.team import acting_coder

    coder = acting_coder(store_from(ctx), coder) or coder
    result = autocode(store_from(ctx), query, code=code, coder=coder, scope=Scope(scope),
                      filters=filters_from(where, role, document), dry_run=dry_run)
    if json_output:
        print_json(result)
        return
    verb = "Would code" if dry_run else "Coded"
    echo(f"{verb} {result.created} {scope} ranges with {result.code} for {coder} "
         f"({result.hits} hits; {result.already_coded} already coded).")
    if result.batch:
        echo(f"Undo with: qualcode undo --coder {coder}")


def undo_command(
    ctx: typer.Context,
    coder: Annotated[str, typer.Option(help="Whose newest change to undo.")],
    batch: Annotated[str | None, typer.Option(help="Undo this change batch instead.")] = None,
) -> None:
    """Undo the coder's newest change (a coding, an autocode run, a memo …)."""
    from qualcode.services.history import undo
    from qualcode.services.team import acting_coder

    result = undo(store_from(ctx), acting_coder(store_from(ctx), coder) or coder, batch)
    echo(f"Undone: {result.description}.")


def redo_command(
    ctx: typer.Context,
    coder: Annotated[str, typer.Option(help="Whose newest undo to redo.")],
) -> None:
    """Redo the coder's newest undo."""
    from qualcode.services.history import redo
    from qualcode.services.team import acting_coder

    result = redo(store_from(ctx), acting_coder(store_from(ctx), coder) or coder)
    echo(f"Redone: {result.description}.")
