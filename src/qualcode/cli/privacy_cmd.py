"""``qualcode privacy check``, ``qualcode exports log`` and ``qualcode erase``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.context import echo, note, print_json, store_from
from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _, ngettext
from qualcode.privacy.findings import KINDS as KIND_LABELS

privacy_app = typer.Typer(help=N_("Find what could identify a person before it leaves."),
                          no_args_is_help=True)
exports_app = typer.Typer(help=N_("What left the project: the export log."),
                          no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]


def register(app: typer.Typer) -> None:
    app.add_typer(privacy_app, name="privacy")
    app.add_typer(exports_app, name="exports")
    app.command("erase", help=N_(
        "Erase a document, or one speaker in it, with codings and audit-log contents."))(erase)


@privacy_app.command("check", help=N_(
    "List passages that may identify a person: where, what kind, and a replacement."))
def check(
    ctx: typer.Context,
    export: Annotated[Path | None, typer.Option(
        "--export", help=N_("Check this exported file (every cell, sheet, header, "
                            "property)."))] = None,
    document: Annotated[list[str] | None, typer.Option(
        "--document", help=N_("Check this document; repeatable."))] = None,
    all_documents: Annotated[bool, typer.Option(
        "--all", help=N_("Check every document of the project."))] = False,
    json_output: JsonOption = False,
) -> None:
    from qualcode.services.privacy import check_documents, check_file

    chosen = sum(bool(x) for x in (export, document, all_documents))
    if chosen != 1:
        raise InvalidInput(_("Give one of --export FILE, --document NAME or --all."))
    store = store_from(ctx)
    if export is not None:
        findings = check_file(store, export)
    else:
        findings = check_documents(store, None if all_documents else document)
    if json_output:
        print_json([{"key": f.key, **vars(f)} for f in findings])
        return
    for found in findings:
        echo(f"{found.document} [{found.start}, {found.end}) {found.where}: "
             f"{_(KIND_LABELS.get(found.kind, found.kind))}")
        echo(f"  {found.context}")
        echo("  -> " + found.suggestion)
    note(ngettext("{n} finding.", "{n} findings.", len(findings)).format(n=len(findings)))


CoderOption = Annotated[str | None, typer.Option(
    help=N_("The coder the entry belongs to (on a team store always yourself)."))]


@privacy_app.command("stop-list", help=N_(  # not translated: a command name
    "The names every check finds, with who added them."))
def show_stop_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from qualcode.services.privacy import stop_entries

    entries = stop_entries(store_from(ctx))
    if json_output:
        print_json(entries)
        return
    for entry in entries:
        echo(f"{entry.name}  ({entry.coder or '-'}, {entry.added_at[:10]})")
    note(ngettext("{n} name on the stop list.", "{n} names on the stop list.", len(entries))
         .format(n=len(entries)))


@privacy_app.command("stop", help=N_("Add a name to the stop list: every check finds it."))
def stop(ctx: typer.Context,
         name: Annotated[str, typer.Argument(help=N_("The name, e.g. a person's."))],
         coder: CoderOption = None) -> None:
    from qualcode.services.privacy import add_to_stop_list

    if add_to_stop_list(store_from(ctx), name, actor=coder):
        echo(_("Added the name to the stop list."))
    else:
        echo(_("The name is on the stop list already."))


@privacy_app.command("unstop", help=N_(
    "Take a name off the stop list (on a team store: one you added)."))
def unstop(ctx: typer.Context,
           name: Annotated[str, typer.Argument(help=N_("The name as listed."))],
           coder: CoderOption = None) -> None:
    from qualcode.services.privacy import remove_from_stop_list

    remove_from_stop_list(store_from(ctx), name, actor=coder)
    echo(_("Took the name off the stop list."))


@privacy_app.command("not-identifying", help=N_(  # not translated: a command name
    "Mark a passage of a document as identifying nobody: its words are quiet there."))
def not_identifying(
    ctx: typer.Context,
    document: Annotated[str, typer.Option(help=N_("The document."))],
    start: Annotated[int, typer.Option(help=N_("First code point of the passage."))],
    end: Annotated[int, typer.Option(help=N_("Code point after the passage."))],
    coder: CoderOption = None,
) -> None:
    from qualcode.services.privacy import mark_not_identifying

    mark_not_identifying(store_from(ctx), document, start, end, actor=coder)
    echo(_("Marked the passage as not identifying."))


@exports_app.command("log", help=N_(
    "Every file that left the project: when, by whom, what, its SHA-256, what was accepted."))
def exports_log(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from qualcode.services.privacy import export_log

    entries = export_log(store_from(ctx))
    if json_output:
        print_json(entries)
        return
    for entry in entries:
        echo(_("{at}  {by}  {what}  {file}  sha256 {sha}  findings {n}, accepted {accepted}")
             .format(at=entry.at, by=entry.by, what=entry.what, file=entry.file,
                     sha=entry.sha256[:16], n=entry.findings, accepted=len(entry.accepted)))


def erase(
    ctx: typer.Context,
    document: Annotated[str, typer.Option(help=N_("The document to erase (or the speaker's "
                                                  "document)."))],
    speaker: Annotated[str | None, typer.Option(
        help=N_("Erase only this speaker's turns (the label, e.g. TN2)."))] = None,
    yes: Annotated[bool, typer.Option("--yes", help=N_("Do not ask to confirm."))] = False,
) -> None:
    from qualcode.services.erasure import erase_document, erase_speaker
    from qualcode.services.privacy import current_user

    if not yes and not typer.confirm(_("Erase for good? This cannot be undone."),
                                     default=False):
        raise typer.Exit(1)
    store = store_from(ctx)
    if speaker is None:
        erased = erase_document(store, document, actor=current_user())
    else:
        erased = erase_speaker(store, speaker, document, actor=current_user())
    echo(_("Erased: {turns} turns, {codings} codings, {memos} memos; {entries} audit-log "
           "entries tombstoned; search index and lexicon updated.")
         .format(turns=erased.turns, codings=erased.codings, memos=erased.memos,
                 entries=erased.audit_entries))
