"""Options several commands share, declared once: filters, coders, comma lists, output files.

Each is an ``Annotated`` type for a command's signature, with the helper that turns its value
into what the core takes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from qualcode.errors import InvalidInput
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.search.engine import Filters

WhereOption = Annotated[list[str] | None, typer.Option(
    "--where", help="Document variable filter NAME=VALUE; repeat it to combine.")]
RoleOption = Annotated[list[str] | None, typer.Option(
    "--role", help="Only speakers whose role contains this text; repeatable.")]
DocumentOption = Annotated[list[str] | None, typer.Option(
    "--document", help="Only this document; repeatable.")]
CoderFilterOption = Annotated[list[str] | None, typer.Option(
    "--coder", help="Only this coder (or 'consensus'); repeatable.")]
CodersOption = Annotated[str, typer.Option(help="Comma-separated coder names: A,B[,C…].")]
UnitOption = Annotated[str, typer.Option(
    help="paragraph, turn, sentence, character (as NVivo) or segment (as MAXQDA).")]
DocumentsOption = Annotated[str | None, typer.Option(help="Comma-separated document names.")]
BootstrapOption = Annotated[int, typer.Option(
    help="Bootstrap samples for a confidence interval of alpha (0: none).")]


def output_option(help: str = "File to write; the format follows its ending.") -> object:
    """-o/--output FILE, with what the command writes said in ``help``."""
    return Annotated[Path | None, typer.Option("--output", "-o", help=help)]


OutputOption = output_option()
ForceOption = Annotated[bool, typer.Option(help="Overwrite an existing file.")]
ExportLanguageOption = Annotated[str | None, typer.Option(
    "--lang", help=_("Language of the words in the file: de or en (default: the project's "
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
            raise InvalidInput(f"--where {item!r} is not NAME=VALUE.")
        variables.setdefault(name.strip(), []).append(value.strip())
    return variables


def filters_from(where: list[str] | None, role: list[str] | None,
                 document: list[str] | None) -> Filters:
    from qualcode.search.engine import Filters

    return Filters(where_pairs(where), role or [], document or [])
