"""Options several commands share, declared once: filters, coders, comma lists, output files.

Each is an ``Annotated`` type for a command's signature, with the helper that turns its value
into what the core takes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.errors import InvalidInput
from qualcode.i18n import N_, _

if TYPE_CHECKING:
    from qualcode.search.engine import Filters

WhereOption = Annotated[list[str] | None, typer.Option(
    "--where", help=N_("Document variable filter NAME=VALUE; repeat it to combine."))]
RoleOption = Annotated[list[str] | None, typer.Option(
    "--role", help=N_("Only speakers whose role contains this text; repeatable."))]
DocumentOption = Annotated[list[str] | None, typer.Option(
    "--document", help=N_("Only this document; repeatable."))]
CoderFilterOption = Annotated[list[str] | None, typer.Option(
    "--coder", help=N_("Only this coder (or 'consensus'); repeatable."))]
CodersOption = Annotated[str, typer.Option(help=N_("Comma-separated coder names: A,B[,C…]."))]
UnitOption = Annotated[str, typer.Option(
    help=N_("paragraph, turn, sentence, character (as NVivo) or segment (as MAXQDA)."))]
DocumentsOption = Annotated[str | None, typer.Option(
    help=N_("Comma-separated document names."))]
BootstrapOption = Annotated[int, typer.Option(
    help=N_("Bootstrap samples for a confidence interval of alpha (0: none)."))]


def output_option(help: str = N_("File to write; the format follows its ending.")) -> object:
    """-o/--output FILE, with what the command writes said in ``help``."""
    return Annotated[Path | None, typer.Option("--output", "-o", help=help)]


OutputOption = output_option()
ForceOption = Annotated[bool, typer.Option(help=N_("Overwrite an existing file."))]
JsonOption = Annotated[bool, typer.Option("--json", help=N_("Print JSON."))]
AcceptOption = Annotated[Path | None, typer.Option(
    "--accept", help=N_("The reviewed privacy review file: its findings are accepted and "
                        "recorded in the export log."))]
ExportLanguageOption = Annotated[str | None, typer.Option(
    "--lang", help=N_("Language of the words in the file: de or en (default: the project's "
                      "export language)."))]


def comma_list(value: str | None) -> list[str]:
    """'anna, björn,' -> ['anna', 'björn']."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def where_pairs(where: list[str] | None) -> dict[str, list[str]]:
    """--where NAME=VALUE (repeated) -> {NAME: [VALUE, …]}."""
    variables: dict[str, list[str]] = {}
    for item in where or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(_("--where {item!r} is not NAME=VALUE.").format(item=item))
        variables.setdefault(name.strip(), []).append(value.strip())
    return variables


def filters_from(where: list[str] | None, role: list[str] | None,
                 document: list[str] | None) -> Filters:
    from qualcode.search.engine import Filters

    return Filters(where_pairs(where), role or [], document or [])
